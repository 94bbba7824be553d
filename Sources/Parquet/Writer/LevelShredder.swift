import Columnar
import TarnCore

/// Record shredding for the writer: turns a nested Columnar column into, for one leaf, the
/// definition and repetition level of every entry and the dense leaf values (the Dremel
/// encoding the reader's `ColumnAssembler` undoes).
///
/// Walking down from each row: a null at a nullable node emits one entry at the definition
/// level reached so far; an empty list emits one entry at the list's level; each list element
/// after the first repeats at the list's repetition level; a present leaf value emits an entry
/// at the maximum definition level and is appended to the dense values.
struct LevelShredder {
    /// One step from the top-level field down to the leaf.
    enum Step {
        case structure(child: Int, nullable: Bool)
        case list(nullable: Bool, elementNullable: Bool)
        case leaf(nullable: Bool)
    }

    var definition: [UInt16] = []
    var repetition: [UInt16] = []
    /// Positions of present leaf values in the leaf column, in entry order.
    var valueIndices: [Int32] = []

    /// The steps from a top-level field of `type` to the leaf at `path` (names below the field,
    /// as `WriteSchema.elements` lays them out).
    static func steps(for field: Field, path: ArraySlice<String>) -> [Step] {
        var steps: [Step] = []
        var type = field.type
        var nullable = field.nullable
        var rest = path
        while true {
            switch type {
            case .structure(let children):
                let name = rest.first ?? ""
                let index = children.firstIndex { $0.name == name } ?? 0
                steps.append(.structure(child: index, nullable: nullable))
                rest = rest.dropFirst()
                type = children[index].type
                nullable = children[index].nullable
            case .list(let element):
                steps.append(.list(nullable: nullable, elementNullable: element.nullable))
                rest = rest.dropFirst(2)  // "list", "element"
                type = element.type
                nullable = element.nullable
            case .map(let key, let value):
                // A map is a list of non-null (key, value) structs.
                steps.append(.list(nullable: nullable, elementNullable: false))
                let isKey = rest.dropFirst().first == "key"
                steps.append(.structure(child: isKey ? 0 : 1, nullable: false))
                rest = rest.dropFirst(2)
                type = isKey ? key.type : value.type
                nullable = isKey ? false : value.nullable
            default:
                steps.append(.leaf(nullable: nullable))
                return steps
            }
        }
    }

    /// Shreds rows `0..<column.count` of a top-level column along `steps`, returning the leaf column
    /// the value indices point into.
    mutating func shred(_ column: Column, steps: [Step]) -> Column {
        var leafColumn = column
        // Find the leaf column by following the steps once (children share row alignment).
        var current = column
        for step in steps {
            switch step {
            case .structure(let child, _):
                if case .structure(let children) = current.storage { current = children[child] }
            case .list:
                if case .list(_, let values) = current.storage { current = values }
            case .leaf:
                leafColumn = current
            }
        }
        for row in 0..<column.count { emit(column, row, steps[...], definition: 0, repetition: 0, listDepth: 0) }
        return leafColumn
    }

    private mutating func emit(_ column: Column, _ index: Int, _ steps: ArraySlice<Step>, definition: Int, repetition: Int, listDepth: Int) {
        guard let step = steps.first else { return }
        switch step {
        case .leaf(let nullable):
            if nullable && column.isNull(index) {
                append(definition, repetition)
            } else {
                append(definition + (nullable ? 1 : 0), repetition)
                valueIndices.append(Int32(index))
            }
        case .structure(let child, let nullable):
            if nullable && column.isNull(index) {
                append(definition, repetition)
                return
            }
            guard case .structure(let children) = column.storage else { return }
            emit(children[child], index, steps.dropFirst(), definition: definition + (nullable ? 1 : 0), repetition: repetition, listDepth: listDepth)
        case .list(let nullable, _):
            if nullable && column.isNull(index) {
                append(definition, repetition)
                return
            }
            guard case .list(let offsets, let values) = column.storage else { return }
            let present = definition + (nullable ? 1 : 0)
            let start = Int(offsets[index]), end = Int(offsets[index + 1])
            if start == end {
                append(present, repetition)
                return
            }
            let level = listDepth + 1
            for element in start..<end {
                emit(values, element, steps.dropFirst(), definition: present + 1, repetition: element == start ? repetition : level,
                     listDepth: level)
            }
        }
    }

    @inline(__always)
    private mutating func append(_ definition: Int, _ repetition: Int) {
        self.definition.append(UInt16(definition))
        self.repetition.append(UInt16(repetition))
    }
}
