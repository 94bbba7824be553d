import TarnCore

/// Checks that every expression in a plan refers only to columns its node can see, so a faulty
/// rule fails at once with its name instead of producing wrong results later.
public enum PlanValidator {
    /// Validates the whole tree.
    /// - Throws: `TarnError(.internal)` naming the node and the missing column.
    public static func validate(_ plan: LogicalPlan, after stage: String) throws {
        for input in plan.inputs { try validate(input, after: stage) }
        let visible: Set<ColumnRef>
        switch plan {
        case .join(let n): visible = Set(n.left.outputs + n.right.outputs)
        default: visible = Set(plan.inputs.flatMap(\.outputs))
        }
        func check(_ exprs: [Expr], _ allowed: Set<ColumnRef>) throws {
            for expr in exprs {
                for ref in expr.columns where !allowed.contains(ref) {
                    throw TarnError(.internal, "after \(stage): \(plan.headline) refers to \(ref), which its input does not produce")
                }
            }
        }
        switch plan {
        case .scan(let n): try check(n.filters, Set(n.columns.map(\.ref)))
        case .join(let n):
            try check(n.leftKeys, Set(n.left.outputs))
            try check(n.rightKeys, Set(n.right.outputs))
            try check(n.residual.map { [$0] } ?? [], visible)
            guard n.leftKeys.count == n.rightKeys.count else {
                throw TarnError(.internal, "after \(stage): join has \(n.leftKeys.count) left keys and \(n.rightKeys.count) right keys")
            }
        case .union(let n):
            for input in n.inputs where input.outputs.count != n.columns.count {
                throw TarnError(.internal, "after \(stage): union input has \(input.outputs.count) columns, expected \(n.columns.count)")
            }
        case .values(let n):
            for row in n.rows where row.count != n.columns.count {
                throw TarnError(.internal, "after \(stage): VALUES row has \(row.count) values, expected \(n.columns.count)")
            }
        default:
            // Subquery markers may refer to outer columns; those are checked after decorrelation.
            let exprs = plan.expressions.filter { !$0.contains { if case .subquery = $0 { true } else { false } } }
            try check(exprs, visible)
        }
        let outputs = plan.outputs
        if Set(outputs).count != outputs.count, case .join = plan {} else if Set(outputs).count != outputs.count {
            throw TarnError(.internal, "after \(stage): \(plan.headline) outputs a column twice")
        }
    }

    /// The largest column id used anywhere in the plan (including subquery plans).
    public static func maxColumnID(_ plan: LogicalPlan) -> Int {
        var result = plan.outputs.map(\.id).max() ?? 0
        for input in plan.inputs { result = max(result, maxColumnID(input)) }
        if case .scan(let n) = plan { result = max(result, n.columns.map(\.ref.id).max() ?? 0) }
        for expr in plan.expressions {
            _ = expr.transformDown { e -> Expr? in
                if case .subquery(let sub) = e { result = max(result, maxColumnID(sub.plan)) }
                if case .column(let ref) = e { result = max(result, ref.id) }
                return nil
            }
        }
        return result
    }
}
