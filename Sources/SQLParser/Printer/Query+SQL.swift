extension Query: CustomStringConvertible {
    /// The query as SQL text.
    public var description: String { sql }

    /// The query as SQL text.
    public var sql: String {
        var text = ""
        if !with.isEmpty {
            text += "WITH " + with.map { cte in
                let columns = cte.columns.isEmpty ? "" : " (" + cte.columns.map(\.description).joined(separator: ", ") + ")"
                return "\(cte.name)\(columns) AS (\(cte.query.sql))"
            }.joined(separator: ", ") + " "
        }
        text += body.sql
        if !orderBy.isEmpty { text += " ORDER BY " + orderBy.map(\.sql).joined(separator: ", ") }
        if let offset { text += " OFFSET \(offset.sql)" }
        if let limit { text += " LIMIT \(limit.sql)" }
        return text
    }
}

extension QueryBody {
    /// The body as SQL text.
    public var sql: String {
        switch self {
        case .select(let select): return select.sql
        case .setOperation(let op, let all, let left, let right):
            // Right operands that are themselves set operations keep their grouping.
            let rightText: String
            if case .setOperation = right { rightText = "(\(right.sql))" } else { rightText = right.sql }
            let leftText: String
            if case .setOperation(let inner, _, _, _) = left, op == .intersect && inner != .intersect {
                leftText = "(\(left.sql))"
            } else {
                leftText = left.sql
            }
            return "\(leftText) \(op.rawValue)\(all ? " ALL" : "") \(rightText)"
        case .nested(let query): return "(\(query.sql))"
        case .values(let rows):
            return "VALUES " + rows.map { "(" + $0.map(\.sql).joined(separator: ", ") + ")" }.joined(separator: ", ")
        }
    }
}

extension Select {
    /// The SELECT as SQL text.
    public var sql: String {
        var text = "SELECT "
        if distinct { text += "DISTINCT " }
        text += items.map { item in
            switch item {
            case .expression(let e, let alias): alias.map { "\(e.sql) AS \($0)" } ?? e.sql
            case .star(let qualifier, _): qualifier.isEmpty ? "*" : SQLPrinting.name(qualifier) + ".*"
            }
        }.joined(separator: ", ")
        if let from { text += " FROM " + from.sql }
        if let whereClause { text += " WHERE " + whereClause.sql }
        if !groupBy.isEmpty { text += " GROUP BY " + groupBy.map(\.sql).joined(separator: ", ") }
        if let having { text += " HAVING " + having.sql }
        return text
    }
}

extension Relation {
    /// The relation as SQL text.
    public var sql: String {
        switch self {
        case .table(let name, let alias, _): return SQLPrinting.name(name) + (alias?.sql ?? "")
        case .subquery(let query, let alias): return "(\(query.sql))" + (alias?.sql ?? "")
        case .tableFunction(let call, let alias, _): return call.sql + (alias?.sql ?? "")
        case .join(let type, let left, let right, let criteria):
            let rightText: String
            if case .join = right { rightText = "(\(right.sql))" } else { rightText = right.sql }
            switch criteria {
            case .none: return "\(left.sql) \(type.rawValue) \(rightText)"
            case .on(let condition): return "\(left.sql) \(type.rawValue) \(rightText) ON \(condition.sql)"
            case .using(let columns):
                return "\(left.sql) \(type.rawValue) \(rightText) USING (\(columns.map(\.description).joined(separator: ", ")))"
            case .natural: return "\(left.sql) NATURAL \(type.rawValue) \(rightText)"
            }
        }
    }
}

extension TableAlias {
    var sql: String {
        " AS \(name)" + (columns.isEmpty ? "" : " (" + columns.map(\.description).joined(separator: ", ") + ")")
    }
}
