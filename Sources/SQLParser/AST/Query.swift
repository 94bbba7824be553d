/// A query: optional CTEs, a body, ORDER BY, OFFSET and LIMIT.
public struct Query: Hashable, Sendable {
    /// `WITH name [(columns)] AS (query), …`.
    public var with: [CommonTableExpression]
    /// The SELECT, set operation, VALUES or nested query.
    public var body: QueryBody
    /// `ORDER BY` items.
    public var orderBy: [OrderItem]
    /// `OFFSET n`.
    public var offset: Expression?
    /// `LIMIT n` (or `FETCH FIRST n ROWS ONLY`); nil for none or `LIMIT ALL`.
    public var limit: Expression?
    /// Where the query starts.
    public var location: SourceLocation

    /// Creates a query.
    public init(
        with: [CommonTableExpression] = [], body: QueryBody, orderBy: [OrderItem] = [], offset: Expression? = nil,
        limit: Expression? = nil, location: SourceLocation = .start
    ) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.offset = offset
        self.limit = limit
        self.location = location
    }

    /// Compares ignoring locations.
    public static func == (lhs: Query, rhs: Query) -> Bool {
        lhs.with == rhs.with && lhs.body == rhs.body && lhs.orderBy == rhs.orderBy && lhs.offset == rhs.offset
            && lhs.limit == rhs.limit
    }

    /// Hashes ignoring locations.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(with)
        hasher.combine(body)
        hasher.combine(orderBy)
    }
}

/// One `name [(columns)] AS (query)` of a WITH clause.
public struct CommonTableExpression: Hashable, Sendable {
    /// The name.
    public var name: Identifier
    /// Optional column aliases.
    public var columns: [Identifier]
    /// The query.
    public var query: Query

    /// Creates a CTE.
    public init(name: Identifier, columns: [Identifier] = [], query: Query) {
        self.name = name
        self.columns = columns
        self.query = query
    }
}

/// The body of a query.
public indirect enum QueryBody: Hashable, Sendable {
    /// `SELECT …`.
    case select(Select)
    /// `left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right`.
    case setOperation(SetOperator, all: Bool, QueryBody, QueryBody)
    /// A parenthesised query with its own ORDER BY / LIMIT.
    case nested(Query)
    /// `VALUES (…), (…)`.
    case values([[Expression]])
}

/// Set operators.
public enum SetOperator: String, Hashable, Sendable {
    case union = "UNION", intersect = "INTERSECT", except = "EXCEPT"
}

/// `SELECT [DISTINCT] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …]`.
public struct Select: Hashable, Sendable {
    /// `DISTINCT`.
    public var distinct: Bool
    /// The select list.
    public var items: [SelectItem]
    /// The FROM relation (a comma list becomes cross joins); nil when there is no FROM.
    public var from: Relation?
    /// The WHERE condition.
    public var whereClause: Expression?
    /// GROUP BY expressions (ordinals are integer literals here).
    public var groupBy: [Expression]
    /// HAVING condition.
    public var having: Expression?

    /// Creates a SELECT.
    public init(
        distinct: Bool = false, items: [SelectItem], from: Relation? = nil, whereClause: Expression? = nil,
        groupBy: [Expression] = [], having: Expression? = nil
    ) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
    }
}

/// One item of a select list.
public enum SelectItem: Hashable, Sendable {
    /// `expression [AS alias]`.
    case expression(Expression, alias: Identifier?)
    /// `*` or `t.*`.
    case star(qualifier: [Identifier], location: NodeLocation)
}

/// A relation in FROM.
public indirect enum Relation: Hashable, Sendable {
    /// A named table, `db.t [AS alias]`.
    case table(name: [Identifier], alias: TableAlias?, location: NodeLocation)
    /// `(query) [AS] alias [(columns)]`.
    case subquery(Query, alias: TableAlias?)
    /// `read_parquet('s3://…', hive_partitioning => true) [AS alias]`.
    case tableFunction(FunctionCall, alias: TableAlias?, location: NodeLocation)
    /// A join of two relations.
    case join(JoinType, Relation, Relation, JoinCriteria)
}

/// `AS alias (col, …)`.
public struct TableAlias: Hashable, Sendable {
    /// The alias.
    public var name: Identifier
    /// Optional column aliases.
    public var columns: [Identifier]

    /// Creates an alias.
    public init(name: Identifier, columns: [Identifier] = []) {
        self.name = name
        self.columns = columns
    }
}

/// Join kinds as written.
public enum JoinType: String, Hashable, Sendable {
    case inner = "JOIN", left = "LEFT JOIN", right = "RIGHT JOIN", full = "FULL JOIN", cross = "CROSS JOIN"
}

/// How a join matches rows.
public enum JoinCriteria: Hashable, Sendable {
    /// No criteria (CROSS JOIN or comma).
    case none
    /// `ON condition`.
    case on(Expression)
    /// `USING (a, b)`.
    case using([Identifier])
    /// `NATURAL JOIN`.
    case natural
}
