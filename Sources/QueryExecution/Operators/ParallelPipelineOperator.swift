import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Runs several copies of a pipeline (scan → filter/project/join probe) on their own threads
/// over one shared split queue and hands their batches to the consumer through a small bounded
/// queue, so scans and the row-wise work above them use every core even when no aggregate
/// follows. Row order across workers is not defined (as in SQL without ORDER BY).
///
/// `cancel()` stops the workers when the consumer needs no more rows (LIMIT) or the query ends.
final class ParallelPipelineOperator: Operator, @unchecked Sendable {
    let outputs: [ColumnRef]
    let stats = OperatorStats()
    private let workers: [any Operator]
    private let condition = NSCondition()
    private var ready: [RecordBatch] = []
    private let capacity: Int
    private var running = 0
    private var failure: Error?
    private var cancelled = false
    private var started = false

    init(workers: [any Operator]) {
        // Programmer error: the planner only builds this with at least one worker.
        precondition(!workers.isEmpty, "parallel pipeline without workers")
        self.workers = workers
        outputs = workers[0].outputs
        capacity = 2 * workers.count
    }

    private func start() {
        started = true
        running = workers.count
        for worker in workers {
            let job = UncheckedSendable(worker)
            let thread = Thread { [self] in self.run(job.value) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func run(_ worker: any Operator) {
        do {
            while true {
                condition.lock()
                let stop = cancelled || failure != nil
                condition.unlock()
                if stop { break }
                guard let batch = try worker.next() else { break }
                condition.lock()
                while ready.count >= capacity && !cancelled && failure == nil { condition.wait() }
                if cancelled || failure != nil {
                    condition.unlock()
                    break
                }
                ready.append(batch)
                condition.broadcast()
                condition.unlock()
            }
        } catch {
            condition.lock()
            if failure == nil { failure = error }
            condition.unlock()
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            condition.lock()
            defer { condition.unlock() }
            if !started { start() }
            while ready.isEmpty && running > 0 && failure == nil { condition.wait() }
            if let failure {
                cancelled = true
                condition.broadcast()
                throw failure
            }
            guard !ready.isEmpty else { return nil }
            let batch = ready.removeFirst()
            condition.broadcast()
            return batch
        }
    }

    /// Stops the workers; they exit after the batch they are computing.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
