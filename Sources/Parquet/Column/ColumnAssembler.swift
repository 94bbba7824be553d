import Columnar
import TarnCore

/// Rebuilds a top-level Columnar column (flat, struct, list, map, any nesting) from the decoded
/// leaves under it, using their definition and repetition levels.
///
/// Each leaf's level entries are walked top-down along its shape path. "Slots" are the entries
/// at which an item of the current nesting level starts: at the top, the entries with
/// repetition level 0 (one per row); below a list, the entries whose repetition level is at most
/// the list's. At every optional node a slot is valid when its definition level reaches the
/// node's; at every list, a slot's elements are the following entries until the repetition level
/// drops below the list's. Ancestors shared by several leaves are computed from the first leaf.
struct ColumnAssembler {
    let rowCount: Int
    let context: String
    private var validity: [Int: [Bool]] = [:]
    private var offsets: [Int: [Int32]] = [:]
    private var leafColumns: [Int: Column] = [:]

    init(rowCount: Int, context: String) {
        self.rowCount = rowCount
        self.context = context
    }

    /// Assembles `shape` from `leaves` (indexed by leaf column index).
    mutating func assemble(_ shape: ColumnShape, leaves: [Int: DecodedLeaf], schema: ParquetSchema) throws -> Column {
        for leafIndex in shape.leaves {
            guard let leaf = leaves[leafIndex] else { throw TarnError(.internal, "\(context): leaf \(leafIndex) not decoded") }
            try walk(shape, leaf: leaf, column: schema.leaves[leafIndex], slots: nil)
        }
        return try build(shape)
    }

