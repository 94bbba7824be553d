import Foundation
import Storage

/// What a review looks at, gathered by the `Lake` from the live lake in one pass over its
/// metadata; pure data, so checks are tested on hand-built snapshots.
public struct ReviewSnapshot: Sendable {
    /// The review's moment.
    public var asOf: Date
    /// Per-bucket facts.
    public var buckets: [BucketFacts]
    /// Data set layouts across all buckets.
    public var datasets: [DatasetLayout]
    /// Customer managed KMS keys (AWS managed keys rotate on their own).
    public var keys: [KeyFacts]
    /// Catalog tables stored as text (CSV/JSON) with how often they were queried.
    public var textTables: [TextTableUsage] = []

    /// Creates a snapshot.
    public init(asOf: Date, buckets: [BucketFacts], datasets: [DatasetLayout], keys: [KeyFacts] = [], textTables: [TextTableUsage] = []) {
        self.asOf = asOf
        self.buckets = buckets
        self.datasets = datasets
        self.keys = keys
        self.textTables = textTables
    }
}

/// An incomplete multipart upload.
public struct StaleUpload: Sendable, Equatable {
    /// Key.
    public var key: String
    /// Upload id.
    public var uploadID: String
    /// When it started.
    public var initiated: Date
    /// Bytes of its uploaded parts.
    public var bytes: Int64

    /// Creates one.
    public init(key: String, uploadID: String, initiated: Date, bytes: Int64) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
        self.bytes = bytes
    }
}

/// One bucket's facts for the review.
public struct BucketFacts: Sendable {
    /// Bucket name.
    public var name: String
    /// Its lifecycle configuration.
    public var lifecycle: LifecycleConfiguration?
    /// Objects in Standard for at least the aged threshold that no lifecycle rule will ever move
    /// or expire: count and bytes by age band.
    public var uncoveredAged = AgedBytes()
    /// Incomplete multipart uploads no rule will abort.
    public var unmanagedUploads: [StaleUpload] = []
    /// Encryption, TLS-only policy, Block Public Access; nil when not gathered (the security
    /// checks then skip the bucket).
    public var security: BucketSecurityFacts?

    /// Creates facts for a bucket.
    public init(name: String, lifecycle: LifecycleConfiguration?) {
        self.name = name
        self.lifecycle = lifecycle
    }

    /// Adds one object's contribution.
    /// - Parameters:
    ///   - object: the object.
    ///   - asOf: now.
    ///   - agedDays: the age from which Standard data counts as aged.
    public mutating func add(_ object: ObjectInfo, asOf: Date, agedDays: Int) {
        guard StorageClass(rawValue: object.attributes.storageClass) ?? .standard == .standard else { return }
        let age = asOf.timeIntervalSince(object.lastModified) / UTCDays.secondsPerDay
        guard age >= Double(agedDays) else { return }
        if let lifecycle, !LifecycleEvaluator(lifecycle).schedule(for: LifecycleSubject(object), after: asOf).isEmpty { return }
        uncoveredAged.objects += 1
        if age >= 90 { uncoveredAged.bytesOver90Days += object.size } else { uncoveredAged.bytes30To90Days += object.size }
    }

    /// Adds an incomplete upload unless a rule will abort it.
    public mutating func add(_ upload: StaleUpload) {
        if let lifecycle, LifecycleEvaluator(lifecycle).abortDue(key: upload.key, initiated: upload.initiated) != nil { return }
        unmanagedUploads.append(upload)
    }
}

/// Aged Standard data.
public struct AgedBytes: Sendable, Equatable {
    /// Objects.
    public var objects = 0
    /// Bytes 30 to 90 days old.
    public var bytes30To90Days: Int64 = 0
    /// Bytes at least 90 days old.
    public var bytesOver90Days: Int64 = 0

    /// Creates an empty tally.
    public init() {}
}

/// The thresholds checks use; the defaults follow AWS guidance (Athena performance tips: files
/// of 128 MB or more, partitions that are not tiny; S3: abort incomplete uploads after 7 days).
public struct ReviewThresholds: Sendable, Equatable {
    /// Days after which Standard data without a lifecycle rule counts as aged.
    public var agedDays = 30
    /// Days after which an incomplete multipart upload is stale.
    public var staleUploadDays = 7
    /// Average file size below which a data set has small files.
    public var smallFileBytes: Int64 = 16 << 20
    /// Files a data set needs before its small files matter.
    public var smallFileMinimumFiles = 20
    /// Target file size compaction aims for.
    public var targetFileBytes: Int64 = 128 << 20
    /// Partitions from which tiny partitions matter.
    public var manyPartitions = 100
    /// Average partition size below which partitions are tiny.
    public var tinyPartitionBytes: Int64 = 8 << 20
    /// Size from which an unpartitioned data set should be partitioned.
    public var unpartitionedBytes: Int64 = 1 << 30
    /// Text bytes from which a curated data set should be Parquet.
    public var textFormatBytes: Int64 = 1 << 20
    /// Queries in the last 30 days from which a text-format table counts as "queried often".
    public var textTableQueriesPerMonth = 10
    /// Zones whose data is expected in its source format (not flagged as text tables).
    public var sourceZones: Set<String> = ["landing", "raw", "staging"]

    /// The defaults.
    public init() {}
}

/// A catalog table stored as CSV or JSON and its use by queries over the last 30 days.
public struct TextTableUsage: Sendable, Equatable {
    /// `database.table`.
    public var name: String
    /// `csv` or `json`.
    public var format: String
    /// Its location (`s3://bucket/prefix/`).
    public var location: String
    /// Statements that read it.
    public var queries: Int
    /// Bytes those statements read from it.
    public var bytesScanned: Int64

    /// Creates the facts.
    public init(name: String, format: String, location: String, queries: Int, bytesScanned: Int64) {
        self.name = name
        self.format = format
        self.location = location
        self.queries = queries
        self.bytesScanned = bytesScanned
    }
}
