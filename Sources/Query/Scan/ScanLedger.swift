import Synchronization

/// The bytes one query read, per table — what the query history keeps so the cost report can
/// charge scans to tables (Athena bills bytes scanned per query; per-table shares come from
/// here). Sources add bytes as they read them, from any worker thread.
public final class ScanLedger: Sendable {
    private let bytes = Mutex<[String: Int64]>([:])

    /// An empty ledger.
    public init() {}

    /// Records `count` bytes read for `table` (`db.table` or a table function's display name).
    public func add(_ table: String, _ count: Int64) {
        guard count != 0 else { return }
        bytes.withLock { $0[table, default: 0] += count }
    }

    /// Bytes read per table.
    public var byTable: [String: Int64] { bytes.withLock { $0 } }

    /// Registers a table that was scanned, even if it read nothing (every row group pruned).
    public func touch(_ table: String) {
        bytes.withLock { if $0[table] == nil { $0[table] = 0 } }
    }
}
