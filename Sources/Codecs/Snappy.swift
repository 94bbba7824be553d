import CSnappy
import TarnCore

/// Snappy raw blocks through libsnappy's C API (`snappy-c.h`).
enum Snappy {
    /// Decompresses one raw Snappy block into `destination`; returns the bytes written.
    static func decompress(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let source = input.baseAddress, input.count > 0 else {
            throw TarnError(.corrupt, "snappy: empty input for a non-empty result")
        }
        let src = source.assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK else {
            throw TarnError(.corrupt, "snappy: unreadable length header in \(input.count) input bytes")
        }
        guard length <= destination.count else {
            throw TarnError(.corrupt, "snappy: block decodes to \(length) bytes, expected \(destination.count)")
        }
        guard length > 0, let out = destination.baseAddress else { return length }
        var produced = destination.count
        let status = snappy_uncompress(src, input.count, out.assumingMemoryBound(to: CChar.self), &produced)
        guard status == SNAPPY_OK else {
            throw TarnError(.corrupt, "snappy: malformed block of \(input.count) bytes (status \(status.rawValue))")
        }
        return produced
    }

    /// Appends the Snappy compression of `input` to the (empty) `output`.
    static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        let bound = snappy_max_compressed_length(input.count)
        var produced = bound
        let empty: [CChar] = [0]
        let status = try withResizedBuffer(&output, bound) { destination in
            let out = destination.baseAddress!.assumingMemoryBound(to: CChar.self)
            if let source = input.baseAddress {
                return Int(snappy_compress(source.assumingMemoryBound(to: CChar.self), input.count, out, &produced).rawValue)
            }
            return empty.withUnsafeBufferPointer { Int(snappy_compress($0.baseAddress!, 0, out, &produced).rawValue) }
        }
        guard status == Int(SNAPPY_OK.rawValue) else { throw TarnError(.internal, "snappy_compress failed with status \(status)") }
        output.removeLast(output.count - produced)
    }
}
