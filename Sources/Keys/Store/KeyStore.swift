import Crypto
import Foundation
import TarnCore

/// The durable record of keys, their wrapped material, aliases and grants (SQLite `keys.db`).
///
/// Only wrapped material is written: each version's 32 bytes are sealed by the root key, bound
/// to the key id and version. At open the store proves the root key is the one it was created
/// with (a sealed check value in `meta`), so a wrong root key fails start-up with a clear message
/// instead of failing every Decrypt later.
final class KeyStore: Sendable {
    static let schemaVersion = 1
    let database: SQLiteDatabase
    let rootKey: RootKey

    /// What the root key check seals: a fixed phrase, so a wrong root key is told apart from a
    /// damaged store.
    static let rootCheckPhrase = Array("tarn key store root key check v1".utf8)

    static let schema = """
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS keys (
            key_id TEXT PRIMARY KEY,
            created_ms INTEGER NOT NULL,
            description TEXT NOT NULL,
            state TEXT NOT NULL,
            deletion_ms INTEGER,
            pending_days INTEGER,
            rotation_enabled INTEGER NOT NULL,
            rotation_days INTEGER NOT NULL,
            rotation_anchor_ms INTEGER,
            current_version INTEGER NOT NULL,
            policy TEXT NOT NULL,
            tags TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS key_versions (
            key_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            rotation_type TEXT,
            wrapped BLOB NOT NULL,
            PRIMARY KEY (key_id, version)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS aliases (name TEXT PRIMARY KEY, key_id TEXT NOT NULL, created_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS grants (
            grant_id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,
            name TEXT,
            grantee TEXT NOT NULL,
            retiring TEXT,
            operations TEXT NOT NULL,
            context_equals TEXT,
            context_subset TEXT,
            issuing_account TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        PRAGMA user_version = \(schemaVersion);
        """

