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

/// A node's position in the SQL text that does not take part in equality or hashing, so two
/// syntax trees compare by content wherever they were written (parse → print → parse gives an
/// equal tree).
public struct NodeLocation: Hashable, Sendable, CustomStringConvertible {
    /// The position.
    public var location: SourceLocation

    /// Wraps a position.
    public init(_ location: SourceLocation) { self.location = location }

    /// Always true: positions are not part of a tree's identity.
    public static func == (lhs: NodeLocation, rhs: NodeLocation) -> Bool { true }
    /// Contributes nothing to the hash.
    public func hash(into hasher: inout Hasher) {}
    /// `line:column`.
    public var description: String { location.description }
}
