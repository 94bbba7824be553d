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

    private static let pool = BlockingThreadPool(threads: threadCount)

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

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "tarn-blocking-io-\(index)"
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

extension BlockingIO {
    /// Queues `body` on the blocking-I/O threads and returns at once. For work that must not
    /// occupy one of Swift's cooperative threads (there is one per core), such as hashing beside
    /// a request that is itself busy on a core.
    public static func submit(_ body: @escaping @Sendable () -> Void) {
        pool.submit(body)
    }
}
