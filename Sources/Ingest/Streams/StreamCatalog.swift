import Foundation
import TarnCore

/// The durable metadata of data streams: names, modes, retention, shards with their lineage and
/// hash ranges, and tags, in SQLite (`streams.db`). Every change commits before the caller is
/// told it happened.
final class StreamCatalog: Sendable {
    let database: SQLiteDatabase

    init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS streams(
              id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, mode TEXT NOT NULL,
              retention_hours INTEGER NOT NULL, created_ms INTEGER NOT NULL, next_shard INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS shards(
              stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE, shard INTEGER NOT NULL,
              parent INTEGER, adjacent_parent INTEGER, start_hash TEXT NOT NULL, end_hash TEXT NOT NULL,
              closed_count INTEGER, PRIMARY KEY(stream_id, shard));
            CREATE TABLE IF NOT EXISTS tags(
              stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
              PRIMARY KEY(stream_id, key));
            """)
        try KeyringTables.streams.create(database)
    }

    /// A random value kept for the lake's lifetime (authenticates shard iterators).
    func secret(named name: String) throws -> UInt64 {
        if let text = try database.query("SELECT value FROM meta WHERE key = ?", [name]).first?["value"].string, let value = UInt64(text) {
            return value
        }
        let value = UInt64.random(in: 1...UInt64.max)
        try database.query("INSERT OR IGNORE INTO meta(key, value) VALUES(?, ?)", [name, String(value)])
        return try secret(named: name)
    }

    /// Every stream with its shards and tags.
    func loadAll() throws -> [StreamInfo] {
        var streams: [Int64: StreamInfo] = [:]
        for row in try database.query("SELECT id, name, mode, retention_hours, created_ms, next_shard FROM streams") {
            guard let id = row["id"].int, let name = row["name"].string else { continue }
            streams[id] = StreamInfo(
                id: id, name: name, mode: StreamMode(rawValue: row["mode"].string ?? "") ?? .provisioned,
                retentionHours: Int(row["retention_hours"].int ?? 24),
                created: Date(timeIntervalSince1970: Double(row["created_ms"].int ?? 0) / 1000), shards: [],
                nextShardIndex: Int(row["next_shard"].int ?? 0), tags: [:], status: "ACTIVE")
        }
        for row in try database.query("SELECT * FROM shards ORDER BY stream_id, shard") {
            guard let id = row["stream_id"].int, let start = row["start_hash"].string.flatMap({ UInt128($0) }),
                let end = row["end_hash"].string.flatMap({ UInt128($0) })
            else { throw TarnError(.corrupt, "streams.db: malformed shard row \(row.values)") }
            streams[id]?.shards.append(
                ShardInfo(
                    index: Int(row["shard"].int ?? 0), parent: row["parent"].int.map(Int.init), adjacentParent: row["adjacent_parent"].int.map(Int.init),
                    hashRange: start...end, closedCount: row["closed_count"].int.map { UInt64($0) }))
        }
        for row in try database.query("SELECT stream_id, key, value FROM tags") {
            if let id = row["stream_id"].int, let key = row["key"].string, let value = row["value"].string { streams[id]?.tags[key] = value }
        }
        return Array(streams.values)
    }

    /// Inserts a new stream and its shards; returns its id.
    func create(name: String, mode: StreamMode, retentionHours: Int, created: Date, shards: [ShardInfo], tags: [String: String]) throws -> Int64 {
        try database.transaction { tx in
            if try !tx.query("SELECT 1 FROM streams WHERE name = ?", [name]).isEmpty {
                throw TarnError(.resourceInUse, "Stream \(name) already exists.")
            }
            try tx.query(
                "INSERT INTO streams(name, mode, retention_hours, created_ms, next_shard) VALUES(?, ?, ?, ?, ?)",
                [name, mode.rawValue, retentionHours, Int64(created.timeIntervalSince1970 * 1000), shards.count])
            guard let id = try tx.query("SELECT last_insert_rowid() AS id").first?["id"].int else {
                throw TarnError(.internal, "streams.db: no id for new stream \(name)")
            }
            for shard in shards { try Self.insert(tx, shard, stream: id) }
            for (key, value) in tags { try tx.query("INSERT INTO tags(stream_id, key, value) VALUES(?, ?, ?)", [id, key, value]) }
            return id
        }
    }

    private static func insert(_ tx: borrowing SQLiteTransaction, _ shard: ShardInfo, stream: Int64) throws {
        try tx.query(
            "INSERT INTO shards(stream_id, shard, parent, adjacent_parent, start_hash, end_hash, closed_count) VALUES(?, ?, ?, ?, ?, ?, ?)",
            [stream, shard.index, shard.parent, shard.adjacentParent, String(shard.hashRange.lowerBound), String(shard.hashRange.upperBound),
             shard.closedCount.map { Int64($0) }])
    }

    /// Deletes a stream and everything it owns.
    func delete(id: Int64) throws {
        try database.query("DELETE FROM streams WHERE id = ?", [id])
    }

    /// Sets the retention period.
    func setRetention(id: Int64, hours: Int) throws {
        try database.query("UPDATE streams SET retention_hours = ? WHERE id = ?", [hours, id])
    }

    /// Applies a reshard: closes `closed` (index → record count) and adds `added`, atomically.
    func reshard(id: Int64, closed: [Int: UInt64], added: [ShardInfo], nextShardIndex: Int) throws {
        try database.transaction { tx in
            for (index, count) in closed {
                try tx.query("UPDATE shards SET closed_count = ? WHERE stream_id = ? AND shard = ?", [Int64(count), id, index])
            }
            for shard in added { try Self.insert(tx, shard, stream: id) }
            try tx.query("UPDATE streams SET next_shard = ? WHERE id = ?", [nextShardIndex, id])
        }
    }

    /// Adds or replaces tags and removes `removing`.
    func updateTags(id: Int64, setting: [String: String], removing: [String]) throws {
        try database.transaction { tx in
            for (key, value) in setting { try tx.query("INSERT OR REPLACE INTO tags(stream_id, key, value) VALUES(?, ?, ?)", [id, key, value]) }
            for key in removing { try tx.query("DELETE FROM tags WHERE stream_id = ? AND key = ?", [id, key]) }
        }
    }

    // MARK: encryption (the shared tables of `KeyringTables`)

    func keyring(id: Int64) throws -> StreamKeyring.State { try KeyringTables.streams.load(database, id: id) }

    func startEncryption(id: Int64, generation: UInt32, keyID: String, keyARN: String, wrapped: [UInt8], created: Int64) throws {
        try KeyringTables.streams.start(database, id: id, generation: generation, keyID: keyID, keyARN: keyARN, wrapped: wrapped, created: created)
    }

    func stopEncryption(id: Int64) throws { try KeyringTables.streams.stop(database, id: id) }
}
