import Foundation

/// One executed statement as the history keeps it — the fields of Athena's `QueryExecution`
/// that the cost report and the later Athena API need.
public struct QueryRecord: Sendable, Equatable {
    /// Athena's `QueryExecution.Status.State` values used here.
    public enum State: String, Sendable {
        /// Finished without error.
        case succeeded = "SUCCEEDED"
        /// Failed; `error` says why.
        case failed = "FAILED"
        /// Stopped while running: its workgroup's `BytesScannedCutoffPerQuery` was exceeded
        /// (`error` says by how much). Athena bills the bytes it scanned until then.
        case cancelled = "CANCELLED"
    }

    /// Athena's `StatementType`: DDL, DML (queries, CTAS, INSERT) or UTILITY (SHOW, DESCRIBE,
    /// EXPLAIN).
    public enum StatementType: String, Sendable {
        /// Catalog changes.
        case ddl = "DDL"
        /// Queries and writes.
        case dml = "DML"
        /// Everything else.
        case utility = "UTILITY"
    }

    /// Bytes one statement read from one table.
    public struct TableScan: Sendable, Equatable {
        /// The database, nil for table functions.
        public var database: String?
        /// The table name, or a table function's display text (`read_parquet('s3://…')`).
        public var table: String
        /// Bytes read from its files.
        public var bytesScanned: Int64

        /// Creates an entry.
        public init(database: String?, table: String, bytesScanned: Int64) {
            self.database = database
            self.table = table
            self.bytesScanned = bytesScanned
        }
    }

    /// The query execution id (a UUID, as Athena's).
    public var id: String
    /// The workgroup the statement ran in (`primary` unless chosen).
    public var workgroup: String
    /// The session's database.
    public var database: String
    /// The statement text.
    public var query: String
    /// DDL, DML or UTILITY; nil when the text did not parse.
    public var statementType: StatementType?
    /// Outcome.
    public var state: State
    /// The error code and message of a failed statement.
    public var errorCode: String?
    /// The error message.
    public var error: String?
    /// When it was submitted.
    public var submitted: Date
    /// Wall time from submission to completion, in seconds.
    public var wallTime: Double
    /// Rows returned (or written, for CTAS and INSERT).
    public var rows: Int64
    /// Bytes read from objects (Athena's `DataScannedInBytes`).
    public var bytesScanned: Int64
    /// Files read and skipped.
    public var filesRead: Int
    /// Files skipped by partition or statistics pruning.
    public var filesSkipped: Int
    /// Row groups read.
    public var rowGroupsRead: Int
    /// Row groups skipped by statistics.
    public var rowGroupsSkipped: Int
    /// Bytes written by CTAS and INSERT.
    public var bytesWritten: Int64
    /// Bytes read per table.
    public var tables: [TableScan]

    /// Creates a record.
    public init(
        id: String, workgroup: String, database: String, query: String, statementType: StatementType?, state: State,
        errorCode: String? = nil, error: String? = nil, submitted: Date, wallTime: Double, rows: Int64 = 0, bytesScanned: Int64 = 0,
        filesRead: Int = 0, filesSkipped: Int = 0, rowGroupsRead: Int = 0, rowGroupsSkipped: Int = 0, bytesWritten: Int64 = 0,
        tables: [TableScan] = []
    ) {
        self.id = id
        self.workgroup = workgroup
        self.database = database
        self.query = query
        self.statementType = statementType
        self.state = state
        self.errorCode = errorCode
        self.error = error
        self.submitted = submitted
        self.wallTime = wallTime
        self.rows = rows
        self.bytesScanned = bytesScanned
        self.filesRead = filesRead
        self.filesSkipped = filesSkipped
        self.rowGroupsRead = rowGroupsRead
        self.rowGroupsSkipped = rowGroupsSkipped
        self.bytesWritten = bytesWritten
        self.tables = tables
    }
}
