/// Moves LIMIT towards the data: `Limit(Sort)` becomes a top-N sort, a limit passes through
/// projections and into UNION ALL inputs, and a scan directly under a limit is told how many
/// rows are enough so it can stop reading (the LIMIT short-circuit).
public struct LimitPushdown: OptimizerRule {
    /// Creates the rule.
    public init() {}
    /// `limit_pushdown`.
    public var name: String { "limit_pushdown" }

    /// Pushes every limit as far as it can go.
    public func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
        plan.transformUp { node in
            guard case .limit(let limit) = node, let count = limit.limit else { return node }
            let needed = count + limit.offset
            return .limit(LimitNode(input: push(needed, into: limit.input), limit: limit.limit, offset: limit.offset))
        }
    }

    private func push(_ needed: Int, into plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .sort(var n):
            n.limit = min(n.limit ?? needed, needed)
            return .sort(n)
        case .project(var n):
            n.input = push(needed, into: n.input)
            return .project(n)
        case .scan(var n):
            n.limit = min(n.limit ?? needed, needed)
            return .scan(n)
        case .union(var n):
            n.inputs = n.inputs.map { .limit(LimitNode(input: push(needed, into: $0), limit: needed)) }
            return .union(n)
        case .limit(var n):
            if let inner = n.limit { n.limit = min(inner, max(0, needed - n.offset)) } else { n.limit = max(0, needed - n.offset) }
            return .limit(n)
        default:
            return plan
        }
    }
}
