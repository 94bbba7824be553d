import CSQLite
import Synchronization

/// A value bound to or read from a SQLite statement.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The integer, or nil.
    public var int: Int64? { if case .integer(let value) = self { value } else { nil } }
    /// The text, or nil.
    public var string: String? { if case .text(let value) = self { value } else { nil } }
    /// The real (or integer widened), or nil.
    public var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
    /// The blob, or nil.
    public var bytes: [UInt8]? { if case .blob(let value) = self { value } else { nil } }
}

/// Converts Swift values to `SQLiteValue` so call sites read naturally.
public protocol SQLiteBindable {
    /// The SQLite representation.
    var sqliteValue: SQLiteValue { get }
}

extension Int: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Int64: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self) } }
extension Int32: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Double: SQLiteBindable { public var sqliteValue: SQLiteValue { .real(self) } }
extension String: SQLiteBindable { public var sqliteValue: SQLiteValue { .text(self) } }
extension Bool: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension Array: SQLiteBindable where Element == UInt8 { public var sqliteValue: SQLiteValue { .blob(self) } }
extension SQLiteValue: SQLiteBindable { public var sqliteValue: SQLiteValue { self } }
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}

/// One result row, addressed by column index or name.
public struct SQLiteRow: Sendable {
    /// Column names in order.
    public let names: [String]
    /// Values in order.
    public let values: [SQLiteValue]

    /// The value of a named column (`.null` when absent).
    public subscript(_ name: String) -> SQLiteValue {
        guard let index = names.firstIndex(of: name) else { return .null }
        return values[index]
    }

    /// The value at a position.
    public subscript(_ index: Int) -> SQLiteValue { values[index] }
}

