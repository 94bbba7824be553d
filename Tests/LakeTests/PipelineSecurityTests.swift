import Access
import Cost
import Foundation
import Keys
import Pipeline
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// `Lake.applyPipeline` with the retail example: each environment gets its KMS key, roles,
/// default encryption, TLS-only policy and lifecycle rules, idempotently, and the key policies
/// keep each environment's roles to its own key.
@Suite struct PipelineSecurityTests {
    static let config = try! PipelineConfigParser.parse(RetailLakeExample.yaml, source: RetailLakeExample.path)

    func applied() async throws -> (TemporaryDirectory, Lake, [PipelineChange]) {
        let directory = try TemporaryDirectory(prefix: "tarn-secpipe")
        let lake = try Lake(path: directory.path, environment: [:])
        let changes = try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml)
        return (directory, lake, changes)
    }

    @Test func firstApplyCreatesKeysRolesAndBucketSettingsSecondChangesNothing() async throws {
        let (directory, lake, changes) = try await applied()
        defer { directory.remove() }
        let lines = Set(changes.map(\.description))
        for line in [
            "+ key alias/retail-dev", "+ key alias/retail-prod", "+ role dev-etl", "+ role dev-ingest", "+ role dev-analyst", "+ role prod-etl",
            "~ bucket retail-dev-data (encryption, policy: TLS only, lifecycle)", "~ bucket retail-prod-data (encryption, policy: TLS only, lifecycle)",
        ] {
            #expect(lines.contains(line), "\(line) missing from \(changes.map(\.description))")
        }
        #expect(try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml).isEmpty, "a second apply changes nothing")

        // Default encryption: SSE-KMS with the environment's key and a Bucket Key.
        let devKey = try lake.kms.resolve("alias/retail-dev"), prodKey = try lake.kms.resolve("alias/retail-prod")
        #expect(devKey.keyID != prodKey.keyID)
        #expect(devKey.rotationEnabled && prodKey.rotationEnabled)
        #expect(try lake.store.bucketEncryption("retail-dev-data") == BucketEncryptionRule(algorithm: "aws:kms", kmsKeyID: devKey.arn, bucketKeyEnabled: true))
        let object = try await lake.store.put(bucket: "retail-dev-data", key: "raw/sales/a.csv", bytes: Array("id\n1\n".utf8))
        #expect(object.attributes.encryption?.kmsKeyARN == devKey.arn)

        // TLS only: a plain-HTTP request is denied even for the root user; over TLS it is not.
        let root = Principal.root(accountID: Lake.accountID)
        for secure in ["false", "true"] {
            let decision = lake.authorizeS3(
                principal: root, action: "s3:GetObject", bucket: "retail-prod-data", key: "raw/x", context: ConditionContext(["aws:SecureTransport": [secure]]))
            #expect(decision.effect == (secure == "false" ? .explicitDeny : .allow), "\(decision.reason)")
        }
        #expect(try lake.bucketSecurity("retail-dev-data").publicAccessBlock == .allBlocked)
        let lifecycle = try #require(try lake.store.lifecycleConfiguration(bucket: "retail-dev-data"))
        #expect(lifecycle == Self.config.lifecycle?.configuration(zones: Self.config.zones))
    }

    @Test func rolesAreLeastPrivilegeAndKeyPoliciesKeepEnvironmentsApart() async throws {
        let (directory, lake, _) = try await applied()
        defer { directory.remove() }
        try await lake.store.put(bucket: "retail-dev-data", key: "raw/sales/a.csv", bytes: Array("id\n1\n".utf8))
        try await lake.store.put(bucket: "retail-dev-data", key: "cleansed/sales/part-0.parquet", bytes: [1, 2, 3])

        let ingest = try lake.session(role: "dev-ingest", name: "nightly")
        try await ingest.put(bucket: "retail-dev-data", key: "raw/sales/b.csv", bytes: Array("id\n2\n".utf8))
        #expect(throws: TarnError.self) { try ingest.get(bucket: "retail-dev-data", key: "raw/sales/a.csv") }
        await #expect(throws: TarnError.self) { try await ingest.put(bucket: "retail-dev-data", key: "cleansed/sales/x.parquet", bytes: [1]) }

        let etl = try lake.session(role: "dev-etl", name: "job-1")
        #expect(try etl.get(bucket: "retail-dev-data", key: "raw/sales/b.csv") == Array("id\n2\n".utf8))
        try await etl.put(bucket: "retail-dev-data", key: "cleansed/sales/part-1.parquet", bytes: [4])
        #expect(throws: TarnError.self) { try etl.get(bucket: "retail-prod-data", key: "raw/sales/a.csv") }

        let analyst = try lake.session(role: "dev-analyst", name: "bi")
        #expect(try analyst.get(bucket: "retail-dev-data", key: "cleansed/sales/part-0.parquet") == [1, 2, 3])
        #expect(throws: TarnError.self) { try analyst.get(bucket: "retail-dev-data", key: "raw/sales/a.csv") }

        // The prod key's policy itself keeps dev roles out: even with an IAM policy allowing
        // every S3 and KMS action, dev-etl cannot decrypt prod objects; prod-etl can.
        try await lake.store.put(bucket: "retail-prod-data", key: "raw/sales/p.csv", bytes: Array("id\n9\n".utf8))
        try lake.identities.putInlinePolicy(
            "too-broad", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}"#, on: .role("dev-etl"))
        let broad = try lake.session(role: "dev-etl", name: "job-2")
        let prodKeyARN = try lake.kms.resolve("alias/retail-prod").arn
        try broad.require("s3:GetObject", bucket: "retail-prod-data", key: "raw/sales/p.csv")
        #expect {
            try broad.get(bucket: "retail-prod-data", key: "raw/sales/p.csv")
        } throws: { error in
            // Denied by KMS (the message names the prod key), not by S3: the IAM policy allows the GET.
            "\(error)".contains(prodKeyARN)
        }
        #expect(throws: (any Error).self) {
            try lake.kms.checkUse(
                keyID: "alias/retail-prod", operation: "Decrypt", context: EncryptionContext(),
                caller: lake.keyCaller(Principal.assumedRole("dev-etl", session: "job-2", accountID: Lake.accountID)))
        }
        let prodETL = try lake.session(role: "prod-etl", name: "job-3")
        #expect(try prodETL.get(bucket: "retail-prod-data", key: "raw/sales/p.csv") == Array("id\n9\n".utf8))
    }

    @Test func mergesWithOtherPolicyStatementsAndRepairsDrift() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-secpipe-merge")
        defer { directory.remove() }
        let lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket("retail-dev-data")
        let theirs = #"{"Sid":"AuditorsRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/auditor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::retail-dev-data/analytics/*"}"#
        try await lake.setBucketPolicy("retail-dev-data", #"{"Version":"2012-10-17","Statement":[\#(theirs)]}"#)
        try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml)
        let policy = try #require(try lake.bucketSecurity("retail-dev-data").policy)
        #expect(policy.contains("AuditorsRead") && policy.contains(EnvironmentPolicies.tlsOnlySid))

        // Drift: someone turns rotation off, switches the bucket to SSE-S3 and Block Public Access off.
        let key = try lake.kms.resolve("alias/retail-dev")
        try lake.kms.disableKeyRotation(key.arn, caller: lake.rootKeyCaller)
        try await lake.store.setBucketEncryption("retail-dev-data", .default)
        try await lake.setPublicAccessBlock(
            "retail-dev-data", PublicAccessBlock(blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false))
        let dry = try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml, dryRun: true)
        #expect(dry.map(\.description) == ["~ key alias/retail-dev (rotation)", "~ bucket retail-dev-data (encryption, block public access)"])
        #expect(try lake.store.bucketEncryption("retail-dev-data") == .default, "a dry run changes nothing")
        #expect(try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml).map(\.description) == dry.map(\.description))
        #expect(try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml).isEmpty)
        #expect(try lake.kms.resolve("alias/retail-dev").rotationEnabled)

        // Dropping a role and tlsOnly: false remove what the previous apply made, and only that.
        var smaller = Self.config
        smaller.roles.removeAll { $0.name == "analyst" }
        smaller.environments[0].security.tlsOnly = false
        let changes = try await lake.applyPipeline(smaller, text: RetailLakeExample.yaml).map(\.description)
        #expect(changes.contains("- role dev-analyst") && changes.contains("- role prod-analyst"), "\(changes)")
        #expect(changes.contains("~ bucket retail-dev-data (policy: TLS-only statement removed)"), "\(changes)")
        #expect(changes.contains("~ key alias/retail-dev (policy)"), "the key policy no longer names dev-analyst: \(changes)")
        #expect((try? lake.identities.role("dev-analyst")) == nil)
        let after = try #require(try lake.bucketSecurity("retail-dev-data").policy)
        #expect(after.contains("AuditorsRead") && !after.contains(EnvironmentPolicies.tlsOnlySid))
    }

    @Test func aDisabledKeyIsReportedNotReenabled() async throws {
        let (directory, lake, _) = try await applied()
        defer { directory.remove() }
        try lake.kms.disableKey("alias/retail-prod", caller: lake.rootKeyCaller)
        await #expect {
            try await lake.applyPipeline(Self.config, text: RetailLakeExample.yaml)
        } throws: { error in
            (error as? TarnError)?.message.contains("alias/retail-prod") == true && (error as? TarnError)?.message.contains("Disabled") == true
        }
    }

    @Test func reviewOfTheAppliedRetailLakeHasNoSecurityFinding() async throws {
        let (directory, lake, _) = try await applied()
        defer { directory.remove() }
        try await lake.store.put(bucket: "retail-dev-data", key: "raw/sales/a.csv", bytes: Array("id\n1\n".utf8))
        let report = try lake.review()
        let security = report.findings.filter { $0.pillar == .security }
        #expect(security.isEmpty, "\(security.map { "\($0.check) \($0.resource): \($0.evidence)" })")
        #expect(report.checksRun.contains("security.tls-only-policy") && report.checksRun.contains("security.key-rotation"))

        // SSE-S3 where lake.yaml asks for the KMS key is a finding.
        try await lake.store.setBucketEncryption("retail-dev-data", .default)
        let drifted = try lake.review().findings.map { "\($0.check) \($0.resource)" }
        #expect(drifted == ["security.encryption-not-as-declared s3://retail-dev-data"])
    }
}
