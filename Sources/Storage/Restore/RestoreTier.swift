import Foundation
import TarnCore

/// S3's retrieval tiers for archived objects (`<Tier>` in RestoreObject's `RestoreRequest`).
public enum RestoreTier: String, Sendable, Codable, CaseIterable {
    /// Minutes (Glacier Flexible Retrieval only).
    case expedited = "Expedited"
    /// Hours; the default when a request names no tier.
    case standard = "Standard"
    /// The cheapest, slowest.
    case bulk = "Bulk"
}

/// How long a restore takes before the object becomes readable, per archive class and tier.
///
/// The defaults are the upper ends of S3's documented times (docs: restoring-objects-retrieval-options.html):
/// Glacier Flexible Retrieval — Expedited 1–5 minutes, Standard 3–5 hours, Bulk 5–12 hours;
/// Deep Archive — Standard within 12 hours, Bulk within 48 hours (no Expedited). Zero is allowed,
/// for tests and drills that should not wait.
public struct RestoreDelays: Sendable, Equatable {
    /// Seconds per tier for GLACIER objects.
    public var glacier: [RestoreTier: TimeInterval]
    /// Seconds per tier for DEEP_ARCHIVE objects (no `.expedited`).
    public var deepArchive: [RestoreTier: TimeInterval]

    /// Creates delays.
    public init(glacier: [RestoreTier: TimeInterval], deepArchive: [RestoreTier: TimeInterval]) {
        self.glacier = glacier
        self.deepArchive = deepArchive
    }

    /// S3's documented retrieval times (upper bounds).
    public static let s3 = RestoreDelays(
        glacier: [.expedited: 5 * 60, .standard: 5 * 3600, .bulk: 12 * 3600],
        deepArchive: [.standard: 12 * 3600, .bulk: 48 * 3600])

    /// No waiting at all.
    public static let immediate = RestoreDelays(
        glacier: [.expedited: 0, .standard: 0, .bulk: 0], deepArchive: [.standard: 0, .bulk: 0])

    /// The delay for restoring an object of `storageClass` with `tier`.
    /// - Throws: `InvalidArgument` for Expedited on Deep Archive, which S3 does not offer.
    public func delay(for storageClass: StorageClass, tier: RestoreTier) throws -> TimeInterval {
        let table = storageClass == .deepArchive ? deepArchive : glacier
        guard let seconds = table[tier] else {
            throw TarnError(.invalidArgument, "The \(tier.rawValue) retrieval tier is not available for objects in the \(storageClass) storage class")
        }
        return seconds
    }
}