    /// Walks one leaf's levels down `shape`; `slots` nil means every entry (flat prefix).
    private mutating func walk(_ shape: ColumnShape, leaf: DecodedLeaf, column: LeafColumn, slots: [Int32]?) throws {
        let slotCount = slots?.count ?? leaf.entryCount
        let topLevel = slots == nil
        if topLevel {
            if let repetition = leaf.repetitionLevels {
                // Rows start where the repetition level is 0; the first entry must start one.
                if let first = repetition.first, first != 0 {
                    throw TarnError(.corrupt, "\(context), column '\(column.dottedPath)': first repetition level is \(first), must be 0")
                }
                var rows: [Int32] = []
                rows.reserveCapacity(Swift.min(rowCount, repetition.count))
                for (entry, level) in repetition.enumerated() where level == 0 { rows.append(Int32(entry)) }
                guard rows.count == rowCount else {
                    throw TarnError(.corrupt, "\(context), column '\(column.dottedPath)': \(rows.count) rows, row group has \(rowCount)")
                }
                return try walk(shape, leaf: leaf, column: column, slots: rows)
            }
            guard slotCount == rowCount else {
                throw TarnError(.corrupt, "\(context), column '\(column.dottedPath)': \(slotCount) values, row group has \(rowCount) rows")
            }
        }
        let definition = leaf.definitionLevels
        func defined(_ level: Int) -> [Bool] {
            guard let definition else { return [Bool](repeating: true, count: slotCount) }
            let threshold = Int16(level)
            if let slots { return slots.map { definition[Int($0)] >= threshold } }
            return definition.map { $0 >= threshold }
        }
        switch shape {
        case .leaf(let id, _, let type, let nullableDefinition):
            var present: [Bool]? = nil
            var presentCount = slotCount
            if column.maxDefinitionLevel > 0, let definition {
                // One pass: the present mask and its count together.
                let maximum = Int16(column.maxDefinitionLevel)
                var count = 0
                let mask = [Bool](unsafeUninitializedCapacity: slotCount) { out, initialized in
                    definition.withUnsafeBufferPointer { levels in
                        if let slots {
                            for (slot, entry) in slots.enumerated() {
                                let isPresent = levels[Int(entry)] == maximum
                                out[slot] = isPresent
                                count &+= isPresent ? 1 : 0
                            }
                        } else {
                            for entry in 0..<slotCount {
                                let isPresent = levels[entry] == maximum
                                out[entry] = isPresent
                                count &+= isPresent ? 1 : 0
                            }
                        }
                    }
                    initialized = slotCount
                }
                presentCount = count
                if count < slotCount { present = mask }
            }
            guard presentCount == leaf.values.count else {
                throw TarnError(.corrupt, "\(context), column '\(column.dottedPath)': levels say \(presentCount) values, pages hold \(leaf.values.count)")
            }
            let dense = try LeafConversion.storage(leaf.values, as: type, context: "\(context), column '\(column.dottedPath)'")
            let storage = present.map { Spread.spread(dense, present: $0) } ?? dense
            let columnValidity: [Bool]? = nullableDefinition == nil ? nil : present
            var assembled = Column(type: type, storage: storage, validity: columnValidity)
            if case .bytes = dense, let dictionary = leaf.dictionary, let codes = leaf.dictionaryIndices {
                assembled = try withDictionary(assembled, dictionary, codes, present: present, type: type, column: column)
            }
            leafColumns[id] = assembled
        case .structure(let id, _, let children, let nullableDefinition):
            if let nullableDefinition, validity[id] == nil { validity[id] = defined(nullableDefinition) }
            for child in children where child.leaves.contains(column.index) {
                try walk(child, leaf: leaf, column: column, slots: slots)
            }
        case .list(let id, _, let element, let nullableDefinition, let repeatedDefinition, let repetitionLevel):
            if let nullableDefinition, validity[id] == nil { validity[id] = defined(nullableDefinition) }
            guard let repetition = leaf.repetitionLevels else {
                throw TarnError(.corrupt, "\(context), column '\(column.dottedPath)': list without repetition levels")
            }
            let definition = leaf.definitionLevels ?? []
            let repeatLevel = Int16(repetitionLevel), nonEmpty = Int16(repeatedDefinition)
            var listOffsets: [Int32] = [0]
            listOffsets.reserveCapacity(slotCount + 1)
            var children: [Int32] = []
            children.reserveCapacity(slotCount)
            let entryCount = repetition.count
            for slot in 0..<slotCount {
                let start = Int(slots?[slot] ?? Int32(slot))
                if definition.isEmpty || definition[start] >= nonEmpty {
                    children.append(Int32(start))
                    var entry = start + 1
                    while entry < entryCount && repetition[entry] >= repeatLevel {
                        if repetition[entry] == repeatLevel { children.append(Int32(entry)) }
                        entry += 1
                    }
                }
                listOffsets.append(Int32(children.count))
            }
            if let existing = offsets[id] {
                guard existing == listOffsets else {
                    throw TarnError(.corrupt, "\(context), column '\(column.dottedPath)': list lengths disagree with a sibling column")
                }
            } else {
                offsets[id] = listOffsets
            }
            try walk(element, leaf: leaf, column: column, slots: children)
        }
    }

    /// Attaches the chunk's dictionary to a flat string column: the entries as a column of the
    /// same type (without the copy padding the decoder keeps after them), and per row the
    /// value's entry, 0 at null rows.
    private func withDictionary(
        _ assembled: Column, _ dictionary: ValueBuffer, _ codes: [Int32], present: [Bool]?, type: DataType, column: LeafColumn
    ) throws -> Column {
        let context = "\(context), column '\(column.dottedPath)'"
        guard case .bytes(let offsets, let data) = try LeafConversion.storage(dictionary, as: type, context: context) else { return assembled }
        let used = Int(offsets.last ?? 0)
        let entries = Column(type: type, storage: .bytes(offsets: offsets, data: data.count == used ? data : Array(data[0..<used])))
        var rowCodes = codes
        if let present {
            rowCodes = [Int32](repeating: 0, count: present.count)
            var next = 0
            for (row, isPresent) in present.enumerated() where isPresent {
                rowCodes[row] = codes[next]
                next += 1
            }
        }
        return try assembled.attachingDictionary(entries, indices: rowCodes, context: context)
    }

