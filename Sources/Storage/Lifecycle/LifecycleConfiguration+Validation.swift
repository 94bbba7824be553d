import Foundation
import TarnCore

extension LifecycleConfiguration {
    /// S3's limit on rules per configuration.
    public static let maximumRules = 1000
    /// S3's limit on a rule ID's length.
    public static let maximumIDLength = 255
    /// Days an object must spend in Standard before a transition to an IA class, and in an IA
    /// class before it moves on (docs: lifecycle-transition-general-considerations.html,
    /// "Constraints and considerations for transitions").
    public static let infrequentAccessMinimumDays = 30

    /// Checks the configuration the way PutBucketLifecycleConfiguration does and throws the
    /// error S3 answers with (code and message), naming the rule's filter as S3 does.
    /// - Throws: `MalformedXML`, `InvalidArgument` or `InvalidRequest`.
    public func validate() throws {
        guard !rules.isEmpty else {
            throw TarnError(.malformedXML, "The XML you provided was not well-formed or did not validate against our published schema (no Rule).")
        }
        guard rules.count <= Self.maximumRules else {
            throw TarnError(.invalidRequest, "The number of lifecycle rules must not exceed the allowed limit of \(Self.maximumRules) rules (got \(rules.count))")
        }
        var ids = Set<String>()
        for rule in rules {
            guard rule.id.count <= Self.maximumIDLength else {
                throw TarnError(.invalidArgument, "ID length should not exceed allowed limit of \(Self.maximumIDLength)")
            }
            guard ids.insert(rule.id).inserted else {
                throw TarnError(.invalidArgument, "RuleId must be unique. Found same ID for more than one rule: \(rule.id)")
            }
            try rule.validate()
        }
    }
}

extension LifecycleRule {
    /// Checks one rule (see `LifecycleConfiguration.validate`).
    func validate() throws {
        let filterName = filter.errorDescription
        guard !transitions.isEmpty || expiration != nil || abortIncompleteMultipartUploadDays != nil || !noncurrentTransitions.isEmpty
            || noncurrentExpirationDays != nil
        else {
            throw TarnError(.invalidRequest, "At least one action needs to be specified in a rule")
        }
        try filter.validate()
        if abortIncompleteMultipartUploadDays != nil && !filter.tags.isEmpty {
            throw TarnError(.invalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.")
        }
        if let days = abortIncompleteMultipartUploadDays, days <= 0 {
            throw TarnError(.invalidArgument, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
        }
        // Timings: day counts non-negative, dates at midnight, never both kinds in one rule.
        for transition in transitions {
            switch transition.timing {
            case .days(let days) where days < 0:
                throw TarnError(.invalidArgument, "'Days' for Transition action must be a positive integer")
            case .date(let date) where date != UTCDays.startOfDay(date):
                throw TarnError(.invalidArgument, "'Date' must be at midnight GMT")
            default: break
            }
            if transition.storageClass == .standardIA || transition.storageClass == .oneZoneIA, let days = transition.timing.days,
                days < LifecycleConfiguration.infrequentAccessMinimumDays
            {
                throw TarnError(
                    .invalidArgument,
                    "'Days' in Transition action must be greater than or equal to \(LifecycleConfiguration.infrequentAccessMinimumDays) for storageClass '\(transition.storageClass)'")
            }
        }
        let dayBased = transitions.filter { $0.timing.days != nil }.count
        if dayBased > 0 && dayBased < transitions.count {
            throw TarnError(.invalidRequest, "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '\(filterName)'")
        }
        var classes = Set<StorageClass>()
        for transition in transitions where !classes.insert(transition.storageClass).inserted {
            throw TarnError(.invalidArgument, "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '\(filterName)'")
        }
        // Down the waterfall, each transition must come later, and an object must spend 30 days
        // in an IA class before moving on.
        let ordered = transitions.sorted { $0.storageClass < $1.storageClass }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            switch (earlier.timing, later.timing) {
            case (.days(let first), .days(let second)):
                let gap = earlier.storageClass == .standardIA || earlier.storageClass == .oneZoneIA ? LifecycleConfiguration.infrequentAccessMinimumDays : 1
                if second - first < gap {
                    throw TarnError(
                        .invalidArgument,
                        gap > 1
                            ? "'Days' in the Transition action for StorageClass '\(later.storageClass)' for filter '\(filterName)' must be \(gap) days more than 'filter '\(filterName)'' in the Transition action for StorageClass '\(earlier.storageClass)'"
                            : "'Days' in the Transition action for StorageClass '\(later.storageClass)' for filter '\(filterName)' must be greater than 'Days' in the Transition action for StorageClass '\(earlier.storageClass)'")
                }
            case (.date(let first), .date(let second)):
                if second <= first {
                    throw TarnError(
                        .invalidArgument,
                        "'Date' in the Transition action for StorageClass '\(later.storageClass)' for filter '\(filterName)' must be later than 'Date' in the Transition action for StorageClass '\(earlier.storageClass)'")
                }
            default: break
            }
        }
        if let expiration {
            switch expiration.timing {
            case .days(let days)?:
                guard days > 0 else {
                    throw TarnError(.invalidArgument, "'Days' in the Expiration action for filter '\(filterName)' must be a positive integer")
                }
                if let latest = transitions.compactMap(\.timing.days).max(), days <= latest {
                    throw TarnError(.invalidArgument, "'Days' in the Expiration action for filter '\(filterName)' must be greater than 'Days' in the Transition action")
                }
            case .date(let date)?:
                guard date == UTCDays.startOfDay(date) else { throw TarnError(.invalidArgument, "'Date' must be at midnight GMT") }
                if let latest = transitions.compactMap(\.timing.date).max(), date <= latest {
                    throw TarnError(.invalidArgument, "'Date' in the Expiration action for filter '\(filterName)' must be later than 'Date' in the Transition action")
                }
            case nil:
                guard expiration.expiredObjectDeleteMarker != nil else {
                    throw TarnError(.malformedXML, "The XML you provided was not well-formed or did not validate against our published schema (Expiration needs Days, Date or ExpiredObjectDeleteMarker).")
                }
                if !filter.tags.isEmpty {
                    throw TarnError(.invalidRequest, "ExpiredObjectDeleteMarker cannot be specified with object tags.")
                }
            }
        }
        for transition in noncurrentTransitions where transition.days < 0 {
            throw TarnError(.invalidArgument, "'NoncurrentDays' for NoncurrentVersionTransition action must be a positive integer")
        }
        if let days = noncurrentExpirationDays, days <= 0 {
            throw TarnError(.invalidArgument, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
        }
    }
}

extension LifecycleFilter {
    /// Checks object-size bounds and tags.
    func validate() throws {
        if let greater = objectSizeGreaterThan, greater < 0 {
            throw TarnError(.invalidArgument, "ObjectSizeGreaterThan must be a non-negative integer")
        }
        if let less = objectSizeLessThan, less <= 0 {
            throw TarnError(.invalidArgument, "ObjectSizeLessThan must be a positive integer")
        }
        if let greater = objectSizeGreaterThan, let less = objectSizeLessThan, greater >= less {
            throw TarnError(.invalidRequest, "ObjectSizeGreaterThan must be less than ObjectSizeLessThan (\(greater) >= \(less))")
        }
        var keys = Set<String>()
        for tag in tags {
            guard (1...128).contains(tag.key.count), tag.value.count <= 256 else {
                throw TarnError(.invalidTag, "The TagKey or TagValue you have provided is invalid")
            }
            guard keys.insert(tag.key).inserted else { throw TarnError(.invalidRequest, "Duplicate Tag Keys are not allowed.") }
        }
    }
}
