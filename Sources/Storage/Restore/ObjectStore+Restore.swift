import Foundation
import TarnCore

/// What a RestoreObject request did.
public enum RestoreOutcome: Sendable, Equatable {
    /// A new restore started (S3 answers 202 Accepted).
    case started(RestoreStatus)
    /// The object was already restored; its expiry was recomputed from the new days (200 OK).
    case extended(RestoreStatus)
}

extension TarnError.Code {
    /// A restore of this object is still in progress (S3: 409).
    public static let restoreAlreadyInProgress = Self("RestoreAlreadyInProgress")
}

extension ObjectStore {
    /// S3's RestoreObject for an archived object (docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html):
    /// starts a restore that completes after the configured delay for `tier`, making the object
    /// readable until `days` after completion, rounded up to midnight UTC. Restoring an object
    /// that is already restored only moves its expiry ("you can extend the expiration period");
    /// one that is still being restored is refused with `RestoreAlreadyInProgress`.
    /// - Throws: `InvalidObjectState` for objects that are not GLACIER or DEEP_ARCHIVE,
    ///   `InvalidArgument` for days below 1 or Expedited on Deep Archive,
    ///   `RestoreAlreadyInProgress`, `NoSuchKey`.
    public func restoreObject(bucket: String, key: String, days: Int, tier: RestoreTier = .standard) async throws -> RestoreOutcome {
        guard days >= 1 else { throw TarnError(.invalidArgument, "Days must be a positive integer, got \(days)") }
        let now = self.now()
        let delays = restoreDelays
        let outcome: RestoreOutcome = try await index.committer.commit { tx in
            try MetadataIndex.requireBucket(tx, bucket)
            guard var object = try MetadataIndex.object(tx, bucket: bucket, key: key) else {
                throw TarnError(.noSuchKey, "The specified key does not exist.")
            }
            guard let storageClass = StorageClass(rawValue: object.attributes.storageClass), storageClass.requiresRestore else {
                throw TarnError(.invalidObjectState, "Restore is not allowed for the object's current storage class (\(object.attributes.storageClass))")
            }
            let outcome: RestoreOutcome
            if let current = object.attributes.restore, !current.isExpired(at: now) {
                guard !current.isOngoing(at: now) else {
                    throw TarnError(.restoreAlreadyInProgress, "Object restore is already in progress")
                }
                var extended = current
                extended.days = days
                extended.expiry = UTCDays.nextMidnight(onOrAfter: UTCDays.adding(days: days, to: now))
                outcome = .extended(extended)
                object.attributes.restore = extended
            } else {
                let readyAt = now.addingTimeInterval(try delays.delay(for: storageClass, tier: tier))
                let status = RestoreStatus(
                    requested: now, tier: tier, days: days, readyAt: readyAt,
                    expiry: UTCDays.nextMidnight(onOrAfter: UTCDays.adding(days: days, to: readyAt)))
                outcome = .started(status)
                object.attributes.restore = status
            }
            try tx.query(
                "UPDATE objects SET attributes = ? WHERE bucket = ? AND key = ?",
                [try MetadataIndex.encode(object.attributes), bucket, MetadataIndex.keyBytes(key)])
            return outcome
        }
        logger.debug("restore \(bucket)/\(key): \(outcome)")
        return outcome
    }

    /// The restore state S3 reports in `x-amz-restore` on HEAD/GET of an archived object:
    /// ongoing while it runs, then done with its expiry; nil when there is none (or it expired).
    public func restoreState(_ info: ObjectInfo) -> (ongoing: Bool, expiry: Date)? {
        guard let restore = info.attributes.restore else { return nil }
        let now = clock.now()
        if restore.isOngoing(at: now) { return (true, restore.expiry) }
        if restore.isExpired(at: now) { return nil }
        return (false, restore.expiry)
    }
}
