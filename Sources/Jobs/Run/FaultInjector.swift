#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The steps of a run, in order, where a crash can be injected. Every step after `planned`
/// leaves durable state behind that recovery must finish or undo.
public enum JobStep: String, Sendable, CaseIterable, Codable {
    /// The run record (status `running`, the planned source objects) is durable.
    case planned
    /// A batch of rows went into the partition writers (repeats).
    case batchProcessed
    /// A data or quarantine file was staged as an uncompleted multipart upload (repeats).
    case fileStaged
    /// The run's new dedupe keys are written to key files (not yet referenced).
    case keysWritten
    /// The manifest object is staged.
    case manifestStaged
    /// The commit transaction is durable: the run now happens, whatever crashes next.
    case committed
    /// The publish transaction made every staged object visible.
    case published
    /// New partitions are registered in the catalog.
    case partitionsRegistered
    /// The run is marked succeeded.
    case finished
}

/// A simulated crash: thrown by `FaultInjector` and deliberately not cleaned up after, so the
/// state left behind is what a killed process would leave.
public struct InjectedCrash: Error, Sendable, CustomStringConvertible {
    /// Where it happened.
    public let step: JobStep
    /// Which occurrence of a repeating step.
    public let occurrence: Int
    /// `injected crash at fileStaged #2`.
    public var description: String { "injected crash at \(step.rawValue) #\(occurrence)" }
}

/// A hook the runner calls at every `JobStep`, for crash tests: `none` in production, `crash(at:)`
/// in tests, `kill(at:)` for the real `kill -9` test through the CLI.
public struct FaultInjector: Sendable {
    private let counts = Counter()
    private let hook: @Sendable (JobStep, Int) throws -> Void

    /// Calls `hook` with each step and its occurrence number (1-based).
    public init(_ hook: @escaping @Sendable (JobStep, Int) throws -> Void) { self.hook = hook }

    /// Never fails.
    public static var none: FaultInjector { FaultInjector { _, _ in } }

    /// Throws `InjectedCrash` the `occurrence`-th time `step` is reached.
    public static func crash(at step: JobStep, occurrence: Int = 1) -> FaultInjector {
        FaultInjector { reached, count in
            if reached == step && count == occurrence { throw InjectedCrash(step: step, occurrence: count) }
        }
    }

    /// Kills the whole process with SIGKILL the `occurrence`-th time `step` is reached: no
    /// unwinding, no flushing, exactly what `kill -9` or a power cut leaves behind.
    public static func kill(at step: JobStep, occurrence: Int = 1) -> FaultInjector {
        FaultInjector { reached, count in
            if reached == step && count == occurrence { killThisProcess() }
        }
    }

    /// Reports reaching `step`.
    func check(_ step: JobStep) throws {
        try hook(step, counts.next(step))
    }

    /// Occurrence counts per step (shared by copies of the injector).
    private final class Counter: Sendable {
        private let counts = Mutex<[JobStep: Int]>([:])
        func next(_ step: JobStep) -> Int {
            counts.withLock { counts in
                counts[step, default: 0] += 1
                return counts[step]!
            }
        }
    }
}

/// SIGKILL to this process (a free function: inside `FaultInjector`, `kill` names the factory).
private func killThisProcess() {
    _ = kill(getpid(), SIGKILL)
}
