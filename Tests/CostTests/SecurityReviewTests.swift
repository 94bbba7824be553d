import Foundation
import Storage
import Testing

@testable import Cost

/// Each security check of `tarn review` on hand-built snapshots: it fires on the problem, with
/// evidence and a fix, and stays quiet on a bucket that is set up right.
@Suite struct SecurityReviewTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let allOn = ["BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true]
    static let keyARN = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"

    /// A bucket set up the way lake.yaml's retail example does it.
    static func good() -> BucketSecurityFacts {
        var facts = BucketSecurityFacts(
            defaultEncryption: "aws:kms", encryptionConfigured: true, kmsKeyARN: keyARN, declaredKMSKey: "alias/retail-dev", declaredKMSKeyARN: keyARN,
            plainHTTPDenied: true, publicAccessBlock: allOn)
        facts.objects = 10
        return facts
    }

    func review(_ security: BucketSecurityFacts, keys: [KeyFacts] = []) -> [Finding] {
        var bucket = BucketFacts(name: "retail-dev-data", lifecycle: nil)
        bucket.security = security
        return Reviewer().review(ReviewSnapshot(asOf: now, buckets: [bucket], datasets: [], keys: keys)).findings
    }

    @Test func aWellSetUpBucketHasNoSecurityFinding() {
        #expect(review(Self.good(), keys: [KeyFacts(arn: Self.keyARN, aliases: ["alias/retail-dev"], state: "Enabled", rotationEnabled: true)]).isEmpty)
        var unknown = BucketFacts(name: "x", lifecycle: nil)
        unknown.security = nil
        #expect(Reviewer().review(ReviewSnapshot(asOf: now, buckets: [unknown], datasets: [])).findings.isEmpty, "no facts, no findings")
    }

    @Test func unencryptedBucket() throws {
        var facts = Self.good()
        facts.defaultEncryption = "none"
        facts.encryptionConfigured = false
        facts.declaredKMSKey = nil
        facts.unencryptedObjects = 4
        let finding = try #require(review(facts).first)
        #expect(finding.check == "security.unencrypted-bucket" && finding.severity == .high && finding.pillar == .security)
        #expect(finding.evidence.contains { $0.contains("--default-encryption none") })
        #expect(finding.evidence.contains { $0 == "4 of 10 object(s) are stored unencrypted" })
        #expect(finding.fix.contains("put-bucket-encryption"))
    }

    @Test func encryptionNotAsDeclared() throws {
        var facts = Self.good()
        facts.defaultEncryption = "AES256"
        facts.kmsKeyARN = nil
        let finding = try #require(review(facts).first)
        #expect(finding.check == "security.encryption-not-as-declared" && finding.severity == .medium)
        #expect(finding.evidence == ["lake.yaml declares alias/retail-dev (\(Self.keyARN)); the bucket's default encryption is SSE-S3 (AES256)"])
        facts.declaredKMSKeyARN = nil
        #expect(review(facts).first?.evidence.first?.contains("which does not exist") == true)
        // Another KMS key than the declared one.
        var other = Self.good()
        other.kmsKeyARN = "arn:aws:kms:us-east-1:000000000000:key/99999999-2222-3333-4444-555555555555"
        #expect(review(other).map(\.check) == ["security.encryption-not-as-declared"])
    }

    @Test func plainHTTPAllowed() throws {
        var facts = Self.good()
        facts.plainHTTPDenied = false
        let finding = try #require(review(facts).first)
        #expect(finding.check == "security.tls-only-policy" && finding.severity == .medium)
        #expect(finding.fix.contains("aws:SecureTransport"))
    }

    @Test func blockPublicAccessOff() throws {
        var facts = Self.good()
        facts.publicAccessBlock["RestrictPublicBuckets"] = false
        facts.publicAccessBlock["BlockPublicPolicy"] = false
        let finding = try #require(review(facts).first)
        #expect(finding.check == "security.block-public-access" && finding.severity == .medium)
        #expect(finding.evidence == ["Block Public Access settings off: BlockPublicPolicy, RestrictPublicBuckets"])
        facts.policyIsPublic = true
        #expect(review(facts).first?.severity == .high, "a public policy with nothing blocking it")
    }

    @Test func keyWithoutRotation() throws {
        let keys = [
            KeyFacts(arn: Self.keyARN, aliases: ["alias/retail-dev"], state: "Enabled", rotationEnabled: false, usedBy: ["retail-dev-data"]),
            KeyFacts(arn: "arn:aws:kms:us-east-1:000000000000:key/disabled", aliases: [], state: "Disabled", rotationEnabled: false),
        ]
        let findings = review(Self.good(), keys: keys)
        #expect(findings.map(\.check) == ["security.key-rotation"])
        #expect(findings.first?.resource == Self.keyARN)
        #expect(findings.first?.evidence == ["automatic rotation is off (aliases: alias/retail-dev)", "default encryption key of s3://retail-dev-data"])
        #expect(findings.first?.fix.contains("enable-key-rotation") == true)
    }

    @Test func rootUseByServicesIsReportedAsNotChecked() {
        let report = Reviewer().review(ReviewSnapshot(asOf: now, buckets: [], datasets: []))
        #expect(report.checksUnavailable["security.root-used-by-services"]?.contains("request log") == true)
        for check in ["security.unencrypted-bucket", "security.tls-only-policy", "security.block-public-access", "security.key-rotation"] {
            #expect(report.checksRun.contains(check) && report.checksUnavailable[check] == nil)
        }
    }
}
