import Foundation
import TarnCore
import Testing

@testable import Cost
@testable import Storage

/// Cost figures: minimum billable sizes, archive overheads, early deletion, projections.
@Suite struct CostReportTests {
    let now = UTCDays.parse("2025-06-01")!

    func object(_ key: String, size: Int64, storageClass: String = "STANDARD", created: Date, bucket: String = "retail-raw") -> ObjectInfo {
        ObjectInfo(bucket: bucket, key: key, size: size, etag: "e", lastModified: created, attributes: ObjectAttributes(storageClass: storageClass), segments: [])
    }

    @Test func billableBytesFollowS3Minimums() {
        func billable(_ size: Int64, _ storageClass: StorageClass) -> [Int64] {
            let bytes = CostReportBuilder.billable(size: size, storageClass: storageClass)
            return [bytes.standardRate, bytes.classRate]
        }
        let kib: Int64 = 1024
        #expect(billable(1_000, .standard) == [0, 1_000])
        #expect(billable(1_000, .standardIA) == [0, 128 * kib])
        #expect(billable(1_000, .glacierIR) == [0, 128 * kib])
        #expect(billable(1_000, .glacier) == [8 * kib, 1_000 + 32 * kib])
        #expect(billable(10_000_000, .oneZoneIA) == [0, 10_000_000])
    }

    @Test func athenaBillsTenMegabytesAtLeast() {
        let prices = PriceTable.usEast1
        #expect(prices.athenaQuery(scannedBytes: 1) == prices.athenaQuery(scannedBytes: 10_000_000))
        #expect(abs(prices.athenaQuery(scannedBytes: 10_000_000) - 10e6 / 1e12 * 5) < 1e-12)
        #expect(prices.athenaQuery(scannedBytes: 1_000_000_000_000) == 5)
    }

    @Test func footprintAndMonthlyStorage() {
        var builder = CostReportBuilder(prices: .usEast1, asOf: now)
        let gib = Int64(1 << 30)
        builder.add(object("raw/sales/a.csv", size: gib, created: UTCDays.adding(days: -400, to: now)), lifecycle: nil)
        builder.add(object("raw/sales/b.csv", size: gib, storageClass: "GLACIER", created: UTCDays.adding(days: -400, to: now)), lifecycle: nil)
        builder.add(object("tiny.txt", size: 10, storageClass: "STANDARD_IA", created: UTCDays.adding(days: -400, to: now), bucket: "retail-cleansed"), lifecycle: nil)
        let report = builder.build()
        #expect(report.footprint.map(\.zone) == ["cleansed", "raw", "raw"])
        #expect(report.totalObjects == 3)
        let standard = report.footprint.first { $0.storageClass == "STANDARD" }!
        #expect(abs(standard.monthlyStorageUSD - 0.023) < 1e-9)
        let glacier = report.footprint.first { $0.storageClass == "GLACIER" }!
        #expect(glacier.billableBytes == gib + 40 * 1024)
        #expect(report.footprint.first { $0.storageClass == "STANDARD_IA" }!.billableBytes == 128 * 1024)
        // Written long ago: no PUT requests this month.
        #expect(report.monthly.requestsUSD == 0)
    }

    @Test func projectionUnderRetailRules() {
        let rules = LifecycleEvaluator(LifecycleConfiguration(rules: [
            LifecycleRule(
                id: "retail", filter: LifecycleFilter(prefix: ""),
                transitions: [LifecycleTransition(timing: .days(180), storageClass: .standardIA), LifecycleTransition(timing: .days(730), storageClass: .glacier)],
                expiration: LifecycleExpiration(timing: .days(1825))),
        ]))
        var builder = CostReportBuilder(prices: .usEast1, asOf: now)
        builder.add(object("raw/a.csv", size: 1 << 30, created: now), lifecycle: rules)
        let projection = builder.build().projection
        #expect(projection.transitions == 2)
        #expect(projection.expirations == 1)
        // Year 1: ~6 months Standard then ~6 months IA; year 5 ends in deletion.
        let year1 = projection.withLifecycle[0].storageUSD
        #expect(year1 > 12 * 0.0125 && year1 < 12 * 0.023)
        // 6 months Standard + 18 months IA + 36 months Glacier Flexible Retrieval, per GB-month:
        // 6 × 0.023 + 18 × 0.0125 + 36 × 0.0036 ≈ 0.493 (months are not all equal, so ±0.01).
        #expect(abs(projection.totalWithLifecycleUSD - (6 * 0.023 + 18 * 0.0125 + 36 * 0.0036)) < 0.01)
        #expect(abs(projection.totalWithoutLifecycleUSD - 5 * 12 * 0.023) < 0.01)
        #expect(projection.withLifecycle.map(\.earlyDeletionUSD).reduce(0, +) == 0, "the retail rules respect every minimum duration")
        // Transition requests: one into IA ($0.01/1000), one into Glacier ($0.03/1000).
        #expect(abs(projection.withLifecycle.map(\.transitionsUSD).reduce(0, +) - 0.00004) < 1e-12)
    }

    @Test func earlyDeletionIsCharged() {
        let rules = LifecycleEvaluator(LifecycleConfiguration(rules: [
            LifecycleRule(id: "fast", filter: LifecycleFilter(prefix: ""), transitions: [LifecycleTransition(timing: .days(1), storageClass: .glacier)], expiration: LifecycleExpiration(timing: .days(10))),
        ]))
        var builder = CostReportBuilder(prices: .usEast1, asOf: now)
        builder.add(object("a", size: 1 << 30, created: now), lifecycle: rules)
        let early = builder.build().projection.withLifecycle[0].earlyDeletionUSD
        // Deleted after ~9 days in GLACIER: the remaining ~81 of 90 days are billed.
        let expected = (1.0 + 32.0 * 1024 / Double(1 << 30)) * 0.0036 * 81 / PriceTable.daysPerMonth + 8.0 * 1024 / Double(1 << 30) * 0.023 * 81 / PriceTable.daysPerMonth
        #expect(abs(early - expected) < 0.0005)
    }

    @Test func zones() {
        #expect(LakeZone.of(bucket: "retail-lake", key: "raw/sales/x.csv") == "raw")
        #expect(LakeZone.of(bucket: "retail-cleansed", key: "sales/x.parquet") == "cleansed")
        #expect(LakeZone.of(bucket: "stuff", key: "x") == "-")
    }
}
