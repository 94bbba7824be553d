import Foundation
import Lake
import Query
import TarnCore
import TarnTesting
import Testing

@testable import Cost
@testable import Storage

/// `tarn review` finds each problem planted in a deliberately bad lake, and nothing in a good
/// retail lake built the way the design recommends.
@Suite struct ReviewTests {
    let now = UTCDays.parse("2025-06-01")!

    /// Thresholds scaled down so test data stays small (the defaults assume GiB data sets).
    var thresholds: ReviewThresholds {
        var thresholds = ReviewThresholds()
        thresholds.unpartitionedBytes = 2 << 20
        thresholds.textFormatBytes = 256 << 10
        return thresholds
    }

    /// A CSV of retail sales lines of about `bytes` bytes.
    static func salesCSV(bytes: Int) -> [UInt8] {
        var text = "sale_id,store_id,product_id,quantity,unit_price,sold_at\n"
        var index = 0
        while text.utf8.count < bytes {
            text += "\(100_000 + index),\(index % 40),\(index % 997),\(1 + index % 5),\(Double(index % 5000) / 100),2024-03-\(String(format: "%02d", 1 + index % 28))T10:\(String(format: "%02d", index % 60)):00Z\n"
            index += 1
        }
        return Array(text.utf8)
    }

    func lake(_ directory: TemporaryDirectory, clock: ManualClock) throws -> Lake {
        try Lake(path: directory.path, environment: ["TARN_ROOT_ACCESS_KEY_ID": "K", "TARN_ROOT_SECRET_ACCESS_KEY": "S"], clock: clock)
    }

