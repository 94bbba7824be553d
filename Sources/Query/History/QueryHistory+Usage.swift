import Foundation
import TarnCore

/// What the cost report needs of one recorded statement: who ran it, how it ended, and the
/// bytes it scanned in total and per table.
public struct StatementUsage: Sendable, Equatable {
    /// The query execution id.
    public var id: String
    /// The workgroup it ran in.
    public var workgroup: String
    /// DDL, DML or UTILITY; nil when the text did not parse.
    public var statementType: QueryRecord.StatementType?
    /// How it ended.
    public var state: QueryRecord.State
    /// When it was submitted.
    public var submitted: Date
    /// Bytes it read from objects.
    public var bytesScanned: Int64
    /// Bytes it read per table.
    public var tables: [QueryRecord.TableScan]

    /// Creates an entry.
    public init(
        id: String, workgroup: String, statementType: QueryRecord.StatementType?, state: QueryRecord.State, submitted: Date, bytesScanned: Int64,
        tables: [QueryRecord.TableScan]
    ) {
        self.id = id
        self.workgroup = workgroup
        self.statementType = statementType
        self.state = state
        self.submitted = submitted
        self.bytesScanned = bytesScanned
        self.tables = tables
    }
}

extension QueryHistory {
    /// Every statement submitted from `start` to `end` (both included), oldest first, with its
    /// per-table bytes — two queries over the history however many statements there are.
    public func usage(from start: Date, to end: Date) throws -> [StatementUsage] {
        let range: [any SQLiteBindable] = [Self.milliseconds(start), Self.milliseconds(end)]
        var tables: [String: [QueryRecord.TableScan]] = [:]
        for row in try database.query(
            """
            SELECT t.query_id AS query_id, t.database AS database, t.table_name AS table_name, t.bytes_scanned AS bytes
            FROM query_tables t JOIN queries q ON q.query_id = t.query_id
            WHERE q.submitted_ms >= ? AND q.submitted_ms <= ? ORDER BY t.query_id, t.table_name
            """, range)
        {
            tables[row["query_id"].string ?? "", default: []].append(
                QueryRecord.TableScan(database: row["database"].string, table: row["table_name"].string ?? "", bytesScanned: row["bytes"].int ?? 0))
        }
        return try database.query(
            """
            SELECT query_id, workgroup, statement_type, state, submitted_ms, bytes_scanned FROM queries
            WHERE submitted_ms >= ? AND submitted_ms <= ? ORDER BY submitted_ms, query_id
            """, range
        ).map { row in
            let id = row["query_id"].string ?? ""
            return StatementUsage(
                id: id, workgroup: row["workgroup"].string ?? "", statementType: row["statement_type"].string.flatMap(QueryRecord.StatementType.init(rawValue:)),
                state: QueryRecord.State(rawValue: row["state"].string ?? "") ?? .failed,
                submitted: Date(timeIntervalSince1970: Double(row["submitted_ms"].int ?? 0) / 1000), bytesScanned: row["bytes_scanned"].int ?? 0,
                tables: tables[id] ?? [])
        }
    }

    /// A date as the history stores it: milliseconds since 1970.
    static func milliseconds(_ date: Date) -> Int64 {
        date == .distantPast ? Int64.min : date == .distantFuture ? Int64.max : Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
