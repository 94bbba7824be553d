import CZlib
import TarnCore

/// Whole-buffer gzip (RFC 1952) through zlib, as Parquet's `GZIP` codec uses it.
///
/// (Streaming gzip for objects lives in `Gzip*.swift`; this is the block form for pages.)
enum Zlib {
    /// `windowBits` that make zlib read and write the gzip wrapper: 15 (32 KiB window) + 16.
    private static let gzipWindowBits: Int32 = 15 + 16

    /// Inflates one or more concatenated gzip members into `destination`; returns the bytes written.
    static func inflate(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let source = input.baseAddress, input.count > 0 else {
            throw TarnError(.corrupt, "gzip: empty input for a non-empty result")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TarnError(.internal, "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: source.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = destination.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(destination.count)
        while true {
            let status = CZlib.inflate(&stream, Z_FINISH)
            if status == Z_STREAM_END {
                // RFC 1952 §2.2: "A gzip file consists of a series of members"; keep going while
                // input remains (some writers emit one member per block).
                if stream.avail_in == 0 { break }
                guard inflateReset(&stream) == Z_OK else { throw TarnError(.internal, "inflateReset failed") }
                continue
            }
            if status == Z_BUF_ERROR && stream.avail_out == 0 {
                throw TarnError(.corrupt, "gzip: data decompresses to more than the expected \(destination.count) bytes")
            }
            let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
            throw TarnError(.corrupt, "gzip: \(reason) after \(Int(stream.total_in)) of \(input.count) input bytes")
        }
        return destination.count - Int(stream.avail_out)
    }

    /// Deflates `input` into one gzip member in the (empty) `output`.
    static func deflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], level: Int) throws {
        var stream = z_stream()
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw TarnError(.invalidArgument, "gzip: deflateInit2 rejected level \(level)") }
        defer { deflateEnd(&stream) }
        // deflateBound does not count the gzip header and trailer; 18 bytes cover them.
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 18
        let empty: [UInt8] = [0]
        let produced = try withResizedBuffer(&output, bound) { destination in
            try empty.withUnsafeBufferPointer { fallback in
                let source = input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? fallback.baseAddress!
                stream.next_in = UnsafeMutablePointer(mutating: source)
                stream.avail_in = uInt(input.count)
                stream.next_out = destination.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(bound)
                let status = CZlib.deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else { throw TarnError(.internal, "gzip: deflate returned \(status)") }
                return bound - Int(stream.avail_out)
            }
        }
        output.removeLast(output.count - produced)
    }
}
