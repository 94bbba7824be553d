import Columnar
import TarnCore

/// The file schema as a tree, its leaf columns, and its mapping to a `Columnar.Schema`.
///
/// Built once per file from the footer; immutable and `Sendable`, so a query can share it
/// between threads reading different row groups.
public struct ParquetSchema: Sendable {
    /// The flattened elements as stored.
    public let elements: [SchemaElement]
    /// The root group node (its children are the top-level fields).
    public let root: SchemaNode
    /// The leaf columns in column-chunk order.
    public let leaves: [LeafColumn]
    /// Top-level fields as Columnar fields (nested types for groups).
    public let fields: [Field]
    /// How each top-level field is reassembled from its leaves.
    let shapes: [ColumnShape]

    /// Builds the tree from the footer's flattened element list.
    /// - Parameters:
    ///   - elements: `FileMetaData.schema`.
    ///   - options: decoding choices that affect types (INT96 unit).
    ///   - context: names the file in errors.
    /// - Throws: `TarnError(.corrupt)` when the list is not a well-formed tree, `.unsupported`
    ///   for shapes this build cannot map.
    public init(elements: [SchemaElement], options: ReadOptions = ReadOptions(), context: String = "parquet") throws {
        guard let first = elements.first else { throw TarnError(.corrupt, "\(context): empty schema") }
        self.elements = elements
        var position = 1
        var leaves: [LeafColumn] = []
        var root = SchemaNode(element: first, children: [], path: [], definitionLevel: 0, repetitionLevel: 0, leafIndex: nil)

        func build(parent: inout SchemaNode, childCount: Int, depth: Int) throws {
            guard depth < 100 else { throw TarnError(.corrupt, "\(context): schema nested deeper than 100 levels") }
            guard childCount >= 0, childCount <= elements.count - position else {
                throw TarnError(.corrupt, "\(context): schema element '\(parent.name)' claims \(childCount) children, \(elements.count - position) elements remain")
            }
            for _ in 0..<childCount {
                guard position < elements.count else {
                    throw TarnError(.corrupt, "\(context): schema ends inside group '\(parent.name)'")
                }
                let element = elements[position]
                position += 1
                let repetition = element.repetition ?? .required
                let nonRequired = repetition == .required ? 0 : 1
                var node = SchemaNode(
                    element: element, children: [], path: parent.path + [element.name],
                    definitionLevel: parent.definitionLevel + nonRequired,
                    repetitionLevel: parent.repetitionLevel + (repetition == .repeated ? 1 : 0), leafIndex: nil)
                if element.isGroup {
                    try build(parent: &node, childCount: Int(element.numChildren ?? 0), depth: depth + 1)
                } else {
                    guard let physical = element.type else { throw TarnError(.corrupt, "\(context): leaf '\(element.name)' has no type") }
                    if physical == .fixedLenByteArray {
                        guard let length = element.typeLength, length > 0 else {
                            throw TarnError(.corrupt, "\(context): FIXED_LEN_BYTE_ARRAY column '\(element.name)' has type_length \(String(describing: element.typeLength))")
                        }
                    }
                    node.leafIndex = leaves.count
                    leaves.append(LeafColumn(
                        index: leaves.count, path: node.path, element: element, physicalType: physical,
                        typeLength: Int(element.typeLength ?? 0), maxDefinitionLevel: node.definitionLevel,
                        maxRepetitionLevel: node.repetitionLevel,
                        dataType: try TypeMapping.leafType(element, options: options, context: context)))
                }
                parent.children.append(node)
            }
        }
        try build(parent: &root, childCount: Int(first.numChildren ?? 0), depth: 0)
        guard position == elements.count else {
            throw TarnError(.corrupt, "\(context): schema has \(elements.count - position) elements outside the root's children")
        }
        self.root = root
        self.leaves = leaves
        var shapes: [ColumnShape] = []
        var fields: [Field] = []
        var nextID = 0
        for child in root.children {
            let (field, shape) = try ColumnShape.make(child, leaves: leaves, nextID: &nextID, context: context)
            fields.append(field)
            shapes.append(shape)
        }
        self.shapes = shapes
        self.fields = fields
    }

    /// The Columnar schema of the top-level fields.
    public var columnarSchema: Schema { Schema(fields) }

    /// Index of the top-level field called `name`.
    public func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Leaf indices that make up top-level field `index`.
    public func leafIndices(ofField index: Int) -> [Int] { root.children[index].leafIndices }

    /// The leaf with dotted path `path` (`a.b.c`), if any.
    public func leaf(dottedPath path: String) -> LeafColumn? { leaves.first { $0.dottedPath == path } }
}
