/// Canonical SQL text for syntax trees: parsing the printed text gives back an equal tree
/// (the round-trip property the parser tests check). Parentheses are added only where Trino's
/// precedence would otherwise regroup the tree.
public enum SQLPrinting {
    /// Words that must be quoted to be read back as identifiers.
    static func needsQuotes(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return true }
        if name.unicodeScalars.contains(where: { !($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }) {
            return true
        }
        return Parser.reserved.contains(name.uppercased())
    }

    /// An identifier, double-quoted when it would not read back as itself.
    public static func identifier(_ name: String, forceQuote: Bool = false) -> String {
        if forceQuote || needsQuotes(name) { return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return name
    }

    /// A string literal with `'` doubled.
    public static func string(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func name(_ parts: [Identifier]) -> String { parts.map(\.description).joined(separator: ".") }
}

extension Expression: CustomStringConvertible {
    /// The expression as SQL text.
    public var description: String { sql }

    /// The expression as SQL text.
    public var sql: String { kind.sql }

    /// Binding strength, used to decide where parentheses are needed.
    var precedence: Int { kind.precedence }
}

extension ExpressionKind {
    var precedence: Int {
        switch self {
        case .binary(let op, _, _):
            switch op {
            case .or: 1
            case .and: 2
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: 4
            case .concat: 5
            case .add, .subtract: 6
            case .multiply, .divide, .modulo: 7
            }
        case .unary(.not, _): 3
        case .unary: 8
        case .between, .inList, .inSubquery, .like, .isNull, .isDistinctFrom: 4
        case .literal(.integer(let text)), .literal(.decimal(let text)), .literal(.double(let text)):
            text.hasPrefix("-") ? 8 : 9
        default: 9
        }
    }

    /// `child` parenthesised when it binds looser than `level` (or equally, for right operands).
    private func wrap(_ child: Expression, _ level: Int, strict: Bool = false) -> String {
        let p = child.precedence
        return p < level || (strict && p == level) ? "(\(child.sql))" : child.sql
    }

    var sql: String {
        switch self {
        case .identifier(let parts): return SQLPrinting.name(parts)
        case .literal(let literal): return literal.sql
        case .star(let qualifier): return qualifier.isEmpty ? "*" : SQLPrinting.name(qualifier) + ".*"
        case .unary(let op, let operand):
            if op == .not { return "NOT " + wrap(operand, 3) }
            return op.rawValue + wrap(operand, 8, strict: true)
        case .binary(let op, let left, let right):
            let level = precedence
            // Comparisons do not chain: both sides must be value expressions.
            let leftStrict = level == 4
            return "\(wrap(left, level, strict: leftStrict)) \(op.rawValue) \(wrap(right, level, strict: true))"
        case .between(let value, let low, let high, let negated):
            return "\(wrap(value, 5)) \(negated ? "NOT " : "")BETWEEN \(wrap(low, 5)) AND \(wrap(high, 5))"
        case .inList(let value, let items, let negated):
            return "\(wrap(value, 5)) \(negated ? "NOT " : "")IN (\(items.map(\.sql).joined(separator: ", ")))"
        case .inSubquery(let value, let query, let negated):
            return "\(wrap(value, 5)) \(negated ? "NOT " : "")IN (\(query.sql))"
        case .exists(let query): return "EXISTS (\(query.sql))"
        case .scalarSubquery(let query): return "(\(query.sql))"
        case .like(let value, let pattern, let escape, let negated):
            var text = "\(wrap(value, 5)) \(negated ? "NOT " : "")LIKE \(wrap(pattern, 5))"
            if let escape { text += " ESCAPE \(wrap(escape, 5))" }
            return text
        case .isNull(let value, let negated): return "\(wrap(value, 5)) IS \(negated ? "NOT " : "")NULL"
        case .isDistinctFrom(let left, let right, let negated):
            return "\(wrap(left, 5)) IS \(negated ? "NOT " : "")DISTINCT FROM \(wrap(right, 5))"
        case .caseWhen(let operand, let whens, let otherwise):
            var text = "CASE"
            if let operand { text += " " + operand.sql }
            for when in whens { text += " WHEN \(when.condition.sql) THEN \(when.result.sql)" }
            if let otherwise { text += " ELSE \(otherwise.sql)" }
            return text + " END"
        case .cast(let value, let type, let safe): return "\(safe ? "TRY_CAST" : "CAST")(\(value.sql) AS \(type))"
        case .function(let call): return call.sql
        case .extract(let field, let value): return "EXTRACT(\(field) FROM \(value.sql))"
        case .array(let items): return "ARRAY[\(items.map(\.sql).joined(separator: ", "))]"
        }
    }
}

extension Literal {
    /// The literal as SQL text.
    public var sql: String {
        switch self {
        case .null: "NULL"
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .integer(let text), .decimal(let text), .double(let text): text
        case .string(let value): SQLPrinting.string(value)
        case .typed(let type, let value): "\(type) \(SQLPrinting.string(value))"
        case .interval(let value, let negative, let unit, let to):
            "INTERVAL \(negative ? "- " : "")\(SQLPrinting.string(value)) \(unit.rawValue)" + (to.map { " TO \($0.rawValue)" } ?? "")
        }
    }
}

extension FunctionCall {
    /// The call as SQL text.
    public var sql: String {
        var text = SQLPrinting.name(name) + "("
        if isStar {
            text += "*"
        } else {
            if distinct { text += "DISTINCT " }
            let args = arguments.map(\.sql) + namedArguments.map { "\($0.name) => \($0.value.sql)" }
            text += args.joined(separator: ", ")
        }
        text += ")"
        if ignoreNulls { text += " IGNORE NULLS" }
        if let filter { text += " FILTER (WHERE \(filter.sql))" }
        if let window { text += " OVER (\(window.sql))" }
        return text
    }
}

extension WindowSpecification {
    /// The inside of `OVER (…)`.
    public var sql: String {
        var parts: [String] = []
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + partitionBy.map(\.sql).joined(separator: ", ")) }
        if !orderBy.isEmpty { parts.append("ORDER BY " + orderBy.map(\.sql).joined(separator: ", ")) }
        if let frame { parts.append("\(frame.unit.rawValue) BETWEEN \(frame.start.sql) AND \(frame.end.sql)") }
        return parts.joined(separator: " ")
    }
}

extension WindowFrame.Bound {
    var sql: String {
        switch self {
        case .unboundedPreceding: "UNBOUNDED PRECEDING"
        case .preceding(let e): "\(e.sql) PRECEDING"
        case .currentRow: "CURRENT ROW"
        case .following(let e): "\(e.sql) FOLLOWING"
        case .unboundedFollowing: "UNBOUNDED FOLLOWING"
        }
    }
}

extension OrderItem {
    /// `expr [DESC] [NULLS FIRST|LAST]`.
    public var sql: String {
        var text = expression.sql
        if !ascending { text += " DESC" }
        if let nullsFirst { text += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
        return text
    }
}
