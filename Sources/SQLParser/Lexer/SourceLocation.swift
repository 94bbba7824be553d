/// A position in the SQL text: 1-based line and column (in characters), as Trino reports them.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column number, counted in Unicode scalars.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The start of the text.
    public static let start = SourceLocation(line: 1, column: 1)

    /// `line:column`, the form error messages use.
    public var description: String { "\(line):\(column)" }
}
