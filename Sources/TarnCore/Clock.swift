import Foundation

/// A source of wall-clock time that can be replaced in tests.
///
/// Protocol state machines and workers take a `WallClock` instead of calling `Date()` so that
/// expiry, lifecycle and skew checks can be tested without sleeping.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The real system clock.
public struct SystemClock: WallClock {
    /// Creates the system clock.
    public init() {}
    /// The current instant from the operating system.
    public func now() -> Date { Date() }
}
