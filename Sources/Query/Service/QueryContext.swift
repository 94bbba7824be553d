import Columnar
import QueryExecution
import Storage

/// Session state a statement runs with (Athena's `QueryExecutionContext` plus the workgroup).
public struct QueryContext: Sendable, Equatable {
    /// The database unqualified names resolve in; `USE db` changes it.
    public var database: String
    /// The workgroup the history charges the statement to.
    public var workgroup: String
    /// Trino's `parse_decimal_literals_as_double` session setting: `1.5` is a DOUBLE rather
    /// than DECIMAL(2,1). Off by default, as in Athena.
    public var parseDecimalLiteralsAsDouble: Bool
    /// Who the statement acts as on the object store: every file it lists, reads or writes is
    /// authorized with it, and SSE-KMS sees its key caller (Athena runs a query with the
    /// caller's S3 and KMS permissions). `TarnObjectAccess` (the default): Tarn itself, unchecked.
    public var access: any ObjectAccess

    /// Creates a context.
    public init(
        database: String = "default", workgroup: String = "primary", parseDecimalLiteralsAsDouble: Bool = false, access: any ObjectAccess = TarnObjectAccess()
    ) {
        self.database = database
        self.workgroup = workgroup
        self.parseDecimalLiteralsAsDouble = parseDecimalLiteralsAsDouble
        self.access = access
    }

    /// Equal settings and the same principal.
    public static func == (lhs: QueryContext, rhs: QueryContext) -> Bool {
        lhs.database == rhs.database && lhs.workgroup == rhs.workgroup && lhs.parseDecimalLiteralsAsDouble == rhs.parseDecimalLiteralsAsDouble
            && lhs.access.principal == rhs.access.principal
    }
}

/// What a statement returned.
public struct StatementResult: Sendable {
    /// The query execution id (also the history key).
    public var queryID: String
    /// DDL, DML or UTILITY.
    public var statementType: QueryRecord.StatementType
    /// The rows (DDL: none; CTAS/INSERT: one row with the rows written) and statistics.
    public var result: QueryResult
    /// Bytes read per table.
    public var tables: [QueryRecord.TableScan]
    /// Bytes written by CTAS / INSERT INTO.
    public var bytesWritten: Int64

    /// Creates a result.
    public init(queryID: String, statementType: QueryRecord.StatementType, result: QueryResult, tables: [QueryRecord.TableScan] = [], bytesWritten: Int64 = 0) {
        self.queryID = queryID
        self.statementType = statementType
        self.result = result
        self.tables = tables
        self.bytesWritten = bytesWritten
    }

    /// The rows as values.
    public var rows: [[Value]] { result.rows }
    /// The statistics.
    public var statistics: QueryStatistics { result.statistics }
}

extension QueryResult {
    /// A result of string columns (SHOW, DESCRIBE, messages).
    static func text(columns: [String], rows: [[String]]) -> QueryResult {
        let schema = Schema(columns.map { Field($0, .string) })
        var builders = columns.map { _ in ColumnBuilder(.string) }
        for row in rows {
            for index in builders.indices { builders[index].append(string: index < row.count ? row[index] : "") }
        }
        var statistics = QueryStatistics()
        statistics.rows = rows.count
        let batch = RecordBatch(schema: schema, columns: builders.map { $0.build() }, rowCount: rows.count)
        return QueryResult(schema: schema, batches: rows.isEmpty ? [] : [batch], statistics: statistics)
    }

    /// A result without columns (DDL).
    static var empty: QueryResult { QueryResult(schema: Schema([]), batches: [], statistics: QueryStatistics()) }
}
