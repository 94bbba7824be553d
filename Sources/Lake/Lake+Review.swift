import Access
import Conversion
import Cost
import Foundation
import Keys
import Parquet
import Pipeline
import Storage
import TarnCore

extension Lake {
    /// The most text read to measure what Parquet would save on a data set.
    static let parquetSampleBytes = 8 << 20

    /// `tarn review`: gathers a `ReviewSnapshot` from the live lake (object metadata, lifecycle
    /// configurations, incomplete uploads, and a Parquet conversion of one sample file per
    /// curated text data set) and runs the checks.
    public func review(asOf: Date? = nil, thresholds: ReviewThresholds = ReviewThresholds()) throws -> ReviewReport {
        let now = asOf ?? store.clock.now()
        var buckets: [BucketFacts] = []
        var datasets = DatasetIndex()
        let applied = try? pipeline.applied()
        for bucket in try store.buckets() {
            var facts = BucketFacts(name: bucket.name, lifecycle: try store.lifecycleConfiguration(bucket: bucket.name))
            var security = try securityFacts(bucket: bucket.name, declared: applied?.environments.first { $0.bucket == bucket.name })
            try store.forEachObject(bucket: bucket.name) { object in
                facts.add(object, asOf: now, agedDays: thresholds.agedDays)
                datasets.add(bucket: bucket.name, key: object.key, size: object.size)
                security.objects += 1
                if object.attributes.encryption == nil { security.unencryptedObjects += 1 }
            }
            for upload in try store.index.uploads(bucket: bucket.name, prefix: "", keyMarker: nil, uploadIDMarker: nil, limit: Int.max) {
                let bytes = try store.index.parts(uploadID: upload.uploadID).reduce(0) { $0 + $1.size }
                facts.add(StaleUpload(key: upload.key, uploadID: upload.uploadID, initiated: upload.initiated, bytes: bytes))
            }
            facts.security = security
            buckets.append(facts)
        }
        for layout in datasets.sorted {
            let zone = LakeZone.of(bucket: layout.bucket, key: layout.location)
            guard !thresholds.sourceZones.contains(zone), layout.textBytes >= thresholds.textFormatBytes, let sample = layout.largestTextFile else { continue }
            if let ratio = try? measureParquetRatio(bucket: layout.bucket, key: sample.key) {
                datasets.setMeasuredRatio(bucket: layout.bucket, location: layout.location, ratio)
            }
        }
        let reviewer = Reviewer(prices: configuration.prices, thresholds: thresholds)
        return reviewer.review(
            ReviewSnapshot(
                asOf: now, buckets: buckets, datasets: datasets.sorted, keys: try customerKeyFacts(buckets: buckets),
                textTables: try textTableUsage(asOf: now)))
    }

    /// Catalog tables stored as CSV or JSON with the statements that read them in the 30 days
    /// before `asOf` (from the query history).
    func textTableUsage(asOf: Date) throws -> [TextTableUsage] {
        var usage: [String: (queries: Int, bytes: Int64)] = [:]
        if let history = query.history {
            for statement in try history.usage(from: asOf.addingTimeInterval(-30 * 86_400), to: asOf) {
                for scan in statement.tables {
                    let name = (scan.database ?? "default") + "." + scan.table
                    usage[name, default: (0, 0)].queries += 1
                    usage[name, default: (0, 0)].bytes += scan.bytesScanned
                }
            }
        }
        var tables: [TextTableUsage] = []
        for database in try catalog.databases() {
            for table in try catalog.tables(database: database.name) where table.format != .parquet {
                let name = database.name + "." + table.name
                let used = usage[name] ?? (0, 0)
                tables.append(
                    TextTableUsage(name: name, format: table.format.rawValue, location: table.location, queries: used.queries, bytesScanned: used.bytes))
            }
        }
        return tables
    }

