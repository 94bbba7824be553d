import Dispatch
import Synchronization
import TarnCore

#if canImport(Glibc)
import Glibc
#endif

/// Something whose recent writes a sync round can make durable: a shard log.
protocol SyncTarget: AnyObject, Sendable {
    /// Captures what must be synced now (files and the position they cover), under the
    /// target's own lock.
    func syncSnapshot() -> SyncSnapshot
    /// Records that everything in `snapshot` is on stable storage (or that syncing failed).
    func syncCompleted(_ snapshot: SyncSnapshot, error: TarnError?)
}

/// The files one target needs synced and the record count they make durable.
struct SyncSnapshot: Sendable {
    var files: [PosixFile]
    var directory: String?
    var durableEnd: UInt64
}

/// Group commit for log appends: every caller that has written to a log waits for one shared
/// sync round, so concurrent producers split the cost of each `fdatasync` between them.
///
/// Rounds are numbered. A caller registers its logs as dirty and waits for the round numbered
/// `nextRound` at that moment; the syncing thread takes the whole dirty set when it starts a
/// round, so every write registered before that point is covered by it. Callers that arrive
/// while a round is running wait for the next one, which starts as soon as the current one ends.
public final class DurabilityScheduler: Sendable {
    private struct Waiter {
        let round: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State: ~Copyable {
        var dirty: [ObjectIdentifier: any SyncTarget] = [:]
        var waiters: [Waiter] = []
        var nextRound: UInt64 = 1
        var syncing = false
        var rounds: UInt64 = 0
        var syncedFiles: UInt64 = 0
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "tarn.ingest.sync")

    /// Creates a scheduler.
    public init() {}

    /// How many sync rounds ran and how many file syncs they issued (for benchmarks).
    public var statistics: (rounds: UInt64, fileSyncs: UInt64) { state.withLock { ($0.rounds, $0.syncedFiles) } }

    /// Returns once everything written to `targets` before this call is on stable storage.
    /// - Throws: `TarnError(.io)` when a sync failed.
    func waitDurable(_ targets: [any SyncTarget]) async throws {
        if targets.isEmpty { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLock { state -> Bool in
                for target in targets { state.dirty[ObjectIdentifier(target)] = target }
                state.waiters.append(Waiter(round: state.nextRound, continuation: continuation))
                if state.syncing { return false }
                state.syncing = true
                return true
            }
            if start { queue.async { self.runRounds() } }
        }
    }

    /// Runs sync rounds until nothing is dirty. Runs on `queue`: syncs block.
    private func runRounds() {
        while true {
            let taken: (UInt64, [any SyncTarget])? = state.withLock { state in
                if state.dirty.isEmpty {
                    state.syncing = false
                    return nil
                }
                let round = state.nextRound
                state.nextRound += 1
                let targets = Array(state.dirty.values)
                state.dirty.removeAll(keepingCapacity: true)
                return (round, targets)
            }
            guard let (round, targets) = taken else { return }
            let snapshots = targets.map { $0.syncSnapshot() }
            let errors = FailureBox()
            var fileCount = 0
            for snapshot in snapshots { fileCount += snapshot.files.count + (snapshot.directory == nil ? 0 : 1) }
            let work: @Sendable (Int) -> Void = { index in
                do { try Self.sync(snapshots[index]) } catch let error as TarnError {
                    errors.failures.withLock { $0[index] = error }
                } catch {
                    errors.failures.withLock { $0[index] = TarnError(.io, "\(error)") }
                }
            }
            // Independent files flush in parallel: the device queues them together.
            if snapshots.count == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: snapshots.count, execute: work) }
            let failures = errors.failures.withLock { $0 }
            for (index, target) in targets.enumerated() { target.syncCompleted(snapshots[index], error: failures[index]) }
            let firstFailure = failures.values.first
            let ready: [Waiter] = state.withLock { state in
                state.rounds += 1
                state.syncedFiles += UInt64(fileCount)
                var ready: [Waiter] = []
                state.waiters.removeAll { waiter in
                    guard waiter.round <= round else { return false }
                    ready.append(waiter)
                    return true
                }
                return ready
            }
            for waiter in ready {
                // A failed round fails every caller in it: which of their bytes reached the disk
                // is unknown, so none of them may be acknowledged.
                if let firstFailure { waiter.continuation.resume(throwing: firstFailure) } else { waiter.continuation.resume() }
            }
        }
    }

    private final class FailureBox: Sendable {
        let failures = Mutex<[Int: TarnError]>([:])
    }

    private static func sync(_ snapshot: SyncSnapshot) throws {
        for file in snapshot.files {
            // fdatasync also flushes the file size an append changed ("metadata needed to
            // retrieve the data"), which is all a log needs; it skips timestamps.
            guard fdatasync(file.descriptor) == 0 else { throw TarnError(.io, "fdatasync \(file.path): \(PosixFile.describe(errno))") }
        }
        if let directory = snapshot.directory { try FileSystem.syncDirectory(directory) }
    }
}
