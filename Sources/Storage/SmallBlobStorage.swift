import Foundation
import TarnCore

/// Durable storage for blobs so small that a file of their own costs more than the bytes: the
/// create, the fsync of the file and the fsync of its directory dominated a 4 KiB PUT (about 40%
/// of the server's CPU per request and two of its three disk flushes).
///
/// `MetadataIndex` implements it with a `small_blobs` table in the same SQLite database, written
/// through the same group committer, so concurrent small PUTs share one WAL flush instead of each
/// paying for their own. SQLite reads blobs of this size faster than the file system does
/// (sqlite.org/intern-v-extern-blob.html: below about 100 KB, internal BLOBs win).
public protocol SmallBlobStorage: Sendable {
    /// Stores a blob durably (it survives a crash once this returns).
    func storeSmallBlob(_ id: BlobID, _ bytes: [UInt8]) async throws
    /// The blob's bytes, or nil when it is not stored here.
    func smallBlob(_ id: BlobID) throws -> [UInt8]?
    /// Every stored id with its age in seconds (for orphan collection).
    func smallBlobInventory() throws -> [(id: BlobID, ageSeconds: Double)]
    /// Deletes blobs, in one durable transaction; missing ids are ignored.
    func deleteSmallBlobs(_ ids: [BlobID]) async throws
    /// Deletes one blob without waiting for a group commit (for synchronous abort paths).
    func deleteSmallBlobNow(_ id: BlobID) throws
}

extension MetadataIndex: SmallBlobStorage {
    public func storeSmallBlob(_ id: BlobID, _ bytes: [UInt8]) async throws {
        let created = Self.milliseconds(Date())
        try await committer.commit { tx in
            _ = try tx.query("INSERT INTO small_blobs (id, data, created_ms) VALUES (?, ?, ?)", [id.rawValue, bytes, created])
        }
    }

    public func smallBlob(_ id: BlobID) throws -> [UInt8]? {
        try reader.query("SELECT data FROM small_blobs WHERE id = ?", [id.rawValue]).first.map { $0["data"].bytes ?? [] }
    }

    public func smallBlobInventory() throws -> [(id: BlobID, ageSeconds: Double)] {
        let now = Date().timeIntervalSince1970
        return try reader.query("SELECT id, created_ms FROM small_blobs").compactMap { row in
            guard let id = row["id"].string.flatMap(BlobID.init) else { return nil }
            return (id, now - Double(row["created_ms"].int ?? 0) / 1000)
        }
    }

    public func deleteSmallBlobs(_ ids: [BlobID]) async throws {
        guard !ids.isEmpty else { return }
        try await committer.commit { tx in
            for id in ids { try tx.query("DELETE FROM small_blobs WHERE id = ?", [id.rawValue]) }
        }
    }

    public func deleteSmallBlobNow(_ id: BlobID) throws {
        // The writer connection is shared with the group committer; its lock serialises this
        // single autocommit statement with the batches.
        try writer.query("DELETE FROM small_blobs WHERE id = ?", [id.rawValue])
    }
}
