import TarnCore

/// The layout of a compressed blob on an archive tier: the object's bytes cut into chunks of
/// `chunkSize` (1 MiB) that are compressed independently with zstd, followed by an index and a
/// fixed footer.
///
/// ```
/// blob   := chunk* index footer
/// chunk  := a zstd frame of up to chunkSize bytes, or the raw bytes when zstd did not shrink them
/// index  := entry*                  entry := storedLength u32 LE · rawLength u32 LE · codec u8
/// footer := indexOffset u64 LE · chunkCount u32 LE · chunkSize u32 LE · rawSize u64 LE
///           · indexCRC32 u32 LE · reserved u32 · magic "TARNZC01"          (40 bytes)
/// ```
///
/// Independent chunks keep ranged GETs of cold objects cheap: a range decompresses at most one
/// partial chunk at each end, never the whole object. The index is at the end so the writer
/// streams without knowing the size up front; readers load the footer and the index (9 bytes per
/// MiB of object) once at open. Whether a blob is compressed is recorded in the object's
/// metadata (`BlobPlacement`), never guessed from its bytes, since user data may look like
/// anything.
public enum ChunkedCompression {
    /// Uncompressed bytes per chunk.
    public static let chunkSize = 1 << 20
    /// The footer's size in bytes.
    static let footerSize = 40
    /// Bytes per index entry.
    static let entrySize = 9
    /// The footer's trailing magic.
    static let magic: [UInt8] = Array("TARNZC01".utf8)
    /// zstd level for archive chunks: level 3 is zstd's default, fast enough to keep a
    /// transition I/O-bound.
    static let level = 3

    /// How one chunk is stored.
    enum ChunkCodec: UInt8 {
        case raw = 0
        case zstd = 1
    }

    /// One decoded index entry with its position in the blob and in the object.
    struct Chunk: Sendable {
        var storedOffset: Int64
        var storedLength: Int
        var rawOffset: Int64
        var rawLength: Int
        var codec: ChunkCodec
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }

    /// Parses and checks a footer and its index.
    /// - Parameters:
    ///   - footer: the blob's last `footerSize` bytes.
    ///   - blobSize: the blob's stored size.
    ///   - readIndex: reads `count` bytes at `offset` of the blob.
    /// - Throws: `Corrupt` with the offending values when the blob is not a well-formed chunked blob.
    static func decodeIndex(footer: [UInt8], blobSize: Int64, readIndex: (Int64, Int) throws -> [UInt8]) throws -> (chunks: [Chunk], rawSize: Int64) {
        guard footer.count == footerSize, Array(footer[32..<40]) == magic else {
            throw TarnError(.corrupt, "compressed blob: missing footer magic (blob of \(blobSize) bytes)")
        }
        let indexOffset = Int64(readLittleEndian(UInt64.self, footer, at: 0))
        let chunkCount = Int(readLittleEndian(UInt32.self, footer, at: 8))
        let chunkSize = Int(readLittleEndian(UInt32.self, footer, at: 12))
        let rawSize = Int64(readLittleEndian(UInt64.self, footer, at: 16))
        let crc = readLittleEndian(UInt32.self, footer, at: 24)
        let indexLength = chunkCount * entrySize
        guard chunkSize > 0, indexOffset >= 0, indexOffset + Int64(indexLength) + Int64(footerSize) == blobSize else {
            throw TarnError(
                .corrupt,
                "compressed blob: footer says \(chunkCount) chunks with the index at \(indexOffset), which does not fit a blob of \(blobSize) bytes")
        }
        let index = try readIndex(indexOffset, indexLength)
        guard index.count == indexLength else {
            throw TarnError(.corrupt, "compressed blob: expected \(indexLength) index bytes at \(indexOffset), read \(index.count)")
        }
        var check = CRC32()
        check.update(index)
        guard check.value == crc else {
            throw TarnError(.corrupt, "compressed blob: index CRC32 \(check.value) does not match the footer's \(crc)")
        }
        var chunks: [Chunk] = []
        chunks.reserveCapacity(chunkCount)
        var stored: Int64 = 0, raw: Int64 = 0
        for number in 0..<chunkCount {
            let base = number * entrySize
            let storedLength = Int(readLittleEndian(UInt32.self, index, at: base))
            let rawLength = Int(readLittleEndian(UInt32.self, index, at: base + 4))
            guard let codec = ChunkCodec(rawValue: index[base + 8]), rawLength > 0, rawLength <= chunkSize,
                codec != .raw || storedLength == rawLength
            else {
                throw TarnError(.corrupt, "compressed blob: chunk \(number) has an invalid entry (stored \(storedLength), raw \(rawLength), codec \(index[base + 8]))")
            }
            chunks.append(Chunk(storedOffset: stored, storedLength: storedLength, rawOffset: raw, rawLength: rawLength, codec: codec))
            stored += Int64(storedLength)
            raw += Int64(rawLength)
        }
        guard stored == indexOffset, raw == rawSize else {
            throw TarnError(.corrupt, "compressed blob: chunks hold \(stored) stored / \(raw) raw bytes, footer says \(indexOffset) / \(rawSize)")
        }
        return (chunks, rawSize)
    }
}
