import Foundation
import TarnCore

/// Durable state of delivery streams (`firehose.db`): their definitions, how far each source
/// shard has been delivered, and the batch being delivered right now.
///
/// The pending batch ("plan") is committed before its objects are written and removed in the
/// same transaction that advances the checkpoints, so after a crash the same batch is delivered
/// again under the same object keys: at-least-once delivery whose repeats overwrite.
final class DeliveryCatalog: Sendable {
    let database: SQLiteDatabase

    struct Row: Sendable {
        var id: Int64
        var name: String
        var configuration: DeliveryStreamConfiguration
        var description: String
        var created: Date
        var tags: [String: String]
    }

    /// A delivered position of one source shard.
    struct Checkpoint: Sendable, Equatable {
        var next: UInt64
        var done: Bool
    }

    init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS delivery_streams(
              id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, configuration TEXT NOT NULL,
              description TEXT NOT NULL, created_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS checkpoints(
              delivery_id INTEGER NOT NULL REFERENCES delivery_streams(id) ON DELETE CASCADE, shard INTEGER NOT NULL,
              next_ordinal INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(delivery_id, shard));
            CREATE TABLE IF NOT EXISTS plans(
              delivery_id INTEGER PRIMARY KEY REFERENCES delivery_streams(id) ON DELETE CASCADE, ranges TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS delivery_tags(
              delivery_id INTEGER NOT NULL REFERENCES delivery_streams(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
              PRIMARY KEY(delivery_id, key));
            """)
        try KeyringTables.deliveries.create(database)
    }

    func loadAll() throws -> [Row] {
        var rows: [Row] = []
        for row in try database.query("SELECT id, name, configuration, description, created_ms FROM delivery_streams") {
            guard let id = row["id"].int, let name = row["name"].string, let json = row["configuration"].string,
                let configuration = try? JSONDecoder().decode(DeliveryStreamConfiguration.self, from: Data(json.utf8))
            else { throw TarnError(.corrupt, "firehose.db: malformed delivery stream row \(row.values)") }
            var tags: [String: String] = [:]
            for tag in try database.query("SELECT key, value FROM delivery_tags WHERE delivery_id = ?", [id]) {
                if let key = tag["key"].string, let value = tag["value"].string { tags[key] = value }
            }
            rows.append(
                Row(id: id, name: name, configuration: configuration, description: row["description"].string ?? "{}",
                    created: Date(timeIntervalSince1970: Double(row["created_ms"].int ?? 0) / 1000), tags: tags))
        }
        return rows
    }

    func create(name: String, configuration: DeliveryStreamConfiguration, description: String, created: Date, checkpoints: [Int: Checkpoint], tags: [String: String]) throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        return try database.transaction { tx in
            if try !tx.query("SELECT 1 FROM delivery_streams WHERE name = ?", [name]).isEmpty {
                throw TarnError(.resourceInUse, "Firehose \(name) under account already exists.")
            }
            try tx.query(
                "INSERT INTO delivery_streams(name, configuration, description, created_ms) VALUES(?, ?, ?, ?)",
                [name, json, description, Int64(created.timeIntervalSince1970 * 1000)])
            guard let id = try tx.query("SELECT last_insert_rowid() AS id").first?["id"].int else {
                throw TarnError(.internal, "firehose.db: no id for new delivery stream \(name)")
            }
            for (shard, checkpoint) in checkpoints {
                try tx.query("INSERT INTO checkpoints(delivery_id, shard, next_ordinal, done) VALUES(?, ?, ?, ?)", [id, shard, Int64(checkpoint.next), checkpoint.done])
            }
            for (key, value) in tags { try tx.query("INSERT INTO delivery_tags(delivery_id, key, value) VALUES(?, ?, ?)", [id, key, value]) }
            return id
        }
    }

    func delete(id: Int64) throws { try database.query("DELETE FROM delivery_streams WHERE id = ?", [id]) }

    func checkpoints(id: Int64) throws -> [Int: Checkpoint] {
        var out: [Int: Checkpoint] = [:]
        for row in try database.query("SELECT shard, next_ordinal, done FROM checkpoints WHERE delivery_id = ?", [id]) {
            out[Int(row["shard"].int ?? 0)] = Checkpoint(next: UInt64(row["next_ordinal"].int ?? 0), done: row["done"].int == 1)
        }
        return out
    }

    /// Records the batch about to be delivered: shard → [first, end).
    func savePlan(id: Int64, ranges: [Int: Range<UInt64>]) throws {
        try database.query("INSERT OR REPLACE INTO plans(delivery_id, ranges) VALUES(?, ?)", [id, Self.encode(ranges)])
    }

    func plan(id: Int64) throws -> [Int: Range<UInt64>]? {
        guard let text = try database.query("SELECT ranges FROM plans WHERE delivery_id = ?", [id]).first?["ranges"].string else { return nil }
        return try Self.decode(text)
    }

    /// Marks a batch delivered: advances checkpoints, marks finished shards, forgets the plan.
    func commit(id: Int64, ranges: [Int: Range<UInt64>], finished: Set<Int>) throws {
        try database.transaction { tx in
            for (shard, range) in ranges {
                try tx.query(
                    "INSERT INTO checkpoints(delivery_id, shard, next_ordinal, done) VALUES(?, ?, ?, ?) ON CONFLICT(delivery_id, shard) DO UPDATE SET next_ordinal = excluded.next_ordinal, done = excluded.done",
                    [id, shard, Int64(range.upperBound), finished.contains(shard)])
            }
            for shard in finished where ranges[shard] == nil {
                try tx.query(
                    "INSERT INTO checkpoints(delivery_id, shard, next_ordinal, done) VALUES(?, ?, 0, 1) ON CONFLICT(delivery_id, shard) DO UPDATE SET done = 1",
                    [id, shard])
            }
            try tx.query("DELETE FROM plans WHERE delivery_id = ?", [id])
        }
    }

    /// The stable identity of a batch, used to name its objects.
    static func encode(_ ranges: [Int: Range<UInt64>]) -> String {
        ranges.keys.sorted().map { "\($0):\(ranges[$0]!.lowerBound)-\(ranges[$0]!.upperBound)" }.joined(separator: ",")
    }

    static func decode(_ text: String) throws -> [Int: Range<UInt64>] {
        var ranges: [Int: Range<UInt64>] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":")
            let bounds = parts.count == 2 ? parts[1].split(separator: "-") : []
            guard parts.count == 2, bounds.count == 2, let shard = Int(parts[0]), let low = UInt64(bounds[0]), let high = UInt64(bounds[1]), low <= high else {
                throw TarnError(.corrupt, "firehose.db: malformed plan '\(text)'")
            }
            ranges[shard] = low..<high
        }
        return ranges
    }

    // MARK: encryption (the shared tables of `KeyringTables`)

    func keyring(id: Int64) throws -> StreamKeyring.State { try KeyringTables.deliveries.load(database, id: id) }

    func startEncryption(id: Int64, generation: UInt32, keyID: String, keyARN: String, wrapped: [UInt8], created: Int64) throws {
        try KeyringTables.deliveries.start(database, id: id, generation: generation, keyID: keyID, keyARN: keyARN, wrapped: wrapped, created: created)
    }

    func stopEncryption(id: Int64) throws { try KeyringTables.deliveries.stop(database, id: id) }
}
