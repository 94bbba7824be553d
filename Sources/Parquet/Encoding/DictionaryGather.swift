import TarnCore

/// Materialises dictionary-encoded values: each index is replaced by its dictionary entry.
/// Indices are validated against the dictionary size by the caller, so the loops index
/// unchecked; byte arrays are copied with offsets computed up front (one reservation, one
/// `memcpy` per value).
enum DictionaryGather {
    /// Spare bytes kept after byte-array data so short copies can use whole words.
    static let copyPadding = 16

    static func gather(_ indices: UnsafeBufferPointer<UInt32>, from dictionary: ValueBuffer, into values: inout ValueBuffer, context: String) throws {
        switch values.physical {
        case .boolean: gatherFixed(indices, dictionary.bools, &values.bools)
        case .int32: gatherFixed(indices, dictionary.int32, &values.int32)
        case .int64, .int96: gatherFixed(indices, dictionary.int64, &values.int64)
        case .float: gatherFixed(indices, dictionary.float, &values.float)
        case .double: gatherFixed(indices, dictionary.double, &values.double)
        case .fixedLenByteArray:
            let width = values.width
            let start = values.data.count
            values.data.append(contentsOf: repeatElement(0, count: indices.count * width))
            dictionary.data.withUnsafeBytes { source in
                values.data.withUnsafeMutableBytes { destination in
                    for (position, index) in indices.enumerated() {
                        (destination.baseAddress! + start + position * width)
                            .copyMemory(from: source.baseAddress! + Int(index) * width, byteCount: width)
                    }
                }
            }
        case .byteArray:
            try gatherBytes(indices, dictionary, &values, context: context)
        }
    }

    @inline(__always)
    private static func gatherFixed<T>(_ indices: UnsafeBufferPointer<UInt32>, _ dictionary: [T], _ out: inout [T]) {
        let needed = out.count + indices.count
        // Grow geometrically: an exact reservation per page would copy the array every page.
        if out.capacity < needed { out.reserveCapacity(Swift.max(needed, out.capacity * 2)) }
        dictionary.withUnsafeBufferPointer { source in
            for index in indices { out.append(source[Int(index)]) }
        }
    }

    private static func gatherBytes(_ indices: UnsafeBufferPointer<UInt32>, _ dictionary: ValueBuffer, _ values: inout ValueBuffer, context: String) throws {
        let count = indices.count
        var total = 0
        dictionary.offsets.withUnsafeBufferPointer { offsets in
            for index in indices { total += Int(offsets[Int(index) + 1] &- offsets[Int(index)]) }
        }
        let dataStart = values.data.count
        guard dataStart + total <= Int(Int32.max) else {
            throw TarnError(.limitExceeded, "\(context): more than 2 GiB of byte array data in one column chunk")
        }
        let offsetStart = values.offsets.count
        values.offsets.append(contentsOf: repeatElement(0, count: count))
        // `copyPadding` spare bytes at the end let short values be copied as two 8-byte words;
        // the dictionary's data carries the same padding (see `ColumnChunkDecoder`).
        values.data.append(contentsOf: repeatElement(0, count: total + copyPadding))
        let paddedSource = dictionary.data.count >= Int(dictionary.offsets.last ?? 0) + copyPadding
        dictionary.offsets.withUnsafeBufferPointer { dictionaryOffsets in
            dictionary.data.withUnsafeBytes { dictionaryData in
                values.offsets.withUnsafeMutableBufferPointer { outOffsets in
                    values.data.withUnsafeMutableBytes { outData in
                        var position = dataStart
                        let base = outData.baseAddress!
                        let source = dictionaryData.baseAddress
                        for (slot, index) in indices.enumerated() {
                            let begin = Int(dictionaryOffsets[Int(index)])
                            let length = Int(dictionaryOffsets[Int(index) + 1]) - begin
                            if paddedSource && length <= 16 {
                                // Over-copies up to 16 bytes; the excess is overwritten by the next
                                // value or lands in the padding.
                                let from = source! + begin, to = base + position
                                to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                                (to + 8).storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
                            } else if length > 0 {
                                (base + position).copyMemory(from: source! + begin, byteCount: length)
                            }
                            position += length
                            outOffsets[offsetStart + slot] = Int32(truncatingIfNeeded: position)
                        }
                    }
                }
            }
        }
        values.data.removeLast(copyPadding)
    }
}
