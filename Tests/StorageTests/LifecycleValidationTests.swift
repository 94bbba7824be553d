import Foundation
import TarnCore
import Testing

@testable import Storage

/// PutBucketLifecycleConfiguration's validation errors, as S3 answers them.
@Suite struct LifecycleValidationTests {
    func rule(_ transitions: [LifecycleTransition] = [], expiration: LifecycleTiming? = nil, filter: LifecycleFilter = LifecycleFilter(prefix: ""), id: String = "r", abort: Int? = nil)
        -> LifecycleRule
    {
        LifecycleRule(id: id, filter: filter, transitions: transitions, expiration: expiration.map { LifecycleExpiration(timing: $0) }, abortIncompleteMultipartUploadDays: abort)
    }

    func code(_ rules: [LifecycleRule]) -> String? {
        do {
            try LifecycleConfiguration(rules: rules).validate()
            return nil
        } catch let error as TarnError {
            return error.code.rawValue + ": " + error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func retailRulesAreValid() {
        #expect(code([LifecycleConfiguration.retailExample]) == nil)
    }

    @Test(arguments: [
        // (description, rules, expected code prefix and message fragment)
        ("IA before 30 days", [LifecycleTransition(timing: .days(29), storageClass: .standardIA)], nil as LifecycleTiming?, "InvalidArgument: 'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"),
        ("One Zone before 30 days", [LifecycleTransition(timing: .days(1), storageClass: .oneZoneIA)], nil, "InvalidArgument: 'Days' in Transition action must be greater than or equal to 30 for storageClass 'ONEZONE_IA'"),
        ("IA then Glacier too soon", [LifecycleTransition(timing: .days(30), storageClass: .standardIA), LifecycleTransition(timing: .days(50), storageClass: .glacier)], nil, "InvalidArgument: 'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=)' must be 30 days more than"),
        ("Glacier before Glacier IR", [LifecycleTransition(timing: .days(90), storageClass: .glacierIR), LifecycleTransition(timing: .days(90), storageClass: .glacier)], nil, "InvalidArgument: 'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=)' must be greater than"),
        ("same class twice", [LifecycleTransition(timing: .days(30), storageClass: .glacier), LifecycleTransition(timing: .days(60), storageClass: .glacier)], nil, "InvalidArgument: 'StorageClass' must be different"),
        ("expiration before transition", [LifecycleTransition(timing: .days(100), storageClass: .glacier)], .days(50), "InvalidArgument: 'Days' in the Expiration action for filter '(prefix=)' must be greater than 'Days' in the Transition action"),
        ("expiration zero days", [], .days(0), "InvalidArgument: 'Days' in the Expiration action for filter '(prefix=)' must be a positive integer"),
        ("date not at midnight", [LifecycleTransition(timing: .date(Date(timeIntervalSince1970: 1_700_000_123)), storageClass: .glacier)], nil, "InvalidArgument: 'Date' must be at midnight GMT"),
        ("mixed days and dates", [LifecycleTransition(timing: .days(30), storageClass: .standardIA), LifecycleTransition(timing: .date(UTCDays.parse("2030-01-01")!), storageClass: .glacier)], nil, "InvalidRequest: Found mixed 'Date' and 'Days' based Transition actions"),
        ("no action", [], nil, "InvalidRequest: At least one action needs to be specified in a rule"),
    ] as [(String, [LifecycleTransition], LifecycleTiming?, String)])
    func rejected(_ description: String, _ transitions: [LifecycleTransition], _ expiration: LifecycleTiming?, _ expected: String) {
        let answer = code([rule(transitions, expiration: expiration)])
        #expect(answer?.hasPrefix(expected) == true, "\(description): got \(answer ?? "no error")")
    }

    @Test func ruleLevelErrors() {
        let expire = LifecycleTiming.days(10)
        #expect(code([]).map { $0.hasPrefix("MalformedXML") } == true)
        #expect(code([rule(expiration: expire, id: "a"), rule(expiration: expire, id: "a")])?.hasPrefix("InvalidArgument: RuleId must be unique") == true)
        #expect(code([rule(expiration: expire, id: String(repeating: "x", count: 256))])?.hasPrefix("InvalidArgument: ID length should not exceed") == true)
        #expect(
            code([rule(filter: LifecycleFilter(tags: [Storage.Tag(key: "a", value: "b")]), abort: 7)]) == "InvalidRequest: AbortIncompleteMultipartUpload cannot be specified with Tags.")
        #expect(code([rule(expiration: expire, filter: LifecycleFilter(objectSizeGreaterThan: 100, objectSizeLessThan: 100))])?.hasPrefix("InvalidRequest: ObjectSizeGreaterThan must be less than ObjectSizeLessThan") == true)
        #expect(code([rule(expiration: expire, filter: LifecycleFilter(tags: [Storage.Tag(key: "a", value: "1"), Storage.Tag(key: "a", value: "2")]))]) == "InvalidRequest: Duplicate Tag Keys are not allowed.")
    }

    @Test func waterfallNeverGoesUp() {
        #expect(StorageClass.standard.canTransition(to: .deepArchive))
        #expect(StorageClass.standardIA.canTransition(to: .intelligentTiering))
        #expect(!StorageClass.glacier.canTransition(to: .standardIA))
        #expect(!StorageClass.oneZoneIA.canTransition(to: .glacierIR))
        #expect(!StorageClass.standardIA.canTransition(to: .standard))
        #expect(!StorageClass.deepArchive.canTransition(to: .glacier))
    }

    @Test func dueDatesRoundToTheNextMidnight() {
        // S3's example: created 2014-01-15 10:30 UTC, 3 days → eligible from 2014-01-19 00:00 UTC.
        let created = UTCDays.parse("2014-01-15")!.addingTimeInterval(10.5 * 3600)
        #expect(LifecycleTiming.days(3).due(created: created) == UTCDays.parse("2014-01-19")!)
        #expect(LifecycleTiming.days(0).due(created: created) == UTCDays.parse("2014-01-16")!)
        #expect(UTCDays.format(UTCDays.parse("2024-02-29")!) == "2024-02-29")
        #expect(UTCDays.parse("2023-02-29") == nil)
    }
}

extension LifecycleConfiguration {
    /// The retail design's data-retention rule: 0–6 months Standard, 6–24 months Standard-IA,
    /// 2–5 years Glacier, deleted after 5 years.
    static let retailExample = LifecycleRule(
        id: "retail-retention", filter: LifecycleFilter(prefix: ""),
        transitions: [LifecycleTransition(timing: .days(180), storageClass: .standardIA), LifecycleTransition(timing: .days(730), storageClass: .glacier)],
        expiration: LifecycleExpiration(timing: .days(1825)), abortIncompleteMultipartUploadDays: 7)
}
