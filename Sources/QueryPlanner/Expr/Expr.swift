import Columnar

/// A bound, typed scalar expression over `ColumnRef`s.
public indirect enum Expr: Hashable, Sendable {
    /// A column of the input.
    case column(ColumnRef)
    /// A constant; `.null` literals carry the type they were coerced to.
    case literal(Value, DataType)
    /// A scalar function (see `ScalarFunction`), with its resolved result type.
    case call(ScalarFunction, [Expr], DataType)
    /// A conversion; `safe` (TRY_CAST) yields NULL instead of failing.
    case cast(Expr, DataType, safe: Bool)
    /// Conjunction with three-valued logic.
    case and([Expr])
    /// Disjunction with three-valued logic.
    case or([Expr])
    /// Negation.
    case not(Expr)
    /// A comparison of two values of the same type.
    case compare(CompareOperator, Expr, Expr)
    /// Arithmetic on two values already coerced to the operation's input types.
    case arithmetic(ArithmeticOperator, Expr, Expr, DataType)
    /// `x IS NULL`.
    case isNull(Expr)
    /// `x IN (list)` (all coerced to one type).
    case inList(Expr, [Expr])
    /// `x LIKE pattern [ESCAPE e]`.
    case like(Expr, pattern: Expr, escape: Expr?)
    /// Searched CASE: the first true condition picks its result.
    case caseWhen(conditions: [Expr], results: [Expr], otherwise: Expr?, DataType)
    /// First non-null argument.
    case coalesce([Expr], DataType)
    /// `IS DISTINCT FROM`: NULL-safe inequality.
    case isDistinctFrom(Expr, Expr)
    /// A subquery, replaced by a join during decorrelation.
    case subquery(SubqueryExpr)

    /// The result type.
    public var type: DataType {
        switch self {
        case .column(let ref): ref.type
        case .literal(_, let type): type
        case .call(_, _, let type): type
        case .cast(_, let type, _): type
        case .and, .or, .not, .compare, .isNull, .inList, .like, .isDistinctFrom: .boolean
        case .arithmetic(_, _, _, let type): type
        case .caseWhen(_, _, _, let type): type
        case .coalesce(_, let type): type
        case .subquery(let sub): sub.type
        }
    }

    /// The direct children.
    public var children: [Expr] {
        switch self {
        case .column, .literal, .subquery: []
        case .call(_, let args, _): args
        case .cast(let e, _, _), .not(let e), .isNull(let e): [e]
        case .and(let items), .or(let items), .coalesce(let items, _): items
        case .compare(_, let l, let r), .arithmetic(_, let l, let r, _), .isDistinctFrom(let l, let r): [l, r]
        case .inList(let e, let items): [e] + items
        case .like(let e, let p, let esc): [e, p] + (esc.map { [$0] } ?? [])
        case .caseWhen(let c, let r, let o, _): c + r + (o.map { [$0] } ?? [])
        }
    }

    /// Rebuilds the node with new children (same count and order as `children`).
    public func withChildren(_ new: [Expr]) -> Expr {
        switch self {
        case .column, .literal, .subquery: return self
        case .call(let f, _, let t): return .call(f, new, t)
        case .cast(_, let t, let safe): return .cast(new[0], t, safe: safe)
        case .not: return .not(new[0])
        case .isNull: return .isNull(new[0])
        case .and: return .and(new)
        case .or: return .or(new)
        case .coalesce(_, let t): return .coalesce(new, t)
        case .compare(let op, _, _): return .compare(op, new[0], new[1])
        case .arithmetic(let op, _, _, let t): return .arithmetic(op, new[0], new[1], t)
        case .isDistinctFrom: return .isDistinctFrom(new[0], new[1])
        case .inList: return .inList(new[0], Array(new.dropFirst()))
        case .like(_, _, let esc): return .like(new[0], pattern: new[1], escape: esc == nil ? nil : new[2])
        case .caseWhen(let c, _, let o, let t):
            let n = c.count
            return .caseWhen(conditions: Array(new[0..<n]), results: Array(new[n..<2 * n]), otherwise: o == nil ? nil : new[2 * n], t)
        }
    }

    /// Applies `rewrite` bottom-up: children first, then the node.
    public func transformUp(_ rewrite: (Expr) throws -> Expr) rethrows -> Expr {
        let kids = children
        let node = kids.isEmpty ? self : withChildren(try kids.map { try $0.transformUp(rewrite) })
        return try rewrite(node)
    }

    /// Applies `rewrite` top-down; when it returns non-nil the subtree is replaced and not visited.
    public func transformDown(_ rewrite: (Expr) throws -> Expr?) rethrows -> Expr {
        if let replaced = try rewrite(self) { return replaced }
        let kids = children
        return kids.isEmpty ? self : withChildren(try kids.map { try $0.transformDown(rewrite) })
    }

    /// Every column referenced (not looking into subquery plans).
    public var columns: Set<ColumnRef> {
        var result = Set<ColumnRef>()
        collectColumns(&result)
        return result
    }

    private func collectColumns(_ into: inout Set<ColumnRef>) {
        switch self {
        case .column(let ref): into.insert(ref)
        case .subquery(let sub):
            if let probe = sub.probe { probe.collectColumns(&into) }
            for ref in sub.outerReferences { into.insert(ref) }
        default: for child in children { child.collectColumns(&into) }
        }
    }

    /// Whether any node satisfies `predicate`.
    public func contains(where predicate: (Expr) -> Bool) -> Bool {
        if predicate(self) { return true }
        return children.contains { $0.contains(where: predicate) }
    }

    /// Whether the expression is a constant (no columns, no subqueries, deterministic).
    public var isConstant: Bool {
        !contains { e in
            switch e {
            case .column, .subquery: true
            case .call(let f, _, _): !f.isDeterministic
            default: false
            }
        }
    }

    /// The conjuncts of an AND tree (a non-AND expression is one conjunct).
    public var conjuncts: [Expr] {
        if case .and(let items) = self { return items.flatMap(\.conjuncts) }
        return [self]
    }

    /// AND of `items`, or TRUE when empty.
    public static func conjunction(_ items: [Expr]) -> Expr {
        let flat = items.flatMap(\.conjuncts)
        if flat.isEmpty { return .literal(.bool(true), .boolean) }
        return flat.count == 1 ? flat[0] : .and(flat)
    }

    /// A NULL of `type`.
    public static func null(_ type: DataType) -> Expr { .literal(.null, type) }

    /// Replaces column references by the mapped expressions.
    public func substitute(_ mapping: [ColumnRef: Expr]) -> Expr {
        if mapping.isEmpty { return self }
        return transformDown { e in
            if case .column(let ref) = e { return mapping[ref] ?? e }
            if case .subquery(var sub) = e {
                sub.probe = sub.probe?.substitute(mapping)
                return .subquery(sub)
            }
            return nil
        }
    }
}

