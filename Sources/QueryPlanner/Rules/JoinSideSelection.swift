/// Builds the hash table on the smaller input: when the left (probe) side of an inner, left or
/// right join is estimated to be smaller than the right (build) side, the sides are swapped
/// (LEFT becomes RIGHT and vice versa) and a projection restores the column order.
public struct JoinSideSelection: OptimizerRule {
    /// Creates the rule.
    public init() {}
    /// `join_side_selection`.
    public var name: String { "join_side_selection" }

    /// Swaps joins whose build side is the larger one.
    public func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
        plan.transformUp { node in
            guard case .join(let n) = node, !n.enforceSingleRow else { return node }
            let swappedKind: JoinKind
            switch n.kind {
            case .inner: swappedKind = .inner
            case .left: swappedKind = .right
            case .right: swappedKind = .left
            case .full: swappedKind = .full
            case .cross: swappedKind = .cross
            case .semi, .anti: return node
            }
            guard let left = n.left.estimatedRows, let right = n.right.estimatedRows, left < right else { return node }
            let swapped = JoinNode(
                left: n.right, right: n.left, kind: swappedKind, leftKeys: n.rightKeys, rightKeys: n.leftKeys,
                residual: n.residual, nullsEqual: n.nullsEqual, nullAware: n.nullAware)
            let order = node.outputs
            return .project(ProjectNode(input: .join(swapped), items: order.map { NamedExpr($0, .column($0)) }))
        }
    }
}
