import Foundation

/// Makes appends to one file durable with shared fsyncs, for callers that block until their
/// own write is on disk (synchronous APIs such as the KMS operations, whose audit line must be
/// durable before the response leaves).
///
/// The group-commit idea of `GroupCommitter`, for a plain file and blocking threads: a writer
/// takes a ticket after its `write` returns and waits for it; the first waiter finding no sync
/// in flight becomes the leader and fsyncs everything written so far, the others wait and are
/// released together. Writers arriving during a sync form the next group. With one writer this is
/// one fsync per append; with many, they share each one.
/// ```swift
/// try file.write(line)
/// try group.waitDurable(group.wrote())
/// ```
///
/// After a failed fsync the file is not trusted again: Linux reports a writeback error once and
/// may then answer later fsyncs with success for pages it dropped, so every later wait fails
/// with the first error (as PostgreSQL does since "fsyncgate").
public final class GroupSync: @unchecked Sendable {
    // @unchecked: `state` is read and written only while holding `condition`; `sync` is Sendable.
    private let condition = NSCondition()
    private var state = GroupSyncState()
    private let sync: @Sendable () throws -> Void

    /// Creates a group over one file.
    /// - Parameter sync: makes every completed write durable (`PosixFile.sync`).
    public init(sync: @escaping @Sendable () throws -> Void) { self.sync = sync }

    /// Notes a completed write and returns its ticket for `waitDurable`. Call it after the write
    /// has returned: a sync started later covers it.
    public func wrote() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return state.wrote()
    }

    /// Returns once the write of `ticket` is durable, syncing the file if no one else is.
    /// - Throws: the fsync's failure (this one's, or an earlier one: the file is not trusted again).
    public func waitDurable(_ ticket: UInt64) throws {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch state.next(for: ticket) {
            case .durable:
                return
            case .failed(let error):
                throw error
            case .wait:
                condition.wait()
            case .sync(let through):
                condition.unlock()
                var failure: (any Error)? = nil
                do { try sync() } catch { failure = error }
                condition.lock()
                state.finished(through: through, failure: failure)
                condition.broadcast()
            }
        }
    }

    /// Syncs performed so far (tests, metrics).
    public var syncCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return state.syncs
    }
}

/// The decisions of `GroupSync` as a value-type state machine: which tickets are durable, who
/// syncs, who waits. No I/O and no locks, so its rules are tested without threads.
public struct GroupSyncState: Sendable {
    /// What a waiter does next.
    public enum Action: Sendable {
        /// Its write is durable.
        case durable
        /// A sync is in flight (it may not cover the ticket): wait for it to finish, then ask again.
        case wait
        /// Sync the file; everything up to `through` is durable once it succeeds.
        case sync(through: UInt64)
        /// An fsync failed: the file cannot be made durable any more.
        case failed(any Error)
    }

    /// Tickets handed out (writes completed).
    public private(set) var written: UInt64 = 0
    /// Every ticket up to this one is durable.
    public private(set) var synced: UInt64 = 0
    /// Whether a sync is in flight.
    public private(set) var syncing = false
    /// Syncs started.
    public private(set) var syncs = 0
    private var failure: (any Error)?

    /// Creates the state of a file with nothing written.
    public init() {}

    /// A completed write: its ticket.
    public mutating func wrote() -> UInt64 {
        written += 1
        return written
    }

    /// Decides for the holder of `ticket`; `.sync` makes the caller the leader until `finished`.
    public mutating func next(for ticket: UInt64) -> Action {
        if ticket <= synced { return .durable }
        if let failure { return .failed(failure) }
        if syncing { return .wait }
        syncing = true
        syncs += 1
        return .sync(through: written)
    }

    /// The leader's sync ended; with a failure, no later ticket becomes durable.
    public mutating func finished(through: UInt64, failure: (any Error)?) {
        syncing = false
        if let failure {
            if self.failure == nil { self.failure = failure }
        } else {
            synced = max(synced, through)
        }
    }
}
