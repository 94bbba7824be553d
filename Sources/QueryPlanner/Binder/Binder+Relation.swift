import Columnar
import SQLParser
import TarnCore

/// FROM: tables, CTE references, derived tables, table functions and joins.
extension Binder {
    func bindRelation(_ relation: Relation, outer: Scope?) throws -> BoundRelation {
        switch relation {
        case .table(let name, let alias, let nodeLocation):
            let location = nodeLocation.location
            if name.count == 1, let cte = ctes[name[0].canonical] {
                return try bindCTE(cte, name: name[0].canonical, alias: alias, outer: outer)
            }
            let database = name.count >= 2 ? name[name.count - 2].canonical : catalog.defaultDatabase
            let tableName = name[name.count - 1].canonical
            guard let provider = try catalog.table(database: database, name: tableName) else {
                throw semanticError(location, "Table '\(database).\(tableName)' does not exist")
            }
            let qualifier = alias.map { [$0.name.canonical] } ?? (name.count >= 2 ? [database, tableName] : [database, tableName])
            return try bindScan(provider, qualifier: qualifier, alias: alias, location: location)
        case .tableFunction(let call, let alias, let nodeLocation):
            let location = nodeLocation.location
            let scope = Scope(columns: [], parent: nil)
            var arguments: [Value] = []
            for argument in call.arguments {
                arguments.append(try constantValue(try bindExpression(argument, ExpressionContext(scope: scope)), at: argument.location))
            }
            var named: [String: Value] = [:]
            for argument in call.namedArguments {
                named[argument.name.canonical] = try constantValue(
                    try bindExpression(argument.value, ExpressionContext(scope: scope)), at: argument.value.location)
            }
            guard let provider = try catalog.tableFunction(name: call.canonicalName, arguments: arguments, namedArguments: named) else {
                throw semanticError(location, "Table function '\(call.canonicalName)' not registered")
            }
            let qualifier = alias.map { [$0.name.canonical] } ?? []
            return try bindScan(provider, qualifier: qualifier, alias: alias, location: location)
        case .subquery(let query, let alias):
            let (plan, names) = try bindQuery(query, outer: outer)
            return try aliased(plan: plan, names: names, alias: alias, location: query.location)
        case .join(let type, let leftRelation, let rightRelation, let criteria):
            return try bindJoin(type, leftRelation, rightRelation, criteria, outer: outer)
        }
    }

    private func bindCTE(_ cte: CTEDefinition, name: String, alias: TableAlias?, outer: Scope?) throws -> BoundRelation {
        let saved = ctes
        ctes = cte.visible
        defer { ctes = saved }
        var (plan, names) = try bindQuery(cte.query, outer: outer)
        if !cte.columnAliases.isEmpty {
            guard cte.columnAliases.count == names.count else {
                throw semanticError(cte.query.location, "WITH query name '\(name)' has \(cte.columnAliases.count) column aliases but \(names.count) columns")
            }
            names = cte.columnAliases.map(\.name)
        }
        let effective = alias ?? TableAlias(name: Identifier(name))
        return try aliased(plan: plan, names: names, alias: effective, location: cte.query.location)
    }

    /// Gives a derived table its qualifier and optional column aliases.
    private func aliased(plan: LogicalPlan, names: [String], alias: TableAlias?, location: SourceLocation) throws -> BoundRelation {
        var names = names
        if let alias, !alias.columns.isEmpty {
            guard alias.columns.count == names.count else {
                throw semanticError(location, "Column alias list has \(alias.columns.count) entries but relation has \(names.count) columns")
            }
            names = alias.columns.map(\.name)
        }
        let qualifier = alias.map { [$0.name.canonical] } ?? []
        let columns = zip(names, plan.outputs).map { ScopeColumn(qualifier: qualifier, name: $0.lowercased(), ref: $1) }
        return BoundRelation(plan: plan, columns: columns)
    }

    private func bindScan(_ provider: any TableProvider, qualifier: [String], alias: TableAlias?, location: SourceLocation) throws -> BoundRelation {
        nextTableID += 1
        let table = TableReference(id: nextTableID, provider: provider)
        var scanColumns: [ScanNode.Column] = []
        var scope: [ScopeColumn] = []
        let fields = provider.columns.map { ($0, false) } + provider.partitionColumns.map { ($0, true) }
        var names = fields.map(\.0.name)
        if let alias, !alias.columns.isEmpty {
            guard alias.columns.count == names.count else {
                throw semanticError(location, "Column alias list has \(alias.columns.count) entries but '\(provider.displayName)' has \(names.count) columns")
            }
            names = alias.columns.map(\.name)
        }
        for ((field, isPartition), name) in zip(fields, names) {
            let ref = newColumn(name, SQLTypes.normalized(field.type))
            scanColumns.append(ScanNode.Column(ref: ref, sourceName: field.name, isPartition: isPartition))
            scope.append(ScopeColumn(qualifier: qualifier, name: name.lowercased(), ref: ref))
        }
        return BoundRelation(plan: .scan(ScanNode(table: table, columns: scanColumns)), columns: scope)
    }

