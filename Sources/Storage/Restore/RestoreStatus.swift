import Foundation

/// The state of an archived object's restore, kept in its attributes.
///
/// A restore makes the archived bytes readable from `readyAt` until `expiry`; Tarn keeps the
/// bytes where they are (on the archive tier, local) rather than writing a second copy, and the
/// cost report bills the restored days at the Standard rate as S3 bills its temporary copy.
/// Progress is a function of time, so no worker has to flip it: `isOngoing(at:)` and
/// `isReadable(at:)` read it off the clock.
public struct RestoreStatus: Sendable, Codable, Equatable {
    /// When the (latest) restore was requested.
    public var requested: Date
    /// The retrieval tier requested.
    public var tier: RestoreTier
    /// Days the restored copy stays available.
    public var days: Int
    /// When the restore completes.
    public var readyAt: Date
    /// When the restored copy expires: `readyAt` plus `days`, rounded up to the next midnight
    /// UTC, as S3 computes it.
    public var expiry: Date

    /// Creates a status.
    public init(requested: Date, tier: RestoreTier, days: Int, readyAt: Date, expiry: Date) {
        self.requested = requested
        self.tier = tier
        self.days = days
        self.readyAt = readyAt
        self.expiry = expiry
    }

    /// Whether the restore is still in progress at `date`.
    public func isOngoing(at date: Date) -> Bool { date < readyAt }

    /// Whether the restored copy is readable at `date`.
    public func isReadable(at date: Date) -> Bool { date >= readyAt && date < expiry }

    /// Whether the restored copy has expired at `date`.
    public func isExpired(at date: Date) -> Bool { date >= expiry }
}
