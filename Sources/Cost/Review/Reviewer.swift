import Foundation
import Storage

/// `tarn review`: the Well-Architected data analytics lens as checks over a `ReviewSnapshot`.
///
/// Each check is a function from the snapshot to findings with evidence (the lake's own
/// numbers), an estimated effect priced with the `PriceTable`, and a fix. Checks for parts of
/// Tarn that are not in this build are listed in `unavailable` with the reason, rather than
/// silently passing.
public struct Reviewer: Sendable {
    /// Prices for effect estimates.
    public var prices: PriceTable
    /// Thresholds.
    public var thresholds: ReviewThresholds

    /// Creates a reviewer.
    public init(prices: PriceTable = .usEast1, thresholds: ReviewThresholds = ReviewThresholds()) {
        self.prices = prices
        self.thresholds = thresholds
    }

    /// Checks whose subject is not built yet, with the reason.
    public static let unavailable: [String: String] = [
        "security.root-used-by-services":
            "needs a request log saying which credentials S3 and streaming requests used; Tarn keeps none (the KMS audit log names principals, but Tarn's own in-process workers act as the root user by design, so root there proves nothing)",
    ]

    /// Runs every available check.
    public func review(_ snapshot: ReviewSnapshot) -> ReviewReport {
        let checks: [(String, (ReviewSnapshot) -> [Finding])] = [
            ("cost.lifecycle-missing", lifecycleMissing),
            ("cost.incomplete-multipart-uploads", incompleteUploads),
            ("performance.small-files", smallFiles),
            ("performance.tiny-partitions", tinyPartitions),
            ("performance.unpartitioned", unpartitioned),
            ("performance.text-format", textFormat),
            ("performance.text-format-queried-often", textTablesQueriedOften),
            ("security.unencrypted-bucket", unencryptedBuckets),
            ("security.encryption-not-as-declared", encryptionNotAsDeclared),
            ("security.tls-only-policy", tlsOnlyPolicy),
            ("security.block-public-access", blockPublicAccess),
            ("security.key-rotation", keyRotation),
        ]
        var findings: [Finding] = []
        for (_, check) in checks { findings += check(snapshot) }
        findings.sort { ($0.pillar.rawValue, -$0.severity.rank, $0.resource) < ($1.pillar.rawValue, -$1.severity.rank, $1.resource) }
        return ReviewReport(findings: findings, checksRun: checks.map(\.0), checksUnavailable: Self.unavailable)
    }

    // MARK: cost

    /// Standard data past the aged threshold that no lifecycle rule moves or expires.
    func lifecycleMissing(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.buckets.compactMap { bucket in
            let aged = bucket.uncoveredAged
            guard aged.objects > 0 else { return nil }
            let standard = prices.storage(.standard)
            let saving = Double(aged.bytes30To90Days) / PriceTable.bytesPerGB * (standard - prices.storage(.standardIA))
                + Double(aged.bytesOver90Days) / PriceTable.bytesPerGB * (standard - prices.storage(.glacierIR))
            let rules = bucket.lifecycle.map { "\($0.rules.count) rule(s), none covering these objects" } ?? "no lifecycle configuration"
            return Finding(
                check: "cost.lifecycle-missing", pillar: .cost, severity: .medium, resource: "s3://\(bucket.name)",
                title: "Aged data stays in STANDARD: no lifecycle rule moves or expires it",
                evidence: [
                    "\(aged.objects) object(s) in STANDARD older than \(thresholds.agedDays) days: \(Format.bytes(aged.bytes30To90Days)) 30–90 days old, \(Format.bytes(aged.bytesOver90Days)) older",
                    "bucket has \(rules)",
                ],
                effect: "moving 30–90-day-old data to STANDARD_IA and older data to GLACIER_IR would save about \(Format.usd(saving)) per month at list prices",
                fix: "add a lifecycle configuration (aws s3api put-bucket-lifecycle-configuration) with Transitions to STANDARD_IA after 30 days and GLACIER_IR/GLACIER after 90, and an Expiration matching the retention policy; check with `tarn lifecycle plan`")
        }
    }

    /// Incomplete multipart uploads past the stale threshold with no rule to abort them.
    func incompleteUploads(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.buckets.compactMap { bucket in
            let stale = bucket.unmanagedUploads.filter {
                snapshot.asOf.timeIntervalSince($0.initiated) >= Double(thresholds.staleUploadDays) * UTCDays.secondsPerDay
            }
            guard let oldest = stale.map(\.initiated).min() else { return nil }
            let bytes = stale.reduce(0) { $0 + $1.bytes }
            let age = Int(snapshot.asOf.timeIntervalSince(oldest) / UTCDays.secondsPerDay)
            return Finding(
                check: "cost.incomplete-multipart-uploads", pillar: .cost, severity: bytes > 0 ? .medium : .low, resource: "s3://\(bucket.name)",
                title: "Incomplete multipart uploads keep billing for their parts",
                evidence: ["\(stale.count) upload(s) older than \(thresholds.staleUploadDays) days holding \(Format.bytes(bytes)); the oldest started \(age) days ago"],
                effect: "aborting them frees \(Format.bytes(bytes)), about \(Format.usd(Double(bytes) / PriceTable.bytesPerGB * prices.storage(.standard))) per month",
                fix: "abort them (aws s3api abort-multipart-upload) and add a lifecycle rule with AbortIncompleteMultipartUpload DaysAfterInitiation=7")
        }
    }

    // MARK: performance

