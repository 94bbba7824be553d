import TarnCore

/// DELTA_LENGTH_BYTE_ARRAY: "the length of all the byte array values are encoded using
/// DELTA_BINARY_PACKED, followed by the concatenated byte array data".
enum DeltaLengthByteArrayDecoder {
    /// Appends `count` values; returns the bytes consumed.
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, offsets: inout [Int32], data: inout [UInt8], context: String) throws -> Int {
        var decoder = try DeltaBinaryPackedDecoder(bytes, context: context)
        guard decoder.totalCount >= count else {
            throw TarnError(.corrupt, "\(context): DELTA_LENGTH_BYTE_ARRAY has \(decoder.totalCount) lengths, page needs \(count)")
        }
        var lengthValues: [Int64] = []
        lengthValues.reserveCapacity(count)
        try decoder.decodeAll { if lengthValues.count < count { lengthValues.append($0) } }
        var position = decoder.position
        offsets.reserveCapacity(offsets.count + count)
        for index in 0..<count {
            let length = lengthValues[index]
            guard length >= 0, length <= Int64(bytes.count - position) else {
                throw TarnError(.corrupt, "\(context): DELTA_LENGTH_BYTE_ARRAY value \(index) length \(length), \(bytes.count - position) bytes remain")
            }
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[position..<position + Int(length)]))
            guard data.count <= Int(Int32.max) else { throw TarnError(.limitExceeded, "\(context): more than 2 GiB of byte array data") }
            offsets.append(Int32(data.count))
            position += Int(length)
        }
        return position
    }
}

/// DELTA_BYTE_ARRAY (incremental encoding): "the prefix lengths are stored as DELTA_BINARY_PACKED,
/// followed by the suffixes encoded as DELTA_LENGTH_BYTE_ARRAY"; each value is the first
/// `prefix` bytes of the previous value followed by its suffix.
enum DeltaByteArrayDecoder {
    /// Appends `count` values; returns the bytes consumed. The first value of each page has no
    /// predecessor (its prefix length must be 0): pages are decoded independently.
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, offsets: inout [Int32], data: inout [UInt8], context: String) throws -> Int {
        var prefixDecoder = try DeltaBinaryPackedDecoder(bytes, context: context)
        guard prefixDecoder.totalCount >= count else {
            throw TarnError(.corrupt, "\(context): DELTA_BYTE_ARRAY has \(prefixDecoder.totalCount) prefixes, page needs \(count)")
        }
        var prefixes: [Int64] = []
        prefixes.reserveCapacity(count)
        try prefixDecoder.decodeAll { if prefixes.count < count { prefixes.append($0) } }
        var suffixOffsets: [Int32] = [0]
        var suffixData: [UInt8] = []
        let rest = UnsafeRawBufferPointer(rebasing: bytes[prefixDecoder.position...])
        let used = try DeltaLengthByteArrayDecoder.decode(rest, count: count, offsets: &suffixOffsets, data: &suffixData, context: context)
        var previousStart = data.count, previousLength = 0
        offsets.reserveCapacity(offsets.count + count)
        for index in 0..<count {
            let prefix = prefixes[index]
            guard prefix >= 0, prefix <= Int64(previousLength) else {
                throw TarnError(.corrupt, "\(context): DELTA_BYTE_ARRAY value \(index) prefix \(prefix) longer than the previous value (\(previousLength))")
            }
            let start = data.count
            if prefix > 0 {
                // Copy the prefix out of the previous value (which is inside `data` itself).
                for offset in 0..<Int(prefix) { data.append(data[previousStart + offset]) }
            }
            data.append(contentsOf: suffixData[Int(suffixOffsets[index])..<Int(suffixOffsets[index + 1])])
            guard data.count <= Int(Int32.max) else { throw TarnError(.limitExceeded, "\(context): more than 2 GiB of byte array data") }
            offsets.append(Int32(data.count))
            previousStart = start
            previousLength = data.count - start
        }
        return prefixDecoder.position + used
    }
}