    /// Opens (creating if needed) the store and checks the root key.
    /// - Throws: `WrongRootKey` when the store was created with another root key.
    init(path: String, rootKey: RootKey) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(Self.schema)
        self.rootKey = rootKey
        if let check = try database.query("SELECT value FROM meta WHERE name = 'root-check'").first?["value"].bytes {
            do {
                guard try rootKey.unwrap(check, label: "root-check") == Self.rootCheckPhrase else {
                    throw TarnError(.wrongRootKey, "root key check value mismatch")
                }
            } catch {
                throw TarnError(
                    .wrongRootKey,
                    "the root key does not open the key store \(path): it was created with a different root key. Start with the original --root-key-file (or TARN_ROOT_KEY_FILE); without it no encrypted object or KMS ciphertext in this data directory can be decrypted"
                )
            }
        } else {
            try database.query(
                "INSERT INTO meta (name, value) VALUES ('root-check', ?)", [try rootKey.wrap(Self.rootCheckPhrase, label: "root-check")])
        }
    }

    static func label(_ keyID: KeyID, _ version: UInt32) -> String { "key/\(keyID)/v\(version)" }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) } }

    // MARK: loading

    /// Everything in the store, with each version's material unwrapped.
    struct Snapshot {
        var keys: [KeyID: KeyMetadata] = [:]
        var versions: [KeyID: [UInt32: SymmetricKey]] = [:]
        var versionInfo: [KeyID: [KeyVersionInfo]] = [:]
        var aliases: [String: KeyAlias] = [:]
        var grants: [String: KeyGrant] = [:]
    }

    func load(accountID: String, region: String) throws -> Snapshot {
        var snapshot = Snapshot()
        for row in try database.query("SELECT * FROM keys") {
            guard let text = row["key_id"].string, let id = KeyID(text) else { throw TarnError(.corrupt, "keys.db: malformed key row") }
            let tags = (try? JSONDecoder().decode([String: String].self, from: Data((row["tags"].string ?? "{}").utf8))) ?? [:]
            snapshot.keys[id] = KeyMetadata(
                keyID: id, arn: KeyManagementService.keyARN(id, accountID: accountID, region: region), accountID: accountID,
                created: Self.date(row["created_ms"].int) ?? Date(timeIntervalSince1970: 0), description: row["description"].string ?? "",
                state: KeyState(rawValue: row["state"].string ?? "") ?? .disabled, deletionDate: Self.date(row["deletion_ms"].int),
                pendingWindowInDays: row["pending_days"].int.map(Int.init), rotationEnabled: row["rotation_enabled"].int == 1,
                rotationPeriodInDays: Int(row["rotation_days"].int ?? 365), rotationAnchor: Self.date(row["rotation_anchor_ms"].int),
                currentVersion: UInt32(row["current_version"].int ?? 1), policy: row["policy"].string ?? "", tags: tags)
        }
        for row in try database.query("SELECT * FROM key_versions ORDER BY key_id, version") {
            guard let text = row["key_id"].string, let id = KeyID(text), let version = row["version"].int, let wrapped = row["wrapped"].bytes
            else { throw TarnError(.corrupt, "keys.db: malformed key version row") }
            let material = try rootKey.unwrap(wrapped, label: Self.label(id, UInt32(version)))
            snapshot.versions[id, default: [:]][UInt32(version)] = SymmetricKey(data: material)
            snapshot.versionInfo[id, default: []].append(
                KeyVersionInfo(
                    version: UInt32(version), created: Self.date(row["created_ms"].int) ?? Date(timeIntervalSince1970: 0),
                    rotationType: row["rotation_type"].string))
        }
        for row in try database.query("SELECT * FROM aliases") {
            guard let name = row["name"].string, let text = row["key_id"].string, let id = KeyID(text) else { continue }
            snapshot.aliases[name] = KeyAlias(
                name: name, arn: KeyManagementService.aliasARN(name, accountID: accountID, region: region), targetKeyID: id,
                created: Self.date(row["created_ms"].int) ?? Date(timeIntervalSince1970: 0))
        }
        for row in try database.query("SELECT * FROM grants") {
            guard let grantID = row["grant_id"].string, let text = row["key_id"].string, let id = KeyID(text) else { continue }
            let operations = (try? JSONDecoder().decode([String].self, from: Data((row["operations"].string ?? "[]").utf8))) ?? []
            func context(_ column: String) -> EncryptionContext? {
                guard let text = row[column].string, let pairs = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
                    return nil
                }
                return EncryptionContext(pairs)
            }
            snapshot.grants[grantID] = KeyGrant(
                grantID: grantID, token: KeyManagementService.grantToken(grantID), keyID: id, name: row["name"].string,
                granteePrincipal: row["grantee"].string ?? "", retiringPrincipal: row["retiring"].string, operations: operations,
                contextEquals: context("context_equals"), contextSubset: context("context_subset"),
                issuingAccount: row["issuing_account"].string ?? "", created: Self.date(row["created_ms"].int) ?? Date(timeIntervalSince1970: 0))
        }
        return snapshot
    }

    // MARK: writing

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// Inserts a new key with its first version, in one transaction.
    func insert(_ key: KeyMetadata, material: [UInt8]) throws {
        let wrapped = try rootKey.wrap(material, label: Self.label(key.keyID, 1))
        try database.transaction { tx in
            try Self.writeKey(tx, key, insert: true)
            try tx.query(
                "INSERT INTO key_versions (key_id, version, created_ms, rotation_type, wrapped) VALUES (?, 1, ?, NULL, ?)",
                [key.keyID.description, Self.milliseconds(key.created), wrapped])
        }
    }

    /// Saves a key's changed metadata.
    func update(_ key: KeyMetadata) throws {
        try database.transaction { tx in try Self.writeKey(tx, key, insert: false) }
    }

    private static func writeKey(_ tx: borrowing SQLiteTransaction, _ key: KeyMetadata, insert: Bool) throws {
        let values: [any SQLiteBindable] = [
            milliseconds(key.created), key.description, key.state.rawValue, key.deletionDate.map(milliseconds), key.pendingWindowInDays,
            key.rotationEnabled, key.rotationPeriodInDays, key.rotationAnchor.map(milliseconds), Int64(key.currentVersion), key.policy,
            json(key.tags), key.keyID.description,
        ]
        if insert {
            try tx.query(
                """
                INSERT INTO keys (created_ms, description, state, deletion_ms, pending_days, rotation_enabled, rotation_days,
                    rotation_anchor_ms, current_version, policy, tags, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values)
        } else {
            try tx.query(
                """
                UPDATE keys SET created_ms = ?, description = ?, state = ?, deletion_ms = ?, pending_days = ?, rotation_enabled = ?,
                    rotation_days = ?, rotation_anchor_ms = ?, current_version = ?, policy = ?, tags = ? WHERE key_id = ?
                """, values)
        }
    }

    /// Adds a rotated version and makes it current, in one transaction.
    func addVersion(_ key: KeyMetadata, version: UInt32, material: [UInt8], created: Date, rotationType: String) throws {
        let wrapped = try rootKey.wrap(material, label: Self.label(key.keyID, version))
        try database.transaction { tx in
            try tx.query(
                "INSERT INTO key_versions (key_id, version, created_ms, rotation_type, wrapped) VALUES (?, ?, ?, ?, ?)",
                [key.keyID.description, Int64(version), Self.milliseconds(created), rotationType, wrapped])
            try Self.writeKey(tx, key, insert: false)
        }
    }

    /// Deletes a key, its material, aliases and grants for good.
    func purge(_ keyID: KeyID) throws {
        try database.transaction { tx in
            for table in ["keys", "key_versions", "aliases", "grants"] {
                try tx.query("DELETE FROM \(table) WHERE key_id = ?", [keyID.description])
            }
        }
    }

    func insertAlias(_ alias: KeyAlias) throws {
        try database.query(
            "INSERT INTO aliases (name, key_id, created_ms) VALUES (?, ?, ?)", [alias.name, alias.targetKeyID.description, Self.milliseconds(alias.created)])
    }

    func updateAlias(_ name: String, target: KeyID) throws {
        try database.query("UPDATE aliases SET key_id = ? WHERE name = ?", [target.description, name])
    }

    func deleteAlias(_ name: String) throws {
        try database.query("DELETE FROM aliases WHERE name = ?", [name])
    }

    func insertGrant(_ grant: KeyGrant) throws {
        try database.query(
            """
            INSERT INTO grants (grant_id, key_id, name, grantee, retiring, operations, context_equals, context_subset, issuing_account, created_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                grant.grantID, grant.keyID.description, grant.name, grant.granteePrincipal, grant.retiringPrincipal, Self.json(grant.operations),
                grant.contextEquals.map { Self.json($0.pairs) }, grant.contextSubset.map { Self.json($0.pairs) }, grant.issuingAccount,
                Self.milliseconds(grant.created),
            ])
    }

    func deleteGrant(_ grantID: String) throws {
        try database.query("DELETE FROM grants WHERE grant_id = ?", [grantID])
    }

    /// The material of an internal service key (SSE-S3's), created on first use; never listed
    /// by the KMS API and never usable through it.
    func serviceKey(named name: String) throws -> SymmetricKey {
        let label = "service/\(name)"
        if let wrapped = try database.query("SELECT value FROM meta WHERE name = ?", [label]).first?["value"].bytes {
            return SymmetricKey(data: try rootKey.unwrap(wrapped, label: label))
        }
        let material = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        try database.query("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)", [label, try rootKey.wrap(material, label: label)])
        // Another caller may have won the insert; read back what is stored.
        guard let stored = try database.query("SELECT value FROM meta WHERE name = ?", [label]).first?["value"].bytes else {
            throw TarnError(.kmsInternal, "service key \(name) vanished after insert")
        }
        return SymmetricKey(data: try rootKey.unwrap(stored, label: label))
    }
}
