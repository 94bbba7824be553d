/// Removes columns nobody uses: scan columns (so formats read fewer column chunks), projection
/// items, aggregate calls and window functions whose outputs are not referenced above them.
public struct ProjectionPruning: OptimizerRule {
    /// Creates the rule.
    public init() {}
    /// `projection_pruning`.
    public var name: String { "projection_pruning" }

    /// Prunes top-down from the query's outputs.
    public func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
        prune(plan, required: Set(plan.outputs))
    }

    private func refs(_ exprs: [Expr]) -> Set<ColumnRef> {
        var result = Set<ColumnRef>()
        for expr in exprs { result.formUnion(expr.columns) }
        return result
    }

    private func prune(_ plan: LogicalPlan, required: Set<ColumnRef>) -> LogicalPlan {
        switch plan {
        case .scan(var n):
            let needed = required.union(refs(n.filters))
            n.columns = n.columns.filter { needed.contains($0.ref) }
            return .scan(n)
        case .values:
            return plan
        case .filter(var n):
            n.input = prune(n.input, required: required.union(n.predicate.columns))
            return .filter(n)
        case .project(var n):
            n.items = n.items.filter { required.contains($0.ref) }
            n.input = prune(n.input, required: refs(n.items.map(\.expr)))
            // A projection that only passes its input through in the same order is redundant.
            if n.items.allSatisfy({ if case .column(let r) = $0.expr { r == $0.ref } else { false } }),
                n.items.map(\.ref) == n.input.outputs
            {
                return n.input
            }
            return .project(n)
        case .aggregate(var n):
            n.aggregates = n.aggregates.filter { required.contains($0.ref) }
            let needed = refs(n.groups.map(\.expr) + n.aggregates.flatMap { $0.call.arguments + ($0.call.filter.map { [$0] } ?? []) })
            n.input = prune(n.input, required: needed)
            return .aggregate(n)
        case .join(var n):
            let needed = required.union(refs(n.leftKeys + n.rightKeys + (n.residual.map { [$0] } ?? [])))
            n.left = prune(n.left, required: needed.intersection(n.left.outputs))
            n.right = prune(n.right, required: needed.intersection(n.right.outputs))
            return .join(n)
        case .sort(var n):
            n.input = prune(n.input, required: required.union(refs(n.keys.map(\.expr))))
            return .sort(n)
        case .limit(var n):
            n.input = prune(n.input, required: required)
            return .limit(n)
        case .window(var n):
            n.functions = n.functions.filter { required.contains($0.ref) }
            if n.functions.isEmpty { return prune(n.input, required: required) }
            let needed = required.union(refs(n.functions.flatMap { $0.call.arguments + $0.call.partitionBy + $0.call.orderBy.map(\.expr) }))
            n.input = prune(n.input, required: needed.intersection(n.input.outputs))
            return .window(n)
        case .union(var n):
            // Inputs map positionally; keep every column so positions stay aligned.
            n.inputs = n.inputs.map { prune($0, required: Set($0.outputs)) }
            return .union(n)
        }
    }
}
