import TarnCore

/// Queries: WITH, set operations (INTERSECT binds tighter than UNION/EXCEPT), SELECT, FROM with
/// joins, ORDER BY / OFFSET / LIMIT.
extension Parser {
    mutating func parseQuery() throws -> Query {
        let location = current.location
        var ctes: [CommonTableExpression] = []
        if accept("WITH") {
            _ = accept("RECURSIVE")
            repeat {
                let name = try parseIdentifier()
                var columns: [Identifier] = []
                if acceptSymbol("(") {
                    repeat { columns.append(try parseIdentifier()) } while acceptSymbol(",")
                    try expectSymbol(")")
                }
                try expect("AS")
                try expectSymbol("(")
                let query = try parseQuery()
                try expectSymbol(")")
                ctes.append(CommonTableExpression(name: name, columns: columns, query: query))
            } while acceptSymbol(",")
        }
        let body = try parseSetOperation()
        var query = Query(with: ctes, body: body, location: location)
        if accept("ORDER") {
            try expect("BY")
            query.orderBy = try parseOrderItems()
        }
        if accept("OFFSET") {
            query.offset = try parsePrimary()
            _ = accept("ROWS") || accept("ROW")
        }
        if accept("LIMIT") {
            if !accept("ALL") { query.limit = try parsePrimary() }
        } else if accept("FETCH") {
            _ = accept("FIRST") || accept("NEXT")
            query.limit = current.kind == .integer ? try parsePrimary() : Expression(.literal(.integer("1")), at: current.location)
            _ = accept("ROWS") || accept("ROW")
            try expect("ONLY")
        }
        if query.offset == nil && accept("OFFSET") {
            // `LIMIT n OFFSET m` (PostgreSQL order), accepted as well as Trino's OFFSET-first form.
            query.offset = try parsePrimary()
            _ = accept("ROWS") || accept("ROW")
        }
        return query
    }

    /// `a UNION b EXCEPT c` left to right; INTERSECT first.
    mutating func parseSetOperation() throws -> QueryBody {
        var left = try parseIntersect()
        while isKeyword("UNION") || isKeyword("EXCEPT") {
            let op: SetOperator = current.upper == "UNION" ? .union : .except
            advance()
            let all = accept("ALL")
            if !all { _ = accept("DISTINCT") }
            left = .setOperation(op, all: all, left, try parseIntersect())
        }
        return left
    }

    mutating func parseIntersect() throws -> QueryBody {
        var left = try parseQueryPrimary()
        while accept("INTERSECT") {
            let all = accept("ALL")
            if !all { _ = accept("DISTINCT") }
            left = .setOperation(.intersect, all: all, left, try parseQueryPrimary())
        }
        return left
    }

    mutating func parseQueryPrimary() throws -> QueryBody {
        if isKeyword("SELECT") { return .select(try parseSelect()) }
        if accept("VALUES") { return .values(try parseValuesRows()) }
        if isSymbol("(") {
            advance()
            let query = try parseQuery()
            try expectSymbol(")")
            if query.with.isEmpty && query.orderBy.isEmpty && query.limit == nil && query.offset == nil {
                return query.body
            }
            return .nested(query)
        }
        throw mismatch(expecting: ["'SELECT'", "'VALUES'", "'WITH'", "'('"])
    }

    mutating func parseValuesRows() throws -> [[Expression]] {
        var rows: [[Expression]] = []
        repeat {
            if acceptSymbol("(") {
                var row = [try parseExpression()]
                while acceptSymbol(",") { row.append(try parseExpression()) }
                try expectSymbol(")")
                rows.append(row)
            } else {
                rows.append([try parseExpression()])
            }
        } while acceptSymbol(",")
        return rows
    }

    mutating func parseSelect() throws -> Select {
        try expect("SELECT")
        var select = Select(items: [])
        if accept("DISTINCT") { select.distinct = true } else { _ = accept("ALL") }
        repeat { select.items.append(try parseSelectItem()) } while acceptSymbol(",")
        if accept("FROM") {
            var relation = try parseJoinedRelation()
            while acceptSymbol(",") {
                relation = .join(.cross, relation, try parseJoinedRelation(), .none)
            }
            select.from = relation
        }
        if accept("WHERE") { select.whereClause = try parseExpression() }
        if accept("GROUP") {
            try expect("BY")
            _ = accept("ALL")
            repeat { select.groupBy.append(try parseExpression()) } while acceptSymbol(",")
        }
        if accept("HAVING") { select.having = try parseExpression() }
        if current.kind != .end && !isSymbol(")") && !isSymbol(";") && !Self.queryFollowers.contains(current.upper) {
            throw mismatch(expecting: Self.selectFollowers(select))
        }
        return select
    }