    @Test func badLakeHasEveryPlantedFinding() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-review-bad")
        defer { directory.remove() }
        let clock = ManualClock(UTCDays.adding(days: -200, to: now))
        let lake = try lake(directory, clock: clock)
        let store = lake.store
        try await store.createBucket("bad-lake")
        // Aged data in Standard, no lifecycle configuration.
        try await store.put(bucket: "bad-lake", key: "raw/old/dump.bin", bytes: Array(repeating: 1, count: 300_000))
        // An incomplete multipart upload, 200 days old.
        let uploadID = try await store.createMultipartUpload(bucket: "bad-lake", key: "raw/big.bin", attributes: ObjectAttributes())
        let (part, _) = try store.beginPartUpload(bucket: "bad-lake", key: "raw/big.bin", uploadID: uploadID, partNumber: 1)
        try [UInt8](repeating: 2, count: 100_000).withUnsafeBytes { try part.write($0) }
        _ = try await part.commitPart(key: "raw/big.bin", uploadID: uploadID, partNumber: 1)
        clock.set(UTCDays.adding(days: -2, to: now))
        // A curated table stored as CSV.
        try await store.put(bucket: "bad-lake", key: "analytics/daily_sales/report.csv", bytes: Self.salesCSV(bytes: 600_000))
        // Thirty tiny files in one partition.
        for index in 0..<30 {
            try await store.put(bucket: "bad-lake", key: "cleansed/clicks/dt=2024-03-01/part-\(index).parquet", bytes: Array(repeating: 3, count: 2_000))
        }
        // 150 partitions of one tiny file each.
        for day in 0..<150 {
            try await store.put(bucket: "bad-lake", key: "cleansed/inventory/dt=\(UTCDays.format(UTCDays.adding(days: day, to: now)))/part-0.parquet", bytes: [4, 4, 4])
        }
        // A large data set without partitions (scaled threshold: 2 MiB).
        for index in 0..<3 {
            try await store.put(bucket: "bad-lake", key: "cleansed/customers/part-\(index).parquet", bytes: Array(repeating: 5, count: 1 << 20))
        }
        // No TLS-only policy (none at all), Block Public Access off, a customer key without rotation.
        try await lake.setPublicAccessBlock(
            "bad-lake", PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false))
        let key = try lake.kms.createKey(description: "never rotated", caller: lake.rootKeyCaller)
        clock.set(now)
        let report = try lake.review(thresholds: thresholds)
        let found = Set(report.findings.map { "\($0.check) \($0.resource)" })
        #expect(
            found == [
                "cost.lifecycle-missing s3://bad-lake",
                "cost.incomplete-multipart-uploads s3://bad-lake",
                "performance.text-format s3://bad-lake/analytics/daily_sales/",
                "performance.small-files s3://bad-lake/cleansed/clicks/",
                "performance.tiny-partitions s3://bad-lake/cleansed/inventory/",
                "performance.unpartitioned s3://bad-lake/cleansed/customers/",
                "security.tls-only-policy s3://bad-lake",
                "security.block-public-access s3://bad-lake",
                "security.key-rotation \(key.arn)",
            ], "\(found.sorted())")
        let text = try #require(report.findings.first { $0.check == "performance.text-format" })
        // The reduction is measured by converting the table's own file.
        #expect(text.evidence.contains { $0.contains("to Parquet gave") })
        #expect(text.effect.contains("% less"))
        let lifecycle = try #require(report.findings.first { $0.check == "cost.lifecycle-missing" })
        #expect(lifecycle.evidence[0].contains("1 object(s)"))
        #expect(report.hasFinding(atLeast: .medium))
        #expect(!report.checksUnavailable.isEmpty)
    }

    @Test func smallFilesInSourceZonesAreNotFlagged() {
        var index = DatasetIndex()
        for hour in 0..<24 {
            index.add(bucket: "retail-dev-data", key: "raw/clickstream/2024-03-01/events-\(hour).jsonl", size: 30_000)
            index.add(bucket: "retail-dev-data", key: "cleansed/clicks/day=1/part-\(hour).parquet", size: 30_000)
        }
        let findings = Reviewer().review(ReviewSnapshot(asOf: now, buckets: [], datasets: index.sorted)).findings
        #expect(findings.map { "\($0.check) \($0.resource)" } == ["performance.small-files s3://retail-dev-data/cleansed/clicks/"])
    }

    @Test func unencryptedLakeIsAHighFinding() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-review-plain")
        defer { directory.remove() }
        let lake = try Lake(
            path: directory.path, environment: ["TARN_ROOT_ACCESS_KEY_ID": "K", "TARN_ROOT_SECRET_ACCESS_KEY": "S"], defaultEncryption: .none,
            clock: ManualClock(now))
        try await lake.store.createBucket("plain")
        try await lake.store.put(bucket: "plain", key: "raw/a.csv", bytes: Array("a\n1\n".utf8))
        let finding = try #require(try lake.review().findings.first { $0.check == "security.unencrypted-bucket" })
        #expect(finding.severity == .high && finding.resource == "s3://plain")
        #expect(finding.evidence == [
            "no default encryption: the bucket has no encryption configuration and the server runs with --default-encryption none",
            "1 of 1 object(s) are stored unencrypted",
        ])
        // Setting a default encryption stops the bucket from taking plaintext, but the object
        // written before stays a finding until it is rewritten.
        try await lake.store.setBucketEncryption("plain", .default)
        #expect(try lake.review().findings.first { $0.check == "security.unencrypted-bucket" }?.evidence == ["1 of 1 object(s) are stored unencrypted"])
    }

    @Test func goodRetailLakeHasNoFindings() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-review-good")
        defer { directory.remove() }
        let clock = ManualClock(UTCDays.adding(days: -400, to: now))
        let lake = try lake(directory, clock: clock)
        let store = lake.store
        for bucket in ["retail-raw", "retail-cleansed", "retail-analytics"] {
            try await store.createBucket(bucket)
            try await lake.setBucketPolicy(
                bucket,
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::\#(bucket)","arn:aws:s3:::\#(bucket)/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#)
            try await store.setLifecycleConfiguration(
                bucket: bucket,
                LifecycleConfiguration(rules: [
                    LifecycleRule(
                        id: "retention", filter: LifecycleFilter(prefix: ""),
                        transitions: [LifecycleTransition(timing: .days(180), storageClass: .standardIA), LifecycleTransition(timing: .days(730), storageClass: .glacier)],
                        expiration: LifecycleExpiration(timing: .days(1825)), abortIncompleteMultipartUploadDays: 7)
                ]))
        }
        // Nightly raw CSV batches over a year (the raw zone keeps the source format), one
        // Parquet file per day partition in the cleansed zone, a small mart in analytics.
        for day in stride(from: 0, to: 400, by: 10) {
            clock.set(UTCDays.adding(days: -400 + day, to: now).addingTimeInterval(3 * 3600))
            let date = UTCDays.format(clock.now())
            try await store.put(bucket: "retail-raw", key: "raw/sales/dt=\(date)/store-01.csv", bytes: Self.salesCSV(bytes: 150_000))
            try await store.put(bucket: "retail-cleansed", key: "cleansed/sales/sale_date=\(date)/part-00000.parquet", bytes: Array(repeating: 7, count: 40_000))
        }
        try await store.put(bucket: "retail-analytics", key: "analytics/daily_sales/part-00000.parquet", bytes: Array(repeating: 8, count: 30_000))
        // An upload in progress for a day: the abort rule will take care of it if it stalls.
        _ = try await store.createMultipartUpload(bucket: "retail-raw", key: "raw/sales/big.csv", attributes: ObjectAttributes())
        clock.set(now)
        let report = try lake.review(thresholds: thresholds)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.check) \($0.resource): \($0.evidence)" })")
    }

    @Test func configurationFile() throws {
        let configuration = try LakeConfiguration.parse(
            """
            tiers:
              archive: { directory: /mnt/cold, compressed: true }
              fast: { directory: fast }
            classes:
              GLACIER_IR: fast
            restore:
              GLACIER: { Expedited: 0, Standard: 30s, Bulk: 2h }
              DEEP_ARCHIVE: { Standard: 1d }
            lifecycle: { interval: 6h }
            prices:
              storagePerGBMonth: { STANDARD: 0.021 }
              athenaPerTB: 6
            """)
        #expect(configuration.tiers.tiers["archive"] == StorageTier(directory: "/mnt/cold", compressed: true))
        #expect(configuration.tiers.tierName(for: .glacierIR) == "fast")
        #expect(configuration.tiers.tierName(for: .standardIA) == "infrequent")
        #expect(configuration.restoreDelays.glacier == [.expedited: 0, .standard: 30, .bulk: 7200])
        #expect(configuration.restoreDelays.deepArchive[.standard] == 86_400)
        #expect(configuration.lifecycleInterval == 6 * 3600)
        #expect(configuration.prices.storage(.standard) == 0.021)
        #expect(configuration.prices.storage(.glacier) == 0.0036)
        #expect(configuration.prices.athenaPerTB == 6)
        #expect { try LakeConfiguration.parse("classes: { GLACIER: nowhere }") } throws: { ($0 as? TarnError)?.message.contains("nowhere") == true }
        #expect { try LakeConfiguration.parse("tiers: { standard: { directory: elsewhere } }") } throws: { ($0 as? TarnError)?.code == .invalidArgument }
        #expect { try LakeConfiguration.parse("restore: { GLACIER: { Standard: soon } }") } throws: { ($0 as? TarnError)?.code == .invalidArgument }
        #expect(try LakeConfiguration.parse("") == LakeConfiguration())
    }
}

