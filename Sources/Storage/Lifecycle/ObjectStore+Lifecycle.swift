import Foundation
import TarnCore

extension TarnError.Code {
    /// GetBucketLifecycleConfiguration on a bucket without one (S3: 404).
    public static let noSuchLifecycleConfiguration = Self("NoSuchLifecycleConfiguration")
}

/// One action a lifecycle run took (or, in a dry run, would take).
public struct LifecycleActionRecord: Sendable, Codable, Equatable {
    /// When the action was taken (the store's clock).
    public var time: Date
    /// The day the rules were evaluated as of.
    public var asOf: Date
    /// Bucket.
    public var bucket: String
    /// Key.
    public var key: String
    /// `transition`, `expire` or `abort-multipart-upload`.
    public var action: String
    /// Class before.
    public var fromClass: String?
    /// Class after (transitions).
    public var toClass: String?
    /// The rule that caused it.
    public var rule: String
    /// Object size in bytes (0 for uploads).
    public var size: Int64
    /// The upload id, for aborted uploads.
    public var uploadID: String?
}

/// What a lifecycle run did.
public struct LifecycleRunReport: Sendable, Codable, Equatable {
    /// The day evaluated.
    public var asOf: Date
    /// Objects looked at.
    public var examined = 0
    /// Actions taken, in order.
    public var actions: [LifecycleActionRecord] = []
    /// Objects skipped because they changed while the run looked at them.
    public var skipped = 0
    /// Failures (the object is left as it was; the next run retries).
    public var failures: [String] = []

    /// Creates an empty report.
    public init(asOf: Date) { self.asOf = asOf }
}

extension ObjectStore {
    /// The bucket configuration document lifecycle rules are kept under.
    static let lifecycleConfigName = "lifecycle"

    /// The bucket's lifecycle configuration, or nil when it has none.
    public func lifecycleConfiguration(bucket: String) throws -> LifecycleConfiguration? {
        guard let json = try index.bucketConfig(bucket, Self.lifecycleConfigName) else { return nil }
        do {
            return try JSONDecoder().decode(LifecycleConfiguration.self, from: Data(json.utf8))
        } catch {
            throw TarnError(.corrupt, "bucket \(bucket): unreadable lifecycle configuration: \(error)")
        }
    }

    /// Validates and stores (nil: deletes) the bucket's lifecycle configuration.
    public func setLifecycleConfiguration(bucket: String, _ configuration: LifecycleConfiguration?) async throws {
        try configuration?.validate()
        let json = try configuration.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await index.setBucketConfig(bucket, Self.lifecycleConfigName, json)
    }

    /// Applies every bucket's lifecycle rules as of `asOf` (midnight UTC of that day is what
    /// counts: S3 acts on whole days): expires, transitions and aborts what is due, and clears
    /// expired restores.
    ///
    /// Each action is its own durable commit that first checks the object is still the one
    /// evaluated, so a run can be interrupted anywhere and simply run again; a transition never
    /// loses the object (see `transition(_:to:)`).
    /// - Parameters:
    ///   - asOf: the moment to evaluate at.
    ///   - dryRun: only report what would be done.
    ///   - record: called with every action after it is durable (the action log).
    public func runLifecycle(asOf: Date, dryRun: Bool = false, record: @Sendable (LifecycleActionRecord) throws -> Void = { _ in }) async throws
        -> LifecycleRunReport
    {
        var report = LifecycleRunReport(asOf: asOf)
        for bucket in try buckets() {
            guard let configuration = try lifecycleConfiguration(bucket: bucket.name) else { continue }
            let evaluator = LifecycleEvaluator(configuration)
            var after: String? = nil
            while true {
                let page = try index.list(bucket: bucket.name, prefix: "", delimiter: nil, after: after, maxKeys: 1000)
                for object in page.objects {
                    report.examined += 1
                    try await applyLifecycle(to: object, evaluator: evaluator, asOf: asOf, dryRun: dryRun, report: &report, record: record)
                }
                guard page.isTruncated, let next = page.nextMarker else { break }
                after = next
            }
            try await abortExpiredUploads(bucket: bucket.name, evaluator: evaluator, asOf: asOf, dryRun: dryRun, report: &report, record: record)
        }
        if !dryRun { scheduleSweep() }
        return report
    }

