import Columnar
import SQLParser
import TarnCore

/// Aggregation in progress for one SELECT: group keys and the aggregate calls found so far.
final class AggregationState {
    var groups: [NamedExpr]
    var aggregates: [NamedAggregate] = []
    /// Columns of the FROM clause (those must be grouped or aggregated).
    let inputColumns: Set<ColumnRef>
    /// Where each input column was first referenced, for the "must appear in GROUP BY" error.
    var locations: [ColumnRef: SourceLocation] = [:]

    init(groups: [NamedExpr], inputColumns: Set<ColumnRef>) {
        self.groups = groups
        self.inputColumns = inputColumns
    }
}

/// Window functions found in one SELECT.
final class WindowState {
    var functions: [NamedWindow] = []
}

/// What an expression may contain where it is bound.
struct ExpressionContext {
    var scope: Scope
    /// Set in the select list, HAVING and ORDER BY of an aggregating SELECT.
    var aggregation: AggregationState?
    /// Set where window functions are allowed (select list and ORDER BY).
    var windows: WindowState?
    /// True inside an aggregate's arguments (no nested aggregates or windows).
    var insideAggregate = false
    /// The clause, for "cannot contain aggregations" messages.
    var clause = "expression"

    init(scope: Scope, aggregation: AggregationState? = nil, windows: WindowState? = nil, clause: String = "expression") {
        self.scope = scope
        self.aggregation = aggregation
        self.windows = windows
        self.clause = clause
    }
}

/// A select-list entry after `*` expansion.
private enum SelectEntry {
    case expression(Expression, name: String)
    case column(ColumnRef, name: String)
}

