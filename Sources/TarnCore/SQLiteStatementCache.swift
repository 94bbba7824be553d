import CSQLite

/// Prepared statements of one connection, by SQL text, reused across calls.
///
/// Tarn's metadata stores run the same few dozen statements over and over (look up an object,
/// upsert it, begin, commit); preparing each one anew was a visible share of a small GET's CPU
/// (`sqlite3Parser` in the profile). The cache is bounded: past `capacity` distinct texts it
/// starts over, so statements built with varying text cannot grow it without limit.
///
/// Not thread-safe: used only under its `SQLiteDatabase`'s lock.
final class SQLiteStatementCache {
    static let capacity = 256

    private var entries: [String: (statement: OpaquePointer, names: [String])] = [:]

    /// The statement for `sql` and its column names, prepared on first use; nil when SQLite
    /// cannot prepare it (the caller reads `sqlite3_errmsg`).
    func prepared(_ sql: String, db: OpaquePointer?) -> (OpaquePointer, [String])? {
        if let entry = entries[sql] { return (entry.statement, entry.names) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            return nil
        }
        let names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
        if entries.count >= Self.capacity { finalizeAll() }
        entries[sql] = (statement, names)
        return (statement, names)
    }

    /// Records the column names of a statement SQLite re-prepared after a schema change.
    func update(_ sql: String, names: [String]) {
        entries[sql]?.names = names
    }

    /// Finalizes every statement (before the connection closes).
    func finalizeAll() {
        for entry in entries.values { sqlite3_finalize(entry.statement) }
        entries.removeAll()
    }
}
