import Foundation
import Synchronization

/// A bounded queue between two pipeline threads: the producer blocks when it is full (so a fast
/// parser cannot run ahead of the writer and fill memory), the consumer blocks when it is empty.
/// Either side can fail the queue, which wakes and stops the other.
final class BlockingQueue<Element>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private var failure: (any Error)?
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Appends an item, waiting while the queue is full.
    /// - Throws: the error the queue was failed with.
    func put(_ item: Element) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, waiting while the queue is empty; nil once it is closed and drained.
    /// - Throws: the error the queue was failed with.
    func take() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed && failure == nil { condition.wait() }
        if let failure { throw failure }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// No more items will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Fails both sides with `error` (the first failure wins).
    func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs blocking, CPU-bound work on its own thread and lets async code await it.
///
/// Pipeline stages parse, encode and wait on bounded queues; on Swift's cooperative pool (one
/// thread per core) that would stall every other task in the process, so each stage gets a
/// dedicated thread with an 8 MiB stack.
enum PipelineThread {
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
