import TarnCore

/// S3's storage classes (docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html)
/// and the rules that depend on them: which need a restore before reading, the minimum storage
/// duration and billable size in the cost figures, and the order lifecycle transitions follow.
public enum StorageClass: String, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Frequently accessed data.
    case standard = "STANDARD"
    /// Accepted for compatibility; stored and billed as Standard (AWS recommends against it).
    case reducedRedundancy = "REDUCED_REDUNDANCY"
    /// Infrequent access, millisecond retrieval.
    case standardIA = "STANDARD_IA"
    /// Automatic tiering; Tarn stores it on the Standard tier.
    case intelligentTiering = "INTELLIGENT_TIERING"
    /// Infrequent access in one zone.
    case oneZoneIA = "ONEZONE_IA"
    /// Archive with millisecond retrieval.
    case glacierIR = "GLACIER_IR"
    /// Glacier Flexible Retrieval: archived, readable only after `RestoreObject`.
    case glacier = "GLACIER"
    /// Glacier Deep Archive: archived, readable only after `RestoreObject`.
    case deepArchive = "DEEP_ARCHIVE"

    /// The wire name.
    public var description: String { rawValue }

    /// Parses `x-amz-storage-class`.
    /// - Throws: `InvalidStorageClass` naming the value.
    public init(header: String) throws {
        guard let value = StorageClass(rawValue: header) else {
            throw TarnError(.invalidStorageClass, "The storage class you specified is not valid: \(header)")
        }
        self = value
    }

    /// Whether GET needs a completed `RestoreObject` first ("Archived objects are not
    /// available for real-time access", docs: restoring-objects.html).
    public var requiresRestore: Bool { self == .glacier || self == .deepArchive }

    /// Days an object is billed for at least, even when deleted, overwritten or transitioned
    /// earlier (S3 pricing: "minimum storage duration charge"): 30 for the IA classes, 90 for
    /// Glacier Instant and Flexible Retrieval, 180 for Deep Archive.
    public var minimumStorageDays: Int {
        switch self {
        case .standard, .reducedRedundancy, .intelligentTiering: 0
        case .standardIA, .oneZoneIA: 30
        case .glacierIR, .glacier: 90
        case .deepArchive: 180
        }
    }

    /// The smallest size an object is billed for (S3 pricing: "minimum billable object size of
    /// 128 KB" for Standard-IA, One Zone-IA and Glacier Instant Retrieval).
    public var minimumBillableBytes: Int64 {
        switch self {
        case .standardIA, .oneZoneIA, .glacierIR: 128 * 1024
        default: 0
        }
    }

    /// Per-object metadata overhead that archive classes bill in addition to the data (S3
    /// pricing: 8 KB at the Standard rate and 32 KB at the archive rate for Glacier Flexible
    /// Retrieval and Deep Archive).
    public var archiveOverhead: (standardBytes: Int64, archiveBytes: Int64) {
        requiresRestore ? (8 * 1024, 32 * 1024) : (0, 0)
    }

    /// Position in S3's lifecycle "waterfall" (docs: lifecycle-transition-general-considerations.html):
    /// transitions only go to a later class, never back up the chain.
    public var waterfallRank: Int {
        switch self {
        case .standard, .reducedRedundancy: 0
        case .standardIA: 1
        case .intelligentTiering: 2
        case .oneZoneIA: 3
        case .glacierIR: 4
        case .glacier: 5
        case .deepArchive: 6
        }
    }

    /// Whether a lifecycle rule may move an object from this class to `target`. The supported
    /// transitions, from the S3 User Guide's waterfall: Standard to any other class;
    /// Standard-IA to Intelligent-Tiering, One Zone-IA and the Glacier classes;
    /// Intelligent-Tiering to One Zone-IA and the Glacier classes; One Zone-IA to Glacier
    /// Flexible Retrieval and Deep Archive; Glacier Instant to Flexible Retrieval and Deep
    /// Archive; Flexible Retrieval to Deep Archive.
    public func canTransition(to target: StorageClass) -> Bool {
        guard target != .reducedRedundancy, target != .standard else { return false }
        if self == .oneZoneIA && target == .glacierIR { return false }
        return target.waterfallRank > waterfallRank
    }

    /// Lifecycle ordering: a class is "less" when it comes earlier in the waterfall.
    public static func < (lhs: StorageClass, rhs: StorageClass) -> Bool { lhs.waterfallRank < rhs.waterfallRank }
}
