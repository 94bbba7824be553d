import Foundation
import TarnCore

/// The history of executed statements, in SQLite (`DIR/query/history.db`): one row per
/// statement with what it scanned and how long it took, and one row per table it read. The
/// cost report sums `bytes_scanned` per table and per workgroup from here; the Athena API
/// serves `GetQueryExecution` / `ListQueryExecutions` from it.
///
/// ```
///  queries(query_id, workgroup, database, statement_type, query, state, error_code, error,
///          submitted_ms, wall_ms, rows, bytes_scanned, files_read, files_skipped,
///          row_groups_read, row_groups_skipped, bytes_written)
///  query_tables(query_id → queries, database, table_name, bytes_scanned)
/// ```
public final class QueryHistory: Sendable {
    let database: SQLiteDatabase
    let committer: GroupCommitter

    static let schema = """
        CREATE TABLE IF NOT EXISTS queries (
            query_id TEXT PRIMARY KEY,
            workgroup TEXT NOT NULL,
            database TEXT NOT NULL,
            statement_type TEXT,
            query TEXT NOT NULL,
            state TEXT NOT NULL,
            error_code TEXT,
            error TEXT,
            submitted_ms INTEGER NOT NULL,
            wall_ms REAL NOT NULL,
            rows INTEGER NOT NULL,
            bytes_scanned INTEGER NOT NULL,
            files_read INTEGER NOT NULL,
            files_skipped INTEGER NOT NULL,
            row_groups_read INTEGER NOT NULL,
            row_groups_skipped INTEGER NOT NULL,
            bytes_written INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS queries_by_workgroup ON queries (workgroup, submitted_ms);
        CREATE TABLE IF NOT EXISTS query_tables (
            query_id TEXT NOT NULL REFERENCES queries(query_id) ON DELETE CASCADE,
            database TEXT,
            table_name TEXT NOT NULL,
            bytes_scanned INTEGER NOT NULL,
            PRIMARY KEY (query_id, table_name)
        );
        CREATE INDEX IF NOT EXISTS query_tables_by_table ON query_tables (database, table_name);
        """

    /// Opens (creating if needed) the history at `path`.
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(Self.schema)
        committer = GroupCommitter(database: database)
    }

    /// Stores a record (replacing one with the same id).
    public func record(_ record: QueryRecord) async throws {
        let r = record
        try await committer.commit { tx in
            try tx.query("DELETE FROM queries WHERE query_id = ?", [r.id])
            try tx.query(
                """
                INSERT INTO queries (query_id, workgroup, database, statement_type, query, state, error_code, error, submitted_ms,
                    wall_ms, rows, bytes_scanned, files_read, files_skipped, row_groups_read, row_groups_skipped, bytes_written)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    r.id, r.workgroup, r.database, r.statementType?.rawValue, r.query, r.state.rawValue, r.errorCode, r.error,
                    Int64((r.submitted.timeIntervalSince1970 * 1000).rounded()), r.wallTime * 1000, r.rows, r.bytesScanned, r.filesRead,
                    r.filesSkipped, r.rowGroupsRead, r.rowGroupsSkipped, r.bytesWritten,
                ])
            for table in r.tables {
                try tx.query(
                    "INSERT OR REPLACE INTO query_tables (query_id, database, table_name, bytes_scanned) VALUES (?, ?, ?, ?)",
                    [r.id, table.database, table.table, table.bytesScanned])
            }
        }
    }

    /// One record by id, or nil.
    public func record(id: String) throws -> QueryRecord? {
        try records(where: "query_id = ?", [id], limit: 1).first
    }

    /// The most recent records, newest first.
    /// - Parameters:
    ///   - workgroup: only this workgroup's, when given.
    ///   - limit: at most this many.
    public func recent(workgroup: String? = nil, limit: Int = 50) throws -> [QueryRecord] {
        if let workgroup { return try records(where: "workgroup = ?", [workgroup], limit: limit) }
        return try records(where: "1 = 1", [], limit: limit)
    }

    /// Bytes scanned per table since `since`, largest first (every statement, failed and
    /// cancelled ones included: these are bytes read, not bytes billed).
    public func bytesScannedByTable(workgroup: String? = nil, since: Date = .distantPast) throws -> [QueryRecord.TableScan] {
        var sql = """
            SELECT t.database AS database, t.table_name AS table_name, SUM(t.bytes_scanned) AS bytes
            FROM query_tables t JOIN queries q ON q.query_id = t.query_id
            WHERE q.submitted_ms >= ?
            """
        var parameters: [any SQLiteBindable] = [Int64((since.timeIntervalSince1970 * 1000).rounded(.down))]
        if let workgroup {
            sql += " AND q.workgroup = ?"
            parameters.append(workgroup)
        }
        sql += " GROUP BY t.database, t.table_name ORDER BY bytes DESC, t.table_name"
        return try database.query(sql, parameters).map {
            QueryRecord.TableScan(database: $0["database"].string, table: $0["table_name"].string ?? "", bytesScanned: $0["bytes"].int ?? 0)
        }
    }

    /// Bytes scanned per workgroup since `since`.
    public func bytesScannedByWorkgroup(since: Date = .distantPast) throws -> [(workgroup: String, bytesScanned: Int64, queries: Int)] {
        try database.query(
            """
            SELECT workgroup, SUM(bytes_scanned) AS bytes, COUNT(*) AS n FROM queries WHERE submitted_ms >= ?
            GROUP BY workgroup ORDER BY workgroup
            """, [Int64((since.timeIntervalSince1970 * 1000).rounded(.down))]
        ).map { ($0["workgroup"].string ?? "", $0["bytes"].int ?? 0, Int($0["n"].int ?? 0)) }
    }

    private func records(where condition: String, _ parameters: [any SQLiteBindable], limit: Int) throws -> [QueryRecord] {
        let rows = try database.query(
            "SELECT * FROM queries WHERE \(condition) ORDER BY submitted_ms DESC, query_id LIMIT ?", parameters + [max(0, limit)])
        return try rows.map { row in
            let id = row["query_id"].string ?? ""
            let tables = try database.query("SELECT database, table_name, bytes_scanned FROM query_tables WHERE query_id = ? ORDER BY table_name", [id])
                .map { QueryRecord.TableScan(database: $0["database"].string, table: $0["table_name"].string ?? "", bytesScanned: $0["bytes_scanned"].int ?? 0) }
            return QueryRecord(
                id: id, workgroup: row["workgroup"].string ?? "", database: row["database"].string ?? "", query: row["query"].string ?? "",
                statementType: row["statement_type"].string.flatMap(QueryRecord.StatementType.init(rawValue:)),
                state: QueryRecord.State(rawValue: row["state"].string ?? "") ?? .failed, errorCode: row["error_code"].string,
                error: row["error"].string,
                submitted: Date(timeIntervalSince1970: Double(row["submitted_ms"].int ?? 0) / 1000), wallTime: (row["wall_ms"].double ?? 0) / 1000,
                rows: row["rows"].int ?? 0, bytesScanned: row["bytes_scanned"].int ?? 0, filesRead: Int(row["files_read"].int ?? 0),
                filesSkipped: Int(row["files_skipped"].int ?? 0), rowGroupsRead: Int(row["row_groups_read"].int ?? 0),
                rowGroupsSkipped: Int(row["row_groups_skipped"].int ?? 0), bytesWritten: row["bytes_written"].int ?? 0, tables: tables)
        }
    }
}
