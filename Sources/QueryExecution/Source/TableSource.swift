import Columnar
import QueryPlanner
import TarnCore

/// What a scan asks of its source: the columns, the filters it may use to skip data, and how
/// many rows are enough.
public struct ScanRequest: Sendable {
    /// Source column names to produce, in this order (data and partition columns).
    public var columns: [String]
    /// The plan's references for those columns (parallel to `columns`); `filters` refer to them.
    public var columnRefs: [ColumnRef]
    /// Conjuncts over `columnRefs` that every returned row would have to satisfy. A source may
    /// use them to skip partitions, files and row groups (by partition values or min/max
    /// statistics); it need not apply them to rows — the engine filters again.
    public var filters: [Expr]
    /// When set, the engine stops after this many rows; a source may stop early.
    public var limit: Int?

    /// Creates a request.
    public init(columns: [String], columnRefs: [ColumnRef], filters: [Expr] = [], limit: Int? = nil) {
        self.columns = columns
        self.columnRefs = columnRefs
        self.filters = filters
        self.limit = limit
    }
}

/// Bytes and units a scan read or skipped.
public struct ScanStatistics: Sendable, Equatable {
    /// Bytes read from storage (compressed, as billed).
    public var bytesScanned: Int64 = 0
    /// Files opened.
    public var filesRead = 0
    /// Files skipped by partition or statistics pruning.
    public var filesSkipped = 0
    /// Row groups (or similar units) decoded.
    public var rowGroupsRead = 0
    /// Row groups skipped by statistics.
    public var rowGroupsSkipped = 0
    /// Rows produced by the source.
    public var rowsRead: Int64 = 0

    /// Zero statistics.
    public init() {}

    /// Adds another scan's numbers.
    public mutating func add(_ other: ScanStatistics) {
        bytesScanned += other.bytesScanned
        filesRead += other.filesRead
        filesSkipped += other.filesSkipped
        rowGroupsRead += other.rowGroupsRead
        rowGroupsSkipped += other.rowGroupsSkipped
        rowsRead += other.rowsRead
    }
}

/// A stream of batches from one split.
public protocol BatchStream: AnyObject {
    /// The next batch (columns in `ScanRequest.columns` order), or nil at the end.
    func next() throws -> RecordBatch?
    /// What this stream has read so far.
    var statistics: ScanStatistics { get }
}

/// An independently readable part of a scan (a file, a row group range), so two workers can
/// read different splits at once.
public protocol ScanSplit: Sendable {
    /// Opens the split for reading.
    func open() throws -> any BatchStream
}

/// The splits of one scan plus what was pruned before reading anything.
public struct ScanPlan: Sendable {
    /// The parts to read.
    public var splits: [any ScanSplit]
    /// Files and row groups skipped while planning (partition pruning, footer statistics).
    public var pruned: ScanStatistics

    /// Creates a scan plan.
    public init(splits: [any ScanSplit], pruned: ScanStatistics = ScanStatistics()) {
        self.splits = splits
        self.pruned = pruned
    }
}

/// A table the engine can read: the planner's `TableProvider` plus scanning. The `Query`
/// facade implements it over Parquet, CSV and JSON files in the object store; tests use
/// `InMemoryTable`.
public protocol TableSource: TableProvider {
    /// Plans a scan.
    /// - Parameter request: the columns needed, pushed-down filters and limit.
    /// - Returns: the splits to read.
    /// - Throws: I/O or format errors.
    func scan(_ request: ScanRequest) throws -> ScanPlan
}