/// The query history makes "a CSV table queried often" visible: the finding appears once the
/// table has been read by the threshold's number of queries in the last 30 days.
@Suite struct TextTableQueriedOftenTests {
    @Test func frequentlyQueriedCSVTableIsFound() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-review-text")
        defer { directory.remove() }
        let lake = try Lake(path: directory.path, environment: ["TARN_ROOT_ACCESS_KEY_ID": "K", "TARN_ROOT_SECRET_ACCESS_KEY": "S"])
        try await lake.store.createBucket("shop")
        try await lake.store.put(bucket: "shop", key: "curated/sales/a.csv", bytes: ReviewTests.salesCSV(bytes: 50_000))
        var context = QueryContext()
        _ = try await lake.query.execute("CREATE DATABASE shop", context: &context)
        _ = try await lake.query.execute(
            """
            CREATE EXTERNAL TABLE shop.sales (sale_id bigint, store_id int, product_id int, quantity int, unit_price double, sold_at string)
            ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE LOCATION 's3://shop/curated/sales/'
            TBLPROPERTIES ('skip.header.line.count' = '1')
            """, context: &context)
        func finding() throws -> Finding? {
            try lake.review().findings.first { $0.check == "performance.text-format-queried-often" }
        }
        for _ in 0..<9 { _ = try await lake.query.execute("SELECT sum(quantity) FROM shop.sales", context: &context) }
        #expect(try finding() == nil, "nine queries are under the threshold of ten")
        _ = try await lake.query.execute("SELECT count(*) FROM shop.sales WHERE store_id = 3", context: &context)
        let found = try #require(try finding())
        #expect(found.resource == "s3://shop/curated/sales/")
        #expect(found.evidence.contains { $0.hasPrefix("10 queries in the last 30 days read") })
        #expect(try lake.review().checksUnavailable["performance.text-format-queried-often"] == nil)
    }
}
