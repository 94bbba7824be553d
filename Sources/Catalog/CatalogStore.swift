import Foundation
import TarnCore

extension TarnError.Code {
    /// A database, table or partition does not exist (Glue's `EntityNotFoundException`).
    public static let entityNotFound = Self("EntityNotFoundException")
    /// A database, table or partition already exists (Glue's `AlreadyExistsException`).
    public static let alreadyExists = Self("AlreadyExistsException")
}

/// The persistent catalog: SQLite in the data directory, one writer through a `GroupCommitter`.
public final class CatalogStore: Sendable {
    let database: SQLiteDatabase
    let committer: GroupCommitter

    static let schema = """
        CREATE TABLE IF NOT EXISTS databases (
            name TEXT PRIMARY KEY,
            definition TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS tables (
            database TEXT NOT NULL REFERENCES databases(name) ON DELETE CASCADE,
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            PRIMARY KEY (database, name)
        );
        CREATE TABLE IF NOT EXISTS partitions (
            database TEXT NOT NULL,
            name TEXT NOT NULL,
            spec TEXT NOT NULL,
            definition TEXT NOT NULL,
            PRIMARY KEY (database, name, spec),
            FOREIGN KEY (database, name) REFERENCES tables(database, name) ON DELETE CASCADE
        );
        """

    /// Opens (creating if needed) the catalog at `path`.
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(Self.schema)
        committer = GroupCommitter(database: database)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T {
        guard let text else { throw TarnError(.corrupt, "catalog row without a definition") }
        do { return try decoder.decode(type, from: Data(text.utf8)) } catch { throw TarnError(.corrupt, "catalog definition does not decode: \(error)") }
    }

    /// Names are case-insensitive in Athena and Glue; the catalog stores them lower-cased.
    static func normalize(_ name: String) -> String { name.lowercased() }

    /// A partition's key in the table: its values joined as a Hive path (`year=2024/month=1`).
    static func spec(_ keys: [ColumnDefinition], _ values: [String]) -> String {
        zip(keys, values).map { "\($0.name)=\($1)" }.joined(separator: "/")
    }

    // MARK: databases

    /// Creates a database.
    /// - Throws: `AlreadyExistsException` unless `ifNotExists`.
    public func createDatabase(_ definition: DatabaseDefinition, ifNotExists: Bool = false) async throws {
        var definition = definition
        definition.name = Self.normalize(definition.name)
        let text = try Self.encode(definition), name = definition.name
        try await committer.commit { tx in
            if try !tx.query("SELECT 1 FROM databases WHERE name = ?", [name]).isEmpty {
                if ifNotExists { return }
                throw TarnError(.alreadyExists, "Database \(name) already exists.")
            }
            try tx.query("INSERT INTO databases (name, definition) VALUES (?, ?)", [name, text])
        }
    }

    /// Drops a database; with `cascade` its tables go too, otherwise it must be empty.
    public func dropDatabase(_ name: String, ifExists: Bool = false, cascade: Bool = false) async throws {
        let name = Self.normalize(name)
        try await committer.commit { tx in
            if try tx.query("SELECT 1 FROM databases WHERE name = ?", [name]).isEmpty {
                if ifExists { return }
                throw TarnError(.entityNotFound, "Database \(name) not found.")
            }
            if !cascade, try !tx.query("SELECT 1 FROM tables WHERE database = ? LIMIT 1", [name]).isEmpty {
                throw TarnError(.invalidRequest, "Database \(name) is not empty. One or more tables exist.")
            }
            try tx.query("DELETE FROM partitions WHERE database = ?", [name])
            try tx.query("DELETE FROM tables WHERE database = ?", [name])
            try tx.query("DELETE FROM databases WHERE name = ?", [name])
        }
    }

    /// One database, or nil.
    public func database(_ name: String) throws -> DatabaseDefinition? {
        try database.query("SELECT definition FROM databases WHERE name = ?", [Self.normalize(name)]).first.map {
            try Self.decode(DatabaseDefinition.self, $0["definition"].string)
        }
    }

    /// Every database, sorted by name.
    public func databases() throws -> [DatabaseDefinition] {
        try database.query("SELECT definition FROM databases ORDER BY name").map { try Self.decode(DatabaseDefinition.self, $0["definition"].string) }
    }

    // MARK: tables

    /// Creates a table in an existing database.
    /// - Throws: `EntityNotFoundException` for a missing database, `AlreadyExistsException`
    ///   unless `ifNotExists`.
    public func createTable(_ definition: TableDefinition, ifNotExists: Bool = false) async throws {
        let definition = Self.normalized(definition)
        let text = try Self.encode(definition)
        try await committer.commit { tx in
            if try tx.query("SELECT 1 FROM databases WHERE name = ?", [definition.database]).isEmpty {
                throw TarnError(.entityNotFound, "Database \(definition.database) not found.")
            }
            if try !tx.query("SELECT 1 FROM tables WHERE database = ? AND name = ?", [definition.database, definition.name]).isEmpty {
                if ifNotExists { return }
                throw TarnError(.alreadyExists, "Table \(definition.database).\(definition.name) already exists.")
            }
            try tx.query("INSERT INTO tables (database, name, definition) VALUES (?, ?, ?)", [definition.database, definition.name, text])
        }
    }