    /// Many files far below the target size: every query opens and reads each one. Source zones
    /// (raw, landing, staging) are left out: their files come in the producer's delivery size and
    /// are read once by the ETL job, whose output is what queries scan.
    func smallFiles(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.datasets.compactMap { layout in
            guard !thresholds.sourceZones.contains(LakeZone.of(bucket: layout.bucket, key: layout.location)),
                layout.files >= thresholds.smallFileMinimumFiles, layout.bytes / Int64(layout.files) < thresholds.smallFileBytes,
                layout.files > 2 * layout.partitions
            else { return nil }
            // Compaction can merge files only within a partition.
            let target = max(layout.partitions, Int((layout.bytes + thresholds.targetFileBytes - 1) / thresholds.targetFileBytes))
            return Finding(
                check: "performance.small-files", pillar: .performance, severity: .medium, resource: "s3://\(layout.bucket)/\(layout.location)",
                title: "Too many small files",
                evidence: [
                    "\(layout.files) files in \(layout.partitions) partition(s), \(Format.bytes(layout.bytes)) in all, \(Format.bytes(layout.bytes / Int64(layout.files))) per file on average (target ≥ \(Format.bytes(thresholds.targetFileBytes)))"
                ],
                effect: "compacting to one file per partition (or \(Format.bytes(thresholds.targetFileBytes)) files) cuts a full scan from \(layout.files) to about \(target) file opens and GET requests (\(String(format: "%.0f", Double(layout.files) / Double(max(1, target))))× fewer)",
                fix: "compact each partition (an ETL compaction job, or CTAS into a new location), and raise the producer's buffer size (Firehose BufferingHints) so new files are larger")
        }
    }

    /// Many partitions holding little data each: planning and listing dominate queries.
    func tinyPartitions(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.datasets.compactMap { layout in
            guard layout.isPartitioned, layout.partitions >= thresholds.manyPartitions,
                layout.bytes / Int64(layout.partitions) < thresholds.tinyPartitionBytes
            else { return nil }
            return Finding(
                check: "performance.tiny-partitions", pillar: .performance, severity: .medium, resource: "s3://\(layout.bucket)/\(layout.location)",
                title: "Too many partitions for the data they hold",
                evidence: ["\(layout.partitions) partitions averaging \(Format.bytes(layout.bytes / Int64(layout.partitions))) each"],
                effect: "a coarser partition key (e.g. month instead of day) would cut the partitions to list and plan by about \(layout.partitions / max(1, Int(thresholds.tinyPartitionBytes / max(1, layout.bytes / Int64(layout.partitions)))))×",
                fix: "repartition by a coarser key or use partition projection; keep partitions of at least \(Format.bytes(thresholds.tinyPartitionBytes))")
        }
    }

    /// Large data sets without partitions: every query scans all of it.
    func unpartitioned(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.datasets.compactMap { layout in
            guard !layout.isPartitioned, layout.bytes >= thresholds.unpartitionedBytes else { return nil }
            return Finding(
                check: "performance.unpartitioned", pillar: .performance, severity: .medium, resource: "s3://\(layout.bucket)/\(layout.location)",
                title: "Large data set without partitions",
                evidence: ["\(Format.bytes(layout.bytes)) in \(layout.files) files under one prefix, no name=value partition directories"],
                effect: "every query scans all \(Format.bytes(layout.bytes)) (\(Format.usd(prices.athenaQuery(scannedBytes: layout.bytes))) per Athena query); partitioning by the usual filter column (e.g. date) scans only the partitions a query names",
                fix: "write the data set partitioned (Hive-style col=value directories), e.g. with an ETL job's partition keys or CTAS WITH (partitioned_by = ARRAY['…'])")
        }
    }

    /// Curated (non-source) data sets stored as CSV/JSON.
    func textFormat(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.datasets.compactMap { layout in
            let zone = LakeZone.of(bucket: layout.bucket, key: layout.location)
            guard !thresholds.sourceZones.contains(zone), layout.textBytes >= thresholds.textFormatBytes else { return nil }
            var evidence = ["\(Format.bytes(layout.textBytes)) of CSV/JSON in \(layout.files) files (zone \(zone))"]
            var effect = "Parquet typically scans far fewer bytes (columnar, compressed, with statistics for pruning)"
            if let ratio = layout.measuredParquetRatio, let sample = layout.largestTextFile {
                evidence.append("converting \(sample.key) (\(Format.bytes(sample.size))) to Parquet gave \(Format.bytes(Int64(Double(sample.size) * ratio))), \(String(format: "%.1f", 100 * ratio))% of its size")
                let saved = Double(layout.textBytes) * (1 - ratio)
                effect = "a full scan would read \(String(format: "%.0f", 100 * (1 - ratio)))% less (\(Format.bytes(Int64(saved))) fewer bytes, \(Format.usd(prices.athenaQuery(scannedBytes: layout.textBytes) - prices.athenaQuery(scannedBytes: Int64(Double(layout.textBytes) * ratio)))) per Athena query), before column pruning"
            }
            return Finding(
                check: "performance.text-format", pillar: .performance, severity: .medium, resource: "s3://\(layout.bucket)/\(layout.location)",
                title: "Curated data stored as text (CSV/JSON)", evidence: evidence, effect: effect,
                fix: "convert to Parquet (tarn convert, an ETL job with Parquet output, or CTAS WITH (format = 'PARQUET')) and point the table at it")
        }
    }
}

/// Human-readable numbers for findings.
enum Format {
    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var amount = Double(value), unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: "%.1f", amount) + " " + units[unit]
    }

    static func usd(_ value: Double) -> String { value < 0.01 && value > 0 ? String(format: "$%.4f", value) : String(format: "$%.2f", value) }
}