    private func bindJoin(
        _ type: JoinType, _ leftRelation: Relation, _ rightRelation: Relation, _ criteria: JoinCriteria, outer: Scope?
    ) throws -> BoundRelation {
        let left = try bindRelation(leftRelation, outer: outer)
        let right = try bindRelation(rightRelation, outer: outer)
        let kind: JoinKind
        switch type {
        case .inner: kind = .inner
        case .left: kind = .left
        case .right: kind = .right
        case .full: kind = .full
        case .cross: kind = .cross
        }
        var usingNames: [Identifier] = []
        switch criteria {
        case .none:
            let join = JoinNode(left: left.plan, right: right.plan, kind: .cross)
            return BoundRelation(plan: .join(join), columns: left.columns + right.columns)
        case .on(let condition):
            let scope = Scope(columns: left.columns + right.columns, parent: outer)
            let predicate = try bindExpression(condition, ExpressionContext(scope: scope))
            guard predicate.type == .boolean else {
                throw typeError(condition.location, "JOIN ON clause must evaluate to a boolean: actual type \(SQLTypes.name(predicate.type))")
            }
            if predicate.contains(where: { if case .subquery = $0 { true } else { false } }) {
                throw TarnError(.unsupported, "line \(condition.location): subqueries in JOIN ON are not supported")
            }
            let join = splitJoinCondition(
                predicate, left: left.plan, right: right.plan, kind: kind == .cross ? .inner : kind)
            return BoundRelation(plan: .join(join), columns: left.columns + right.columns)
        case .natural:
            let leftNames = Set(left.columns.filter { !$0.hiddenFromStar }.map(\.name))
            usingNames = right.columns.filter { !$0.hiddenFromStar && leftNames.contains($0.name) }.map { Identifier($0.name) }
        case .using(let columns):
            usingNames = columns
        }
        // USING: equal keys by name; the shared columns appear once, first, as Trino shows them.
        var leftKeys: [Expr] = [], rightKeys: [Expr] = []
        var merged: [NamedExpr] = []
        var mergedScope: [ScopeColumn] = []
        var leftColumns = left.columns, rightColumns = right.columns
        for identifier in usingNames {
            let name = identifier.canonical
            let l = leftColumns.indices.filter { leftColumns[$0].name == name && !leftColumns[$0].qualifiedOnly }
            let r = rightColumns.indices.filter { rightColumns[$0].name == name && !rightColumns[$0].qualifiedOnly }
            guard l.count == 1, r.count == 1 else {
                throw semanticError(.start, "Column '\(identifier.name)' is missing or ambiguous in USING clause")
            }
            let lref = leftColumns[l[0]].ref, rref = rightColumns[r[0]].ref
            guard let common = SQLTypes.commonSuperType(lref.type, rref.type) else {
                throw typeError(.start, "Column types of '\(identifier.name)' in USING do not match: \(SQLTypes.name(lref.type)), \(SQLTypes.name(rref.type))")
            }
            leftKeys.append(coerce(.column(lref), to: common))
            rightKeys.append(coerce(.column(rref), to: common))
            let value: Expr
            switch kind {
            case .right: value = coerce(.column(rref), to: common)
            case .full: value = .coalesce([coerce(.column(lref), to: common), coerce(.column(rref), to: common)], common)
            default: value = coerce(.column(lref), to: common)
            }
            let out = newColumn(identifier.name, common)
            merged.append(NamedExpr(out, value))
            mergedScope.append(ScopeColumn(qualifier: [], name: name, ref: out))
            leftColumns[l[0]].qualifiedOnly = true
            leftColumns[l[0]].hiddenFromStar = true
            rightColumns[r[0]].qualifiedOnly = true
            rightColumns[r[0]].hiddenFromStar = true
        }
        let join = LogicalPlan.join(JoinNode(left: left.plan, right: right.plan, kind: kind == .cross ? .inner : kind, leftKeys: leftKeys, rightKeys: rightKeys))
        let passThrough = join.outputs.map { NamedExpr($0, .column($0)) }
        let plan = LogicalPlan.project(ProjectNode(input: join, items: merged + passThrough))
        return BoundRelation(plan: plan, columns: mergedScope + leftColumns + rightColumns)
    }

    /// Splits an ON condition into equi-join keys (one side's columns = the other side's) and a
    /// residual.
    func splitJoinCondition(_ predicate: Expr, left: LogicalPlan, right: LogicalPlan, kind: JoinKind) -> JoinNode {
        let leftSet = Set(left.outputs), rightSet = Set(right.outputs)
        var leftKeys: [Expr] = [], rightKeys: [Expr] = [], residual: [Expr] = []
        for conjunct in predicate.conjuncts {
            if case .compare(.equal, let a, let b) = conjunct {
                let ca = a.columns, cb = b.columns
                if !ca.isEmpty, !cb.isEmpty, ca.isSubset(of: leftSet), cb.isSubset(of: rightSet) {
                    leftKeys.append(a)
                    rightKeys.append(b)
                    continue
                }
                if !ca.isEmpty, !cb.isEmpty, ca.isSubset(of: rightSet), cb.isSubset(of: leftSet) {
                    leftKeys.append(b)
                    rightKeys.append(a)
                    continue
                }
            }
            residual.append(conjunct)
        }
        return JoinNode(
            left: left, right: right, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys,
            residual: residual.isEmpty ? nil : Expr.conjunction(residual))
    }

    /// The value of a constant expression (table function arguments).
    func constantValue(_ expr: Expr, at location: SourceLocation) throws -> Value {
        switch expr {
        case .literal(let value, _): return value
        case .cast(.literal(let value, _), _, _): return value
        default: throw semanticError(location, "Table function arguments must be constants")
        }
    }
}
