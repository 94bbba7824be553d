import Codecs
import Synchronization
import TarnCore

/// Writes a blob in the `ChunkedCompression` layout over another writer: buffers one chunk of
/// the object's bytes, compresses it and appends it; `finish` adds the index and footer and then
/// makes the inner blob durable.
final class CompressingBlobWriter: BlobWriter {
    let inner: any BlobWriter
    private let state = Mutex(State())

    private struct State {
        var pending: [UInt8] = []
        var compressed: [UInt8] = []
        var index: [UInt8] = []
        var storedBytes: Int64 = 0
        var rawBytes: Int64 = 0
        var chunkCount = 0
    }

    init(inner: any BlobWriter) {
        self.inner = inner
        state.withLock { $0.pending.reserveCapacity(ChunkedCompression.chunkSize) }
    }

    var id: BlobID { inner.id }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            var offset = 0
            while offset < bytes.count {
                let take = min(ChunkedCompression.chunkSize - state.pending.count, bytes.count - offset)
                state.pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
                offset += take
                if state.pending.count == ChunkedCompression.chunkSize { try flushChunk(&state) }
            }
        }
    }

    /// Compresses the pending chunk and appends it (raw when zstd does not make it smaller).
    private func flushChunk(_ state: inout State) throws {
        guard !state.pending.isEmpty else { return }
        try state.pending.withUnsafeBytes { raw in
            try CompressionCodec.zstd.compress(raw, into: &state.compressed, level: ChunkedCompression.level)
        }
        let codec: ChunkedCompression.ChunkCodec = state.compressed.count < state.pending.count ? .zstd : .raw
        let stored = codec == .zstd ? state.compressed : state.pending
        try stored.withUnsafeBytes { try inner.write($0) }
        ChunkedCompression.appendLittleEndian(UInt32(stored.count), to: &state.index)
        ChunkedCompression.appendLittleEndian(UInt32(state.pending.count), to: &state.index)
        state.index.append(codec.rawValue)
        state.storedBytes += Int64(stored.count)
        state.rawBytes += Int64(state.pending.count)
        state.chunkCount += 1
        state.pending.removeAll(keepingCapacity: true)
    }

    func finish() async throws {
        let tail: [UInt8] = try state.withLock { state in
            try flushChunk(&state)
            var crc = CRC32()
            crc.update(state.index)
            var tail = state.index
            ChunkedCompression.appendLittleEndian(UInt64(state.storedBytes), to: &tail)
            ChunkedCompression.appendLittleEndian(UInt32(state.chunkCount), to: &tail)
            ChunkedCompression.appendLittleEndian(UInt32(ChunkedCompression.chunkSize), to: &tail)
            ChunkedCompression.appendLittleEndian(UInt64(state.rawBytes), to: &tail)
            ChunkedCompression.appendLittleEndian(crc.value, to: &tail)
            ChunkedCompression.appendLittleEndian(UInt32(0), to: &tail)
            tail += ChunkedCompression.magic
            return tail
        }
        try tail.withUnsafeBytes { try inner.write($0) }
        try await inner.finish()
    }

    func abort() { inner.abort() }
}
