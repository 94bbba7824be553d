import TarnCore

/// Recursive-descent parser for the Trino dialect; one instance parses one text.
///
/// Split by aspect: `Parser+Statement` (DDL and utility statements), `Parser+Query` (SELECT,
/// relations, set operations), `Parser+Expression` (precedence climbing over Trino's levels).
struct Parser {
    var tokens: [Token]
    var position = 0

    init(sql: String) throws {
        var lexer = Lexer(sql)
        tokens = try lexer.tokenize()
    }

    // MARK: Token access

    var current: Token { tokens[position] }

    func peek(_ offset: Int = 1) -> Token {
        let index = position + offset
        return index < tokens.count ? tokens[index] : tokens[tokens.count - 1]
    }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    /// Whether the current token is the keyword `word` (case-insensitive, unquoted).
    func isKeyword(_ word: String, at offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .word && token.upper == word
    }

    func isSymbol(_ symbol: String, at offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .symbol && token.text == symbol
    }

    /// Consumes the keyword when present.
    mutating func accept(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        advance()
        return true
    }

    /// Consumes the symbol when present.
    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func expect(_ word: String) throws {
        guard accept(word) else { throw mismatch(expecting: ["'\(word)'"]) }
    }

    mutating func expectSymbol(_ symbol: String) throws {
        guard acceptSymbol(symbol) else { throw mismatch(expecting: ["'\(symbol)'"]) }
    }

    mutating func expectEnd() throws {
        _ = acceptSymbol(";")
        guard current.kind == .end else { throw mismatch(expecting: ["<EOF>"]) }
    }

    /// Trino's wording for an unexpected token.
    func mismatch(expecting: [String]) -> TarnError {
        let token = current
        let what = token.kind == .end ? "mismatched input '<EOF>'" : "mismatched input '\(token.display)'"
        return TarnError(.syntaxError, "line \(token.location): \(what). Expecting: \(expecting.joined(separator: ", "))")
    }

    func error(_ message: String, at location: SourceLocation) -> TarnError {
        TarnError(.syntaxError, "line \(location): \(message)")
    }

    // MARK: Identifiers

    /// Words that cannot be used as unquoted identifiers or implicit aliases (Trino's reserved
    /// keywords that can appear where an alias could).
    static let reserved: Set<String> = [
        "ALTER", "AND", "AS", "BETWEEN", "BY", "CASE", "CAST", "CONSTRAINT", "CREATE", "CROSS", "CUBE",
        "DEALLOCATE", "DELETE", "DESCRIBE", "DISTINCT", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT", "EXECUTE",
        "EXISTS", "EXTRACT", "FALSE", "FOR", "FROM", "FULL", "GROUP", "GROUPING", "HAVING", "IN", "INNER",
        "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT", "NULL",
        "OFFSET", "ON", "OR", "ORDER", "OUTER", "PREPARE", "RIGHT", "ROLLUP", "SELECT", "TABLE", "THEN",
        "TRUE", "UESCAPE", "UNION", "UNNEST", "USING", "VALUES", "WHEN", "WHERE", "WITH", "FETCH", "WINDOW",
    ]

    /// Whether the current token can start an identifier.
    var atIdentifier: Bool {
        switch current.kind {
        case .quotedIdentifier: true
        case .word: !Self.reserved.contains(current.upper)
        default: false
        }
    }

    mutating func parseIdentifier() throws -> Identifier {
        switch current.kind {
        case .quotedIdentifier:
            let identifier = Identifier(current.text, quoted: true)
            advance()
            return identifier
        case .word where !Self.reserved.contains(current.upper):
            let identifier = Identifier(current.text)
            advance()
            return identifier
        default:
            throw mismatch(expecting: ["<identifier>"])
        }
    }

    /// `a`, `a.b`, `a.b.c`.
    mutating func parseQualifiedName() throws -> [Identifier] {
        var parts = [try parseIdentifier()]
        while isSymbol("."), peek().kind == .word || peek().kind == .quotedIdentifier {
            advance()
            parts.append(try parseIdentifier())
        }
        return parts
    }

    mutating func parseStringLiteral() throws -> String {
        guard current.kind == .string else { throw mismatch(expecting: ["<string>"]) }
        let text = current.text
        advance()
        return text
    }

    mutating func parseIntegerLiteral() throws -> Int {
        guard current.kind == .integer, let value = Int(current.text) else { throw mismatch(expecting: ["<integer>"]) }
        advance()
        return value
    }

    // MARK: Statements

    mutating func parseSingleStatement() throws -> Statement {
        let statement = try parseStatement()
        try expectEnd()
        return statement
    }
}
