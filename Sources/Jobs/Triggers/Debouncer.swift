import Foundation

/// Turns a burst of `ObjectCreated` events into one run: the run starts once the prefix has
/// been quiet for `quietPeriod`, or `maxDelay` after the burst's first event if uploads keep
/// coming. Events that arrive while a run is going start the next burst, which runs after it.
///
/// A value-type state machine: the caller feeds it events, timer expiries and run completions
/// with the current time and performs the action it returns, so it is tested without sleeping.
public struct Debouncer: Sendable, Equatable {
    /// What the owner should do next.
    public enum Action: Sendable, Equatable {
        /// Nothing.
        case none
        /// Call `timerFired` at this time (replacing any earlier timer).
        case wake(at: Date)
        /// Start a run now, then call `runFinished` when it ends.
        case startRun
    }

    /// Quiet time after the last event.
    public let quietPeriod: TimeInterval
    /// Longest wait after the first event of a burst.
    public let maxDelay: TimeInterval
    private var firstEvent: Date?
    private var lastEvent: Date?
    private var running = false

    /// Creates a debouncer.
    public init(quietPeriod: TimeInterval, maxDelay: TimeInterval) {
        self.quietPeriod = quietPeriod
        self.maxDelay = max(maxDelay, quietPeriod)
    }

    /// When the pending burst is due, if there is one.
    public var deadline: Date? {
        guard let firstEvent, let lastEvent else { return nil }
        return min(lastEvent.addingTimeInterval(quietPeriod), firstEvent.addingTimeInterval(maxDelay))
    }

    /// Whether a run is in progress.
    public var isRunning: Bool { running }

    /// An event arrived at `now`.
    public mutating func eventArrived(at now: Date) -> Action {
        if firstEvent == nil { firstEvent = now }
        lastEvent = now
        if running { return .none }  // runFinished picks the burst up
        return due(at: now)
    }

    /// The timer asked for by `.wake` went off.
    public mutating func timerFired(at now: Date) -> Action {
        running ? .none : due(at: now)
    }

    /// The run started by `.startRun` ended (successfully or not).
    public mutating func runFinished(at now: Date) -> Action {
        running = false
        return due(at: now)
    }

    private mutating func due(at now: Date) -> Action {
        guard let deadline else { return .none }
        if now >= deadline {
            firstEvent = nil
            lastEvent = nil
            running = true
            return .startRun
        }
        return .wake(at: deadline)
    }
}
