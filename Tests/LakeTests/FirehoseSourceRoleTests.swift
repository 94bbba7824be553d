import Access
import Foundation
import Ingest
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// A `KinesisStreamAsSource` delivery stream reads its source stream as the source's `RoleARN`
/// (`kinesis:DescribeStream`, `ListShards`, `GetShardIterator`, `GetRecords` on the stream ARN):
/// a role that may not read delivers nothing, shows why, and loses nothing.
@Suite struct FirehoseSourceRoleTests {
    static let role = "firehose-reader"
    static let roleARN = "arn:aws:iam::000000000000:role/firehose-reader"
    static let write = #"{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::lake/raw/*"}"#

    func lake(_ directory: TemporaryDirectory) async throws -> Lake {
        let lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket("lake")
        try lake.identities.createRole(Self.role)
        _ = try lake.streams.createStream(name: "clicks", shardCount: 2, mode: .provisioned)
        return lake
    }

    /// The role's policy: writing the destination and the given Kinesis actions on the stream.
    func grant(_ lake: Lake, kinesis actions: [String]) throws {
        let list = actions.map { "\"\($0)\"" }.joined(separator: ",")
        let read = #"{"Effect":"Allow","Action":[\#(list)],"Resource":"\#(lake.streams.arn("clicks"))"}"#
        try lake.identities.putInlinePolicy("Deliver", document: #"{"Version":"2012-10-17","Statement":[\#(Self.write),\#(read)]}"#, on: .role(Self.role))
    }

    func configuration(sourceRole: String? = Self.roleARN) -> DeliveryStreamConfiguration {
        DeliveryStreamConfiguration(
            source: .kinesisStream, sourceStreamName: "clicks", bucket: "lake", prefix: "raw/", bufferIntervalSeconds: 0, appendNewline: true,
            roleARN: Self.roleARN, sourceRoleARN: sourceRole)
    }

    func put(_ lake: Lake, _ records: [String]) async throws {
        var input = PutRecordsInput()
        for (index, record) in records.enumerated() { input.append(partitionKey: "key-\(index)", data: Array(record.utf8)) }
        let outcomes = try await lake.streams.put(stream: "clicks", input)
        #expect(outcomes.count == records.count)
    }

    /// The delivered records, one per line, sorted.
    func delivered(_ lake: Lake) throws -> [String] {
        try lake.store.list(bucket: "lake", prefix: "raw/").objects.flatMap {
            String(decoding: try lake.store.get(bucket: "lake", key: $0.key), as: UTF8.self).split(separator: "\n").map(String.init)
        }.sorted()
    }

    @Test func aSourceRoleWithoutGetRecordsDeliversNothingUntilAllowedAndLosesNothing() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-source")
        defer { directory.remove() }
        let lake = try await lake(directory)
        try grant(lake, kinesis: ["kinesis:DescribeStream", "kinesis:ListShards", "kinesis:GetShardIterator"])
        try lake.firehose.create(name: "clicks-to-s3", configuration: configuration())
        let records = (0..<20).map { "click-\($0)" }
        try await put(lake, records)

        #expect(try await eventually { try lake.firehose.describe("clicks-to-s3").lastError != nil })
        let failure = try #require(try lake.firehose.describe("clicks-to-s3").lastError)
        #expect(failure.contains("AccessDenied"), "\(failure)")
        #expect(failure.contains("assumed-role/firehose-reader/firehose-clicks-to-s3"), "\(failure)")
        #expect(failure.contains("kinesis:GetRecords") && failure.contains(lake.streams.arn("clicks")), "\(failure)")
        #expect(failure.contains("stay in the source stream"), "\(failure)")
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(try delivered(lake).isEmpty)
        #expect(try lake.firehose.describe("clicks-to-s3").deliveredRecords == 0)

        // More records while the role is wrong, then the fix: every record arrives once.
        try await put(lake, ["late-1", "late-2"])
        try grant(lake, kinesis: SourceStreamAction.allCases.map(\.rawValue))
        let expected = (records + ["late-1", "late-2"]).sorted()
        #expect(try await eventually { try delivered(lake) == expected })
        #expect(try await eventually {
            let info = try lake.firehose.describe("clicks-to-s3")
            return info.deliveredRecords == expected.count && info.lastError == nil
        })
        await lake.firehose.stopAll()
    }

    /// The deliverer keeps an allowed source role's permission while IAM does not change; a
    /// policy change moves the IAM generation, so a revocation stops the very next read.
    @Test func revokingTheSourceRoleStopsDelivery() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-source")
        defer { directory.remove() }
        let lake = try await lake(directory)
        try grant(lake, kinesis: SourceStreamAction.allCases.map(\.rawValue))
        try lake.firehose.create(name: "clicks-to-s3", configuration: configuration())
        try await put(lake, ["allowed"])
        #expect(try await eventually { try delivered(lake) == ["allowed"] })

        try grant(lake, kinesis: ["kinesis:DescribeStream", "kinesis:ListShards", "kinesis:GetShardIterator"])
        #expect(try await eventually { (try lake.firehose.describe("clicks-to-s3").lastError ?? "").contains("kinesis:GetRecords") })
        try await put(lake, ["revoked"])
        // Longer than the deliverer keeps an allowed decision without an IAM change.
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(try delivered(lake) == ["allowed"])

        try lake.identities.deleteInlinePolicy("Deliver", from: .role(Self.role))
        try lake.identities.deleteRole(Self.role)
        #expect(try await eventually { (try lake.firehose.describe("clicks-to-s3").lastError ?? "").contains("NoSuchEntity") })
        #expect(try delivered(lake) == ["allowed"])
        await lake.firehose.stopAll()
    }

    @Test func eachOfTheFourReadActionsIsRequired() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-source")
        defer { directory.remove() }
        let lake = try await lake(directory)
        try lake.firehose.create(name: "clicks-to-s3", configuration: configuration())
        for missing in SourceStreamAction.allCases {
            try grant(lake, kinesis: SourceStreamAction.allCases.filter { $0 != missing }.map(\.rawValue))
            #expect(try await eventually { (try lake.firehose.describe("clicks-to-s3").lastError ?? "").contains(missing.rawValue) }, "\(missing)")
        }
        // Allowed again: the failure shown is cleared even with nothing to deliver.
        try grant(lake, kinesis: ["kinesis:*"])
        #expect(try await eventually { try lake.firehose.describe("clicks-to-s3").lastError == nil })
        await lake.firehose.stopAll()
    }

    @Test func theSourceRoleIsStoredAndStillAppliesAfterARestart() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-source")
        defer { directory.remove() }
        do {
            let lake = try await lake(directory)
            try grant(lake, kinesis: ["kinesis:DescribeStream"])
            try lake.firehose.create(name: "clicks-to-s3", configuration: configuration())
            try await put(lake, ["before-restart"])
            #expect(try await eventually { try lake.firehose.describe("clicks-to-s3").lastError != nil })
            await lake.firehose.stopAll()
        }
        let lake = try Lake(path: directory.path, environment: [:])
        #expect(try lake.firehose.describe("clicks-to-s3").configuration.sourceRoleARN == Self.roleARN)
        #expect(try await eventually { (try lake.firehose.describe("clicks-to-s3").lastError ?? "").contains("kinesis:ListShards") })
        #expect(try delivered(lake).isEmpty)
        try grant(lake, kinesis: ["kinesis:*"])
        #expect(try await eventually { try delivered(lake) == ["before-restart"] })
        await lake.firehose.stopAll()
    }

    @Test func anUnknownOrMisplacedSourceRoleIsRefusedAtCreate() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-firehose-source")
        defer { directory.remove() }
        let lake = try await lake(directory)
        for arn in ["arn:aws:iam::000000000000:role/missing", "arn:aws:iam::111111111111:role/firehose-reader", "firehose-reader"] {
            let code = errorCode { try lake.firehose.create(name: "clicks-to-s3", configuration: configuration(sourceRole: arn)) }
            #expect(code == .invalidArgumentException, "\(arn)")
        }
        // A source role on a DirectPut stream names no source.
        var direct = DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", sourceRoleARN: Self.roleARN)
        direct.roleARN = Self.roleARN
        #expect(errorCode { try lake.firehose.create(name: "direct", configuration: direct) } == .invalidArgumentException)
        #expect(lake.firehose.list().isEmpty)
    }
}
