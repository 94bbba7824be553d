import CLZ4
import TarnCore

/// LZ4 blocks through liblz4, in the two Parquet flavours.
enum LZ4 {
    /// Decompresses one raw LZ4 block (Parquet `LZ4_RAW`); returns the bytes written.
    static func decompressBlock(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let source = input.baseAddress, input.count > 0, input.count <= Int(Int32.max),
              destination.count <= Int(Int32.max)
        else { throw TarnError(.corrupt, "lz4: cannot decode \(input.count) input bytes into \(destination.count)") }
        let result = LZ4_decompress_safe(
            source.assumingMemoryBound(to: CChar.self), destination.baseAddress!.assumingMemoryBound(to: CChar.self),
            Int32(input.count), Int32(destination.count))
        guard result >= 0 else { throw TarnError(.corrupt, "lz4: malformed block of \(input.count) bytes (error \(result))") }
        return Int(result)
    }

    /// Decompresses Parquet's deprecated `LZ4` codec.
    ///
    /// Hadoop's `Lz4Codec` writes, per chunk, the big-endian uncompressed size (4 bytes), the
    /// big-endian compressed size (4 bytes) and the LZ4 block. Older parquet-cpp wrote a bare LZ4
    /// block under the same codec id, so when the framing does not add up exactly we try that.
    static func decompressHadoop(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        if let produced = try? decompressHadoopFrames(input, into: destination) { return produced }
        return try decompressBlock(input, into: destination)
    }

    private static func decompressHadoopFrames(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var position = 0, produced = 0
        func bigEndian32(_ at: Int) -> Int {
            Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3])
        }
        while position < input.count {
            guard input.count - position >= 8 else { throw TarnError(.corrupt, "lz4 hadoop: truncated frame header") }
            let expanded = bigEndian32(position), compressed = bigEndian32(position + 4)
            position += 8
            guard compressed <= input.count - position, expanded <= destination.count - produced else {
                throw TarnError(.corrupt, "lz4 hadoop: frame sizes \(compressed)/\(expanded) exceed the buffers")
            }
            let got = try decompressBlock(
                UnsafeRawBufferPointer(rebasing: input[position..<position + compressed]),
                into: UnsafeMutableRawBufferPointer(rebasing: destination[produced..<produced + expanded]))
            guard got == expanded else { throw TarnError(.corrupt, "lz4 hadoop: frame decoded to \(got), header said \(expanded)") }
            position += compressed
            produced += got
        }
        guard produced == destination.count else { throw TarnError(.corrupt, "lz4 hadoop: frames hold \(produced) bytes") }
        return produced
    }

    /// Compresses `input` into one raw LZ4 block in the (empty) `output`.
    static func compressBlock(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else { throw TarnError(.limitExceeded, "lz4: \(input.count) bytes exceeds the block limit") }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        let empty: [CChar] = [0]
        let produced = try withResizedBuffer(&output, bound) { destination in
            let out = destination.baseAddress!.assumingMemoryBound(to: CChar.self)
            if let source = input.baseAddress {
                return Int(LZ4_compress_default(source.assumingMemoryBound(to: CChar.self), out, Int32(input.count), Int32(bound)))
            }
            return empty.withUnsafeBufferPointer { Int(LZ4_compress_default($0.baseAddress!, out, 0, Int32(bound))) }
        }
        guard produced > 0 else { throw TarnError(.internal, "LZ4_compress_default failed for \(input.count) bytes") }
        output.removeLast(output.count - produced)
    }

    /// Compresses `input` as one Hadoop-framed LZ4 chunk.
    static func compressHadoop(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        var block: [UInt8] = []
        try compressBlock(input, into: &block)
        output.removeAll(keepingCapacity: true)
        for value in [UInt32(input.count), UInt32(block.count)] {
            withUnsafeBytes(of: value.bigEndian) { output.append(contentsOf: $0) }
        }
        output.append(contentsOf: block)
    }
}
