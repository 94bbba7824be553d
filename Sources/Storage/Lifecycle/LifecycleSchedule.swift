import Foundation

/// When the lifecycle worker runs: once per `interval` (a day by default, as S3 evaluates rules
/// daily), at the first opportunity after start-up when a run is overdue. A value-type state
/// machine over an injected time: the worker asks it what to do and only sleeps and runs.
public struct LifecycleSchedule: Sendable, Equatable {
    /// Seconds between runs.
    public var interval: TimeInterval
    /// When the last run finished (nil: never).
    public var lastRun: Date?

    /// Creates a schedule.
    public init(interval: TimeInterval = UTCDays.secondsPerDay, lastRun: Date? = nil) {
        self.interval = interval
        self.lastRun = lastRun
    }

    /// What the worker should do now.
    public enum Step: Sendable, Equatable {
        /// Run the rules now.
        case run
        /// Sleep this many seconds, then ask again.
        case sleep(TimeInterval)
    }

    /// The next step at `now`.
    public func next(now: Date) -> Step {
        guard let lastRun else { return .run }
        let due = lastRun.addingTimeInterval(interval)
        return due <= now ? .run : .sleep(due.timeIntervalSince(now))
    }

    /// Records a finished run.
    public mutating func ran(at date: Date) { lastRun = date }
}
