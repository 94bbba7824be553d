/// A scalar expression as written, with the location of its first token.
///
/// Equality and hashing ignore locations, so a parsed-and-printed tree compares equal to the
/// original and GROUP BY expressions can be matched against select items.
public struct Expression: Hashable, Sendable {
    /// What the expression is.
    public var kind: ExpressionKind
    /// Where it starts in the SQL text.
    public var location: SourceLocation

    /// Creates an expression.
    public init(_ kind: ExpressionKind, at location: SourceLocation = .start) {
        self.kind = kind
        self.location = location
    }

    /// Compares the trees, ignoring locations.
    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.kind == rhs.kind }
    /// Hashes the tree, ignoring locations.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

/// The kinds of scalar expression in the Trino dialect.
public indirect enum ExpressionKind: Hashable, Sendable {
    /// A possibly qualified column name: `a`, `t.a`, `db.t.a` (parts as written, unquoted).
    case identifier([Identifier])
    /// A literal value.
    case literal(Literal)
    /// `*` or `t.*` — only valid as a select item or inside `count(*)`.
    case star(qualifier: [Identifier])
    /// `-x`, `+x`, `NOT x`.
    case unary(UnaryOperator, Expression)
    /// Arithmetic, comparison, concatenation and boolean connectives.
    case binary(BinaryOperator, Expression, Expression)
    /// `x [NOT] BETWEEN low AND high`.
    case between(Expression, low: Expression, high: Expression, negated: Bool)
    /// `x [NOT] IN (a, b, …)`.
    case inList(Expression, [Expression], negated: Bool)
    /// `x [NOT] IN (SELECT …)`.
    case inSubquery(Expression, Query, negated: Bool)
    /// `EXISTS (SELECT …)`.
    case exists(Query)
    /// `(SELECT …)` used as a value.
    case scalarSubquery(Query)
    /// `x [NOT] LIKE pattern [ESCAPE e]`.
    case like(Expression, pattern: Expression, escape: Expression?, negated: Bool)
    /// `x IS [NOT] NULL`.
    case isNull(Expression, negated: Bool)
    /// `x IS [NOT] DISTINCT FROM y`.
    case isDistinctFrom(Expression, Expression, negated: Bool)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: Expression?, whens: [WhenClause], otherwise: Expression?)
    /// `CAST(x AS type)` or, when `safe`, `TRY_CAST(x AS type)`.
    case cast(Expression, TypeName, safe: Bool)
    /// A function call, aggregate or window function.
    case function(FunctionCall)
    /// `EXTRACT(field FROM x)`.
    case extract(field: String, Expression)
    /// `ARRAY[a, b, …]`.
    case array([Expression])
}

/// A name part with the information whether it was quoted (quoted names keep their case).
public struct Identifier: Hashable, Sendable, CustomStringConvertible {
    /// The name as written (unescaped).
    public var name: String
    /// Whether it was written in quotes.
    public var quoted: Bool

    /// Creates an identifier.
    public init(_ name: String, quoted: Bool = false) {
        self.name = name
        self.quoted = quoted
    }

    /// The name as the catalog compares it: Trino folds unquoted and quoted names to lower case.
    public var canonical: String { name.lowercased() }

    /// The name, quoted when needed to read back.
    public var description: String { SQLPrinting.identifier(name, forceQuote: quoted) }
}

/// A literal value as written.
public enum Literal: Hashable, Sendable {
    case null
    case boolean(Bool)
    /// Digits of an integer literal (Trino: INTEGER when it fits 32 bits, else BIGINT).
    case integer(String)
    /// Text of an exact decimal literal such as `12.50`.
    case decimal(String)
    /// Text of a double literal such as `1e3`.
    case double(String)
    /// A string literal (VARCHAR).
    case string(String)
    /// `DATE '…'`, `TIMESTAMP '…'`, `TIME '…'`, `DECIMAL '…'` and similar typed literals.
    case typed(type: String, value: String)
    /// `INTERVAL [sign] 'value' unit [TO unit]`.
    case interval(value: String, negative: Bool, unit: IntervalUnit, to: IntervalUnit?)
}

/// Units of an interval literal.
public enum IntervalUnit: String, Hashable, Sendable, CaseIterable {
    case year = "YEAR", month = "MONTH", week = "WEEK", day = "DAY"
    case hour = "HOUR", minute = "MINUTE", second = "SECOND", millisecond = "MILLISECOND"
}

/// Prefix operators.
public enum UnaryOperator: String, Hashable, Sendable {
    case minus = "-", plus = "+", not = "NOT"
}

/// Infix operators.
public enum BinaryOperator: String, Hashable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case concat = "||"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "AND", or = "OR"

    /// Whether this is one of the six comparisons.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}