    private func build(_ shape: ColumnShape) throws -> Column {
        switch shape {
        case .leaf(let id, _, _, _):
            return leafColumns[id]!
        case .structure(let id, let type, let children, _):
            let columns = try children.map { try build($0) }
            let count = columns.first?.count ?? 0
            guard columns.allSatisfy({ $0.count == count }) else {
                throw TarnError(.corrupt, "\(context): struct children of unequal lengths \(columns.map(\.count))")
            }
            let nulls = validity[id].flatMap { $0.contains(false) ? $0 : nil }
            guard nulls == nil || nulls!.count == count else { throw TarnError(.corrupt, "\(context): struct validity length mismatch") }
            return Column(type: type, storage: .structure(columns), validity: nulls)
        case .list(let id, let type, let element, _, _, _):
            let values = try build(element)
            guard let listOffsets = offsets[id], Int(listOffsets.last ?? 0) == values.count else {
                throw TarnError(.corrupt, "\(context): list offsets do not match \(values.count) element values")
            }
            let nulls = validity[id].flatMap { $0.contains(false) ? $0 : nil }
            guard nulls == nil || nulls!.count == listOffsets.count - 1 else { throw TarnError(.corrupt, "\(context): list validity length mismatch") }
            return Column(type: type, storage: .list(offsets: listOffsets, values: values), validity: nulls)
        }
    }
}

/// Spreading dense values into slots, leaving zero (or empty) at absent slots.
enum Spread {
    static func spread(_ dense: ColumnStorage, present: [Bool]) -> ColumnStorage {
        @inline(__always) func spread<T>(_ values: [T], zero: T) -> [T] {
            if values.count == present.count { return values }
            return [T](unsafeUninitializedCapacity: present.count) { out, initialized in
                var next = 0
                values.withUnsafeBufferPointer { source in
                    for (slot, isPresent) in present.enumerated() {
                        if isPresent {
                            (out.baseAddress! + slot).initialize(to: source[next])
                            next += 1
                        } else {
                            (out.baseAddress! + slot).initialize(to: zero)
                        }
                    }
                }
                initialized = present.count
            }
        }
        switch dense {
        case .bool(let v): return .bool(spread(v, zero: false))
        case .int8(let v): return .int8(spread(v, zero: 0))
        case .int16(let v): return .int16(spread(v, zero: 0))
        case .int32(let v): return .int32(spread(v, zero: 0))
        case .int64(let v): return .int64(spread(v, zero: 0))
        case .uint8(let v): return .uint8(spread(v, zero: 0))
        case .uint16(let v): return .uint16(spread(v, zero: 0))
        case .uint32(let v): return .uint32(spread(v, zero: 0))
        case .uint64(let v): return .uint64(spread(v, zero: 0))
        case .float32(let v): return .float32(spread(v, zero: 0))
        case .float64(let v): return .float64(spread(v, zero: 0))
        case .int128(let v): return .int128(spread(v, zero: 0))
        case .bytes(let offsets, let data):
            if offsets.count - 1 == present.count { return dense }
            var out = [Int32]()
            out.reserveCapacity(present.count + 1)
            out.append(0)
            var next = 1
            for isPresent in present {
                if isPresent {
                    out.append(offsets[next])
                    next += 1
                } else {
                    out.append(out[out.count - 1])
                }
            }
            return .bytes(offsets: out, data: data)
        case .fixedBytes(let width, let data):
            if data.count == present.count * width { return dense }
            var out = [UInt8](repeating: 0, count: present.count * width)
            var next = 0
            for (slot, isPresent) in present.enumerated() where isPresent {
                out.replaceSubrange(slot * width..<(slot + 1) * width, with: data[next * width..<(next + 1) * width])
                next += 1
            }
            return .fixedBytes(width: width, data: out)
        case .list, .structure:
            return dense
        }
    }
}
