import Synchronization
import TarnCore

/// A blob writer that keeps the first bytes in memory and decides at the end where the blob
/// lives: blobs of at most `limit` bytes go to `SmallBlobStorage` (one shared group commit),
/// larger ones spill to a file as soon as they outgrow the buffer (fsync on `finish`).
///
/// The decision is invisible to callers: the id is fixed up front, and `LocalBlobStore.open`
/// finds the blob in either place.
final class BufferedBlobWriter: BlobWriter {
    let id: BlobID
    private let limit: Int
    private let small: any SmallBlobStorage
    private let makeFile: @Sendable () throws -> LocalBlobWriter
    private let state = Mutex(State())

    private struct State {
        var buffer: [UInt8] = []
        var file: LocalBlobWriter?
        /// Set once the bytes were stored in the small-blob table, so `abort` removes them there.
        var storedSmall = false
    }

    init(id: BlobID, limit: Int, small: any SmallBlobStorage, makeFile: @escaping @Sendable () throws -> LocalBlobWriter) {
        self.id = id
        self.limit = limit
        self.small = small
        self.makeFile = makeFile
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            if let file = state.file { return try file.write(bytes) }
            if state.buffer.count + bytes.count <= limit {
                state.buffer.append(contentsOf: bytes)
                return
            }
            // Outgrew the buffer: from now on this is an ordinary file blob.
            let file = try makeFile()
            try state.buffer.withUnsafeBytes { try file.write($0) }
            try file.write(bytes)
            state.buffer = []
            state.file = file
        }
    }

    func finish() async throws {
        let (file, buffer) = state.withLock { ($0.file, $0.buffer) }
        if let file { return try await file.finish() }
        try await small.storeSmallBlob(id, buffer)
        state.withLock { $0.storedSmall = true }
    }

    func abort() {
        let (file, storedSmall) = state.withLock { state in
            defer { state.buffer = [] }
            return (state.file, state.storedSmall)
        }
        file?.abort()
        // A failed delete leaves an orphan row that start-up collection removes.
        if storedSmall { try? small.deleteSmallBlobNow(id) }
    }
}

/// A small blob read whole from `SmallBlobStorage` at open: like an open file handle, it keeps
/// serving its bytes even if the blob is deleted meanwhile.
struct MemoryBlobReader: BlobReader {
    let bytes: [UInt8]
    var size: Int64 { Int64(bytes.count) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard offset >= 0, offset < Int64(bytes.count) else { return 0 }
        let count = min(buffer.count, bytes.count - Int(offset))
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + Int(offset), byteCount: count)
        }
        return count
    }
}
