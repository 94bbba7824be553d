import Columnar
import TarnCore

/// PLAIN decoding (Encodings.md): "BOOLEAN: Bit Packed, LSB first; INT32: 4 bytes little
/// endian; INT64: 8 bytes little endian; INT96: 12 bytes little endian; FLOAT: 4 bytes IEEE
/// little endian; DOUBLE: 8 bytes IEEE little endian; BYTE_ARRAY: length in 4 bytes little
/// endian followed by the bytes contained in the array; FIXED_LEN_BYTE_ARRAY: the bytes
/// contained in the array".
///
/// Fixed-width values are copied with one `memcpy` (the host is little-endian, like the format).
enum PlainDecoder {
    /// Appends `count` PLAIN values from `bytes` to `out`; returns the bytes consumed.
    /// - Throws: `TarnError(.corrupt)` when the page holds fewer than `count` values.
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout ValueBuffer, context: String) throws -> Int {
        func short(_ needed: Int) -> TarnError {
            TarnError(.corrupt, "\(context): PLAIN data holds \(bytes.count) bytes, \(count) values need \(needed)")
        }
        switch out.physical {
        case .boolean:
            let needed = (count + 7) / 8
            guard bytes.count >= needed else { throw short(needed) }
            out.bools.reserveCapacity(out.bools.count + count)
            for index in 0..<count { out.bools.append(bytes[index >> 3] >> UInt8(index & 7) & 1 == 1) }
            return needed
        case .int32: return try copy(bytes, count: count, into: &out.int32, short)
        case .int64: return try copy(bytes, count: count, into: &out.int64, short)
        case .float: return try copy(bytes, count: count, into: &out.float, short)
        case .double: return try copy(bytes, count: count, into: &out.double, short)
        case .int96:
            let needed = count * 12
            guard bytes.count >= needed else { throw short(needed) }
            out.int64.reserveCapacity(out.int64.count + count)
            let unit = out.int96Unit
            for index in 0..<count { out.int64.append(int96Timestamp(bytes, at: index * 12, unit: unit)) }
            return needed
        case .fixedLenByteArray:
            let needed = count * out.width
            guard bytes.count >= needed else { throw short(needed) }
            out.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<needed]))
            return needed
        case .byteArray:
            return try decodeByteArrays(bytes, count: count, offsets: &out.offsets, data: &out.data, context: context)
        }
    }

    @inline(__always)
    private static func copy<T: AdditiveArithmetic>(
        _ bytes: UnsafeRawBufferPointer, count: Int, into array: inout [T], _ short: (Int) -> TarnError
    ) throws -> Int {
        let needed = count * MemoryLayout<T>.stride
        guard bytes.count >= needed else { throw short(needed) }
        if count == 0 { return 0 }
        let start = array.count
        array.append(contentsOf: repeatElement(T.zero, count: count))
        array.withUnsafeMutableBytes { destination in
            (destination.baseAddress! + start * MemoryLayout<T>.stride).copyMemory(from: bytes.baseAddress!, byteCount: needed)
        }
        return needed
    }

    /// Appends `count` length-prefixed byte arrays; returns the bytes consumed.
    static func decodeByteArrays(_ bytes: UnsafeRawBufferPointer, count: Int, offsets: inout [Int32], data: inout [UInt8], context: String) throws -> Int {
        // First pass: validate lengths and total size, so the data copy is one reservation.
        var position = 0
        var total = 0
        for index in 0..<count {
            guard bytes.count - position >= 4 else {
                throw TarnError(.corrupt, "\(context): PLAIN byte array \(index) of \(count): length prefix past the end of \(bytes.count) bytes")
            }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            guard length <= bytes.count - position - 4 else {
                throw TarnError(.corrupt, "\(context): PLAIN byte array \(index) of \(count) claims \(length) bytes, \(bytes.count - position - 4) remain")
            }
            position += 4 + length
            total += length
        }
        guard data.count + total <= Int(Int32.max) else {
            throw TarnError(.limitExceeded, "\(context): more than 2 GiB of byte array data in one batch")
        }
        offsets.reserveCapacity(offsets.count + count)
        data.reserveCapacity(data.count + total)
        position = 0
        for _ in 0..<count {
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 4 + length)]))
            offsets.append(Int32(truncatingIfNeeded: data.count))
            position += 4 + length
        }
        return position
    }

    /// Julian day number of 1970-01-01.
    static let julianDayOfUnixEpoch: Int64 = 2_440_588

    /// An INT96 timestamp in `unit` since the Unix epoch: "the first 8 bytes are the nanoseconds
    /// within the day, the last 4 bytes the Julian day" (Impala/Hive layout). Values outside the
    /// Int64 range of the unit wrap, as they do in Arrow; Spark's far-future sentinels need a
    /// coarser unit than nanoseconds (`ReadOptions.int96Unit`).
    @inline(__always)
    static func int96Timestamp(_ bytes: UnsafeRawBufferPointer, at offset: Int, unit: TimeUnit) -> Int64 {
        let nanos = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        let day = Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: Int32.self)))
        let perDay = 86_400 * unit.perSecond
        let nanosPerUnit = 1_000_000_000 / unit.perSecond
        return (day &- julianDayOfUnixEpoch) &* perDay &+ nanos / nanosPerUnit
    }
}
