import NIOCore
import NIOPosix

extension TarnServer {
    /// Makes the server's event-loop threads run Swift concurrency's tasks too, once per process,
    /// before the server starts.
    ///
    /// Why: Hummingbird reads a request on an event loop, runs the handler as a task on the
    /// global executor's threads, and writes the response back on the event loop. On a small
    /// machine those two thread hops per request (a wake-up through an eventfd and a context
    /// switch each way) cost more than a small GET's own work. With the event loops as the global
    /// executor, a handler resumed from its connection's loop stays on it. Blocking work already
    /// runs on `BlockingIO`'s and `BackgroundCompute`'s own threads, so the loops do not stall
    /// behind fsync or MD5. Only `tarn server` calls this: it replaces the process-wide executor
    /// and may run only once.
    /// - Returns: Whether the executor was installed (false where NIO cannot, e.g. a newer
    ///   runtime without the hook; the server then runs as before).
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