/// SELECT: FROM, WHERE, GROUP BY, HAVING, windows, the select list, DISTINCT, ORDER BY, LIMIT.
extension Binder {
    func bindSelect(_ select: Select, orderBy: [OrderItem], limit: Expression?, offset: Expression?, outer: Scope?) throws -> (LogicalPlan, [String]) {
        // FROM
        let relation: BoundRelation
        if let from = select.from {
            relation = try bindRelation(from, outer: outer)
        } else {
            relation = BoundRelation(plan: .values(ValuesNode(columns: [], rows: [[]])), columns: [])
        }
        let scope = Scope(columns: relation.columns, parent: outer)
        var plan = relation.plan

        // WHERE
        if let condition = select.whereClause {
            let predicate = try bindExpression(condition, ExpressionContext(scope: scope, clause: "WHERE clause"))
            try requireBoolean(predicate, condition.location, "WHERE clause")
            plan = .filter(FilterNode(input: plan, predicate: predicate))
        }

        // Select list with * expanded.
        var entries: [SelectEntry] = []
        for (index, item) in select.items.enumerated() {
            switch item {
            case .star(let qualifier, let nodeLocation):
                let location = nodeLocation.location
                let parts = qualifier.map(\.canonical)
                let visible = relation.columns.filter { column in
                    !column.hiddenFromStar
                        && (parts.isEmpty || (column.qualifier.count >= parts.count && Array(column.qualifier.suffix(parts.count)) == parts))
                }
                if visible.isEmpty && !parts.isEmpty {
                    throw semanticError(location, "Table '\(parts.joined(separator: "."))' not found")
                }
                for column in visible { entries.append(.column(column.ref, name: column.ref.name)) }
            case .expression(let expression, let alias):
                let name: String
                if let alias {
                    name = alias.name
                } else if case .identifier(let parts) = expression.kind {
                    name = parts[parts.count - 1].name
                } else {
                    name = "_col\(index)"
                }
                entries.append(.expression(expression, name: name))
            }
        }
        let names = entries.map { entry -> String in
            switch entry {
            case .expression(_, let name), .column(_, let name): name
            }
        }

        // Aggregation?
        let selectASTs = entries.compactMap { entry -> Expression? in
            if case .expression(let e, _) = entry { return e }
            return nil
        }
        let isAggregate = !select.groupBy.isEmpty || select.having != nil
            || selectASTs.contains(where: containsAggregate) || orderBy.contains { containsAggregate($0.expression) }
        var aggregation: AggregationState? = nil
        if isAggregate {
            var groups: [NamedExpr] = []
            for key in select.groupBy {
                let expr = try bindGroupKey(key, entries: entries, scope: scope)
                if groups.contains(where: { $0.expr == expr }) { continue }
                let name: String
                if case .column(let ref) = expr { name = ref.name } else { name = "_group\(groups.count)" }
                groups.append(NamedExpr(newColumn(name, expr.type), expr))
            }
            aggregation = AggregationState(groups: groups, inputColumns: Set(relation.columns.map(\.ref)))
        }
        let windows = WindowState()
        let context = ExpressionContext(scope: scope, aggregation: aggregation, windows: windows, clause: "SELECT")

        // Select expressions (over the aggregate's outputs when aggregating).
        var selectExprs: [Expr] = []
        for entry in entries {
            switch entry {
            case .column(let ref, _):
                selectExprs.append(try finishAggregated(.column(ref), context, .start))
            case .expression(let expression, _):
                let bound = try bindExpression(expression, context)
                selectExprs.append(try finishAggregated(bound, context, expression.location))
            }
        }

        // HAVING
        var having: Expr? = nil
        if let condition = select.having {
            var havingContext = context
            havingContext.windows = nil
            havingContext.clause = "HAVING clause"
            let bound = try finishAggregated(try bindExpression(condition, havingContext), havingContext, condition.location)
            try requireBoolean(bound, condition.location, "HAVING clause")
            having = bound
        }

        // ORDER BY: ordinals, output names, then expressions over the input.
        var sortKeys: [(Expr, OrderItem)] = []
        for item in orderBy {
            let expression = item.expression
            if case .literal(.integer(let text)) = expression.kind, let ordinal = Int(text) {
                guard ordinal >= 1, ordinal <= selectExprs.count else {
                    throw semanticError(expression.location, "ORDER BY position \(ordinal) is not in select list")
                }
                sortKeys.append((selectExprs[ordinal - 1], item))
                continue
            }
            if case .identifier(let parts) = expression.kind, parts.count == 1 {
                let name = parts[0].canonical
                let matching = names.indices.filter { names[$0].lowercased() == name }
                let distinctExprs = Set(matching.map { selectExprs[$0] })
                if distinctExprs.count > 1 {
                    throw semanticError(expression.location, "Column '\(parts[0].name)' is ambiguous")
                }
                if let first = matching.first {
                    sortKeys.append((selectExprs[first], item))
                    continue
                }
            }
            let bound = try finishAggregated(try bindExpression(expression, context), context, expression.location)
            sortKeys.append((bound, item))
        }

        // Assemble: aggregate → having → window → project → distinct → sort → limit.
        if let aggregation {
            plan = .aggregate(AggregateNode(input: plan, groups: aggregation.groups, aggregates: aggregation.aggregates))
        }
        if let having { plan = .filter(FilterNode(input: plan, predicate: having)) }
        if !windows.functions.isEmpty { plan = .window(WindowNode(input: plan, functions: windows.functions)) }

        var items = zip(names, selectExprs).map { NamedExpr(newColumn($0, $1.type), $1) }
        let visibleCount = items.count
        var keys: [SortKey] = []
        for (expr, item) in sortKeys {
            let ref: ColumnRef
            if let index = items.firstIndex(where: { $0.expr == expr }) {
                ref = items[index].ref
            } else {
                if select.distinct {
                    throw semanticError(item.expression.location, "For SELECT DISTINCT, ORDER BY expressions must appear in select list")
                }
                ref = newColumn("_sort\(keys.count)", expr.type)
                items.append(NamedExpr(ref, expr))
            }
            keys.append(SortKey(.column(ref), ascending: item.ascending, nullsFirst: item.nullsFirst ?? false))
        }
        plan = .project(ProjectNode(input: plan, items: items))
        if select.distinct { plan = distinct(plan) }
        if !keys.isEmpty {
            if select.distinct {
                // DISTINCT renamed the columns; map sort keys positionally.
                let before = items.map(\.ref), after = plan.outputs
                let mapping = Dictionary(uniqueKeysWithValues: zip(before, after.map { Expr.column($0) }))
                keys = keys.map { SortKey($0.expr.substitute(mapping), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
            }
            plan = .sort(SortNode(input: plan, keys: keys))
        }
        plan = try applyLimit(plan, limit: limit, offset: offset)
        if items.count > visibleCount {
            let visible = Array(plan.outputs.prefix(visibleCount))
            plan = .project(ProjectNode(input: plan, items: visible.map { NamedExpr($0, .column($0)) }))
        }
        return (plan, names)
    }

    func requireBoolean(_ expr: Expr, _ location: SourceLocation, _ clause: String) throws {
        if case .literal(.null, _) = expr { return }
        guard expr.type == .boolean else {
            throw typeError(location, "\(clause) must evaluate to a boolean: actual type \(SQLTypes.name(expr.type))")
        }
    }

    /// A GROUP BY item: an ordinal, an input column, a select alias, or an expression.
    private func bindGroupKey(_ key: Expression, entries: [SelectEntry], scope: Scope) throws -> Expr {
        let context = ExpressionContext(scope: scope, clause: "GROUP BY clause")
        if case .literal(.integer(let text)) = key.kind, let ordinal = Int(text) {
            guard ordinal >= 1, ordinal <= entries.count else {
                throw semanticError(key.location, "GROUP BY position \(ordinal) is not in select list")
            }
            switch entries[ordinal - 1] {
            case .column(let ref, _): return .column(ref)
            case .expression(let expression, _):
                if containsAggregate(expression) {
                    throw semanticError(key.location, "GROUP BY position \(ordinal) cannot refer to an aggregate")
                }
                return try bindExpression(expression, context)
            }
        }
        if case .identifier(let parts) = key.kind, parts.count == 1, scope.matches([parts[0].canonical]).isEmpty {
            for entry in entries {
                if case .expression(let expression, let name) = entry, name.lowercased() == parts[0].canonical {
                    return try bindExpression(expression, context)
                }
            }
        }
        return try bindExpression(key, context)
    }

    /// Whether an expression contains an aggregate call (outside subqueries; window calls count
    /// only through their arguments, as in `sum(sum(x)) OVER ()`).
    func containsAggregate(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .function(let call):
            if call.window == nil && FunctionAliases.aggregate[call.canonicalName] != nil { return true }
            return call.arguments.contains(where: containsAggregate)
                || (call.window?.partitionBy.contains(where: containsAggregate) ?? false)
                || (call.window?.orderBy.contains { containsAggregate($0.expression) } ?? false)
        case .identifier, .literal, .star, .exists, .scalarSubquery: return false
        case .unary(_, let e), .isNull(let e, _), .cast(let e, _, _), .extract(_, let e): return containsAggregate(e)
        case .binary(_, let l, let r), .isDistinctFrom(let l, let r, _): return containsAggregate(l) || containsAggregate(r)
        case .between(let e, let lo, let hi, _): return containsAggregate(e) || containsAggregate(lo) || containsAggregate(hi)
        case .inList(let e, let items, _): return containsAggregate(e) || items.contains(where: containsAggregate)
        case .inSubquery(let e, _, _): return containsAggregate(e)
        case .like(let e, let p, let esc, _): return containsAggregate(e) || containsAggregate(p) || (esc.map(containsAggregate) ?? false)
        case .caseWhen(let operand, let whens, let otherwise):
            return (operand.map(containsAggregate) ?? false)
                || whens.contains { containsAggregate($0.condition) || containsAggregate($0.result) }
                || (otherwise.map(containsAggregate) ?? false)
        case .array(let items): return items.contains(where: containsAggregate)
        }
    }

    /// In an aggregating SELECT, replaces grouped expressions by the group columns and rejects
    /// any remaining reference to an ungrouped input column.
    func finishAggregated(_ expr: Expr, _ context: ExpressionContext, _ location: SourceLocation) throws -> Expr {
        guard let aggregation = context.aggregation else { return expr }
        let replaced = expr.transformDown { sub -> Expr? in
            if let group = aggregation.groups.first(where: { $0.expr == sub }) { return .column(group.ref) }
            return nil
        }
        for ref in replaced.columns where aggregation.inputColumns.contains(ref) {
            let at = aggregation.locations[ref] ?? location
            throw semanticError(at, "'\(ref.name)' must be an aggregate expression or appear in GROUP BY clause")
        }
        return replaced
    }
}
