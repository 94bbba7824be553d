import TarnCore

/// Splits SQL text into tokens with line:column positions.
///
/// Trino's lexical rules: identifiers start with a letter or `_` and continue with letters,
/// digits, `_`; `"…"` quotes an identifier with `""` as an escaped quote (Athena DDL also uses
/// `` `…` ``); `'…'` is a string with `''` as an escaped quote; `--` starts a comment to the end
/// of the line and `/* … */` a block comment; a number with a `.` is a DECIMAL literal and one
/// with an exponent a DOUBLE literal.
public struct Lexer: Sendable {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// Creates a lexer over `sql`.
    public init(_ sql: String) { scalars = Array(sql.unicodeScalars) }

    /// Lexes the whole input; the last token is `.end`.
    /// - Throws: `TarnError(.syntaxError)` for an unterminated string, identifier or comment, or
    ///   a character that starts no token.
    public mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let position = index + offset
        return position < scalars.count ? scalars[position] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private func error(_ message: String, _ location: SourceLocation) -> TarnError {
        TarnError(.syntaxError, "line \(location): \(message)")
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c)
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return ("0"..."9").contains(c)
    }

    private mutating func skipTrivia() throws {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                advance()
            } else if c == "-" && peek(1) == "-" {
                while let d = peek(), d != "\n" { _ = d; advance() }
            } else if c == "/" && peek(1) == "*" {
                let start = SourceLocation(line: line, column: column)
                advance(); advance()
                while true {
                    guard let d = peek() else { throw error("unterminated comment", start) }
                    if d == "*" && peek(1) == "/" {
                        advance(); advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func next() throws -> Token {
        try skipTrivia()
        let location = SourceLocation(line: line, column: column)
        guard let c = peek() else { return Token(kind: .end, text: "", location: location) }

        if Self.isIdentifierStart(c) {
            var text = String.UnicodeScalarView()
            while let d = peek(), Self.isIdentifierPart(d) {
                text.append(d)
                advance()
            }
            return Token(kind: .word, text: String(text), location: location)
        }
        if c == "\"" || c == "`" {
            return Token(kind: .quotedIdentifier, text: try quoted(c, location, what: "identifier"), location: location)
        }
        if c == "'" {
            return Token(kind: .string, text: try quoted(c, location, what: "string"), location: location)
        }
        if Self.isDigit(c) || (c == "." && Self.isDigit(peek(1))) {
            return number(location)
        }
        let two: [String] = ["<=", ">=", "<>", "!=", "||", "=>", "::"]
        if let d = peek(1) {
            let pair = String(c) + String(d)
            if two.contains(pair) {
                advance(); advance()
                return Token(kind: .symbol, text: pair, location: location)
            }
        }
        if "(),.;+-*/%=<>[]?:".unicodeScalars.contains(c) {
            advance()
            return Token(kind: .symbol, text: String(c), location: location)
        }
        throw error("token recognition error at: '\(c)'", location)
    }

    /// Reads a quoted run; a doubled quote character stands for itself.
    private mutating func quoted(_ quote: Unicode.Scalar, _ location: SourceLocation, what: String) throws -> String {
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw error("unterminated \(what)", location) }
            advance()
            if c == quote {
                if peek() == quote {
                    text.append(quote)
                    advance()
                } else {
                    return String(text)
                }
            } else {
                text.append(c)
            }
        }
    }

    private mutating func number(_ location: SourceLocation) -> Token {
        var text = String.UnicodeScalarView()
        var kind = Token.Kind.integer
        while Self.isDigit(peek()) { text.append(peek()!); advance() }
        if peek() == ".", !(peek(1) == "." ) {
            kind = .decimal
            text.append("."); advance()
            while Self.isDigit(peek()) { text.append(peek()!); advance() }
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            if Self.isDigit(sign) || ((sign == "+" || sign == "-") && Self.isDigit(peek(2))) {
                kind = .double
                text.append(e); advance()
                if sign == "+" || sign == "-" { text.append(sign!); advance() }
                while Self.isDigit(peek()) { text.append(peek()!); advance() }
            }
        }
        return Token(kind: kind, text: String(text), location: location)
    }
}
