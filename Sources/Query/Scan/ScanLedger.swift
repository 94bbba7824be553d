import Synchronization
import TarnCore

/// The bytes one query read, per table — what the query history keeps so the cost report can
/// charge scans to tables (Athena bills bytes scanned per query; per-table shares come from
/// here). Sources add bytes as they read them, from any worker thread.
///
/// The ledger also enforces the workgroup's per-query data usage control (Athena's
/// `BytesScannedCutoffPerQuery`): every `add` is where bytes read become bytes scanned, so the
/// check happens there, while the query runs. The first `add` that takes the total past the
/// cutoff throws, and so does every later one (other workers of the same query stop at their
/// next read); the engine then stops the query's remaining workers.
public final class ScanLedger: Sendable {
    private struct State {
        var byTable: [String: Int64] = [:]
        var total: Int64 = 0
    }

    private let state = Mutex(State())
    /// Bytes one query may scan; nil: no limit.
    public let bytesScannedCutoff: Int64?
    /// The workgroup whose limit this is (for the error message).
    public let workgroup: String

    /// An empty ledger.
    /// - Parameters:
    ///   - bytesScannedCutoff: the workgroup's per-query limit, nil for none.
    ///   - workgroup: the workgroup's name, for the error message.
    public init(bytesScannedCutoff: Int64? = nil, workgroup: String = "primary") {
        self.bytesScannedCutoff = bytesScannedCutoff
        self.workgroup = workgroup
    }

    /// Records `count` bytes read for `table` (`db.table` or a table function's display name).
    /// The bytes are counted even when they break the limit: they were read, and Athena bills
    /// a cancelled query for the data it scanned up to the cancellation.
    /// - Throws: `LimitExceeded` ("Query cancelled! : Bytes scanned limit was exceeded", with the
    ///   figures) when the query's total passes the cutoff.
    public func add(_ table: String, _ count: Int64) throws {
        // Bytes read are never negative; `cancelledByCutoff` relies on the total only growing.
        precondition(count >= 0, "ScanLedger.add: \(count) bytes for \(table)")
        guard count != 0 else { return }
        let total = state.withLock { state in
            state.byTable[table, default: 0] += count
            state.total += count
            return state.total
        }
        // Totals only grow, so once past the cutoff every later `add` throws too.
        if let cutoff = bytesScannedCutoff, total > cutoff { throw Self.cutoffError(scanned: total, cutoff: cutoff, workgroup: workgroup) }
    }

    /// The error of a query cancelled by its workgroup's limit; the wording follows Athena's
    /// state-change reason, the figures follow ours.
    public static func cutoffError(scanned: Int64, cutoff: Int64, workgroup: String) -> TarnError {
        TarnError(
            .limitExceeded,
            "Query cancelled! : Bytes scanned limit was exceeded: the query scanned \(scanned) bytes, more than the "
                + "BytesScannedCutoffPerQuery of workgroup \(workgroup) (\(cutoff) bytes)")
    }

    /// Whether the cutoff stopped the query: its total passed the cutoff (the `add` that took it
    /// there threw).
    public var cancelledByCutoff: Bool {
        guard let cutoff = bytesScannedCutoff else { return false }
        return total > cutoff
    }

    /// Bytes read so far, all tables.
    public var total: Int64 { state.withLock { $0.total } }

    /// Bytes read per table.
    public var byTable: [String: Int64] { state.withLock { $0.byTable } }

    /// Registers a table that was scanned, even if it read nothing (every row group pruned).
    public func touch(_ table: String) {
        state.withLock { if $0.byTable[table] == nil { $0.byTable[table] = 0 } }
    }
}