    /// Keywords that may follow a SELECT inside a larger query.
    static let queryFollowers: Set<String> = ["UNION", "EXCEPT", "INTERSECT", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW"]

    static func selectFollowers(_ select: Select) -> [String] {
        var expected = ["','"]
        if select.from == nil { expected += ["'FROM'"] }
        if select.whereClause == nil && select.groupBy.isEmpty { expected += ["'WHERE'"] }
        if select.groupBy.isEmpty { expected += ["'GROUP'"] }
        expected += ["'HAVING'", "'ORDER'", "'LIMIT'", "'UNION'", "<EOF>"]
        return expected
    }

    mutating func parseSelectItem() throws -> SelectItem {
        let location = current.location
        if acceptSymbol("*") { return .star(qualifier: [], location: NodeLocation(location)) }
        let expression = try parseExpression()
        if case .star(let qualifier) = expression.kind { return .star(qualifier: qualifier, location: NodeLocation(location)) }
        if accept("AS") { return .expression(expression, alias: try parseIdentifier()) }
        if atIdentifier && !Self.queryFollowers.contains(current.upper) {
            return .expression(expression, alias: try parseIdentifier())
        }
        return .expression(expression, alias: nil)
    }

    mutating func parseJoinedRelation() throws -> Relation {
        var left = try parsePrimaryRelation()
        while true {
            if accept("CROSS") {
                try expect("JOIN")
                left = .join(.cross, left, try parsePrimaryRelation(), .none)
                continue
            }
            if accept("NATURAL") {
                let type = try parseJoinType() ?? .inner
                left = .join(type, left, try parsePrimaryRelation(), .natural)
                continue
            }
            guard let type = try parseJoinType() else { return left }
            let right = try parsePrimaryRelation()
            if accept("ON") {
                left = .join(type, left, right, .on(try parseExpression()))
            } else if accept("USING") {
                try expectSymbol("(")
                var columns = [try parseIdentifier()]
                while acceptSymbol(",") { columns.append(try parseIdentifier()) }
                try expectSymbol(")")
                left = .join(type, left, right, .using(columns))
            } else {
                throw mismatch(expecting: ["'ON'", "'USING'"])
            }
        }
    }

    /// `[INNER] JOIN`, `LEFT [OUTER] JOIN`, …; nil when no join follows.
    mutating func parseJoinType() throws -> JoinType? {
        if accept("JOIN") { return .inner }
        if accept("INNER") {
            try expect("JOIN")
            return .inner
        }
        for (word, type) in [("LEFT", JoinType.left), ("RIGHT", .right), ("FULL", .full)] where isKeyword(word) {
            advance()
            _ = accept("OUTER")
            try expect("JOIN")
            return type
        }
        return nil
    }

    mutating func parsePrimaryRelation() throws -> Relation {
        let location = current.location
        if acceptSymbol("(") {
            if isKeyword("SELECT") || isKeyword("WITH") || isKeyword("VALUES") {
                let query = try parseQuery()
                try expectSymbol(")")
                return .subquery(query, alias: try parseTableAlias())
            }
            let relation = try parseJoinedRelation()
            try expectSymbol(")")
            return relation
        }
        if isKeyword("UNNEST") {
            throw TarnError(.unsupported, "line \(location): UNNEST is not supported")
        }
        if accept("VALUES") {
            let rows = try parseValuesRows()
            return .subquery(Query(body: .values(rows), location: location), alias: try parseTableAlias())
        }
        let name = try parseQualifiedName()
        if isSymbol("(") {
            let call = try parseCallArguments(name: name)
            return .tableFunction(call, alias: try parseTableAlias(), location: NodeLocation(location))
        }
        return .table(name: name, alias: try parseTableAlias(), location: NodeLocation(location))
    }

    mutating func parseTableAlias() throws -> TableAlias? {
        let explicit = accept("AS")
        guard explicit || (atIdentifier && !Self.aliasStoppers.contains(current.upper)) else { return nil }
        var alias = TableAlias(name: try parseIdentifier())
        if acceptSymbol("(") {
            repeat { alias.columns.append(try parseIdentifier()) } while acceptSymbol(",")
            try expectSymbol(")")
        }
        return alias
    }

    /// Non-reserved words that still end a relation rather than alias it.
    static let aliasStoppers: Set<String> = ["LIMIT", "OFFSET", "FETCH", "WINDOW", "TABLESAMPLE"]
}
