import Columnar
import TarnCore

/// Rewrites subqueries into joins, so execution never runs a subquery per row:
///
/// - `EXISTS (…)` / `NOT EXISTS (…)` conjuncts → semi / anti join; correlated predicates
///   (`inner.k = outer.k`) are pulled out of the subquery's filters into the join condition.
/// - `x IN (SELECT y …)` → semi join on `x = y`; `NOT IN` → null-aware anti join (a NULL on
///   either side makes the row not qualify, as SQL's three-valued logic demands).
/// - scalar subqueries → a LEFT join with a single-row check when uncorrelated; when correlated
///   through equalities under an aggregate, the correlation columns become group keys and the
///   join is on them (`count` results are coalesced to 0 for keys with no rows).
///
/// Other shapes (EXISTS under OR, correlation under LIMIT or through non-equalities into an
/// aggregate) raise `TarnError(.unsupported)`.
public struct SubqueryDecorrelation: OptimizerRule {
    /// Creates the rule.
    public init() {}
    /// `subquery_decorrelation`.
    public var name: String { "subquery_decorrelation" }

    /// Rewrites every subquery in the plan.
    public func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
        try plan.transformUp { node in
            switch node {
            case .filter(let n) where hasSubquery(n.predicate):
                var input = n.input
                var remaining: [Expr] = []
                for conjunct in n.predicate.conjuncts {
                    switch conjunct {
                    case .subquery(let sub) where sub.kind != .scalar:
                        input = try semiJoin(input, sub, anti: false, context)
                    case .not(.subquery(let sub)) where sub.kind != .scalar:
                        input = try semiJoin(input, sub, anti: true, context)
                    default:
                        remaining.append(conjunct)
                    }
                }
                var predicate = Expr.conjunction(remaining)
                let original = n.input.outputs
                predicate = try attachScalars(predicate, &input, context)
                var result: LogicalPlan = remaining.isEmpty ? input : .filter(FilterNode(input: input, predicate: predicate))
                if result.outputs != original {
                    result = .project(ProjectNode(input: result, items: original.map { NamedExpr($0, .column($0)) }))
                }
                return result
            case .project(var n) where n.items.contains(where: { hasSubquery($0.expr) }):
                var input = n.input
                var items: [NamedExpr] = []
                for item in n.items {
                    items.append(NamedExpr(item.ref, try attachScalars(item.expr, &input, context)))
                }
                n.input = input
                n.items = items
                return .project(n)
            default:
                if node.expressions.contains(where: hasSubquery) {
                    throw TarnError(.unsupported, "subqueries are only supported in WHERE, HAVING and the select list")
                }
                return node
            }
        }
    }

    private func hasSubquery(_ e: Expr) -> Bool {
        e.contains { if case .subquery = $0 { true } else { false } }
    }

    /// Decorrelates the subquery's own plan first (nested subqueries).
    private func inner(_ sub: SubqueryExpr, _ context: OptimizerContext) throws -> LogicalPlan {
        try apply(sub.plan, context)
    }

    private func semiJoin(_ input: LogicalPlan, _ sub: SubqueryExpr, anti: Bool, _ context: OptimizerContext) throws -> LogicalPlan {
        let outer = Set(sub.outerReferences)
        var subPlan = try inner(sub, context)
        if sub.kind == .exists, case .project(let p) = subPlan, !outer.isEmpty {
            // EXISTS ignores the select list; dropping it keeps correlated columns reachable.
            subPlan = p.input
        }
        let (decorrelated, predicates) = try pullUp(subPlan, outer: outer, context)
        try requireUncorrelated(decorrelated, outer)
        let leftSet = Set(input.outputs), rightSet = Set(decorrelated.outputs)
        var leftKeys: [Expr] = [], rightKeys: [Expr] = [], residual: [Expr] = []
        if sub.kind == .inSubquery, let probe = sub.probe {
            leftKeys.append(probe)
            rightKeys.append(.column(subPlan.outputs[0]))
        }
        for predicate in predicates {
            if case .compare(.equal, let a, let b) = predicate {
                if a.columns.isSubset(of: leftSet), !a.columns.isEmpty, b.columns.isSubset(of: rightSet), !b.columns.isEmpty {
                    leftKeys.append(a); rightKeys.append(b); continue
                }
                if b.columns.isSubset(of: leftSet), !b.columns.isEmpty, a.columns.isSubset(of: rightSet), !a.columns.isEmpty {
                    leftKeys.append(b); rightKeys.append(a); continue
                }
            }
            residual.append(predicate)
        }
        return .join(JoinNode(
            left: input, right: decorrelated, kind: anti ? .anti : .semi, leftKeys: leftKeys, rightKeys: rightKeys,
            residual: residual.isEmpty ? nil : Expr.conjunction(residual), nullAware: anti && sub.kind == .inSubquery))
    }

    /// Replaces scalar subqueries in `expr` by columns of LEFT joins added to `input`.
    private func attachScalars(_ expr: Expr, _ input: inout LogicalPlan, _ context: OptimizerContext) throws -> Expr {
        var failure: Error? = nil
        var current = input
        let rewritten = expr.transformDown { e -> Expr? in
            guard failure == nil, case .subquery(let sub) = e else { return nil }
            guard sub.kind == .scalar else {
                failure = TarnError(.unsupported, "EXISTS and IN subqueries are only supported as WHERE conjuncts")
                return e
            }
            do {
                let (joined, value) = try scalarJoin(current, sub, context)
                current = joined
                return value
            } catch {
                failure = error
                return e
            }
        }
        if let failure { throw failure }
        input = current
        return rewritten
    }

    private func scalarJoin(_ input: LogicalPlan, _ sub: SubqueryExpr, _ context: OptimizerContext) throws -> (LogicalPlan, Expr) {
        let subPlan = try inner(sub, context)
        let value = subPlan.outputs[0]
        if sub.outerReferences.isEmpty {
            let join = JoinNode(left: input, right: subPlan, kind: .left, enforceSingleRow: true)
            return (.join(join), .column(value))
        }
        let outer = Set(sub.outerReferences)
        let (decorrelated, predicates) = try pullUp(subPlan, outer: outer, context, groupCorrelation: true)
        try requireUncorrelated(decorrelated, outer)
        let leftSet = Set(input.outputs), rightSet = Set(decorrelated.outputs)
        var leftKeys: [Expr] = [], rightKeys: [Expr] = []
        for predicate in predicates {
            guard case .compare(.equal, let a, let b) = predicate else {
                throw TarnError(.unsupported, "correlated scalar subqueries must correlate through equalities")
            }
            if a.columns.isSubset(of: leftSet), b.columns.isSubset(of: rightSet) {
                leftKeys.append(a); rightKeys.append(b)
            } else if b.columns.isSubset(of: leftSet), a.columns.isSubset(of: rightSet) {
                leftKeys.append(b); rightKeys.append(a)
            } else {
                throw TarnError(.unsupported, "correlated scalar subquery predicate \(predicate) is not supported")
            }
        }
        let join = JoinNode(left: input, right: decorrelated, kind: .left, leftKeys: leftKeys, rightKeys: rightKeys, enforceSingleRow: true)
        var result = Expr.column(value)
        if isCount(subPlan, value) { result = .coalesce([result, .literal(.int(0), .int64)], .int64) }
        return (.join(join), result)
    }

    private func isCount(_ plan: LogicalPlan, _ ref: ColumnRef) -> Bool {
        switch plan {
        case .project(let n):
            guard let item = n.items.first(where: { $0.ref == ref }), case .column(let source) = item.expr else { return false }
            return isCount(n.input, source)
        case .aggregate(let n):
            guard let agg = n.aggregates.first(where: { $0.ref == ref }) else { return false }
            return [.count, .countStar, .countIf, .approxDistinct].contains(agg.call.function)
        default: return false
        }
    }

    private func requireUncorrelated(_ plan: LogicalPlan, _ outer: Set<ColumnRef>) throws {
        var stack = [plan]
        while let node = stack.popLast() {
            for expr in node.expressions where !expr.columns.isDisjoint(with: outer) {
                throw TarnError(.unsupported, "correlated subquery: the reference to an outer column in \(node.headline) cannot be decorrelated")
            }
            stack.append(contentsOf: node.inputs)
        }
    }

    /// Removes predicates that mention outer columns from the subquery plan and returns them,
    /// keeping the inner columns they need visible at the top.
    private func pullUp(_ plan: LogicalPlan, outer: Set<ColumnRef>, _ context: OptimizerContext, groupCorrelation: Bool = false) throws -> (LogicalPlan, [Expr]) {
        switch plan {
        case .filter(let n):
            let (input, pulled) = try pullUp(n.input, outer: outer, context, groupCorrelation: groupCorrelation)
            var keep: [Expr] = [], correlated: [Expr] = []
            for conjunct in n.predicate.conjuncts {
                if conjunct.columns.isDisjoint(with: outer) { keep.append(conjunct) } else { correlated.append(conjunct) }
            }
            let node: LogicalPlan = keep.isEmpty ? input : .filter(FilterNode(input: input, predicate: Expr.conjunction(keep)))
            return (node, pulled + correlated)
        case .project(var n):
            let (input, pulled) = try pullUp(n.input, outer: outer, context, groupCorrelation: groupCorrelation)
            n.input = input
            let available = Set(n.items.map(\.ref))
            for predicate in pulled {
                for ref in predicate.columns where !outer.contains(ref) && !available.contains(ref) && !n.items.contains(where: { $0.ref == ref }) {
                    n.items.append(NamedExpr(ref, .column(ref)))
                }
            }
            return (.project(n), pulled)
        case .sort(var n):
            let (input, pulled) = try pullUp(n.input, outer: outer, context, groupCorrelation: groupCorrelation)
            if !pulled.isEmpty && n.limit != nil {
                throw TarnError(.unsupported, "correlated subqueries with ORDER BY … LIMIT are not supported")
            }
            n.input = input
            return (.sort(n), pulled)
        case .aggregate(var n):
            let (input, pulled) = try pullUp(n.input, outer: outer, context, groupCorrelation: groupCorrelation)
            if pulled.isEmpty { return (plan, []) }
            guard groupCorrelation || true else { return (plan, []) }
            // Each correlation `inner = outer` becomes a group key so the aggregate runs per key.
            var rewritten: [Expr] = []
            n.input = input
            let inputSet = Set(input.outputs)
            for predicate in pulled {
                guard case .compare(.equal, let a, let b) = predicate else {
                    throw TarnError(.unsupported, "correlated subqueries with aggregates must correlate through equalities")
                }
                let (innerSide, outerSide): (Expr, Expr)
                if a.columns.isSubset(of: inputSet) && b.columns.isSubset(of: outer) {
                    (innerSide, outerSide) = (a, b)
                } else if b.columns.isSubset(of: inputSet) && a.columns.isSubset(of: outer) {
                    (innerSide, outerSide) = (b, a)
                } else {
                    throw TarnError(.unsupported, "correlated predicate \(predicate) mixes inner and outer columns")
                }
                let key: ColumnRef
                if let existing = n.groups.first(where: { $0.expr == innerSide }) {
                    key = existing.ref
                } else {
                    key = context.newColumn("_corr", innerSide.type)
                    n.groups.append(NamedExpr(key, innerSide))
                }
                rewritten.append(.compare(.equal, .column(key), outerSide))
            }
            return (.aggregate(n), rewritten)
        case .limit(let n):
            let (_, pulled) = try pullUp(n.input, outer: outer, context, groupCorrelation: groupCorrelation)
            if !pulled.isEmpty { throw TarnError(.unsupported, "correlated subqueries with LIMIT are not supported") }
            return (plan, [])
        default:
            return (plan, [])
        }
    }
}
