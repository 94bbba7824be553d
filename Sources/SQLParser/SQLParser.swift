/// # SQLParser
///
/// The Athena (Trino) SQL dialect: tokens, lexer, AST and a recursive-descent parser whose errors
/// carry line:column positions.
public enum SQLParserModule {}
