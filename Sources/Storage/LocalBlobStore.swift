import Foundation
import Synchronization
import TarnCore

/// Blobs as files under `root/<2 hex>/<id>` on a local file system, and blobs of at most
/// `smallLimit` bytes in a `SmallBlobStorage` (the metadata database), where a whole file and
/// its two fsyncs would cost more than the bytes.
///
/// The 256 fan-out directories are created (and fsynced) once at open, so creating a blob only
/// needs its own file and directory entry made durable.
public struct LocalBlobStore: BlobStore {
    /// The root directory.
    public let root: String
    /// Where small blobs go, if anywhere.
    public let small: (any SmallBlobStorage)?
    /// The largest blob kept in `small`.
    public let smallLimit: Int

    /// The default `smallLimit`: 64 KiB, well inside the size where SQLite reads blobs faster
    /// than the file system, and small enough that the WAL does not balloon.
    public static let defaultSmallLimit = 64 * 1024

    /// Opens (creating if needed) a blob store at `root`.
    /// - Parameters:
    ///   - root: the directory of blob files.
    ///   - small: storage for blobs of at most `smallLimit` bytes; nil keeps every blob in a file.
    ///   - smallLimit: the largest blob stored in `small`.
    public init(root: String, small: (any SmallBlobStorage)? = nil, smallLimit: Int = LocalBlobStore.defaultSmallLimit) throws {
        self.root = root
        self.small = small
        self.smallLimit = smallLimit
        try FileSystem.createDirectory(root)
        var created = false
        for index in 0..<256 {
            let directory = root + "/" + Hex.encode([UInt8(index)])
            if !FileSystem.isDirectory(directory) {
                try FileSystem.createDirectory(directory)
                created = true
            }
        }
        if created { try FileSystem.syncDirectory(root) }
    }

    func path(_ id: BlobID) -> String {
        let name = id.rawValue
        return "\(root)/\(name.prefix(2))/\(name)"
    }

    public func create() throws -> any BlobWriter {
        let id = BlobID.random()
        let path = path(id)
        let makeFile: @Sendable () throws -> LocalBlobWriter = {
            LocalBlobWriter(id: id, path: path, file: try PosixFile(path: path, mode: .createNew, permissions: 0o600))
        }
        guard let small else { return try makeFile() }
        return BufferedBlobWriter(id: id, limit: smallLimit, small: small, makeFile: makeFile)
    }

    public func open(_ id: BlobID) throws -> any BlobReader {
        if let bytes = try small?.smallBlob(id) { return MemoryBlobReader(bytes: bytes) }
        let file = try PosixFile(path: path(id), mode: .read)
        return LocalBlobReader(file: file, size: try file.size())
    }

    public func delete(_ id: BlobID) throws {
        try FileSystem.removeFile(path(id))
        try small?.deleteSmallBlobNow(id)
    }

    /// Deletes files one by one and small blobs in one transaction.
    public func delete(_ ids: [BlobID]) async throws {
        for id in ids { try FileSystem.removeFile(path(id)) }
        try await small?.deleteSmallBlobs(ids)
    }

    public func storedSize(_ id: BlobID) -> Int64? {
        if let bytes = try? small?.smallBlob(id) { return Int64(bytes.count) }
        return FileSystem.fileSize(path(id))
    }

    public func inventory() throws -> [(id: BlobID, ageSeconds: Double)] {
        var result: [(id: BlobID, ageSeconds: Double)] = try small?.smallBlobInventory() ?? []
        let now = Date().timeIntervalSince1970
        for index in 0..<256 {
            let directory = root + "/" + Hex.encode([UInt8(index)])
            for name in (try? FileSystem.listDirectory(directory)) ?? [] {
                guard let id = BlobID(name) else { continue }
                let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? now
                result.append((id, now - modified))
            }
        }
        return result
    }
}

final class LocalBlobWriter: BlobWriter {
    let id: BlobID
    let path: String
    let file: PosixFile

    init(id: BlobID, path: String, file: PosixFile) {
        self.id = id
        self.path = path
        self.file = file
    }

    /// Bytes written, and how many of them have had write-back started.
    private let progress = Mutex<(written: Int64, flushed: Int64)>((0, 0))
    /// Write-back is started every this many bytes (as RocksDB's `bytes_per_sync` does), so a
    /// 256 MiB blob's fsync waits for the last few MiB instead of all of it.
    static let writebackInterval: Int64 = 8 << 20

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try file.write(bytes)
        let range: (Int64, Int64)? = progress.withLock { progress in
            progress.written += Int64(bytes.count)
            guard progress.written - progress.flushed >= Self.writebackInterval else { return nil }
            defer { progress.flushed = progress.written }
            return (progress.flushed, progress.written - progress.flushed)
        }
        if let (offset, count) = range { file.startWriteback(offset: offset, count: count) }
    }

    func finish() async throws {
        let file = self.file, path = self.path
        try await BlockingIO.run {
            try file.sync()
            try FileSystem.syncDirectory(FileSystem.parentDirectory(of: path))
        }
    }

    func abort() { try? FileSystem.removeFile(path) }
}

struct LocalBlobReader: BlobReader {
    let file: PosixFile
    let size: Int64

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try file.read(into: buffer, at: offset)
    }
}