/// A serialized connection to one SQLite database file, used for Tarn's metadata stores.
///
/// Opened in WAL mode with `synchronous=FULL`, so a committed transaction survives power loss:
/// the commit is the moment of truth for object metadata, catalog changes and bookmarks.
/// All access goes through one mutex; SQLite work here is short and metadata-sized.
public final class SQLiteDatabase: Sendable {
    // The connection is only touched while holding `lock` (SQLITE_OPEN_NOMUTEX leaves the
    // serialization to us), which is what makes the unsafe annotation sound.
    private nonisolated(unsafe) let db: OpaquePointer
    private let lock = Mutex<Void>(())
    // Also only touched under `lock`.
    private nonisolated(unsafe) let statements = SQLiteStatementCache()
    /// The database file.
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    /// - Parameter path: the file, or `":memory:"`.
    /// - Throws: `TarnError(.io)` when SQLite cannot open it.
    public init(path: String) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw TarnError(.io, "sqlite open \(path): \(message)")
        }
        self.path = path
        self.db = db
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=FULL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        statements.finalizeAll()
        sqlite3_close_v2(db)
    }

    /// Runs one or more statements that return no rows (DDL, pragmas).
    public func execute(_ sql: String) throws {
        try lock.withLock { _ in
            var error: UnsafeMutablePointer<CChar>?
            let rc = sqlite3_exec(db, sql, nil, nil, &error)
            if rc != SQLITE_OK {
                let message = error.map { String(cString: $0) } ?? "code \(rc)"
                sqlite3_free(error)
                throw TarnError(.io, "sqlite \(path): \(message) in: \(sql.prefix(200))")
            }
        }
    }

    /// Runs one statement with bound parameters and returns every row.
    /// - Parameters:
    ///   - sql: the statement, with `?` placeholders.
    ///   - parameters: values for the placeholders, in order.
    /// - Returns: the result rows (empty for statements without results).
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        try lock.withLock { _ in try Self.run(db, statements, path: path, sql, parameters) }
    }

    /// Runs `body` inside one transaction (`BEGIN IMMEDIATE … COMMIT`), rolling back on error.
    ///
    /// The transaction object gives the body statement access without re-taking the lock, so the
    /// body runs atomically with respect to every other user of this database.
    // Not specialized: Swift 6.3.1's generic specializer aborts on this function in release
    // builds ("Cannot initialize a nonCopyable type with a guaranteed value", forwardToInit).
    @_semantics("optimize.sil.specialize.generic.never")
    @discardableResult
    public func transaction<T>(_ body: (borrowing SQLiteTransaction) throws -> T) throws -> T {
        try lock.withLock { _ in
            _ = try Self.run(db, statements, path: path, "BEGIN IMMEDIATE", [])
            do {
                // Bound to a local first: passing the ~Copyable temporary straight into `body`
                // crashes the Swift 6 optimizer's generic specializer in release builds
                // ("Cannot initialize a nonCopyable type with a guaranteed value").
                let transaction = SQLiteTransaction(db: db, statements: statements, path: path)
                let result = try body(transaction)
                _ = try Self.run(db, statements, path: path, "COMMIT", [])
                return result
            } catch {
                _ = try? Self.run(db, statements, path: path, "ROLLBACK", [])
                throw error
            }
        }
    }

    /// The number of rows changed by the last statement.
    public var changes: Int { lock.withLock { _ in Int(sqlite3_changes(db)) } }

    static func run(
        _ db: OpaquePointer?, _ statements: SQLiteStatementCache, path: String, _ sql: String, _ parameters: [any SQLiteBindable]
    ) throws -> [SQLiteRow] {
        guard let (statement, cachedNames) = statements.prepared(sql, db: db) else {
            throw TarnError(.io, "sqlite \(path): \(String(cString: sqlite3_errmsg(db))) in: \(sql.prefix(200))")
        }
        // Back to its initial state for the next use, also after an error.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch parameter.sqliteValue {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let value): rc = sqlite3_bind_int64(statement, index, value)
            case .real(let value): rc = sqlite3_bind_double(statement, index, value)
            case .text(let value): rc = sqlite3_bind_text(statement, index, value, -1, sqliteTransient)
            case .blob(let value):
                rc = value.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), sqliteTransient) }
            }
            guard rc == SQLITE_OK else { throw TarnError(.io, "sqlite \(path): bind \(index) failed (\(rc))") }
        }
        var names = cachedNames
        var columnCount = Int32(names.count)
        var rows: [SQLiteRow] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw TarnError(.io, "sqlite \(path): \(String(cString: sqlite3_errmsg(db))) in: \(sql.prefix(200))")
            }
            // SQLite re-prepares a statement inside `step` after a schema change, so a cached
            // `SELECT *` can come back with more columns (a migration added one).
            if rows.isEmpty, sqlite3_column_count(statement) != columnCount {
                columnCount = sqlite3_column_count(statement)
                names = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
                statements.update(sql, names: names)
            }
            var values: [SQLiteValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(statement, column))))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    if count == 0 {
                        values.append(.blob([]))
                    } else {
                        let base = sqlite3_column_blob(statement, column)!
                        values.append(.blob(Array(UnsafeRawBufferPointer(start: base, count: count))))
                    }
                default: values.append(.null)
                }
            }
            rows.append(SQLiteRow(names: names, values: values))
        }
        return rows
    }
}

/// Statement access inside `SQLiteDatabase.transaction`.
public struct SQLiteTransaction: ~Copyable {
    let db: OpaquePointer?
    let statements: SQLiteStatementCache
    let path: String

    /// Runs one statement inside the transaction.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        try SQLiteDatabase.run(db, statements, path: path, sql, parameters)
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(db)) }
}

/// SQLite's SQLITE_TRANSIENT destructor: tells SQLite to copy bound text/blobs immediately.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension SQLiteTransaction {
    /// Runs `body` inside a savepoint: if it throws, only its own changes are rolled back and
    /// the error is rethrown, leaving the enclosing transaction usable. Group commit uses this so
    /// one failed operation does not fail the others in its batch.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try query("SAVEPOINT op")
        do {
            let result = try body()
            try query("RELEASE op")
            return result
        } catch {
            _ = try? query("ROLLBACK TO op")
            _ = try? query("RELEASE op")
            throw error
        }
    }
}