/// One `WHEN condition THEN result` arm of a CASE.
public struct WhenClause: Hashable, Sendable {
    /// The condition (or, in a simple CASE, the value compared with the operand).
    public var condition: Expression
    /// The result when it holds.
    public var result: Expression

    /// Creates an arm.
    public init(condition: Expression, result: Expression) {
        self.condition = condition
        self.result = result
    }
}

/// A SQL type as written: `varchar`, `decimal(10, 2)`, `timestamp(3)`, `array(varchar)`.
public struct TypeName: Hashable, Sendable, CustomStringConvertible {
    /// The base name, lower-cased (`"double"`, `"timestamp with time zone"`).
    public var name: String
    /// Numeric parameters such as precision and scale.
    public var parameters: [Int]
    /// Type parameters (element type of `array(…)`, fields of `map`/`struct`).
    public var arguments: [TypeName]

    /// Creates a type name.
    public init(_ name: String, parameters: [Int] = [], arguments: [TypeName] = []) {
        self.name = name
        self.parameters = parameters
        self.arguments = arguments
    }

    /// The SQL spelling.
    public var description: String {
        if !arguments.isEmpty { return "\(name)(\(arguments.map(\.description).joined(separator: ", ")))" }
        if !parameters.isEmpty { return "\(name)(\(parameters.map(String.init).joined(separator: ", ")))" }
        return name
    }
}

/// A call `name([DISTINCT] args) [FILTER (WHERE …)] [OVER (…)]`.
public struct FunctionCall: Hashable, Sendable {
    /// The (possibly qualified) function name.
    public var name: [Identifier]
    /// Positional arguments; `count(*)` has none and `isStar` set.
    public var arguments: [Expression]
    /// Named arguments (`hive_partitioning => true`), used by table functions.
    public var namedArguments: [NamedArgument]
    /// `count(*)`.
    public var isStar: Bool
    /// `agg(DISTINCT …)`.
    public var distinct: Bool
    /// `FILTER (WHERE …)` on an aggregate.
    public var filter: Expression?
    /// `OVER (…)` for a window function.
    public var window: WindowSpecification?
    /// `IGNORE NULLS` on value window functions.
    public var ignoreNulls: Bool

    /// Creates a call.
    public init(
        name: [Identifier], arguments: [Expression], namedArguments: [NamedArgument] = [], isStar: Bool = false,
        distinct: Bool = false, filter: Expression? = nil, window: WindowSpecification? = nil, ignoreNulls: Bool = false
    ) {
        self.name = name
        self.arguments = arguments
        self.namedArguments = namedArguments
        self.isStar = isStar
        self.distinct = distinct
        self.filter = filter
        self.window = window
        self.ignoreNulls = ignoreNulls
    }

    /// The function name lower-cased and joined with dots.
    public var canonicalName: String { name.map(\.canonical).joined(separator: ".") }
}

/// `name => value` in a call.
public struct NamedArgument: Hashable, Sendable {
    /// The parameter name.
    public var name: Identifier
    /// The value.
    public var value: Expression

    /// Creates a named argument.
    public init(name: Identifier, value: Expression) {
        self.name = name
        self.value = value
    }
}

/// `OVER (PARTITION BY … ORDER BY … frame)`.
public struct WindowSpecification: Hashable, Sendable {
    /// Partition expressions.
    public var partitionBy: [Expression]
    /// Ordering within a partition.
    public var orderBy: [OrderItem]
    /// The frame, when given.
    public var frame: WindowFrame?

    /// Creates a specification.
    public init(partitionBy: [Expression] = [], orderBy: [OrderItem] = [], frame: WindowFrame? = nil) {
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
    }
}

/// `ROWS|RANGE BETWEEN start AND end`.
public struct WindowFrame: Hashable, Sendable {
    /// `ROWS` or `RANGE`.
    public enum Unit: String, Hashable, Sendable { case rows = "ROWS", range = "RANGE" }
    /// One end of a frame.
    public enum Bound: Hashable, Sendable {
        case unboundedPreceding
        case preceding(Expression)
        case currentRow
        case following(Expression)
        case unboundedFollowing
    }
    /// The unit.
    public var unit: Unit
    /// The start bound.
    public var start: Bound
    /// The end bound (`CURRENT ROW` when only a start is written).
    public var end: Bound

    /// Creates a frame.
    public init(unit: Unit, start: Bound, end: Bound) {
        self.unit = unit
        self.start = start
        self.end = end
    }
}

/// One `ORDER BY` item.
public struct OrderItem: Hashable, Sendable {
    /// The sort key.
    public var expression: Expression
    /// `ASC` (default) or `DESC`.
    public var ascending: Bool
    /// `NULLS FIRST` / `NULLS LAST`, or nil for the default (Trino: NULLS LAST).
    public var nullsFirst: Bool?

    /// Creates an item.
    public init(expression: Expression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}
