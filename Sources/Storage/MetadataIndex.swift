import Foundation
import Synchronization
import TarnCore

/// The SQLite-backed record of buckets, objects, multipart uploads and garbage blobs.
///
/// All writes go through one `GroupCommitter` (one writer connection, shared fsyncs); reads use a
/// small pool of separate connections, which WAL mode lets run while a commit is in progress, so
/// a GET never waits for somebody else's fsync. Keys are stored as BLOBs: SQLite compares BLOBs
/// with memcmp, which is exactly S3's "UTF-8 keys sorted by bytes" order, and NUL bytes survive.
public final class MetadataIndex: Sendable {
    /// Schema version written to `PRAGMA user_version`.
    static let schemaVersion = 1

    let writer: SQLiteDatabase
    let committer: GroupCommitter
    private let readers: [SQLiteDatabase]
    private let nextReader = Atomic<Int>(0)

    /// Opens (creating if needed) the index at `path`.
    /// - Parameters:
    ///   - path: the database file.
    ///   - readerCount: read connections, taken in turn: with only as many as threads, two
    ///     threads often met on one connection's lock.
    public init(path: String, readerCount: Int = 4) throws {
        writer = try SQLiteDatabase(path: path)
        try writer.execute(Self.schema)
        committer = GroupCommitter(database: writer)
        readers = try (0..<max(1, readerCount)).map { _ in try SQLiteDatabase(path: path) }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS buckets (
            name TEXT PRIMARY KEY,
            created_ms INTEGER NOT NULL,
            region TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE IF NOT EXISTS objects (
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            modified_ms INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            segments TEXT NOT NULL,
            PRIMARY KEY (bucket, key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS uploads (
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            initiated_ms INTEGER NOT NULL,
            attributes TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, initiated_ms);
        CREATE TABLE IF NOT EXISTS parts (
            upload_id TEXT NOT NULL,
            part_number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            modified_ms INTEGER NOT NULL,
            checksum TEXT,
            blob TEXT NOT NULL,
            PRIMARY KEY (upload_id, part_number)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS garbage (blob TEXT PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS small_blobs (
            id TEXT PRIMARY KEY,
            data BLOB NOT NULL,
            created_ms INTEGER NOT NULL
        );
        PRAGMA user_version = \(schemaVersion);
        """

    /// A read connection, round-robin.
    var reader: SQLiteDatabase {
        readers[nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count]
    }

    // MARK: encoding

    static func encode(_ attributes: ObjectAttributes) throws -> String {
        ObjectAttributesJSON.encode(attributes)
    }

    static func decodeAttributes(_ text: String?) throws -> ObjectAttributes {
        guard let text else { return ObjectAttributes() }
        return try ObjectAttributesJSON.decode(text)
    }

    static func encode(_ segments: [Segment]) -> String {
        segments.map { "\($0.blob.rawValue):\($0.size)" }.joined(separator: ",")
    }

    static func decodeSegments(_ text: String) throws -> [Segment] {
        // Bytes, not Characters: every GET decodes this list, and splitting a String by
        // Character cost as much as the SQLite lookup itself.
        var segments: [Segment] = []
        for item in text.utf8.split(separator: UInt8(ascii: ",")) {
            let parts = item.split(separator: UInt8(ascii: ":"))
            guard parts.count == 2, let blob = BlobID(String(Substring(parts[0]))), let size = Int64(Substring(parts[1])) else {
                throw TarnError(.corrupt, "segment list in metadata index: '\(Substring(item))'")
            }
            segments.append(Segment(blob: blob, size: size))
        }
        return segments
    }

    static func keyBytes(_ key: String) -> [UInt8] { Array(key.utf8) }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func objectInfo(bucket: String, row: SQLiteRow) throws -> ObjectInfo {
        guard let keyBytes = row["key"].bytes, let size = row["size"].int, let etag = row["etag"].string,
            let modified = row["modified_ms"].int, let segments = row["segments"].string
        else { throw TarnError(.corrupt, "malformed object row in bucket \(bucket)") }
        return ObjectInfo(
            bucket: bucket, key: String(decoding: keyBytes, as: UTF8.self), size: size, etag: etag,
            lastModified: date(milliseconds: modified), attributes: try decodeAttributes(row["attributes"].string),
            segments: try decodeSegments(segments))
    }
}

// MARK: - Buckets

extension MetadataIndex {
    /// Creates a bucket.
    /// - Throws: `BucketAlreadyOwnedByYou` if it exists (Tarn has one owner per server).
    public func createBucket(name: String, region: String, at date: Date) async throws {
        try await committer.commit { tx in
            if try !tx.query("SELECT 1 FROM buckets WHERE name = ?", [name]).isEmpty {
                throw TarnError(.bucketAlreadyOwnedByYou, "Your previous request to create the named bucket succeeded and you already own it.")
            }
            try tx.query("INSERT INTO buckets (name, created_ms, region) VALUES (?, ?, ?)", [name, Self.milliseconds(date), region])
        }
    }

    /// Deletes an empty bucket.
    /// - Throws: `NoSuchBucket`, or `BucketNotEmpty` when objects or multipart uploads remain.
    public func deleteBucket(name: String) async throws {
        try await committer.commit { tx in
            try Self.requireBucket(tx, name)
            if try !tx.query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", [name]).isEmpty {
                throw TarnError(.bucketNotEmpty, "The bucket you tried to delete is not empty.")
            }
            // S3 also refuses while multipart uploads are in progress.
            if try !tx.query("SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1", [name]).isEmpty {
                throw TarnError(.bucketNotEmpty, "The bucket you tried to delete has multipart uploads in progress.")
            }
            try tx.query("DELETE FROM buckets WHERE name = ?", [name])
        }
    }

    /// One bucket, or nil.
    public func bucket(_ name: String) throws -> BucketInfo? {
        try reader.query("SELECT name, created_ms, region FROM buckets WHERE name = ?", [name]).first.map(Self.bucketInfo)
    }

    /// All buckets sorted by name.
    public func buckets() throws -> [BucketInfo] {
        try reader.query("SELECT name, created_ms, region FROM buckets ORDER BY name").map(Self.bucketInfo)
    }

    /// A bucket's configuration document (JSON) stored under `name` (e.g. "tagging", "lifecycle").
    public func bucketConfig(_ bucket: String, _ name: String) throws -> String? {
        guard let row = try reader.query("SELECT config FROM buckets WHERE name = ?", [bucket]).first else {
            throw TarnError(.noSuchBucket, "The specified bucket does not exist.")
        }
        let all = try JSONSerialization.jsonObject(with: Data((row["config"].string ?? "{}").utf8)) as? [String: String]
        return all?[name]
    }

    /// Sets (or with nil removes) a bucket configuration document.
    public func setBucketConfig(_ bucket: String, _ name: String, _ value: String?) async throws {
        try await committer.commit { tx in
            guard let row = try tx.query("SELECT config FROM buckets WHERE name = ?", [bucket]).first else {
                throw TarnError(.noSuchBucket, "The specified bucket does not exist.")
            }
            var all = (try JSONSerialization.jsonObject(with: Data((row["config"].string ?? "{}").utf8)) as? [String: String]) ?? [:]
            all[name] = value
            let text = String(decoding: try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys]), as: UTF8.self)
            try tx.query("UPDATE buckets SET config = ? WHERE name = ?", [text, bucket])
        }
    }

    static func bucketInfo(_ row: SQLiteRow) -> BucketInfo {
        BucketInfo(name: row["name"].string ?? "", created: date(milliseconds: row["created_ms"].int ?? 0), region: row["region"].string ?? "")
    }

    static func requireBucket(_ tx: borrowing SQLiteTransaction, _ name: String) throws {
        if try tx.query("SELECT 1 FROM buckets WHERE name = ?", [name]).isEmpty {
            throw TarnError(.noSuchBucket, "The specified bucket does not exist.")
        }
    }
}

// MARK: - Objects

extension MetadataIndex {
    /// The columns `objectInfo(bucket:row:)` reads, in every query that feeds it.
    static let objectColumns = "key, size, etag, modified_ms, attributes, segments"
    /// One object row by bucket and key (one text, so one cached statement per connection).
    static let objectByKey = "SELECT \(objectColumns) FROM objects WHERE bucket = ? AND key = ?"

    /// The current object at `key`, or nil.
    public func object(bucket: String, key: String) throws -> ObjectInfo? {
        let rows = try reader.query(Self.objectByKey, [bucket, Self.keyBytes(key)])
        return try rows.first.map { try Self.objectInfo(bucket: bucket, row: $0) }
    }

    /// An object row and, when its only segment is a small blob kept in this index, that blob's
    /// stored bytes from the same read: a small GET is then one lookup in one read transaction
    /// (the row, then the blob, cost two, each with its WAL locks). Blob ids are unique, so a
    /// `small_blobs` row with the segment's id is that blob whichever tier the object is in;
    /// without one (a file blob, several segments) the caller opens the blobs as usual.
    func objectForReading(bucket: String, key: String) throws -> (info: ObjectInfo, inlineBlob: [UInt8]?)? {
        let rows = try reader.query(
            """
            SELECT o.key AS key, o.size AS size, o.etag AS etag, o.modified_ms AS modified_ms, o.attributes AS attributes,
                o.segments AS segments, s.data AS inline_blob
            FROM objects o LEFT JOIN small_blobs s ON instr(o.segments, ',') = 0 AND s.id = substr(o.segments, 1, 32)
            WHERE o.bucket = ? AND o.key = ?
            """,
            [bucket, Self.keyBytes(key)])
        guard let row = rows.first else { return nil }
        let info = try Self.objectInfo(bucket: bucket, row: row)
        return (info, info.segments.count == 1 ? row["inline_blob"].bytes : nil)
    }

    /// Reads an object row inside a write transaction.
    static func object(_ tx: borrowing SQLiteTransaction, bucket: String, key: String) throws -> ObjectInfo? {
        let rows = try tx.query(objectByKey, [bucket, keyBytes(key)])
        return try rows.first.map { try objectInfo(bucket: bucket, row: $0) }
    }

    /// Inserts or replaces an object row; the replaced object's blobs go to garbage unless the new
    /// object reuses them.
    static func upsert(_ tx: borrowing SQLiteTransaction, _ object: ObjectInfo, replacing old: ObjectInfo?) throws {
        try tx.query(
            """
            INSERT INTO objects (bucket, key, size, etag, modified_ms, attributes, segments) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,
                modified_ms = excluded.modified_ms, attributes = excluded.attributes, segments = excluded.segments
            """,
            [
                object.bucket, keyBytes(object.key), object.size, object.etag, milliseconds(object.lastModified),
                try encode(object.attributes), encode(object.segments),
            ])
        if let old {
            let kept = Set(object.segments.map(\.blob))
            for segment in old.segments where !kept.contains(segment.blob) { try addGarbage(tx, segment.blob) }
        }
    }

    static func addGarbage(_ tx: borrowing SQLiteTransaction, _ blob: BlobID) throws {
        try tx.query("INSERT OR IGNORE INTO garbage (blob) VALUES (?)", [blob.rawValue])
    }

    /// Removes an object row (if present) and queues its blobs; returns what was removed.
    static func remove(_ tx: borrowing SQLiteTransaction, bucket: String, key: String) throws -> ObjectInfo? {
        guard let old = try object(tx, bucket: bucket, key: key) else { return nil }
        try tx.query("DELETE FROM objects WHERE bucket = ? AND key = ?", [bucket, keyBytes(key)])
        for segment in old.segments { try addGarbage(tx, segment.blob) }
        return old
    }

    /// Replaces an object's tags (the object must exist).
    public func setTags(bucket: String, key: String, tags: [Tag]) async throws {
        try await committer.commit { tx in
            try Self.requireBucket(tx, bucket)
            guard var object = try Self.object(tx, bucket: bucket, key: key) else {
                throw TarnError(.noSuchKey, "The specified key does not exist.")
            }
            object.attributes.tags = tags
            try tx.query(
                "UPDATE objects SET attributes = ? WHERE bucket = ? AND key = ?",
                [try Self.encode(object.attributes), bucket, Self.keyBytes(key)])
        }
    }

    // MARK: garbage

    /// Blobs waiting to be deleted.
    public func garbage(limit: Int = 1000) throws -> [BlobID] {
        try reader.query("SELECT blob FROM garbage LIMIT ?", [limit]).compactMap { $0["blob"].string.flatMap(BlobID.init) }
    }

    /// Forgets garbage entries whose blobs have been deleted.
    public func clearGarbage(_ blobs: [BlobID]) async throws {
        guard !blobs.isEmpty else { return }
        try await committer.commit { tx in
            for blob in blobs { try tx.query("DELETE FROM garbage WHERE blob = ?", [blob.rawValue]) }
        }
    }

    /// Every blob referenced by an object or an uploaded part (for start-up garbage collection).
    public func referencedBlobs() throws -> Set<BlobID> {
        var result = Set<BlobID>()
        for row in try reader.query("SELECT segments FROM objects") {
            for segment in try Self.decodeSegments(row["segments"].string ?? "") { result.insert(segment.blob) }
        }
        for row in try reader.query("SELECT blob FROM parts") {
            if let blob = row["blob"].string.flatMap(BlobID.init) { result.insert(blob) }
        }
        return result
    }
}
