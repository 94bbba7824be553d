import Codecs
import Synchronization
import TarnCore

/// Reads the object bytes of a blob in the `ChunkedCompression` layout: finds the chunks a read
/// covers and decompresses only those, keeping the last decompressed chunk for the sequential
/// reads a GET makes.
final class DecompressingBlobReader: BlobReader {
    let inner: any BlobReader
    let size: Int64
    private let chunks: [ChunkedCompression.Chunk]
    private let cache = Mutex<(chunk: Int, bytes: [UInt8], scratch: [UInt8])>((-1, [], []))

    /// Opens `inner` as a compressed blob.
    /// - Throws: `Corrupt` when its footer or index is malformed.
    init(inner: any BlobReader, blob: BlobID) throws {
        self.inner = inner
        let blobSize = inner.size
        guard blobSize >= Int64(ChunkedCompression.footerSize) else {
            throw TarnError(.corrupt, "compressed blob \(blob): \(blobSize) bytes is too small for its \(ChunkedCompression.footerSize)-byte footer")
        }
        func read(_ offset: Int64, _ count: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let got = try bytes.withUnsafeMutableBytes { try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]), at: offset + Int64(filled)) }
                if got == 0 { break }
                filled += got
            }
            return Array(bytes[0..<filled])
        }
        let footer = try read(blobSize - Int64(ChunkedCompression.footerSize), ChunkedCompression.footerSize)
        do {
            (chunks, size) = try ChunkedCompression.decodeIndex(footer: footer, blobSize: blobSize, readIndex: read)
        } catch let error as TarnError {
            throw TarnError(error.code, "blob \(blob): \(error.message)")
        }
    }

    /// The chunk holding object offset `offset` (binary search over the chunks' raw offsets).
    private func chunkIndex(containing offset: Int64) -> Int {
        var low = 0, high = chunks.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if chunks[middle].rawOffset <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard offset >= 0, offset < size, buffer.count > 0 else { return 0 }
        var filled = 0
        var number = chunkIndex(containing: offset)
        try cache.withLock { cache in
            while filled < buffer.count && number < chunks.count {
                let chunk = chunks[number]
                if cache.chunk != number { try load(chunk, number: number, into: &cache.bytes, scratch: &cache.scratch) }
                cache.chunk = number
                let position = offset + Int64(filled)
                let within = Int(position - chunk.rawOffset)
                let count = min(buffer.count - filled, chunk.rawLength - within)
                cache.bytes.withUnsafeBytes { source in
                    (buffer.baseAddress! + filled).copyMemory(from: source.baseAddress! + within, byteCount: count)
                }
                filled += count
                number += 1
            }
        }
        return filled
    }

    /// Reads one chunk's stored bytes and decodes them into `output`.
    private func load(_ chunk: ChunkedCompression.Chunk, number: Int, into output: inout [UInt8], scratch: inout [UInt8]) throws {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: repeatElement(0, count: chunk.storedLength))
        let got = try scratch.withUnsafeMutableBytes { destination -> Int in
            var filled = 0
            while filled < chunk.storedLength {
                let read = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: destination[filled...]), at: chunk.storedOffset + Int64(filled))
                if read == 0 { break }
                filled += read
            }
            return filled
        }
        guard got == chunk.storedLength else {
            throw TarnError(.corrupt, "compressed blob: chunk \(number) expected \(chunk.storedLength) bytes at \(chunk.storedOffset), read \(got)")
        }
        switch chunk.codec {
        case .raw:
            swap(&output, &scratch)
        case .zstd:
            try scratch.withUnsafeBytes { try CompressionCodec.zstd.decompress($0, into: &output, uncompressedSize: chunk.rawLength) }
        }
    }
}
