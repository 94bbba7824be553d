import CZlib
import TarnCore

/// Streaming gzip (RFC 1952) decompression: push compressed chunks in, get decompressed bytes
/// out into a buffer the caller owns, so memory stays bounded however large the object is.
///
/// RFC 1952 §2.2: "A gzip file consists of a series of "members" (compressed data sets)." — so
/// `cat a.gz b.gz` is itself a valid gzip file whose content is the concatenation. After each
/// member's trailer (CRC32 and ISIZE, checked by zlib) the decompressor resets and expects the
/// next member's header; `finish()` then tells a clean end from a truncated one.
///
/// ```swift
/// let gunzip = try GzipDecompressor()
/// var out: [UInt8] = []
/// for chunk in chunks { try gunzip.decompress(chunk, appendingTo: &out) }
/// try gunzip.finish()
/// ```
///
/// Not thread-safe: one stream, one owner. The zlib state lives at a fixed heap address because
/// zlib keeps a back pointer to its `z_stream` and rejects a moved one.
public final class GzipDecompressor {
    /// zlib `windowBits` for "gzip wrapper only, 32 KiB window" (zlib.h: "add 16 to decode only
    /// the gzip format").
    static let gzipWindowBits: Int32 = 15 + 16

    private let stream: UnsafeMutablePointer<z_stream>
    /// Staging buffer of the appending conveniences, allocated on first use and reused.
    private var scratch: [UInt8] = []
    /// Compressed bytes consumed so far, for error messages.
    public private(set) var totalIn: Int = 0
    /// Decompressed bytes produced so far.
    public private(set) var totalOut: Int = 0
    /// Members completed so far.
    public private(set) var membersCompleted: Int = 0
    /// True between members (and before the first): the stream may end here cleanly.
    private var atMemberBoundary = true
    private var failed: TarnError?

    /// Creates a decompressor ready for the first member.
    /// - Throws: `TarnError(.internal)` if zlib cannot allocate its state.
    public init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, Self.gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw TarnError(.internal, "zlib inflateInit2 failed with status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decompresses as much of `input` as fits into `output`.
    ///
    /// Call again with `input[consumed...]` when `consumed < input.count`, and whenever
    /// `produced == output.count` (zlib may hold decoded bytes back until given more room, even
    /// with no new input — call with an empty `input` to drain).
    /// - Parameters:
    ///   - input: the next compressed bytes.
    ///   - output: where decompressed bytes go; its size bounds the work done per call.
    /// - Returns: input bytes consumed and output bytes produced.
    /// - Throws: `TarnError(.corrupt)` naming the compressed offset when the data is not gzip or
    ///   fails its checks; the decompressor is unusable afterwards.
    public func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> (consumed: Int, produced: Int) {
        if let failed { throw failed }
        var consumed = 0, produced = 0
        while produced < output.count {
            stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self) + consumed) }
            stream.pointee.avail_in = uInt(clamping: input.count - consumed)
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
            stream.pointee.avail_out = uInt(clamping: output.count - produced)
            let availIn = stream.pointee.avail_in, availOut = stream.pointee.avail_out
            let status = inflate(stream, Z_NO_FLUSH)
            let usedIn = Int(availIn - stream.pointee.avail_in), usedOut = Int(availOut - stream.pointee.avail_out)
            consumed += usedIn
            produced += usedOut
            totalIn += usedIn
            totalOut += usedOut
            if usedIn > 0 { atMemberBoundary = false }
            switch status {
            case Z_OK:
                // Input used up and output not full: zlib has nothing more to give now.
                if consumed == input.count && produced < output.count { return (consumed, produced) }
            case Z_STREAM_END:
                // One member done (its CRC32 and length verified); the next one, if any, starts
                // with a fresh header.
                membersCompleted += 1
                atMemberBoundary = true
                guard inflateReset(stream) == Z_OK else { throw fail("zlib inflateReset failed after member \(membersCompleted)") }
                if consumed == input.count { return (consumed, produced) }
            case Z_BUF_ERROR:
                // No progress possible: zlib needs more input than it was given.
                return (consumed, produced)
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw fail("gzip data is corrupt near compressed offset \(totalIn) (member \(membersCompleted + 1)): \(reason)")
            }
        }
        return (consumed, produced)
    }

    /// Decompresses all of `input`, appending to `output` (which grows as needed).
    ///
    /// Convenient when the caller bounds the input chunk size; a highly compressible chunk can
    /// still expand a lot, so streaming callers with strict limits use `decompress(_:into:)`.
    /// - Throws: as `decompress(_:into:)`, and `.limitExceeded` if `output` would exceed
    ///   `limit` bytes.
    public func decompress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8], limit: Int = .max) throws {
        var offset = 0
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 64 * 1024) }
        while true {
            let (consumed, produced) = try scratch.withUnsafeMutableBytes { out in
                try decompress(UnsafeRawBufferPointer(rebasing: input[offset...]), into: out)
            }
            offset += consumed
            guard output.count + produced <= limit else {
                throw TarnError(.limitExceeded, "decompressed data exceeds \(limit) bytes at compressed offset \(totalIn)")
            }
            output.append(contentsOf: scratch[0..<produced])
            // Done when the input is used up and zlib did not fill the scratch (nothing held back).
            if offset == input.count && produced < scratch.count { break }
        }
    }

    /// Decompresses all of `input`, appending to `output`.
    public func decompress(_ input: [UInt8], appendingTo output: inout [UInt8], limit: Int = .max) throws {
        try input.withUnsafeBytes { try decompress($0, appendingTo: &output, limit: limit) }
    }

    /// Declares the end of the compressed input.
    /// - Throws: `TarnError(.corrupt)` when the input stopped inside a member (truncated file) or
    ///   contained no member at all.
    public func finish() throws {
        if let failed { throw failed }
        if !atMemberBoundary {
            throw fail("gzip data is truncated: input ended inside member \(membersCompleted + 1) after \(totalIn) compressed bytes")
        }
        if membersCompleted == 0 {
            throw fail("gzip data is empty: no member found in \(totalIn) bytes")
        }
    }

    private func fail(_ message: String) -> TarnError {
        let error = TarnError(.corrupt, message)
        failed = error
        return error
    }

    /// Decompresses a whole gzip buffer (all members) in one call.
    /// - Throws: as `decompress` and `finish`, and `.limitExceeded` past `limit` output bytes.
    public static func decompress(_ input: [UInt8], limit: Int = .max) throws -> [UInt8] {
        let gunzip = try GzipDecompressor()
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, input.count * 4))
        try gunzip.decompress(input, appendingTo: &output, limit: limit)
        try gunzip.finish()
        return output
    }
}
