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
        // The object is visible a moment before the deliverer's counters are updated.
        #expect(try await eventually {
            let info = try lake.firehose.describe("clicks")
            return info.deliveredRecords == 1 && info.lastError == nil
        })
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

/// StartDeliveryStreamEncryption: DirectPut records wait in the delivery buffer sealed under a
/// KMS data key, and are delivered decrypted.
@Suite struct FirehoseBufferEncryptionTests {
    /// Whether any file under `directory` contains `marker`.
    func filesContain(_ directory: String, _ marker: String) throws -> Bool {
        let needle = Array(marker.utf8)
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return false }
        for case let relative as String in walker {
            guard let data = FileManager.default.contents(atPath: directory + "/" + relative) else { continue }
            let bytes = [UInt8](data)
            if bytes.count >= needle.count, (0...(bytes.count - needle.count)).contains(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }) {
                return true
            }
        }
        return false
    }

    func put(_ lake: Lake, _ stream: String, _ text: String) async throws {
        var input = PutRecordsInput()
        input.append(partitionKey: "", data: Array(text.utf8))
        _ = try await lake.firehose.put(name: stream, input)
    }

    @Test func bufferedRecordsAreSealedAndDeliveredInPlaintext() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-sse")
        defer { directory.remove() }
        let lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket("lake")
        let key = try lake.kms.createKey(description: "firehose buffers", caller: lake.keyCaller(.root(accountID: Lake.accountID)))
        // Long buffer intervals: the records stay in DIR/firehose while the files are scanned.
        for name in ["sealed", "plain"] {
            try lake.firehose.create(name: name, configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "\(name)/", bufferIntervalSeconds: 900))
        }
        try lake.firehose.startEncryption(name: "sealed", keyID: key.arn)
        #expect(try lake.firehose.describe("sealed").encryptionKeyID == key.arn)
        #expect(try lake.firehose.describe("plain").encryptionKeyID == nil)
        try await put(lake, "sealed", "MARKER-sealed-5b1e9c")
        try await put(lake, "plain", "MARKER-plain-5b1e9c")
        #expect(try filesContain(directory.path + "/firehose", "MARKER-plain-5b1e9c"))
        #expect(try !filesContain(directory.path + "/firehose", "MARKER-sealed-5b1e9c"))
        #expect(try lake.kms.audit.events().contains { $0.operation == "GenerateDataKey" && $0.via == "firehose.us-east-1.amazonaws.com" })

        // An encrypted stream that flushes at once delivers what was sealed.
        try lake.firehose.create(name: "fast", configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "fast/", bufferIntervalSeconds: 0))
        try lake.firehose.startEncryption(name: "fast", keyID: key.arn)
        try await put(lake, "fast", "MARKER-fast-5b1e9c")
        let deadline = Date().addingTimeInterval(20)
        var delivered: [String] = []
        while Date() < deadline && delivered.isEmpty {
            delivered = try lake.store.list(bucket: "lake", prefix: "fast/").objects.map { String(decoding: try lake.store.get(bucket: "lake", key: $0.key), as: UTF8.self) }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(delivered == ["MARKER-fast-5b1e9c"])
        await lake.firehose.stopAll()
    }

    @Test func kinesisSourcedStreamsRefuseBufferEncryption() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-sse")
        defer { directory.remove() }
        let lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket("lake")
        _ = try lake.streams.createStream(name: "clicks", shardCount: 1, mode: .provisioned)
        try lake.firehose.create(name: "k", configuration: DeliveryStreamConfiguration(source: .kinesisStream, sourceStreamName: "clicks", bucket: "lake"))
        #expect(errorCode { try lake.firehose.startEncryption(name: "k", keyID: "alias/aws/s3") } == .invalidArgumentException)
        await lake.firehose.stopAll()
    }
}
