import Foundation
import Synchronization
import Testing

@testable import TarnCore

/// `GroupSync`: a write is reported durable only after a sync that started after it, and
/// concurrent writers share syncs.
@Suite struct GroupSyncTests {
    @Test func theStateMachineSyncsWhatWasWrittenAndMakesLaterWritersWait() {
        var state = GroupSyncState()
        let first = state.wrote()
        let second = state.wrote()
        guard case .sync(let through) = state.next(for: first) else { Issue.record("the first waiter leads"); return }
        #expect(through == 2)
        // Written after the leader took its snapshot: not covered by the sync in flight.
        let third = state.wrote()
        guard case .wait = state.next(for: second) else { Issue.record("a sync is in flight"); return }
        guard case .wait = state.next(for: third) else { Issue.record("a sync is in flight"); return }
        state.finished(through: through, failure: nil)
        guard case .durable = state.next(for: first), case .durable = state.next(for: second) else { Issue.record("covered by the sync"); return }
        guard case .sync(let next) = state.next(for: third) else { Issue.record("the third write needs a sync of its own"); return }
        #expect(next == 3)
        state.finished(through: next, failure: nil)
        guard case .durable = state.next(for: third) else { Issue.record("synced"); return }
        #expect(state.syncs == 2)
    }

    @Test func aFailedSyncFailsEveryLaterWaitButNotEarlierDurableOnes() {
        var state = GroupSyncState()
        let first = state.wrote()
        guard case .sync(let through) = state.next(for: first) else { return }
        state.finished(through: through, failure: nil)
        let second = state.wrote()
        guard case .sync(let again) = state.next(for: second) else { return }
        state.finished(through: again, failure: TarnError(.io, "fsync /x: Input/output error (errno 5)"))
        guard case .failed = state.next(for: second) else { Issue.record("the write was not made durable"); return }
        let third = state.wrote()
        guard case .failed = state.next(for: third) else { Issue.record("the file is not trusted after a failed fsync"); return }
        guard case .durable = state.next(for: first) else { Issue.record("synced before the failure"); return }
    }

    @Test func concurrentWritersShareSyncsAndReturnOnlyAfterASyncCoveringThem() {
        // The "file": a write counter; the sync records how many writes it covered.
        let writes = Atomic<UInt64>(0)
        let syncedThrough = Atomic<UInt64>(0)
        let group = GroupSync(sync: {
            let covered = writes.load(ordering: .sequentiallyConsistent)
            Thread.sleep(forTimeInterval: 0.002)
            syncedThrough.store(covered, ordering: .sequentiallyConsistent)
        })
        // Blocking writers on threads of their own (as KMS callers block theirs), more than cores.
        let threads = 16, perThread = 25
        let violations = Atomic<Int>(0)
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                for _ in 0..<perThread {
                    let written = writes.add(1, ordering: .sequentiallyConsistent).newValue
                    let ticket = group.wrote()
                    try? group.waitDurable(ticket)
                    // The sync that released this writer covered its write.
                    if syncedThrough.load(ordering: .sequentiallyConsistent) < written { violations.add(1, ordering: .relaxed) }
                }
                done.leave()
            }
        }
        done.wait()
        let violated = violations.load(ordering: .relaxed)
        #expect(violated == 0)
        // While one writer syncs (2 ms) the others write and wait: the next sync takes them all.
        #expect(group.syncCount < threads * perThread / 2, "\(group.syncCount) syncs for \(threads * perThread) writes")
    }

    @Test func aFailingSyncIsThrownToTheWaiter() {
        let group = GroupSync(sync: { throw TarnError(.io, "fsync /audit: No space left on device (errno 28)") })
        #expect(throws: TarnError.self) { try group.waitDurable(group.wrote()) }
        #expect(throws: TarnError.self) { try group.waitDurable(group.wrote()) }
    }
}
