import CLinuxIO
import Dispatch
import Foundation
import Synchronization

/// Runs blocking system calls (fsync, cold-cache reads, SQLite commits) off Swift's cooperative
/// thread pool, which has only one thread per core: a blocked cooperative thread would stall
/// every other task on a 2-core machine.
///
/// The work runs on a fixed pool of dedicated threads rather than on a concurrent
/// `DispatchQueue`: on Linux, libdispatch caps a concurrent queue at about one running thread
/// per core, so sixteen clients' fsyncs ran two at a time and durable small PUTs were bounded by
/// `2 / fsync latency`. Threads parked in fsync cost no CPU, and concurrent fsyncs on one file
/// system share journal commits, so many in flight is what makes concurrent writes cheap.
public enum BlockingIO {
    /// How many blocking calls may be in flight at once.
    public static let threadCount = 32

    private static let pool = BlockingThreadPool(threads: threadCount, name: "tarn-blocking-io")

    /// Queues `body` on a thread that may block and returns at once (work whose result nobody
    /// waits for, such as a background fsync).
    public static func submit(_ body: @escaping @Sendable () -> Void) {
        pool.submit(body)
    }

    /// Runs `body` on a thread that may block and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.submit {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}

/// A fixed set of threads taking work items from one FIFO queue.
final class BlockingThreadPool: Sendable {
    private let queue = Mutex<[@Sendable () -> Void]>([])
    /// Counts queued items; each worker takes one permit per item.
    private let available = DispatchSemaphore(value: 0)

    init(threads: Int, name: String) {
        for index in 0..<threads {
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                _ = pthread_setname_np(pthread_self(), String(threadName.prefix(15)))
                work()
            }
            thread.name = threadName
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    func submit(_ item: @escaping @Sendable () -> Void) {
        queue.withLock { $0.append(item) }
        available.signal()
    }

    private func work() {
        while true {
            available.wait()
            // Items are taken oldest first; the array stays short (at most the number in flight).
            let item = queue.withLock { $0.removeFirst() }
            item()
        }
    }
}

/// A few dedicated threads (one per core) for CPU work that runs beside a request, such as
/// hashing a large body's MD5 while the request encrypts and writes it.
///
/// Separate from `BlockingIO` on purpose: a request that waits for this work must never wait
/// behind other requests' fsyncs, and separate from Swift's cooperative pool because the
/// waiting request occupies one of its threads.
public enum BackgroundCompute {
    private static let pool = BlockingThreadPool(threads: max(2, ProcessInfo.processInfo.activeProcessorCount), name: "tarn-compute")

    /// Queues `body` and returns at once.
    public static func submit(_ body: @escaping @Sendable () -> Void) {
        pool.submit(body)
    }
}

/// Where Tarn's background services run their tasks (ETL triggers and job runs, mart refreshes,
/// Firehose deliveries, sweeps, start-up recovery), chosen with
/// `Task(executorPreference: BackgroundExecutor.shared)`: Dispatch's global queue, the pool
/// Swift's global executor uses when nothing replaces it.
///
/// Why: `tarn server` makes NIO's event loops Swift's global executor, and a task started from
/// a loop stays on that loop. A job run or a mart refresh computes for seconds between
/// suspension points, and some of these tasks block (a KMS audit fsync, a job run waiting for
/// its pipeline threads): on a loop that holds up every connection of the loop. Dispatch's
/// pool adds threads while its threads block, which a fixed pool does not (a first version
/// with two threads of its own starved the trigger service's timers behind blocked
/// deliveries). Default actors called from such a task run here too (a task executor
/// preference applies to them).
public final class BackgroundExecutor: TaskExecutor, Sendable {
    /// The process's one background executor.
    public static let shared = BackgroundExecutor()

    /// A concurrent queue on Dispatch's global pool: the pool's threads and elasticity, plus a
    /// queue-specific marker that tells its jobs apart at no cost per job.
    private let queue = DispatchQueue(label: "tarn.background", attributes: .concurrent, target: .global())
    private static let marker = DispatchSpecificKey<Bool>()

    init() {
        queue.setSpecific(key: Self.marker, value: true)
    }

    /// Runs `job` on a thread of Dispatch's global pool.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Whether the calling thread is running a job of this executor.
    public static var isCurrentThread: Bool { DispatchQueue.getSpecific(key: marker) == true }
}