    /// Replaces a table's definition (schema evolution, properties); partitions are kept.
    public func updateTable(_ definition: TableDefinition) async throws {
        let definition = Self.normalized(definition)
        let text = try Self.encode(definition)
        try await committer.commit { tx in
            try tx.query("UPDATE tables SET definition = ? WHERE database = ? AND name = ?", [text, definition.database, definition.name])
            if tx.changes == 0 { throw TarnError(.entityNotFound, "Table \(definition.database).\(definition.name) not found.") }
        }
    }

    static func normalized(_ definition: TableDefinition) -> TableDefinition {
        var definition = definition
        definition.database = normalize(definition.database)
        definition.name = normalize(definition.name)
        definition.columns = definition.columns.map { ColumnDefinition(name: normalize($0.name), type: $0.type, comment: $0.comment) }
        definition.partitionKeys = definition.partitionKeys.map { ColumnDefinition(name: normalize($0.name), type: $0.type, comment: $0.comment) }
        return definition
    }

    /// Drops a table and its partitions (never its files: external tables own no data).
    public func dropTable(database: String, name: String, ifExists: Bool = false) async throws {
        let database = Self.normalize(database), name = Self.normalize(name)
        try await committer.commit { tx in
            try tx.query("DELETE FROM partitions WHERE database = ? AND name = ?", [database, name])
            try tx.query("DELETE FROM tables WHERE database = ? AND name = ?", [database, name])
            if tx.changes == 0 && !ifExists { throw TarnError(.entityNotFound, "Table \(database).\(name) not found.") }
        }
    }

    /// One table, or nil.
    public func table(database: String, name: String) throws -> TableDefinition? {
        try self.database.query("SELECT definition FROM tables WHERE database = ? AND name = ?", [Self.normalize(database), Self.normalize(name)]).first.map {
            try Self.decode(TableDefinition.self, $0["definition"].string)
        }
    }

    /// The tables of a database, sorted by name.
    public func tables(database: String) throws -> [TableDefinition] {
        try self.database.query("SELECT definition FROM tables WHERE database = ? ORDER BY name", [Self.normalize(database)]).map {
            try Self.decode(TableDefinition.self, $0["definition"].string)
        }
    }

    // MARK: partitions

    /// Registers partitions; existing ones are skipped when `ifNotExists`, else rejected.
    /// - Returns: how many were added.
    @discardableResult
    public func addPartitions(database: String, table: String, _ partitions: [PartitionDefinition], ifNotExists: Bool = true) async throws -> Int {
        let database = Self.normalize(database), table = Self.normalize(table)
        guard let definition = try self.table(database: database, name: table) else {
            throw TarnError(.entityNotFound, "Table \(database).\(table) not found.")
        }
        let keys = definition.partitionKeys
        for partition in partitions where partition.values.count != keys.count {
            throw TarnError(.invalidArgument, "Partition \(partition.values) has \(partition.values.count) values; table \(database).\(table) has \(keys.count) partition keys.")
        }
        let rows = try partitions.map { (Self.spec(keys, $0.values), try Self.encode($0)) }
        return try await committer.commit { tx in
            var added = 0
            for (spec, text) in rows {
                if try !tx.query("SELECT 1 FROM partitions WHERE database = ? AND name = ? AND spec = ?", [database, table, spec]).isEmpty {
                    if ifNotExists { continue }
                    throw TarnError(.alreadyExists, "Partition already exists: \(spec)")
                }
                try tx.query("INSERT INTO partitions (database, name, spec, definition) VALUES (?, ?, ?, ?)", [database, table, spec, text])
                added += 1
            }
            return added
        }
    }

    /// Removes partitions by values.
    /// - Returns: how many were removed.
    @discardableResult
    public func dropPartitions(database: String, table: String, values: [[String]], ifExists: Bool = true) async throws -> Int {
        let database = Self.normalize(database), table = Self.normalize(table)
        guard let definition = try self.table(database: database, name: table) else {
            throw TarnError(.entityNotFound, "Table \(database).\(table) not found.")
        }
        let specs = values.map { Self.spec(definition.partitionKeys, $0) }
        return try await committer.commit { tx in
            var removed = 0
            for spec in specs {
                try tx.query("DELETE FROM partitions WHERE database = ? AND name = ? AND spec = ?", [database, table, spec])
                if tx.changes == 0 && !ifExists { throw TarnError(.entityNotFound, "Partition not found: \(spec)") }
                removed += tx.changes
            }
            return removed
        }
    }

    /// The partitions of a table, sorted by their Hive path.
    public func partitions(database: String, table: String) throws -> [PartitionDefinition] {
        try self.database.query(
            "SELECT definition FROM partitions WHERE database = ? AND name = ? ORDER BY spec", [Self.normalize(database), Self.normalize(table)]
        ).map { try Self.decode(PartitionDefinition.self, $0["definition"].string) }
    }
}
