import Columnar

/// Applies a column's string standardizations (`trim`, `lower`, `upper`, `emptyAsNull`) to a
/// whole string column at once.
///
/// Case changes rewrite the data bytes in place (ASCII only, so UTF-8 stays valid and lengths
/// do not change); trimming rebuilds offsets and data in one pass, and only when some value
/// actually has surrounding whitespace, which in clean feeds is never.
enum Standardizer {
    /// The column after `transforms`, in order.
    static func apply(_ transforms: [StringTransform], to column: Column) -> Column {
        guard !transforms.isEmpty, case .bytes = column.storage else { return column }
        var column = column
        for transform in transforms {
            switch transform {
            case .trim: column = trim(column)
            case .lower: column = mapCase(column, from: 0x41...0x5A)
            case .upper: column = mapCase(column, from: 0x61...0x7A)
            case .emptyAsNull: column = emptyAsNull(column)
            }
        }
        return column
    }

    /// ASCII case change: bytes in `range` (A–Z or a–z) flip their 0x20 bit.
    private static func mapCase(_ column: Column, from range: ClosedRange<UInt8>) -> Column {
        guard case .bytes(let offsets, var data) = column.storage else { return column }
        guard data.contains(where: { range.contains($0) }) else { return column }
        data.withUnsafeMutableBufferPointer { bytes in
            for index in bytes.indices where range.contains(bytes[index]) { bytes[index] ^= 0x20 }
        }
        return Column(type: column.type, storage: .bytes(offsets: offsets, data: data), validity: column.validity)
    }

    private static func trim(_ column: Column) -> Column {
        guard case .bytes(let offsets, let data) = column.storage else { return column }
        let rows = offsets.count - 1
        // First pass: is there anything to trim at all?
        var needed = false
        data.withUnsafeBufferPointer { bytes in
            for row in 0..<rows {
                let start = Int(offsets[row]), end = Int(offsets[row + 1])
                if end > start && (CharacterClass.isWhitespace(bytes[start]) || CharacterClass.isWhitespace(bytes[end - 1])) {
                    needed = true
                    return
                }
            }
        }
        guard needed else { return column }
        var newOffsets = [Int32](repeating: 0, count: rows + 1)
        var newData = [UInt8]()
        newData.reserveCapacity(data.count)
        data.withUnsafeBufferPointer { bytes in
            for row in 0..<rows {
                var start = Int(offsets[row]), end = Int(offsets[row + 1])
                while start < end && CharacterClass.isWhitespace(bytes[start]) { start += 1 }
                while end > start && CharacterClass.isWhitespace(bytes[end - 1]) { end -= 1 }
                newData.append(contentsOf: bytes[start..<end])
                newOffsets[row + 1] = Int32(truncatingIfNeeded: newData.count)
            }
        }
        return Column(type: column.type, storage: .bytes(offsets: newOffsets, data: newData), validity: column.validity)
    }

    private static func emptyAsNull(_ column: Column) -> Column {
        guard case .bytes(let offsets, _) = column.storage else { return column }
        var validity = column.validity
        for row in 0..<(offsets.count - 1) where offsets[row + 1] == offsets[row] {
            if validity == nil { validity = [Bool](repeating: true, count: offsets.count - 1) }
            validity![row] = false
        }
        return Column(type: column.type, storage: column.storage, validity: validity)
    }
}
