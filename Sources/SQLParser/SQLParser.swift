/// # SQLParser
///
/// The Athena (Trino) SQL dialect: tokens, lexer, AST and a recursive-descent parser whose errors
/// carry line:column positions.
///
/// ```
///  SQL text ──Lexer──▶ [Token] ──Parser──▶ Statement (AST) ──Printer──▶ canonical SQL text
///                                   │
///                                   └─ TarnError(.syntaxError, "line 1:15: mismatched input 'FORM'. Expecting: …")
///                                        └─ SQLDiagnostics.render(error, sql:) prints the line and a caret
/// ```
///
/// - `Lexer/`: `SourceLocation`, `Token`, `Lexer` (quoted identifiers, `''` strings, comments,
///   integer / decimal / double literals).
/// - `AST/`: `Expression`, `Query` (SELECT, set operations, relations, windows), `Statement`
///   (queries, EXPLAIN, DDL, SHOW, DESCRIBE, MSCK, ALTER, CTAS, INSERT, USE).
/// - `Parser/`: one recursive-descent `Parser`, split by aspect, with Trino's operator precedence.
/// - `Printer/`: `sql` renderings used for round trips, EXPLAIN and error messages.
///
/// Usage:
/// ```swift
/// let statement = try SQLParser.parse("SELECT a, count(*) FROM t GROUP BY 1")
/// ```
public enum SQLParserModule {}

/// Entry points of the SQL parser.
public enum SQLParser {
    /// Parses exactly one statement (a trailing `;` is allowed).
    /// - Parameter sql: the statement text.
    /// - Returns: the statement's syntax tree.
    /// - Throws: `TarnError(.syntaxError)` with a `line L:C:` prefixed message.
    public static func parse(_ sql: String) throws -> Statement {
        var parser = try Parser(sql: sql)
        return try parser.parseSingleStatement()
    }

    /// Parses a standalone expression (used by tests and by table properties).
    /// - Parameter sql: the expression text.
    /// - Throws: `TarnError(.syntaxError)`.
    public static func parseExpression(_ sql: String) throws -> Expression {
        var parser = try Parser(sql: sql)
        let expression = try parser.parseExpression()
        try parser.expectEnd()
        return expression
    }
}
