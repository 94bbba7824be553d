import Foundation
import TarnCore

/// A per-query memory limit shared by the operators that hold data: hash tables, sorts,
/// windows, join build sides. Operators reserve what they grow by and release what they free;
/// a reservation past the limit fails the query with a message naming the limit.
public final class MemoryBudget: @unchecked Sendable {
    /// The limit in bytes.
    public let limit: Int
    private let lock = NSLock()
    private var used = 0
    private var peak = 0

    /// Creates a budget of `limit` bytes.
    public init(limit: Int) { self.limit = limit }

    /// Bytes currently reserved.
    public var reserved: Int { lock.withLock { used } }
    /// The most ever reserved at once.
    public var peakReserved: Int { lock.withLock { peak } }

    /// Reserves `bytes` for `owner`.
    /// - Throws: `TarnError(.limitExceeded)` naming the limit when it would be exceeded.
    public func reserve(_ bytes: Int, for owner: String) throws {
        guard bytes > 0 else { return }
        try lock.withLock {
            if used + bytes > limit {
                throw TarnError(
                    .limitExceeded,
                    "Query exceeded per-query memory limit of \(Self.format(limit)) (\(owner) needed \(Self.format(bytes)) more with \(Self.format(used)) in use)")
            }
            used += bytes
            peak = max(peak, used)
        }
    }

    /// Releases `bytes` reserved earlier.
    public func release(_ bytes: Int) {
        lock.withLock { used = max(0, used - bytes) }
    }

    /// `512MB`, `1.5GB` style sizes.
    public static func format(_ bytes: Int) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1fGB", Double(bytes) / Double(1 << 30)) }
        if bytes >= 1 << 20 { return String(format: "%.1fMB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return String(format: "%.1fkB", Double(bytes) / Double(1 << 10)) }
        return "\(bytes)B"
    }
}

/// A reservation an operator grows as it accumulates data; released when it is done.
final class MemoryReservation {
    let budget: MemoryBudget
    let owner: String
    private(set) var bytes = 0

    init(budget: MemoryBudget, owner: String) {
        self.budget = budget
        self.owner = owner
    }

    /// Grows or shrinks the reservation to `total` bytes.
    func resize(to total: Int) throws {
        if total > bytes {
            try budget.reserve(total - bytes, for: owner)
        } else {
            budget.release(bytes - total)
        }
        bytes = total
    }

    func add(_ delta: Int) throws { try resize(to: bytes + delta) }

    deinit { budget.release(bytes) }
}
