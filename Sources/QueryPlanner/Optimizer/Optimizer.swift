import Columnar
import TarnCore

/// One rewrite of a logical plan. Rules are small, named, and can be switched off; the
/// optimizer validates the plan after each one (DuckDB's `RunOptimizer`, DataFusion's
/// `OptimizerRule`).
public protocol OptimizerRule: Sendable {
    /// A stable name (`"predicate_pushdown"`), used to switch the rule off and in errors.
    var name: String { get }
    /// Rewrites the plan; must keep its meaning and output columns.
    func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan
}

/// State shared by the rules of one optimization: fresh column ids and constant evaluation.
public final class OptimizerContext {
    private var nextID: Int
    /// Evaluates a constant expression (supplied by the execution layer so folding uses exactly
    /// the runtime semantics); nil disables folding of non-trivial expressions.
    public let evaluateConstant: ((Expr) throws -> Value)?

    /// Creates a context whose new ids start above every id in `plan`.
    public init(plan: LogicalPlan, evaluateConstant: ((Expr) throws -> Value)?) {
        nextID = PlanValidator.maxColumnID(plan) + 1
        self.evaluateConstant = evaluateConstant
    }

    /// A fresh column.
    public func newColumn(_ name: String, _ type: DataType) -> ColumnRef {
        defer { nextID += 1 }
        return ColumnRef(id: nextID, name: name, type: type)
    }
}

/// Runs rules in order, validating after each.
public struct Optimizer: Sendable {
    /// The rules, in order.
    public var rules: [any OptimizerRule]
    /// Names of rules to skip.
    public var disabled: Set<String>

    /// The default pipeline.
    public static let defaultRules: [any OptimizerRule] = [
        SubqueryDecorrelation(), ConstantFolding(), PredicatePushdown(), ConstantFolding(), ProjectionPruning(),
        LimitPushdown(), JoinSideSelection(),
    ]

    /// Creates an optimizer.
    /// - Parameters:
    ///   - rules: the rules in order (default pipeline when omitted).
    ///   - disabled: names of rules to skip.
    public init(rules: [any OptimizerRule] = Optimizer.defaultRules, disabled: Set<String> = []) {
        self.rules = rules
        self.disabled = disabled
    }

    /// Optimizes a plan.
    /// - Parameters:
    ///   - plan: the bound plan.
    ///   - evaluateConstant: constant evaluator for folding.
    /// - Throws: `TarnError(.internal)` when a rule produces an invalid plan; rule errors.
    public func optimize(_ plan: LogicalPlan, evaluateConstant: ((Expr) throws -> Value)? = nil) throws -> LogicalPlan {
        try PlanValidator.validate(plan, after: "binding")
        let context = OptimizerContext(plan: plan, evaluateConstant: evaluateConstant)
        var current = plan
        let expected = plan.outputs
        for rule in rules where !disabled.contains(rule.name) {
            current = try rule.apply(current, context)
            try PlanValidator.validate(current, after: rule.name)
            guard current.outputs.map(\.id) == expected.map(\.id) else {
                throw TarnError(.internal, "optimizer rule \(rule.name) changed the query's output columns")
            }
        }
        return current
    }
}
