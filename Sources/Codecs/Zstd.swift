import CZstd
import TarnCore

/// Zstandard frames through libzstd's one-shot API.
enum Zstd {
    /// Decompresses one or more concatenated frames into `destination`; returns the bytes written.
    static func decompress(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let source = input.baseAddress, input.count > 0 else {
            throw TarnError(.corrupt, "zstd: empty input for a non-empty result")
        }
        let result = ZSTD_decompress(destination.baseAddress, destination.count, source, input.count)
        if ZSTD_isError(result) != 0 {
            throw TarnError(.corrupt, "zstd: \(String(cString: ZSTD_getErrorName(result))) (\(input.count) input bytes, \(destination.count) expected)")
        }
        return result
    }

    /// Compresses `input` into one frame in the (empty) `output`.
    static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], level: Int) throws {
        let bound = ZSTD_compressBound(input.count)
        let produced = try withResizedBuffer(&output, bound) { destination in
            ZSTD_compress(destination.baseAddress, bound, input.baseAddress, input.count, Int32(level))
        }
        if ZSTD_isError(produced) != 0 {
            throw TarnError(.internal, "ZSTD_compress: \(String(cString: ZSTD_getErrorName(produced)))")
        }
        output.removeLast(output.count - produced)
    }
}
