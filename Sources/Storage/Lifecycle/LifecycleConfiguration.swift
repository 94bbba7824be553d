import Foundation

/// A bucket's lifecycle configuration: S3's `LifecycleConfiguration` document
/// (docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html), stored as JSON in
/// the bucket's configuration and evaluated by `LifecycleEvaluator`.
public struct LifecycleConfiguration: Sendable, Codable, Equatable {
    /// The rules, in the order they were sent.
    public var rules: [LifecycleRule]
    /// `x-amz-transition-default-minimum-object-size`: which small objects transitions skip.
    public var transitionMinimumSize: TransitionMinimumSize

    /// Creates a configuration.
    public init(rules: [LifecycleRule], transitionMinimumSize: TransitionMinimumSize = .allStorageClasses128K) {
        self.rules = rules
        self.transitionMinimumSize = transitionMinimumSize
    }
}

/// S3's default minimum object size for lifecycle transitions (since September 2024): by default
/// objects under 128 KB are not transitioned to any class; `varies_by_storage_class` lets them go
/// to the Glacier Flexible Retrieval and Deep Archive classes only. A rule's own object-size
/// filter overrides either default.
public enum TransitionMinimumSize: String, Sendable, Codable {
    /// `all_storage_classes_128K`.
    case allStorageClasses128K = "all_storage_classes_128K"
    /// `varies_by_storage_class`.
    case variesByStorageClass = "varies_by_storage_class"

    /// The size below which the default applies.
    public static let threshold: Int64 = 128 * 1024
}

/// One lifecycle rule.
public struct LifecycleRule: Sendable, Codable, Equatable {
    /// `ID`: up to 255 characters; S3 generates one when absent.
    public var id: String
    /// `Status`: only enabled rules act.
    public var enabled: Bool
    /// Which objects the rule applies to.
    public var filter: LifecycleFilter
    /// `Transition` actions.
    public var transitions: [LifecycleTransition]
    /// `Expiration`.
    public var expiration: LifecycleExpiration?
    /// `AbortIncompleteMultipartUpload/DaysAfterInitiation`.
    public var abortIncompleteMultipartUploadDays: Int?
    /// `NoncurrentVersionTransition` actions: kept and returned, but without effect on Tarn's
    /// unversioned buckets (there are no noncurrent versions).
    public var noncurrentTransitions: [NoncurrentTransition]
    /// `NoncurrentVersionExpiration/NoncurrentDays`: kept, without effect (unversioned buckets).
    public var noncurrentExpirationDays: Int?
    /// `NoncurrentVersionExpiration/NewerNoncurrentVersions`: kept, without effect.
    public var newerNoncurrentVersions: Int?

    /// Creates a rule.
    public init(
        id: String, enabled: Bool = true, filter: LifecycleFilter = LifecycleFilter(), transitions: [LifecycleTransition] = [],
        expiration: LifecycleExpiration? = nil, abortIncompleteMultipartUploadDays: Int? = nil,
        noncurrentTransitions: [NoncurrentTransition] = [], noncurrentExpirationDays: Int? = nil, newerNoncurrentVersions: Int? = nil
    ) {
        self.id = id
        self.enabled = enabled
        self.filter = filter
        self.transitions = transitions
        self.expiration = expiration
        self.abortIncompleteMultipartUploadDays = abortIncompleteMultipartUploadDays
        self.noncurrentTransitions = noncurrentTransitions
        self.noncurrentExpirationDays = noncurrentExpirationDays
        self.newerNoncurrentVersions = newerNoncurrentVersions
    }
}

/// A rule's `Filter` (or the legacy rule-level `Prefix`): every present condition must hold.
public struct LifecycleFilter: Sendable, Codable, Equatable {
    /// Key prefix; nil when the filter names none.
    public var prefix: String?
    /// Tags the object must carry with these values.
    public var tags: [Tag]
    /// `ObjectSizeGreaterThan`, in bytes.
    public var objectSizeGreaterThan: Int64?
    /// `ObjectSizeLessThan`, in bytes.
    public var objectSizeLessThan: Int64?
    /// Whether the rule used the deprecated rule-level `<Prefix>` instead of `<Filter>` (kept so
    /// GetBucketLifecycleConfiguration answers in the form it was given).
    public var legacyPrefix: Bool

