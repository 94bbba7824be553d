import Access
import Foundation
import Ingest
import Keys
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// A delivery stream whose destination names a `RoleARN` delivers as a session of that role:
/// `s3:PutObject` and the SSE-KMS data key are authorized for it, and a denied delivery keeps
/// its records buffered until the role is allowed.
@Suite struct FirehoseRoleTests {
    static let roleARN = "arn:aws:iam::000000000000:role/firehose-writer"

    func lake() async throws -> (TemporaryDirectory, Lake) {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-role")
        let lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket("lake")
        try lake.identities.createRole("firehose-writer")
        return (directory, lake)
    }

    func policy(_ actions: [String], resource: String) -> String {
        let list = actions.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[\#(list)],"Resource":"\#(resource)"}}"#
    }

    func put(_ lake: Lake, _ text: String) async throws {
        var input = PutRecordsInput()
        input.append(partitionKey: "", data: Array(text.utf8))
        _ = try await lake.firehose.put(name: "clicks", input)
    }

    /// Waits until `condition` holds (deliveries retry with up to 5 s backoff).
    func eventually(seconds: Double = 20, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return try condition()
    }

    func delivered(_ lake: Lake) throws -> [String] {
        try lake.store.list(bucket: "lake", prefix: "raw/").objects.map { String(decoding: try lake.store.get(bucket: "lake", key: $0.key), as: UTF8.self) }
    }

    @Test func aRoleWithoutPutObjectKeepsRecordsBufferedUntilAllowed() async throws {
        let (directory, lake) = try await lake()
        defer { directory.remove() }
        // The role may write elsewhere, not under raw/.
        try lake.identities.putInlinePolicy("Write", document: policy(["s3:PutObject"], resource: "arn:aws:s3:::lake/other/*"), on: .role("firehose-writer"))
        try lake.firehose.create(
            name: "clicks",
            configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", bufferIntervalSeconds: 0, appendNewline: true, roleARN: Self.roleARN))
        try await put(lake, #"{"click":1}"#)

        #expect(try await eventually { try lake.firehose.describe("clicks").lastError != nil })
        let failure = try #require(try lake.firehose.describe("clicks").lastError)
        #expect(failure.contains("AccessDenied") && failure.contains("assumed-role/firehose-writer/firehose-clicks") && failure.contains("stay buffered"))
        #expect(try delivered(lake).isEmpty)
        #expect(try lake.firehose.describe("clicks").deliveredRecords == 0)

        try lake.identities.putInlinePolicy("Write", document: policy(["s3:PutObject"], resource: "arn:aws:s3:::lake/raw/*"), on: .role("firehose-writer"))
        #expect(try await eventually { try delivered(lake) == ["{\"click\":1}\n"] })
        let info = try lake.firehose.describe("clicks")
        #expect(info.deliveredRecords == 1 && info.lastError == nil)
        await lake.firehose.stopAll()
    }

    @Test func sseKMSDataKeysAreRequestedAsTheRole() async throws {
        let (directory, lake) = try await lake()
        defer { directory.remove() }
        let admin = lake.keyCaller(.root(accountID: Lake.accountID))
        // The default key policy lets IAM policies decide: the role may write but not use the key.
        let key = try lake.kms.createKey(description: "firehose", caller: admin)
        try await lake.store.setBucketEncryption("lake", BucketEncryptionRule(algorithm: "aws:kms", kmsKeyID: key.arn, bucketKeyEnabled: false))
        try lake.identities.putInlinePolicy("Write", document: policy(["s3:PutObject"], resource: "arn:aws:s3:::lake/raw/*"), on: .role("firehose-writer"))
        try lake.firehose.create(
            name: "clicks",
            configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", bufferIntervalSeconds: 0, appendNewline: true, roleARN: Self.roleARN))
        try await put(lake, "kms-record")

        #expect(try await eventually { try lake.firehose.describe("clicks").lastError != nil })
        #expect(try delivered(lake).isEmpty)
        let principal = "arn:aws:sts::000000000000:assumed-role/firehose-writer/firehose-clicks"
        #expect(try lake.kms.audit.events().contains { $0.principal == principal && $0.decision == "denied" && $0.operation == "GenerateDataKey" })

        try lake.identities.putInlinePolicy("Key", document: policy(["kms:GenerateDataKey"], resource: key.arn), on: .role("firehose-writer"))
        #expect(try await eventually { try delivered(lake) == ["kms-record\n"] })
        #expect(try lake.kms.audit.events().contains { $0.principal == principal && $0.decision == "allowed" && $0.operation == "GenerateDataKey" })
        await lake.firehose.stopAll()
    }

    @Test func aRoleARNMustNameARoleOfTheLake() async throws {
        let (directory, lake) = try await lake()
        defer { directory.remove() }
        for arn in ["arn:aws:iam::000000000000:role/missing", "arn:aws:iam::111111111111:role/firehose-writer", "firehose-writer"] {
            let code = errorCode {
                try lake.firehose.create(name: "clicks", configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", roleARN: arn))
            }
            #expect(code == .invalidArgumentException, "\(arn)")
        }
        #expect(lake.firehose.list().isEmpty)
    }
}
