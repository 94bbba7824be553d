import TarnCore

extension TarnError.Code {
    /// The SQL text is not valid syntax (Trino's `SYNTAX_ERROR`).
    public static let syntaxError = Self("SyntaxError")
}

/// Rendering of SQL errors the way Trino's CLI shows them: the message, the offending line and a
/// caret under the column.
public enum SQLDiagnostics {
    /// The `line:column` a message starts with (`"line 1:15: …"`), or nil.
    /// - Parameter message: an error message produced by the parser, binder or planner.
    public static func location(in message: String) -> SourceLocation? {
        guard message.hasPrefix("line ") else { return nil }
        let rest = message.dropFirst(5)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        guard let line = Int(rest[..<colon]) else { return nil }
        let afterColon = rest[rest.index(after: colon)...]
        let digits = afterColon.prefix { $0.isNumber }
        guard let column = Int(digits) else { return nil }
        return SourceLocation(line: line, column: column)
    }

    /// The message followed by the SQL line it points at and a caret under the column.
    ///
    /// ```
    /// line 1:15: mismatched input 'FORM'. Expecting: ',', 'FROM', …
    /// SELECT a, b   FORM t
    ///               ^
    /// ```
    /// - Parameters:
    ///   - error: an error whose message starts with `line L:C:`; other errors print as is.
    ///   - sql: the statement text the error refers to.
    public static func render(_ error: TarnError, sql: String) -> String {
        guard let location = location(in: error.message) else { return error.message }
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return error.message }
        let text = String(lines[location.line - 1]).replacingOccurrences(of: "\r", with: "")
        // Tabs keep their width so the caret lines up under the same character.
        let pad = String(text.unicodeScalars.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " })
        return "\(error.message)\n\(text)\n\(pad)^"
    }
}