/// Comparison operators.
public enum CompareOperator: String, Hashable, Sendable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    public var flipped: CompareOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }
}

/// Arithmetic operators.
public enum ArithmeticOperator: String, Hashable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
}

/// A subquery used as a value, an EXISTS test or an IN test.
public struct SubqueryExpr: Hashable, Sendable {
    /// How the subquery is used.
    public enum Kind: Hashable, Sendable {
        /// `(SELECT x …)`: one value, NULL when no row, error when more than one.
        case scalar
        /// `EXISTS (…)`.
        case exists
        /// `probe IN (SELECT x …)`.
        case inSubquery
    }
    /// The use.
    public var kind: Kind
    /// The subquery plan; its single output column is the value (scalar, IN).
    public var plan: LogicalPlan
    /// For IN: the left-hand value.
    public var probe: Expr?
    /// Outer columns the subquery refers to (correlation).
    public var outerReferences: [ColumnRef]
    /// A number unique within the query (subqueries compare by it).
    public var id: Int
    /// The value type (boolean for EXISTS / IN).
    public var type: DataType

    /// Creates a marker.
    public init(kind: Kind, plan: LogicalPlan, probe: Expr?, outerReferences: [ColumnRef], id: Int, type: DataType) {
        self.kind = kind
        self.plan = plan
        self.probe = probe
        self.outerReferences = outerReferences
        self.id = id
        self.type = type
    }

    /// Compares by id and probe.
    public static func == (lhs: SubqueryExpr, rhs: SubqueryExpr) -> Bool { lhs.id == rhs.id && lhs.probe == rhs.probe }
    /// Hashes the id.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
