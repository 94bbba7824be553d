import TarnCore

extension ColumnChunkDecoder {
    /// Decodes `count` non-null values of the page's values section.
    mutating func decodeValues(_ raw: UnsafeRawBufferPointer, encoding: Encoding, count: Int, into values: inout ValueBuffer, context: String) throws {
        if count == 0 { return }
        if encoding != .plainDictionary && encoding != .rleDictionary { valueIndices = nil }
        switch encoding {
        case .plain:
            _ = try PlainDecoder.decode(raw, count: count, into: &values, context: context)
        case .plainDictionary, .rleDictionary:
            try decodeDictionaryIndices(raw, count: count, into: &values, context: context)
        case .rle:
            guard values.physical == .boolean else { throw TarnError(.unsupported, "\(context): RLE values for \(values.physical)") }
            // RLE booleans are the hybrid at bit width 1 with the 4-byte length prefix.
            guard raw.count >= 4 else { throw TarnError(.corrupt, "\(context): RLE boolean data without its length") }
            let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            guard length <= raw.count - 4 else { throw TarnError(.corrupt, "\(context): RLE boolean length \(length) exceeds the page") }
            var decoder = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: raw[4..<4 + length]), bitWidth: 1, context: context)
            let bits: [UInt8] = try decoder.decode(count: count)
            values.bools.append(contentsOf: bits.lazy.map { $0 != 0 })
        case .deltaBinaryPacked:
            var decoder = try DeltaBinaryPackedDecoder(raw, context: context)
            guard decoder.totalCount >= count else {
                throw TarnError(.corrupt, "\(context): DELTA_BINARY_PACKED holds \(decoder.totalCount) values, page needs \(count)")
            }
            // Values past `count` (a corrupt header may claim billions) are decoded but not kept.
            switch values.physical {
            case .int32:
                var kept = 0
                try decoder.decodeAll { value in
                    if kept < count { values.int32.append(Int32(truncatingIfNeeded: value)) }
                    kept += 1
                }
            case .int64:
                var kept = 0
                try decoder.decodeAll { value in
                    if kept < count { values.int64.append(value) }
                    kept += 1
                }
            default: throw TarnError(.corrupt, "\(context): DELTA_BINARY_PACKED for \(values.physical)")
            }
        case .deltaLengthByteArray:
            guard values.physical == .byteArray else { throw TarnError(.corrupt, "\(context): DELTA_LENGTH_BYTE_ARRAY for \(values.physical)") }
            _ = try DeltaLengthByteArrayDecoder.decode(raw, count: count, offsets: &values.offsets, data: &values.data, context: context)
        case .deltaByteArray:
            switch values.physical {
            case .byteArray:
                _ = try DeltaByteArrayDecoder.decode(raw, count: count, offsets: &values.offsets, data: &values.data, context: context)
            case .fixedLenByteArray:
                var offsets: [Int32] = [0]
                var data: [UInt8] = []
                _ = try DeltaByteArrayDecoder.decode(raw, count: count, offsets: &offsets, data: &data, context: context)
                for index in 0..<count where Int(offsets[index + 1] - offsets[index]) != values.width {
                    throw TarnError(.corrupt, "\(context): DELTA_BYTE_ARRAY value \(index) is \(offsets[index + 1] - offsets[index]) bytes, column width \(values.width)")
                }
                values.data.append(contentsOf: data)
            default: throw TarnError(.corrupt, "\(context): DELTA_BYTE_ARRAY for \(values.physical)")
            }
        case .byteStreamSplit:
            try decodeByteStreamSplit(raw, count: count, into: &values, context: context)
        default:
            throw TarnError(.unsupported, "\(context): encoding \(encoding) for \(values.physical) values")
        }
    }

    private func decodeByteStreamSplit(_ raw: UnsafeRawBufferPointer, count: Int, into values: inout ValueBuffer, context: String) throws {
        switch values.physical {
        case .fixedLenByteArray:
            _ = try ByteStreamSplitDecoder.decode(raw, count: count, width: values.width, into: &values.data, context: context)
            return
        case .int32, .int64, .float, .double: break
        default: throw TarnError(.corrupt, "\(context): BYTE_STREAM_SPLIT for \(values.physical)")
        }
        var bytes: [UInt8] = []
        let width = values.physical.plainWidth(typeLength: 0)!
        _ = try ByteStreamSplitDecoder.decode(raw, count: count, width: width, into: &bytes, context: context)
        try bytes.withUnsafeBytes { plain in
            _ = try PlainDecoder.decode(plain, count: count, into: &values, context: context)
        }
    }

    /// Dictionary indices: "the bit width used to encode the entry ids stored as 1 byte (max bit
    /// width = 32), followed by the values encoded using RLE/Bit packed described above (with the
    /// given bit width)".
    private mutating func decodeDictionaryIndices(_ raw: UnsafeRawBufferPointer, count: Int, into values: inout ValueBuffer, context: String) throws {
        guard let dictionary else { throw TarnError(.corrupt, "\(context): dictionary-encoded page but the chunk has no dictionary page") }
        guard raw.count >= 1 else { throw TarnError(.corrupt, "\(context): dictionary page data without its bit width") }
        var decoder = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: raw[1...]), bitWidth: Int(raw[0]), context: context)
        if indexBuffer.count < count { indexBuffer = [UInt32](repeating: 0, count: count) }
        try indexBuffer.withUnsafeMutableBufferPointer { indices in
            try decoder.decode(into: indices.baseAddress!, count: count)
            let dictionaryCount = dictionary.count
            var largest: UInt32 = 0
            for index in 0..<count { largest = Swift.max(largest, indices[index]) }
            guard Int(largest) < dictionaryCount else {
                throw TarnError(.corrupt, "\(context): dictionary index \(largest) out of range (dictionary has \(dictionaryCount) entries)")
            }
            try DictionaryGather.gather(UnsafeBufferPointer(rebasing: indices[0..<count]), from: dictionary, into: &values, context: context)
            if var codes = valueIndices {
                // Taken out so the array is uniquely referenced while it grows; a raw loop, since
                // the generic `append(contentsOf:)` of a lazy map was a visible cost. In range
                // (checked above), so the conversion cannot overflow.
                valueIndices = nil
                let start = codes.count
                if codes.capacity < start + count { codes.reserveCapacity(Swift.max(start + count, codes.capacity * 2)) }
                codes.append(contentsOf: repeatElement(0, count: count))
                codes.withUnsafeMutableBufferPointer { out in
                    for index in 0..<count { out[start + index] = Int32(truncatingIfNeeded: indices[index]) }
                }
                valueIndices = codes
            }
        }
    }
}
