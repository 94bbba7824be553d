import Dispatch

/// Runs blocking system calls (fsync, cold-cache reads, SQLite commits) off Swift's cooperative
/// thread pool, which has only one thread per core: a blocked cooperative thread would stall
/// every other task on a 2-core machine.
public enum BlockingIO {
    private static let queue = DispatchQueue(label: "tarn.blocking-io", attributes: .concurrent)

    /// Runs `body` on a thread that may block and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
