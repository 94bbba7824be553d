import Columnar
import TarnCore

/// How a top-level field is put back together from its leaf columns: which nodes contribute a
/// validity bitmap (optional fields) and which contribute list offsets (repeated fields).
///
/// LIST and MAP groups collapse their repeated middle level into one Columnar list, following
/// the backward-compatibility rules of LogicalTypes.md for two- and three-level lists.
indirect enum ColumnShape: Sendable {
    /// A leaf; `nullableDefinition` is the level at or above which a slot holds a value.
    case leaf(id: Int, leaf: Int, type: DataType, nullableDefinition: Int?)
    /// A struct of children.
    case structure(id: Int, type: DataType, children: [ColumnShape], nullableDefinition: Int?)
    /// A list: present when the definition level reaches `nullableDefinition` (if optional),
    /// non-empty when it reaches `repeatedDefinition`; elements repeat at `repetitionLevel`.
    case list(id: Int, type: DataType, element: ColumnShape, nullableDefinition: Int?, repeatedDefinition: Int, repetitionLevel: Int)

    var id: Int {
        switch self {
        case .leaf(let id, _, _, _), .structure(let id, _, _, _), .list(let id, _, _, _, _, _): id
        }
    }

    var type: DataType {
        switch self {
        case .leaf(_, _, let type, _), .structure(_, let type, _, _), .list(_, let type, _, _, _, _): type
        }
    }

    /// The leaves under this shape, in order.
    var leaves: [Int] {
        switch self {
        case .leaf(_, let leaf, _, _): [leaf]
        case .structure(_, _, let children, _): children.flatMap(\.leaves)
        case .list(_, _, let element, _, _, _): element.leaves
        }
    }

    /// Builds the field and shape of `node` as it appears in its parent.
    static func make(_ node: SchemaNode, leaves: [LeafColumn], nextID: inout Int, context: String) throws -> (Field, ColumnShape) {
        if node.repetition == .repeated {
            // A repeated field outside a LIST/MAP annotation is a list of required elements.
            let (elementField, element) = try makePresent(node, leaves: leaves, nextID: &nextID, context: context)
            let type = DataType.list(Field(node.name, elementField.type, nullable: false))
            nextID += 1
            return (Field(node.name, type, nullable: false),
                    .list(id: nextID, type: type, element: element, nullableDefinition: nil,
                          repeatedDefinition: node.definitionLevel, repetitionLevel: node.repetitionLevel))
        }
        return try makePresent(node, leaves: leaves, nextID: &nextID, context: context)
    }

    /// Builds `node` ignoring that it may be repeated (its parent already made the list).
    private static func makePresent(_ node: SchemaNode, leaves: [LeafColumn], nextID: inout Int, context: String) throws -> (Field, ColumnShape) {
        let nullable = node.repetition == .optional
        let nullableDefinition = nullable ? node.definitionLevel : nil
        nextID += 1
        let id = nextID
        if let leafIndex = node.leafIndex {
            let type = leaves[leafIndex].dataType
            return (Field(node.name, type, nullable: nullable), .leaf(id: id, leaf: leafIndex, type: type, nullableDefinition: nullableDefinition))
        }
        let element = node.element
        let isList = element.logicalType == .list || element.convertedType == .list
        let isMap = element.logicalType == .map || element.convertedType == .map || element.convertedType == .mapKeyValue
        if (isList || isMap), node.children.count == 1, node.children[0].repetition == .repeated {
            let repeated = node.children[0]
            if isMap, !repeated.isLeaf, (1...2).contains(repeated.children.count) {
                let (keyField, keyShape) = try make(repeated.children[0], leaves: leaves, nextID: &nextID, context: context)
                if repeated.children.count == 1 {
                    // A map without values reads as the list of its keys (as Arrow does).
                    let type = DataType.list(Field(keyField.name, keyField.type, nullable: false))
                    return (Field(node.name, type, nullable: nullable),
                            .list(id: id, type: type, element: keyShape, nullableDefinition: nullableDefinition,
                                  repeatedDefinition: repeated.definitionLevel, repetitionLevel: repeated.repetitionLevel))
                }
                let (valueField, valueShape) = try make(repeated.children[1], leaves: leaves, nextID: &nextID, context: context)
                nextID += 1
                let entryType = DataType.structure([keyField, valueField])
                let entries = ColumnShape.structure(id: nextID, type: entryType, children: [keyShape, valueShape], nullableDefinition: nil)
                let type = DataType.map(key: keyField, value: valueField)
                return (Field(node.name, type, nullable: nullable),
                        .list(id: id, type: type, element: entries, nullableDefinition: nullableDefinition,
                              repeatedDefinition: repeated.definitionLevel, repetitionLevel: repeated.repetitionLevel))
            }
            if isList {
                // LogicalTypes.md, backward-compatibility rules: the repeated field is itself the
                // element when it is a primitive, a group of several fields, or a one-field group
                // named `array` or `<list>_tuple`; otherwise its single child is the element.
                let repeatedIsElement = repeated.isLeaf || repeated.children.count != 1
                    || repeated.name == "array" || repeated.name == node.name + "_tuple"
                let elementField: Field
                let elementShape: ColumnShape
                if repeatedIsElement {
                    let (field, shape) = try makePresent(repeated, leaves: leaves, nextID: &nextID, context: context)
                    elementField = Field(field.name, field.type, nullable: false)
                    elementShape = shape
                } else {
                    (elementField, elementShape) = try make(repeated.children[0], leaves: leaves, nextID: &nextID, context: context)
                }
                let type = DataType.list(elementField)
                return (Field(node.name, type, nullable: nullable),
                        .list(id: id, type: type, element: elementShape, nullableDefinition: nullableDefinition,
                              repeatedDefinition: repeated.definitionLevel, repetitionLevel: repeated.repetitionLevel))
            }
        }
        guard !node.children.isEmpty else {
            throw TarnError(.unsupported, "\(context): group '\(node.path.joined(separator: "."))' has no children")
        }
        var fields: [Field] = []
        var shapes: [ColumnShape] = []
        for child in node.children {
            let (field, shape) = try make(child, leaves: leaves, nextID: &nextID, context: context)
            fields.append(field)
            shapes.append(shape)
        }
        let type = DataType.structure(fields)
        return (Field(node.name, type, nullable: nullable), .structure(id: id, type: type, children: shapes, nullableDefinition: nullableDefinition))
    }
}
