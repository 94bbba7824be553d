import CZlib
import TarnCore

/// Streaming gzip (RFC 1952) compression into buffers the caller owns: one member per
/// compressor, written as input arrives, so Firehose can gzip a delivery batch without holding
/// it twice.
///
/// ```swift
/// let gzip = try GzipCompressor(level: 6)
/// var out: [UInt8] = []
/// try gzip.compress(lineBytes, appendingTo: &out)
/// try gzip.finish(appendingTo: &out)
/// ```
public final class GzipCompressor {
    /// zlib `windowBits` for a gzip wrapper around a 32 KiB-window deflate stream (zlib.h: "Add 16
    /// to windowBits to write a simple gzip header and trailer").
    static let gzipWindowBits: Int32 = 15 + 16
    /// zlib's default `memLevel` (zlib.h: "The default value is 8").
    static let defaultMemLevel: Int32 = 8

    private let stream: UnsafeMutablePointer<z_stream>
    /// Staging buffer of the appending conveniences, allocated on first use and reused.
    private var scratch: [UInt8] = []
    private var finished = false
    /// The compression level in use (0 = store … 9 = smallest).
    public let level: Int

    /// Creates a compressor.
    /// - Parameter level: 0 (no compression) … 9 (best); 6 is gzip's default.
    /// - Throws: `TarnError(.invalidArgument)` for a level outside 0…9.
    public init(level: Int = 6) throws {
        guard (0...9).contains(level) else { throw TarnError(.invalidArgument, "gzip level must be 0...9, got \(level)") }
        self.level = level
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(stream, Int32(level), Z_DEFLATED, Self.gzipWindowBits, Self.defaultMemLevel,
                                   Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw TarnError(.internal, "zlib deflateInit2 failed with status \(status)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses as much of `input` as fits into `output`.
    /// - Returns: input bytes consumed and output bytes produced; call again with the rest of the
    ///   input when the output filled up.
    /// - Throws: `TarnError(.invalidArgument)` after `finish`.
    public func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> (consumed: Int, produced: Int) {
        try run(input, output, flush: Z_NO_FLUSH).0
    }

    /// Writes the rest of the compressed data and the gzip trailer into `output`.
    /// - Returns: bytes produced and whether the member is complete; call again with fresh output
    ///   space until `done`.
    public func finish(into output: UnsafeMutableRawBufferPointer) throws -> (produced: Int, done: Bool) {
        let ((_, produced), status) = try run(UnsafeRawBufferPointer(start: nil, count: 0), output, flush: Z_FINISH)
        if status == Z_STREAM_END { finished = true }
        return (produced, status == Z_STREAM_END)
    }

    /// Compresses all of `input`, appending to `output`.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws {
        var offset = 0
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 64 * 1024) }
        while offset < input.count {
            let (consumed, produced) = try scratch.withUnsafeMutableBytes { out in
                try compress(UnsafeRawBufferPointer(rebasing: input[offset...]), into: out)
            }
            offset += consumed
            output.append(contentsOf: scratch[0..<produced])
        }
    }

    /// Compresses all of `input`, appending to `output`.
    public func compress(_ input: [UInt8], appendingTo output: inout [UInt8]) throws {
        try input.withUnsafeBytes { try compress($0, appendingTo: &output) }
    }

    /// Finishes the member, appending the remaining bytes and the trailer to `output`.
    public func finish(appendingTo output: inout [UInt8]) throws {
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 64 * 1024) }
        var done = false
        while !done {
            let (produced, complete) = try scratch.withUnsafeMutableBytes { try finish(into: $0) }
            output.append(contentsOf: scratch[0..<produced])
            done = complete
        }
    }

    /// Compresses a whole buffer into one gzip member.
    public static func compress(_ input: [UInt8], level: Int = 6) throws -> [UInt8] {
        let gzip = try GzipCompressor(level: level)
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2 + 64)
        try gzip.compress(input, appendingTo: &output)
        try gzip.finish(appendingTo: &output)
        return output
    }

    private func run(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, flush: Int32) throws -> ((Int, Int), Int32) {
        guard !finished else { throw TarnError(.invalidArgument, "gzip compressor already finished") }
        guard output.count > 0 else { return ((0, 0), Z_BUF_ERROR) }
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = uInt(clamping: input.count)
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(clamping: output.count)
        let status = deflate(stream, flush)
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            throw TarnError(.internal, "zlib deflate failed with status \(status)")
        }
        let consumed = input.count - Int(stream.pointee.avail_in)
        let produced = output.count - Int(stream.pointee.avail_out)
        return ((consumed, produced), status)
    }
}
