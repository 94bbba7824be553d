import Columnar

/// Removes rejected rows from freshly built columns in place.
///
/// The builder owns the only reference to each column's arrays, so the kept rows are slid down
/// over the rejected ones run by run (one `memmove` per run between rejects) and the arrays
/// truncated: on the common batch with a few bad rows among thousands this moves only the rows
/// after the first reject, and allocates nothing, unlike a gather into new arrays.
enum RowCompaction {
    /// Drops rows `rejectedRows` (ascending, distinct) from `column`.
    static func compact(_ column: inout Column, rejectedRows: [Int]) {
        let type = column.type
        var storage = column.storage
        var validity = column.validity
        // Release the column's references so the arrays below are uniquely owned.
        column = Column.empty(.boolean)
        compact(&storage, rejectedRows: rejectedRows)
        if validity != nil {
            compact(&validity!, rejectedRows: rejectedRows)
            if !validity!.contains(false) { validity = nil }
        }
        column = Column(type: type, storage: storage, validity: validity)
    }

    /// Removes the elements at `rejectedRows` by sliding the runs between them down.
    static func compact<T>(_ values: inout [T], rejectedRows: [Int]) {
        guard let first = rejectedRows.first else { return }
        let count = values.count
        values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            var write = first
            for (index, rejected) in rejectedRows.enumerated() {
                let runStart = rejected + 1
                let runEnd = index + 1 < rejectedRows.count ? rejectedRows[index + 1] : count
                if runEnd > runStart {
                    // Trivial element types (the column arrays): a byte move is a valid move.
                    UnsafeMutableRawPointer(base + write).copyMemory(from: base + runStart, byteCount: (runEnd - runStart) * MemoryLayout<T>.stride)
                    write += runEnd - runStart
                }
            }
        }
        values.removeLast(rejectedRows.count)
    }

    private static func compact(_ storage: inout ColumnStorage, rejectedRows: [Int]) {
        let placeholder = ColumnStorage.bool([])
        switch storage {
        case .bool(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .bool(values)
        case .int8(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .int8(values)
        case .int16(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .int16(values)
        case .int32(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .int32(values)
        case .int64(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .int64(values)
        case .uint8(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .uint8(values)
        case .uint16(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .uint16(values)
        case .uint32(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .uint32(values)
        case .uint64(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .uint64(values)
        case .float32(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .float32(values)
        case .float64(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .float64(values)
        case .int128(var values): storage = placeholder; compact(&values, rejectedRows: rejectedRows); storage = .int128(values)
        case .bytes(var offsets, var data):
            storage = placeholder
            let count = offsets.count - 1
            var removedBytes = 0
            data.withUnsafeMutableBytes { bytes in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    let first = rejectedRows[0]
                    var writeRow = first
                    var writeByte = Int(offsets[first])
                    for (index, rejected) in rejectedRows.enumerated() {
                        removedBytes += Int(offsets[rejected + 1] - offsets[rejected])
                        let runStart = rejected + 1
                        let runEnd = index + 1 < rejectedRows.count ? rejectedRows[index + 1] : count
                        guard runEnd > runStart else { continue }
                        let byteStart = Int(offsets[runStart]), byteEnd = Int(offsets[runEnd])
                        if byteEnd > byteStart {
                            bytes.baseAddress!.advanced(by: writeByte).copyMemory(from: bytes.baseAddress!.advanced(by: byteStart), byteCount: byteEnd - byteStart)
                        }
                        // Row i of the run starts `shift` bytes earlier now.
                        let shift = Int32(truncatingIfNeeded: byteStart - writeByte)
                        for row in runStart..<runEnd {
                            offsets[writeRow] = offsets[row] - shift
                            writeRow += 1
                        }
                        writeByte += byteEnd - byteStart
                    }
                    offsets[writeRow] = Int32(truncatingIfNeeded: writeByte)
                }
            }
            offsets.removeLast(rejectedRows.count)
            data.removeLast(removedBytes)
            storage = .bytes(offsets: offsets, data: data)
        case .fixedBytes, .list, .structure:
            let rejected = Set(rejectedRows)
            var keep: [Int32] = []
            for row in 0..<storage.count where !rejected.contains(row) { keep.append(Int32(row)) }
            storage = storage.take(keep)
        }
    }
}