    /// Creates a filter.
    public init(prefix: String? = nil, tags: [Tag] = [], objectSizeGreaterThan: Int64? = nil, objectSizeLessThan: Int64? = nil, legacyPrefix: Bool = false) {
        self.prefix = prefix
        self.tags = tags
        self.objectSizeGreaterThan = objectSizeGreaterThan
        self.objectSizeLessThan = objectSizeLessThan
        self.legacyPrefix = legacyPrefix
    }

    /// How many conditions are set (more than one is written as `<And>`).
    public var conditionCount: Int {
        (prefix == nil ? 0 : 1) + tags.count + (objectSizeGreaterThan == nil ? 0 : 1) + (objectSizeLessThan == nil ? 0 : 1)
    }

    /// Whether the filter names an object size (which overrides the default minimum size).
    public var hasSizeCondition: Bool { objectSizeGreaterThan != nil || objectSizeLessThan != nil }

    /// Whether an object with this key, size and tags matches.
    public func matches(key: String, size: Int64, tags objectTags: [Tag]) -> Bool {
        if let prefix, !key.utf8.starts(with: prefix.utf8) { return false }
        if let greater = objectSizeGreaterThan, !(size > greater) { return false }
        if let less = objectSizeLessThan, !(size < less) { return false }
        for tag in tags where !objectTags.contains(tag) { return false }
        return true
    }

    /// S3's way of naming a filter in error messages: `(prefix=logs/)`.
    public var errorDescription: String {
        var parts: [String] = []
        parts.append("prefix=\(prefix ?? "")")
        for tag in tags { parts.append("tag: key=\(tag.key), value=\(tag.value)") }
        if let greater = objectSizeGreaterThan { parts.append("size greater than \(greater)") }
        if let less = objectSizeLessThan { parts.append("size less than \(less)") }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}

/// When an action is due: a number of days after creation, or a date (midnight UTC).
public enum LifecycleTiming: Sendable, Codable, Equatable {
    /// `Days`.
    case days(Int)
    /// `Date`.
    case date(Date)

    /// When an object created at `created` becomes eligible: creation plus the days, rounded up
    /// to the next midnight UTC ("Amazon S3 calculates the time by adding the number of days
    /// specified in the rule to the object creation time and rounding the resulting time to the
    /// next day midnight UTC"); for a date, the date itself, or creation when it is later.
    public func due(created: Date) -> Date {
        switch self {
        case .days(let days): UTCDays.nextMidnight(onOrAfter: UTCDays.adding(days: days, to: created))
        case .date(let date): max(date, created)
        }
    }

    /// The days, if day-based.
    public var days: Int? {
        if case .days(let days) = self { return days }
        return nil
    }

    /// The date, if date-based.
    public var date: Date? {
        if case .date(let date) = self { return date }
        return nil
    }
}

/// A `Transition`.
public struct LifecycleTransition: Sendable, Codable, Equatable {
    /// When.
    public var timing: LifecycleTiming
    /// To which class.
    public var storageClass: StorageClass

    /// Creates a transition.
    public init(timing: LifecycleTiming, storageClass: StorageClass) {
        self.timing = timing
        self.storageClass = storageClass
    }
}

/// An `Expiration`.
public struct LifecycleExpiration: Sendable, Codable, Equatable {
    /// When; nil when the element only sets `ExpiredObjectDeleteMarker`.
    public var timing: LifecycleTiming?
    /// `ExpiredObjectDeleteMarker` (no effect without versioning; kept).
    public var expiredObjectDeleteMarker: Bool?

    /// Creates an expiration.
    public init(timing: LifecycleTiming?, expiredObjectDeleteMarker: Bool? = nil) {
        self.timing = timing
        self.expiredObjectDeleteMarker = expiredObjectDeleteMarker
    }
}

/// A `NoncurrentVersionTransition` (kept for round-tripping; unversioned buckets have no
/// noncurrent versions).
public struct NoncurrentTransition: Sendable, Codable, Equatable {
    /// `NoncurrentDays`.
    public var days: Int
    /// `StorageClass`.
    public var storageClass: StorageClass
    /// `NewerNoncurrentVersions`.
    public var newerNoncurrentVersions: Int?

    /// Creates one.
    public init(days: Int, storageClass: StorageClass, newerNoncurrentVersions: Int? = nil) {
        self.days = days
        self.storageClass = storageClass
        self.newerNoncurrentVersions = newerNoncurrentVersions
    }
}