    /// A bucket's encryption, TLS-only and Block Public Access facts. Whether plain HTTP is
    /// denied is asked of the policy engine (root user, GetObject and PutObject, with
    /// `aws:SecureTransport` false), so any policy that denies it counts, however written.
    func securityFacts(bucket: String, declared: EnvironmentConfig?) throws -> BucketSecurityFacts {
        let rule = try store.bucketEncryption(bucket)
        let fallback = store.keyring?.defaultEncryption ?? ServerSideEncryption.none
        let algorithm = rule?.algorithm ?? fallback.headerValue ?? "none"
        var kmsKeyARN: String?
        if algorithm == "aws:kms" { kmsKeyARN = try? kms.resolve(rule?.kmsKeyID ?? "alias/aws/s3").arn }
        let bucketSecurity = try bucketSecurity(bucket)
        let insecure = ConditionContext(["aws:SecureTransport": ["false"]])
        let root = Principal.root(accountID: Self.accountID)
        let plainHTTPDenied = ["s3:GetObject", "s3:PutObject"].allSatisfy {
            authorizeS3(principal: root, action: $0, bucket: bucket, key: "review-probe", context: insecure).effect == .explicitDeny
        }
        let block = bucketSecurity.publicAccessBlock
        let policyIsPublic = bucketSecurity.policy.flatMap { try? authorizer.cache.document($0, kind: .resource) }?.isPublic ?? false
        let declaredKey = declared?.security.encryption?.kmsKey
        return BucketSecurityFacts(
            defaultEncryption: algorithm, encryptionConfigured: rule != nil, kmsKeyARN: kmsKeyARN, declaredKMSKey: declaredKey,
            declaredKMSKeyARN: declaredKey.flatMap { try? kms.resolve($0).arn }, plainHTTPDenied: plainHTTPDenied,
            publicAccessBlock: [
                "BlockPublicAcls": block.blockPublicAcls, "IgnorePublicAcls": block.ignorePublicAcls, "BlockPublicPolicy": block.blockPublicPolicy,
                "RestrictPublicBuckets": block.restrictPublicBuckets,
            ],
            policyIsPublic: policyIsPublic)
    }

    /// Customer managed keys (those without an `alias/aws/` alias) with their rotation state and
    /// the buckets that use them.
    func customerKeyFacts(buckets: [BucketFacts]) throws -> [KeyFacts] {
        let caller = rootKeyCaller
        let aliases = try kms.listAliases(caller: caller)
        return try kms.listKeys(caller: caller).compactMap { key in
            let names = aliases.filter { $0.targetKeyID == key.keyID }.map(\.name)
            guard !names.contains(where: { $0.hasPrefix("alias/aws/") }) else { return nil }
            let usedBy = buckets.filter { $0.security?.kmsKeyARN == key.arn }.map(\.name)
            return KeyFacts(arn: key.arn, aliases: names, state: key.state.rawValue, rotationEnabled: key.rotationEnabled, usedBy: usedBy)
        }
    }

    /// Converts (up to `parquetSampleBytes` of) a CSV/JSON object to Parquet in memory and
    /// returns Parquet bytes per input byte.
    func measureParquetRatio(bucket: String, key: String) throws -> Double {
        guard let (format, gzip) = TextFormat.detect(fileName: key) else { throw TarnError(.invalidArgument, "\(key) is not CSV or JSON") }
        let reader = try store.open(bucket: bucket, key: key)
        var length = Int(min(reader.info.size, Int64(Self.parquetSampleBytes)))
        var bytes = try reader.read(0..<Int64(length))
        // A cut sample ends at its last complete line (gzip samples are read whole or not at all).
        if Int64(length) < reader.info.size {
            guard !gzip, let lastNewline = bytes.lastIndex(of: 0x0A) else { throw TarnError(.unsupported, "sample of \(key) cannot be cut") }
            length = lastNewline + 1
            bytes.removeLast(bytes.count - length)
        }
        let converter = TextToParquet(format: format, schema: nil, gzip: gzip, sink: MemorySink(), onReject: { _ in })
        try converter.push(bytes)
        let (_, sink) = try converter.finish()
        guard length > 0 else { throw TarnError(.invalidArgument, "empty sample") }
        return Double(sink.bytes.count) / Double(length)
    }
}
