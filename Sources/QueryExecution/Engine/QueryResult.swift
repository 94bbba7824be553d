import Columnar
import QueryPlanner
import TarnCore

/// What a query did: rows, bytes and files scanned and skipped, time, memory.
public struct QueryStatistics: Sendable, Equatable {
    /// Rows returned.
    public var rows = 0
    /// Bytes read from storage by all scans.
    public var bytesScanned: Int64 = 0
    /// Files read / skipped (partition and statistics pruning).
    public var filesRead = 0
    /// Files skipped.
    public var filesSkipped = 0
    /// Row groups read.
    public var rowGroupsRead = 0
    /// Row groups skipped by statistics.
    public var rowGroupsSkipped = 0
    /// Wall time of planning and execution, in seconds.
    public var wallTime: Double = 0
    /// Peak bytes reserved by hash tables, sorts and windows.
    public var peakMemory = 0

    /// Zero statistics.
    public init() {}

    /// `rows=… bytes=… files=read/skipped row_groups=read/skipped time=…s`.
    public var summary: String {
        "rows=\(rows) bytes_scanned=\(bytesScanned) files=\(filesRead) read/\(filesSkipped) skipped"
            + " row_groups=\(rowGroupsRead) read/\(rowGroupsSkipped) skipped time=\(String(format: "%.3f", wallTime))s"
            + " peak_memory=\(MemoryBudget.format(peakMemory))"
    }
}

/// A query's answer: schema, batches and statistics.
public struct QueryResult: Sendable {
    /// Result columns (names as the user wrote or Trino derives them).
    public var schema: Schema
    /// The rows, in batches.
    public var batches: [RecordBatch]
    /// What it cost.
    public var statistics: QueryStatistics

    /// Creates a result.
    public init(schema: Schema, batches: [RecordBatch], statistics: QueryStatistics) {
        self.schema = schema
        self.batches = batches
        self.statistics = statistics
    }

    /// Number of rows.
    public var rowCount: Int { batches.reduce(0) { $0 + $1.rowCount } }

    /// All rows as values (slow path for tests, CLI and small results).
    public var rows: [[Value]] {
        batches.flatMap { batch in (0..<batch.rowCount).map { row in batch.columns.map { $0.value(at: row) } } }
    }

    /// All rows as Trino-style text (NULL as `NULL`).
    public var textRows: [[String]] {
        batches.flatMap { batch in
            (0..<batch.rowCount).map { row in batch.columns.map { ValueFormatting.text($0, row) } }
        }
    }
}
