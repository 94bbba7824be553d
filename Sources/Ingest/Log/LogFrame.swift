import TarnCore

/// The on-disk framing of one record in a shard's segment file.
///
/// ```
///  offset size  field
///   0     4     header CRC-32C over bytes 4 ..< 30 (little-endian)
///   4     4     frame length in bytes, header included
///   8     8     ordinal (position in the shard)
///  16     8     approximate arrival time, epoch milliseconds
///  24     2     partition key length in bytes
///  26     4     payload CRC-32 over partition key + data
///  30     …     partition key (UTF-8), then data
/// ```
///
/// Two checksums so the expensive one (over the payload) is computed by the producer's task
/// before the shard lock is taken, and only the 26 header bytes — which carry the ordinal and
/// time assigned under the lock — are summed while holding it. All integers are little-endian.
public enum LogFrame {
    /// Bytes before the partition key.
    public static let headerSize = 30
    /// The largest data blob Kinesis accepts in one record (1 MiB).
    public static let maxDataSize = 1 << 20
    /// The longest partition key Kinesis accepts, in bytes of UTF-8 (256 characters, up to 4 bytes each).
    public static let maxPartitionKeyBytes = 1024

    /// Appends a frame with the payload checksum filled in and ordinal, time and header
    /// checksum left for `seal` (called under the shard lock).
    /// - Returns: the frame's offset in `buffer`.
    @inlinable
    @discardableResult
    public static func appendUnsealed(partitionKey: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, to buffer: inout [UInt8]) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: headerSize))
        buffer.append(contentsOf: partitionKey)
        buffer.append(contentsOf: data)
        buffer.withUnsafeMutableBytes { raw in
            let crc = payloadCRC(UnsafeRawBufferPointer(rebasing: raw[(start + headerSize)...]))
            writeUnsealedHeader(into: raw, at: start, keyLength: partitionKey.count, dataLength: data.count, payloadCRC: crc)
        }
        return start
    }

    /// The payload checksum (CRC-32, as zlib computes it) of a frame's key and data, which lie
    /// back to back.
    @inlinable
    public static func payloadCRC(_ payload: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(payload)
        return crc.value
    }

    /// Writes the fields of an unsealed header at `offset` (length, key length, payload CRC) and
    /// zeroes the ones `seal` fills in.
    @inlinable
    public static func writeUnsealedHeader(into raw: UnsafeMutableRawBufferPointer, at offset: Int, keyLength: Int, dataLength: Int, payloadCRC: UInt32) {
        raw.storeBytes(of: 0, toByteOffset: offset, as: UInt32.self)
        raw.storeBytes(of: UInt32(headerSize + keyLength + dataLength).littleEndian, toByteOffset: offset + 4, as: UInt32.self)
        raw.storeBytes(of: 0, toByteOffset: offset + 8, as: UInt64.self)
        raw.storeBytes(of: 0, toByteOffset: offset + 16, as: UInt64.self)
        raw.storeBytes(of: UInt16(keyLength).littleEndian, toByteOffset: offset + 24, as: UInt16.self)
        raw.storeBytes(of: payloadCRC.littleEndian, toByteOffset: offset + 26, as: UInt32.self)
    }

    /// Fills in a frame's ordinal and arrival time and its header checksum.
    @inlinable
    public static func seal(_ raw: UnsafeMutableRawBufferPointer, at offset: Int, ordinal: UInt64, arrival: Int64) {
        raw.storeBytes(of: ordinal.littleEndian, toByteOffset: offset + 8, as: UInt64.self)
        raw.storeBytes(of: arrival.littleEndian, toByteOffset: offset + 16, as: Int64.self)
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + headerSize)]))
        raw.storeBytes(of: crc.value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// A frame's header, decoded and checked.
    public struct Header: Sendable, Equatable {
        /// Total frame length.
        public var length: Int
        /// Position in the shard.
        public var ordinal: UInt64
        /// Arrival time in epoch milliseconds.
        public var arrival: Int64
        /// Partition key length.
        public var keyLength: Int
        /// CRC-32 of key + data.
        public var payloadCRC: UInt32

        /// Data length.
        public var dataLength: Int { length - LogFrame.headerSize - keyLength }
    }

    /// Decodes the header at `offset`, or nil when the bytes there are not a valid header
    /// (a torn or never-written tail).
    public static func header(in raw: UnsafeRawBufferPointer, at offset: Int) -> Header? {
        guard offset >= 0, raw.count - offset >= headerSize else { return nil }
        let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + headerSize)]))
        guard crc.value == stored else { return nil }
        let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        let keyLength = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt16.self)))
        guard length >= headerSize + keyLength, length - headerSize - keyLength <= maxDataSize else { return nil }
        return Header(
            length: length,
            ordinal: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
            arrival: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: Int64.self)),
            keyLength: keyLength,
            payloadCRC: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 26, as: UInt32.self)))
    }

    /// Whether the payload after a header matches its checksum (requires the whole frame in `raw`).
    public static func payloadIsIntact(_ header: Header, in raw: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard raw.count - offset >= header.length else { return false }
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: raw[(offset + headerSize)..<(offset + header.length)]))
        return crc.value == header.payloadCRC
    }
}
