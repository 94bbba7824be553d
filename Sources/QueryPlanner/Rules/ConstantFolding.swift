import Columnar

/// Evaluates constant subexpressions once at planning time and simplifies boolean logic:
/// `x AND true` → `x`, `x AND false` → `false`, `x OR true` → `true`, `Filter(true)` disappears.
///
/// Folding uses the execution layer's evaluator, so folded values are exactly what the runtime
/// would compute; an expression whose evaluation fails (`1/0`) is left for runtime, where it
/// fails only if a row reaches it (as in Trino).
public struct ConstantFolding: OptimizerRule {
    /// Creates the rule.
    public init() {}
    /// `constant_folding`.
    public var name: String { "constant_folding" }

    /// Folds every node's expressions.
    public func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
        plan.transformUp { node in
            switch node {
            case .filter(var n):
                n.predicate = fold(n.predicate, context)
                if case .literal(.bool(true), _) = n.predicate { return n.input }
                return .filter(n)
            case .project(var n):
                n.items = n.items.map { NamedExpr($0.ref, fold($0.expr, context)) }
                return .project(n)
            case .join(var n):
                n.residual = n.residual.map { fold($0, context) }
                if case .literal(.bool(true), _)? = n.residual { n.residual = nil }
                return .join(n)
            case .scan(var n):
                n.filters = n.filters.map { fold($0, context) }.filter { if case .literal(.bool(true), _) = $0 { false } else { true } }
                return .scan(n)
            case .values(var n):
                n.rows = n.rows.map { $0.map { fold($0, context) } }
                return .values(n)
            default:
                return node
            }
        }
    }

    func fold(_ expr: Expr, _ context: OptimizerContext) -> Expr {
        expr.transformUp { e in
            switch e {
            case .literal, .column, .subquery: return e
            case .and(let items):
                var kept: [Expr] = []
                var sawNull = false
                for item in items {
                    switch item {
                    case .literal(.bool(false), _): return .literal(.bool(false), .boolean)
                    case .literal(.bool(true), _): continue
                    case .literal(.null, _): sawNull = true
                    default: kept.append(item)
                    }
                }
                if kept.isEmpty { return sawNull ? .null(.boolean) : .literal(.bool(true), .boolean) }
                if sawNull { kept.append(.null(.boolean)) }
                return kept.count == 1 ? kept[0] : .and(kept)
            case .or(let items):
                var kept: [Expr] = []
                var sawNull = false
                for item in items {
                    switch item {
                    case .literal(.bool(true), _): return .literal(.bool(true), .boolean)
                    case .literal(.bool(false), _): continue
                    case .literal(.null, _): sawNull = true
                    default: kept.append(item)
                    }
                }
                if kept.isEmpty { return sawNull ? .null(.boolean) : .literal(.bool(false), .boolean) }
                if sawNull { kept.append(.null(.boolean)) }
                return kept.count == 1 ? kept[0] : .or(kept)
            default:
                guard e.isConstant, let evaluate = context.evaluateConstant else { return e }
                guard let value = try? evaluate(e) else { return e }
                return .literal(value, e.type)
            }
        }
    }
}
