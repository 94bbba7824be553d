import Columnar

/// Everything the reader needs to know about one leaf column (one column chunk per row group).
public struct LeafColumn: Sendable {
    /// Position among the leaves (and of the column chunk in each row group).
    public var index: Int
    /// Names from the top-level field down to the leaf.
    public var path: [String]
    /// The leaf's schema element.
    public var element: SchemaElement
    /// The physical type.
    public var physicalType: PhysicalType
    /// Byte width for FIXED_LEN_BYTE_ARRAY.
    public var typeLength: Int
    /// Maximum definition level (0 for a required leaf under required ancestors).
    public var maxDefinitionLevel: Int
    /// Maximum repetition level (0 outside lists).
    public var maxRepetitionLevel: Int
    /// The Columnar type the leaf's values decode to.
    public var dataType: DataType

    /// The dotted path, as users name nested columns (`a.b.c`).
    public var dottedPath: String { path.joined(separator: ".") }
}
