import Foundation

/// One recorded statement as the cost report charges it — what the query history knows,
/// without the Cost module depending on the query engine.
public struct QueryCharge: Sendable, Equatable {
    /// How the statement ended.
    public enum Outcome: String, Sendable, Codable {
        /// Finished.
        case succeeded
        /// Failed: Athena does not bill it.
        case failed
        /// Cancelled while running (its workgroup's bytes-scanned cutoff): billed for the bytes
        /// read until then.
        case cancelled
    }

    /// Bytes the statement read from one table.
    public struct TableBytes: Sendable, Equatable {
        /// The database, nil for a table function (`read_parquet('s3://…')`).
        public var database: String?
        /// The table, or the table function's text.
        public var table: String
        /// Bytes read.
        public var bytes: Int64

        /// Creates an entry.
        public init(database: String?, table: String, bytes: Int64) {
            self.database = database
            self.table = table
            self.bytes = bytes
        }
    }

    /// The workgroup it ran in.
    public var workgroup: String
    /// Athena's statement type: `DDL`, `DML` or `UTILITY`; nil when it did not parse.
    public var statementType: String?
    /// How it ended.
    public var outcome: Outcome
    /// Bytes it read in all.
    public var bytesScanned: Int64
    /// Bytes it read per table.
    public var tables: [TableBytes]

    /// Creates a charge.
    public init(workgroup: String, statementType: String?, outcome: Outcome, bytesScanned: Int64, tables: [TableBytes]) {
        self.workgroup = workgroup
        self.statementType = statementType
        self.outcome = outcome
        self.bytesScanned = bytesScanned
        self.tables = tables
    }

    /// Whether Athena bills it (pricing page: no charge for DDL statements, statements that
    /// manage partitions, or failed queries; a cancelled query is charged for the data it
    /// scanned). Utility statements (SHOW, DESCRIBE) read no data and are not billed;
    /// `EXPLAIN ANALYZE`, which runs the query, is.
    public var isBilled: Bool {
        switch outcome {
        case .failed: return false
        case .succeeded, .cancelled:
            switch statementType {
            case "DDL", nil: return false
            case "UTILITY": return bytesScanned > 0
            default: return true
            }
        }
    }
}

/// Queries of one workgroup over the report's period.
public struct WorkgroupQueryCost: Sendable, Codable, Equatable {
    /// The workgroup.
    public var workgroup: String
    /// Statements recorded, whatever their outcome.
    public var queries: Int
    /// Statements Athena would bill.
    public var billedQueries: Int
    /// Statements that failed.
    public var failed: Int
    /// Statements cancelled by the bytes-scanned cutoff.
    public var cancelled: Int
    /// Bytes read by all its statements.
    public var bytesScanned: Int64
    /// Bytes billed: each billed statement's bytes rounded up to the megabyte, at least 10 MB.
    public var billedBytes: Int64
    /// Athena cost, USD.
    public var usd: Double
    /// The workgroup's `BytesScannedCutoffPerQuery`, nil when it has none.
    public var bytesScannedCutoffPerQuery: Int64?
}

/// Queries that read one table over the report's period.
public struct TableQueryCost: Sendable, Codable, Equatable {
    /// The database; nil for table functions and for statements that read no table.
    public var database: String?
    /// The table, a table function's text, or `(no table)` for statements such as `SELECT 1`
    /// that are billed the minimum without reading any.
    public var table: String
    /// Statements that read it.
    public var queries: Int
    /// Bytes they read from it.
    public var bytesScanned: Int64
    /// Its share of the billed statements' cost, USD: each statement's cost split over its
    /// tables in proportion to the bytes read from each (evenly when it read none).
    public var usd: Double
}

/// Athena costs of the report's period, from the query history.
public struct QueryCosts: Sendable, Codable, Equatable {
    /// First moment of the period.
    public var from: Date
    /// Last moment of the period (the report's `asOf`).
    public var to: Date
    /// By workgroup, sorted by name; configured workgroups without statements included.
    public var byWorkgroup: [WorkgroupQueryCost]
    /// By table, most bytes first.
    public var byTable: [TableQueryCost]

    /// Statements recorded.
    public var queries: Int { byWorkgroup.reduce(0) { $0 + $1.queries } }
    /// Bytes read.
    public var bytesScanned: Int64 { byWorkgroup.reduce(0) { $0 + $1.bytesScanned } }
    /// Bytes billed.
    public var billedBytes: Int64 { byWorkgroup.reduce(0) { $0 + $1.billedBytes } }
    /// Athena cost, USD.
    public var usd: Double { byWorkgroup.reduce(0) { $0 + $1.usd } }

    /// No statements.
    public static func empty(from: Date, to: Date) -> QueryCosts { QueryCosts(from: from, to: to, byWorkgroup: [], byTable: []) }
}