    private func applyLifecycle(
        to object: ObjectInfo, evaluator: LifecycleEvaluator, asOf: Date, dryRun: Bool, report: inout LifecycleRunReport,
        record: @Sendable (LifecycleActionRecord) throws -> Void
    ) async throws {
        let subject = LifecycleSubject(object)
        guard let action = evaluator.action(for: subject, at: asOf) else {
            if !dryRun, let restore = object.attributes.restore, restore.isExpired(at: asOf) { try await clearRestore(object) }
            return
        }
        var entry = LifecycleActionRecord(
            time: clock.now(), asOf: asOf, bucket: object.bucket, key: object.key, action: "", fromClass: object.attributes.storageClass,
            toClass: nil, rule: "", size: object.size, uploadID: nil)
        switch action {
        case .expire(let rule):
            entry.action = "expire"
            entry.rule = rule
            if !dryRun {
                guard try await deleteIfUnchanged(object) else {
                    report.skipped += 1
                    return
                }
                events.publish(name: "LifecycleExpiration:Delete", bucket: object.bucket, key: object.key, size: 0, etag: "", time: now())
            }
        case .transition(let target, let rule):
            entry.action = "transition"
            entry.rule = rule
            entry.toClass = target.rawValue
            if !dryRun {
                do {
                    guard try await transition(object, to: target) != nil else {
                        report.skipped += 1
                        return
                    }
                } catch {
                    report.failures.append("\(object.bucket)/\(object.key): transition to \(target) failed: \(error)")
                    logger.error("lifecycle: transition of \(object.bucket)/\(object.key) to \(target) failed: \(error)")
                    return
                }
                events.publish(name: "LifecycleTransition", bucket: object.bucket, key: object.key, size: object.size, etag: object.etag, time: now())
            }
        }
        entry.time = clock.now()
        report.actions.append(entry)
        if !dryRun {
            logger.debug("lifecycle: \(entry.action) \(object.bucket)/\(object.key) \(entry.fromClass ?? "")→\(entry.toClass ?? "-") (rule \(entry.rule))")
            try record(entry)
        }
    }

    private func abortExpiredUploads(
        bucket: String, evaluator: LifecycleEvaluator, asOf: Date, dryRun: Bool, report: inout LifecycleRunReport,
        record: @Sendable (LifecycleActionRecord) throws -> Void
    ) async throws {
        for upload in try index.uploads(bucket: bucket, prefix: "", keyMarker: nil, uploadIDMarker: nil, limit: Int.max) {
            guard let (due, rule) = evaluator.abortDue(key: upload.key, initiated: upload.initiated), due <= asOf else { continue }
            if !dryRun {
                do {
                    try await abortMultipartUpload(bucket: bucket, key: upload.key, uploadID: upload.uploadID)
                } catch let error as TarnError where error.code == .noSuchUpload {
                    report.skipped += 1
                    continue
                }
            }
            let entry = LifecycleActionRecord(
                time: clock.now(), asOf: asOf, bucket: bucket, key: upload.key, action: "abort-multipart-upload", fromClass: nil, toClass: nil,
                rule: rule, size: 0, uploadID: upload.uploadID)
            report.actions.append(entry)
            if !dryRun {
                logger.debug("lifecycle: aborted upload \(upload.uploadID) of \(bucket)/\(upload.key) (rule \(rule))")
                try record(entry)
            }
        }
    }

    /// Deletes `object` only if it is still the version evaluated.
    func deleteIfUnchanged(_ object: ObjectInfo) async throws -> Bool {
        let removed = try await index.committer.commit { tx -> Bool in
            guard let current = try MetadataIndex.object(tx, bucket: object.bucket, key: object.key),
                current.etag == object.etag, current.lastModified == object.lastModified
            else { return false }
            _ = try MetadataIndex.remove(tx, bucket: object.bucket, key: object.key)
            return true
        }
        if removed { scheduleSweep() }
        return removed
    }

    /// Forgets an expired restore (its temporary readability is over).
    func clearRestore(_ object: ObjectInfo) async throws {
        try await index.committer.commit { tx in
            guard var current = try MetadataIndex.object(tx, bucket: object.bucket, key: object.key), current.etag == object.etag,
                current.attributes.restore == object.attributes.restore
            else { return }
            current.attributes.restore = nil
            try tx.query(
                "UPDATE objects SET attributes = ? WHERE bucket = ? AND key = ?",
                [try MetadataIndex.encode(current.attributes), object.bucket, MetadataIndex.keyBytes(object.key)])
        }
    }
}
