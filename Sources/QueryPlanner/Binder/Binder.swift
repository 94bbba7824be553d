import Columnar
import SQLParser
import TarnCore

/// Options that change how SQL is interpreted (Trino session properties).
public struct BinderOptions: Sendable {
    /// Trino's `parse_decimal_literals_as_double`: `1.5` is a DOUBLE instead of DECIMAL(2,1).
    public var parseDecimalLiteralsAsDouble: Bool
    /// The instant `current_date` / `current_timestamp` evaluate to (microseconds since the epoch, UTC).
    public var currentTimestampMicros: Int64

    /// Creates options; the current time defaults to the real clock.
    public init(parseDecimalLiteralsAsDouble: Bool = false, currentTimestampMicros: Int64? = nil) {
        self.parseDecimalLiteralsAsDouble = parseDecimalLiteralsAsDouble
        self.currentTimestampMicros = currentTimestampMicros ?? Int64((SystemClock().now().timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// A bound query: the plan and the names of its output columns.
public struct BoundQuery: Sendable {
    /// The plan; its `outputs` are the result columns in order.
    public var plan: LogicalPlan
    /// Result column names as the user sees them.
    public var names: [String]

    /// Creates a bound query.
    public init(plan: LogicalPlan, names: [String]) {
        self.plan = plan
        self.names = names
    }
}

/// Resolves a parsed query against a catalog into a typed `LogicalPlan`.
///
/// Split by aspect: `Binder+Relation` (FROM, joins, USING), `Binder+Select` (select lists,
/// aggregation, windows, ORDER BY), `Binder+Expression` (scalar expressions and coercions),
/// `Binder+Functions` (function signatures).
///
/// Errors are Trino's: `TarnError(.semanticError, "line 1:8: Column 'x' cannot be resolved")`.
public final class Binder {
    let catalog: any Catalog
    let options: BinderOptions
    var nextColumnID = 0
    var nextTableID = 0
    var nextSubqueryID = 0
    /// Outer references collected while binding each enclosing subquery (innermost last).
    var correlation: [[ColumnRef]] = []
    /// CTEs visible at the current point.
    var ctes: [String: CTEDefinition] = [:]

    /// Creates a binder.
    public init(catalog: any Catalog, options: BinderOptions = BinderOptions()) {
        self.catalog = catalog
        self.options = options
    }

    /// Binds a query.
    /// - Throws: `TarnError` with `.semanticError`, `.typeMismatch` or `.unsupported`, the message
    ///   starting with `line L:C:`.
    public func bind(_ query: Query) throws -> BoundQuery {
        let (plan, names) = try bindQuery(query, outer: nil)
        return BoundQuery(plan: plan, names: names)
    }

    func newColumn(_ name: String, _ type: DataType) -> ColumnRef {
        nextColumnID += 1
        return ColumnRef(id: nextColumnID, name: name, type: type)
    }

    func semanticError(_ location: SourceLocation, _ message: String) -> TarnError {
        TarnError(.semanticError, "line \(location): \(message)")
    }

    func typeError(_ location: SourceLocation, _ message: String) -> TarnError {
        TarnError(.typeMismatch, "line \(location): \(message)")
    }

    // MARK: Queries

    /// Binds a query with its WITH clause, set operations, ORDER BY and LIMIT.
    func bindQuery(_ query: Query, outer: Scope?) throws -> (LogicalPlan, [String]) {
        let savedCTEs = ctes
        defer { ctes = savedCTEs }
        for cte in query.with {
            ctes[cte.name.canonical] = CTEDefinition(query: cte.query, columnAliases: cte.columns, visible: ctes)
        }
        // A plain SELECT binds its ORDER BY against the select list and input together.
        if case .select(let select) = query.body {
            return try bindSelect(select, orderBy: query.orderBy, limit: query.limit, offset: query.offset, outer: outer)
        }
        var (plan, names) = try bindBody(query.body, outer: outer)
        if !query.orderBy.isEmpty {
            let outputs = plan.outputs
            var keys: [SortKey] = []
            for item in query.orderBy {
                let scope = Scope(
                    columns: zip(names, outputs).map { ScopeColumn(qualifier: [], name: $0.lowercased(), ref: $1) }, parent: outer)
                let expr: Expr
                if case .literal(.integer(let text)) = item.expression.kind, let ordinal = Int(text) {
                    guard ordinal >= 1, ordinal <= outputs.count else {
                        throw semanticError(item.expression.location, "ORDER BY position \(ordinal) is not in select list")
                    }
                    expr = .column(outputs[ordinal - 1])
                } else {
                    expr = try bindExpression(item.expression, ExpressionContext(scope: scope))
                }
                keys.append(SortKey(expr, ascending: item.ascending, nullsFirst: item.nullsFirst ?? false))
            }
            plan = .sort(SortNode(input: plan, keys: keys))
        }
        plan = try applyLimit(plan, limit: query.limit, offset: query.offset)
        return (plan, names)
    }

    func applyLimit(_ plan: LogicalPlan, limit: Expression?, offset: Expression?) throws -> LogicalPlan {
        func count(_ e: Expression?) throws -> Int? {
            guard let e else { return nil }
            guard case .literal(.integer(let text)) = e.kind, let value = Int(text), value >= 0 else {
                throw semanticError(e.location, "LIMIT and OFFSET must be non-negative integer constants")
            }
            return value
        }
        let limitValue = try count(limit)
        let offsetValue = try count(offset) ?? 0
        if limitValue == nil && offsetValue == 0 { return plan }
        return .limit(LimitNode(input: plan, limit: limitValue, offset: offsetValue))
    }

    func bindBody(_ body: QueryBody, outer: Scope?) throws -> (LogicalPlan, [String]) {
        switch body {
        case .select(let select):
            return try bindSelect(select, orderBy: [], limit: nil, offset: nil, outer: outer)
        case .nested(let query):
            return try bindQuery(query, outer: outer)
        case .values(let rows):
            return try bindValues(rows, outer: outer)
        case .setOperation(let op, let all, let leftBody, let rightBody):
            let (left, names) = try bindBody(leftBody, outer: outer)
            let (right, _) = try bindBody(rightBody, outer: outer)
            let leftOut = left.outputs, rightOut = right.outputs
            guard leftOut.count == rightOut.count else {
                throw semanticError(.start, "\(op.rawValue) query has different number of fields: \(leftOut.count), \(rightOut.count)")
            }
            var types: [DataType] = []
            for (index, (l, r)) in zip(leftOut, rightOut).enumerated() {
                // A bare NULL column takes the other side's type (Trino's `unknown` type).
                if isNullColumn(left, index) { types.append(r.type); continue }
                if isNullColumn(right, index) { types.append(l.type); continue }
                guard let t = SQLTypes.commonSuperType(l.type, r.type) else {
                    throw typeError(.start, "column types of \(op.rawValue) do not match: \(SQLTypes.name(l.type)), \(SQLTypes.name(r.type))")
                }
                types.append(t)
            }
            let leftAligned = align(left, to: types)
            let rightAligned = align(right, to: types)
            let columns = zip(names, types).map { newColumn($0, $1) }
            switch op {
            case .union:
                var plan = LogicalPlan.union(UnionNode(inputs: [leftAligned, rightAligned], columns: columns))
                if !all { plan = distinct(plan) }
                return (plan, names)
            case .intersect, .except:
                if all { throw TarnError(.unsupported, "\(op.rawValue) ALL is not supported") }
                let l = distinct(leftAligned)
                let join = JoinNode(
                    left: l, right: rightAligned, kind: op == .intersect ? .semi : .anti,
                    leftKeys: l.outputs.map { .column($0) }, rightKeys: rightAligned.outputs.map { .column($0) }, nullsEqual: true)
                let items = zip(columns, l.outputs).map { NamedExpr($0, .column($1)) }
                return (.project(ProjectNode(input: .join(join), items: items)), names)
            }
        }
    }

    /// Whether output `index` of `plan` is a NULL literal (through projections, sorts, limits
    /// and unions of NULL literals).
    func isNullColumn(_ plan: LogicalPlan, _ index: Int) -> Bool {
        switch plan {
        case .project(let n):
            guard index < n.items.count else { return false }
            if case .literal(.null, _) = n.items[index].expr { return true }
            if case .column(let ref) = n.items[index].expr, let inner = n.input.outputs.firstIndex(of: ref) {
                return isNullColumn(n.input, inner)
            }
            return false
        case .values(let n): return n.rows.allSatisfy { if case .literal(.null, _) = $0[index] { true } else { false } }
        case .sort(let n): return isNullColumn(n.input, index)
        case .limit(let n): return isNullColumn(n.input, index)
        case .union(let n): return n.inputs.allSatisfy { isNullColumn($0, index) }
        default: return false
        }
    }

    /// Casts a plan's outputs to `types` (a projection when any differs).
    func align(_ plan: LogicalPlan, to types: [DataType]) -> LogicalPlan {
        let outputs = plan.outputs
        if zip(outputs, types).allSatisfy({ $0.type == $1 }) { return plan }
        let items = zip(outputs, types).map { ref, type in
            NamedExpr(newColumn(ref.name, type), ref.type == type ? .column(ref) : coerce(.column(ref), to: type))
        }
        return .project(ProjectNode(input: plan, items: items))
    }

    /// `SELECT DISTINCT` over all outputs: an aggregate with only group keys.
    func distinct(_ plan: LogicalPlan) -> LogicalPlan {
        let groups = plan.outputs.map { NamedExpr(newColumn($0.name, $0.type), .column($0)) }
        return .aggregate(AggregateNode(input: plan, groups: groups, aggregates: []))
    }

    func bindValues(_ rows: [[Expression]], outer: Scope?) throws -> (LogicalPlan, [String]) {
        let scope = Scope(columns: [], parent: outer)
        var bound: [[Expr]] = []
        for row in rows {
            bound.append(try row.map { try bindExpression($0, ExpressionContext(scope: scope)) })
        }
        guard let width = bound.first?.count, bound.allSatisfy({ $0.count == width }) else {
            throw semanticError(.start, "VALUES rows have different numbers of columns")
        }
        var types: [DataType] = []
        for column in 0..<width {
            var type = bound[0][column].type
            for row in bound.dropFirst() {
                let t = row[column].type
                if case .literal(.null, _) = row[column] { continue }
                if case .literal(.null, _) = bound[0][column], type == bound[0][column].type { type = t; continue }
                guard let common = SQLTypes.commonSuperType(type, t) else {
                    throw typeError(.start, "VALUES column \(column + 1) has incompatible types \(SQLTypes.name(type)), \(SQLTypes.name(t))")
                }
                type = common
            }
            types.append(type)
        }
        let names = (0..<width).map { "_col\($0)" }
        let columns = zip(names, types).map { newColumn($0, $1) }
        let coerced = bound.map { row in zip(row, types).map { coerce($0, to: $1) } }
        return (.values(ValuesNode(columns: columns, rows: coerced)), names)
    }
}
