import Dispatch
import Synchronization

/// Batches concurrent metadata changes into shared SQLite transactions ("group commit").
///
/// Each durable commit costs an fsync (~0.3 ms on the reference disk). When many clients write
/// at once, the first caller starts a drain: it takes everything queued, runs each operation in
/// its own savepoint inside one transaction, commits once, and then wakes every caller with its
/// own result. Callers arriving during a commit form the next batch. With one client this is one
/// transaction per operation; with sixteen, they share each fsync.
public final class GroupCommitter: Sendable {
    /// One queued operation: `run` executes inside the batch transaction and parks its result;
    /// `finish` delivers it (or the commit's failure) once the transaction has ended.
    private struct Pending: Sendable {
        let run: @Sendable (borrowing SQLiteTransaction) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State: ~Copyable {
        var queue: [Pending] = []
        var draining = false
    }

    /// Holds an operation's result between running and committing.
    private final class Slot<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
    }

    private let database: SQLiteDatabase
    private let state = Mutex(State())
    private let maxBatch: Int
    private let queue = DispatchQueue(label: "tarn.group-commit")

    /// Creates a committer over `database`, which must not be written by anyone else.
    /// - Parameters:
    ///   - database: the connection that owns all writes.
    ///   - maxBatch: the most operations one transaction takes.
    public init(database: SQLiteDatabase, maxBatch: Int = 512) {
        self.database = database
        self.maxBatch = maxBatch
    }

    /// Runs `operation` in a durable transaction (possibly shared with other callers) and returns
    /// its result once that transaction has committed.
    /// - Throws: what `operation` throws (its own changes are rolled back, the batch goes on), or
    ///   the commit's failure.
    public func commit<T: Sendable>(_ operation: @escaping @Sendable (borrowing SQLiteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let slot = Slot<T>()
            let pending = Pending(
                run: { tx in
                    let result: Result<T, any Error>
                    do { result = .success(try tx.savepoint { try operation(tx) }) } catch { result = .failure(error) }
                    slot.result.withLock { $0 = result }
                },
                finish: { commitError in
                    if let commitError { return continuation.resume(throwing: commitError) }
                    let result = slot.result.withLock { $0 } ?? .failure(TarnError(.internal, "group commit: operation did not run"))
                    continuation.resume(with: result)
                })
            let startDrain = state.withLock { state -> Bool in
                state.queue.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { queue.async { self.drain() } }
        }
    }

    /// Commits batches until the queue is empty. Runs on `queue` because commits block on fsync.
    private func drain() {
        while true {
            let batch: [Pending] = state.withLock { state in
                if state.queue.isEmpty {
                    state.draining = false
                    return []
                }
                let take = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(take.count)
                return take
            }
            if batch.isEmpty { return }
            var commitError: (any Error)? = nil
            do {
                try database.transaction { tx in
                    for pending in batch { pending.run(tx) }
                }
            } catch {
                commitError = error
            }
            for pending in batch { pending.finish(commitError) }
        }
    }
}
