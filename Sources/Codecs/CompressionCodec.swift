import TarnCore

/// A block compression algorithm: one buffer in, one buffer out, sizes known to the caller.
///
/// These are the codecs Parquet pages use (`CompressionCodec` in parquet.thrift); the Parquet
/// module maps its thrift ids onto them. Each is a thin shim over the C library that
/// everyone else uses too, so files interoperate bit for bit.
public enum CompressionCodec: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No compression: the bytes are copied.
    case uncompressed
    /// Snappy raw format (libsnappy), the default for Athena/Glue-friendly Parquet.
    case snappy
    /// Gzip members (RFC 1952) via zlib; several concatenated members decode as one stream.
    case gzip
    /// Zstandard frames (libzstd); concatenated frames decode as one stream.
    case zstd
    /// A raw LZ4 block without framing (liblz4), Parquet's `LZ4_RAW`.
    case lz4Raw
    /// Parquet's deprecated `LZ4`: Hadoop framing (big-endian sizes before each LZ4 block), with a
    /// fallback to a bare LZ4 block because some writers emitted that under the same id.
    case lz4Hadoop
    /// Brotli: recognised so files can name it, but no library is linked in this build.
    case brotli
    /// LZO: recognised so files can name it, but no library is linked in this build.
    case lzo

    /// Lower-case name as users type it on the command line (`snappy`, `zstd`, …).
    public var description: String { rawValue }

    /// Parses a command-line spelling: `none`/`uncompressed`, `snappy`, `gzip`, `zstd`, `lz4`/`lz4_raw`.
    /// - Returns: nil for an unknown name.
    public init?(name: String) {
        switch name.lowercased() {
        case "none", "uncompressed": self = .uncompressed
        case "snappy": self = .snappy
        case "gzip": self = .gzip
        case "zstd": self = .zstd
        case "lz4", "lz4_raw", "lz4raw": self = .lz4Raw
        default: return nil
        }
    }

    /// Whether this build can compress and decompress with the codec.
    public var isAvailable: Bool {
        switch self {
        case .brotli, .lzo: false
        default: true
        }
    }

    /// Decompresses `input` into `output`, which is resized to exactly `uncompressedSize` bytes
    /// (its capacity is reused, so a page loop can keep one buffer).
    /// - Parameters:
    ///   - input: the compressed bytes.
    ///   - output: receives the decompressed bytes; previous contents are discarded.
    ///   - uncompressedSize: the size the container promises; anything else is an error.
    /// - Throws: `TarnError(.corrupt)` when the input is malformed or decodes to another size,
    ///   `TarnError(.unsupported)` for codecs not in this build.
    public func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], uncompressedSize: Int) throws {
        guard uncompressedSize >= 0 else {
            throw TarnError(.corrupt, "\(self): negative uncompressed size \(uncompressedSize)")
        }
        if uncompressedSize == 0 && self != .uncompressed {
            output.removeAll(keepingCapacity: true)
            // An empty page may carry an empty buffer, or a valid frame of nothing: either way the
            // result is empty, and some libraries reject a zero-length input.
            return
        }
        let produced: Int = try withResizedBuffer(&output, uncompressedSize) { destination in
            switch self {
            case .uncompressed:
                guard input.count == uncompressedSize else {
                    throw TarnError(.corrupt, "uncompressed: expected \(uncompressedSize) bytes, got \(input.count)")
                }
                if uncompressedSize > 0 { destination.copyMemory(from: input) }
                return uncompressedSize
            case .snappy: return try Snappy.decompress(input, into: destination)
            case .gzip: return try Zlib.inflate(input, into: destination)
            case .zstd: return try Zstd.decompress(input, into: destination)
            case .lz4Raw: return try LZ4.decompressBlock(input, into: destination)
            case .lz4Hadoop: return try LZ4.decompressHadoop(input, into: destination)
            case .brotli, .lzo: throw TarnError(.unsupported, "\(self) decompression is not available in this build")
            }
        }
        guard produced == uncompressedSize else {
            throw TarnError(.corrupt, "\(self): expected \(uncompressedSize) decompressed bytes, got \(produced)")
        }
    }

    /// Compresses `input` into `output` (previous contents discarded, capacity reused).
    /// - Parameters:
    ///   - input: the bytes to compress.
    ///   - output: receives the compressed bytes.
    ///   - level: codec-specific level (zstd 1…22, gzip 0…9); nil uses the library default.
    /// - Throws: `TarnError(.unsupported)` for codecs not in this build, `.internal` if a library fails.
    public func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], level: Int? = nil) throws {
        output.removeAll(keepingCapacity: true)
        switch self {
        case .uncompressed: output.append(contentsOf: input)
        case .snappy: try Snappy.compress(input, into: &output)
        case .gzip: try Zlib.deflate(input, into: &output, level: level ?? 6)
        case .zstd: try Zstd.compress(input, into: &output, level: level ?? 3)
        case .lz4Raw: try LZ4.compressBlock(input, into: &output)
        case .lz4Hadoop: try LZ4.compressHadoop(input, into: &output)
        case .brotli, .lzo: throw TarnError(.unsupported, "\(self) compression is not available in this build")
        }
    }
}

/// Sizes `buffer` to `count` bytes, reusing its capacity (a memset is far cheaper than the codec
/// work and keeps the array fully initialised), hands the storage to `body`, and returns what
/// `body` says it wrote.
@inline(__always)
func withResizedBuffer(
    _ buffer: inout [UInt8], _ count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
) throws -> Int {
    buffer.removeAll(keepingCapacity: true)
    buffer.append(contentsOf: repeatElement(0, count: count))
    return try buffer.withUnsafeMutableBytes { try body($0) }
}
