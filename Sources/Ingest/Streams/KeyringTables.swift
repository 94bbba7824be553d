import TarnCore

/// Where a `StreamKeyring` persists: one table of wrapped data key generations and one of the
/// active generation, keyed by the owner's id — `stream_keys`/`stream_encryption` in
/// `streams.db` for Kinesis streams, `delivery_keys`/`delivery_encryption` in `firehose.db` for
/// Firehose buffers. The names are constants of this module, never user input.
struct KeyringTables: Sendable {
    /// The generations table.
    let keys: String
    /// The active-generation table.
    let active: String
    /// The owner id column of both.
    let owner: String
    /// The owners' table (`id` is their key): deleting an owner deletes its keys.
    let owners: String
    /// The database file, for messages.
    let file: String

    static let streams = KeyringTables(keys: "stream_keys", active: "stream_encryption", owner: "stream_id", owners: "streams", file: "streams.db")
    static let deliveries = KeyringTables(
        keys: "delivery_keys", active: "delivery_encryption", owner: "delivery_id", owners: "delivery_streams", file: "firehose.db")

    /// Creates both tables when missing; the owners' table must exist.
    func create(_ database: SQLiteDatabase) throws {
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS \(keys)(
              \(owner) INTEGER NOT NULL REFERENCES \(owners)(id) ON DELETE CASCADE, generation INTEGER NOT NULL,
              key_id TEXT NOT NULL, key_arn TEXT NOT NULL, wrapped BLOB NOT NULL, created_ms INTEGER NOT NULL,
              PRIMARY KEY(\(owner), generation));
            CREATE TABLE IF NOT EXISTS \(active)(
              \(owner) INTEGER PRIMARY KEY REFERENCES \(owners)(id) ON DELETE CASCADE, generation INTEGER NOT NULL);
            """)
    }

    /// Every data key generation of `id` (wrapped) and the active one.
    func load(_ database: SQLiteDatabase, id: Int64) throws -> StreamKeyring.State {
        var state = StreamKeyring.State()
        for row in try database.query("SELECT generation, key_id, key_arn, wrapped FROM \(keys) WHERE \(owner) = ?", [id]) {
            guard let generation = row["generation"].int, let keyID = row["key_id"].string, let arn = row["key_arn"].string,
                let wrapped = row["wrapped"].bytes
            else { throw TarnError(.corrupt, "\(file): malformed data key row of \(owner) \(id): \(row.values)") }
            state.generations[UInt32(truncatingIfNeeded: generation)] = StreamKeyring.Generation(keyID: keyID, keyARN: arn, wrapped: wrapped)
        }
        if let generation = try database.query("SELECT generation FROM \(active) WHERE \(owner) = ?", [id]).first?["generation"].int {
            state.active = UInt32(truncatingIfNeeded: generation)
        }
        return state
    }

    /// Stores a new data key generation and makes it the active one, atomically.
    func start(_ database: SQLiteDatabase, id: Int64, generation: UInt32, keyID: String, keyARN: String, wrapped: [UInt8], created: Int64) throws {
        try database.transaction { tx in
            try tx.query(
                "INSERT INTO \(keys)(\(owner), generation, key_id, key_arn, wrapped, created_ms) VALUES(?, ?, ?, ?, ?, ?)",
                [id, Int64(generation), keyID, keyARN, wrapped, created])
            try tx.query("INSERT OR REPLACE INTO \(active)(\(owner), generation) VALUES(?, ?)", [id, Int64(generation)])
        }
    }

    /// Turns encryption off for new records; the data keys stay, for the records they sealed.
    func stop(_ database: SQLiteDatabase, id: Int64) throws {
        try database.query("DELETE FROM \(active) WHERE \(owner) = ?", [id])
    }
}
