/// A node of the schema tree rebuilt from the flattened `SchemaElement` list, with the
/// definition and repetition levels the record shredding assigns to it.
///
/// From the Dremel model as Parquet uses it: a value's definition level counts the optional and
/// repeated fields on its path that are present; its repetition level says at which repeated
/// field on the path a new list element starts. So a node's `definitionLevel` is the number of
/// non-required nodes from the root down to and including it, and `repetitionLevel` the number
/// of repeated ones.
public struct SchemaNode: Sendable {
    /// The schema element.
    public var element: SchemaElement
    /// Children (groups only).
    public var children: [SchemaNode]
    /// Names from the root's child down to this node.
    public var path: [String]
    /// Definition level at which this node is present.
    public var definitionLevel: Int
    /// Repetition level of this node (repeated ancestors including itself).
    public var repetitionLevel: Int
    /// For leaves, the index of the leaf column (column chunk order).
    public var leafIndex: Int?

    /// The field name.
    public var name: String { element.name }
    /// The repetition (the root has none and counts as required).
    public var repetition: Repetition { element.repetition ?? .required }
    /// Whether this is a leaf (primitive) node.
    public var isLeaf: Bool { leafIndex != nil }

    /// Leaf indices under this node, in order.
    public var leafIndices: [Int] {
        if let leafIndex { return [leafIndex] }
        return children.flatMap(\.leafIndices)
    }
}
