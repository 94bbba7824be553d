import Access
import Foundation
import Ingest
import Lake
import TarnCore
import TarnTesting
import Testing

@testable import Server

/// Kinesis and Firehose requests are authorized per stream, against the stream's ARN, with the
/// action names IAM uses for them (Service Authorization Reference for Kinesis Data Streams and
/// Data Firehose): a policy can scope a user to one stream.
@Suite struct StreamAuthorizationTests {
    static let account = "000000000000"
    static func streamARN(_ name: String) -> String { "arn:aws:kinesis:us-east-1:\(account):stream/\(name)" }
    static func deliveryARN(_ name: String) -> String { "arn:aws:firehose:us-east-1:\(account):deliverystream/\(name)" }

    /// A lake with streams `a` and `b`, delivery streams `da` and `db`, and two users:
    /// `writer` may write, read and describe `a` (and write `da`) only; `wild` may do every Kinesis
    /// action on every stream except `b`, which a Deny statement takes away.
    struct World {
        let directory: TemporaryDirectory
        let lake: Lake
        let kinesis: KinesisService
        let firehose: FirehoseService
        static let root = Principal.root(accountID: StreamAuthorizationTests.account)
        static let writer = Principal(kind: .user, accountID: StreamAuthorizationTests.account, name: "writer")
        static let wild = Principal(kind: .user, accountID: StreamAuthorizationTests.account, name: "wild")

        init() async throws {
            directory = try TemporaryDirectory(prefix: "tarn-stream-auth")
            lake = try Lake(path: directory.path, environment: [:])
            kinesis = KinesisService(streams: lake.streams, authorizer: lake.authorizer)
            firehose = FirehoseService(delivery: lake.firehose, streams: lake.streams, authorizer: lake.authorizer)
            try await lake.store.createBucket("lake")
            for name in ["a", "b"] { _ = try lake.streams.createStream(name: name, shardCount: 1, mode: .provisioned) }
            for name in ["da", "db"] { try lake.firehose.create(name: name, configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/\(name)/")) }
            _ = try lake.identities.createUser("writer")
            try lake.identities.putInlinePolicy(
                "streams",
                document: """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"StreamA","Effect":"Allow","Resource":"\(StreamAuthorizationTests.streamARN("a"))",
                       "Action":["kinesis:PutRecord","kinesis:PutRecords","kinesis:GetRecords","kinesis:GetShardIterator","kinesis:DescribeStream","kinesis:ListShards"]},
                      {"Sid":"DeliveryA","Effect":"Allow","Action":["firehose:PutRecord","firehose:PutRecordBatch"],"Resource":"\(StreamAuthorizationTests.deliveryARN("da"))"}]}
                    """, on: .user("writer"))
            _ = try lake.identities.createUser("wild")
            try lake.identities.putInlinePolicy(
                "streams",
                document: """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"Everything","Effect":"Allow","Action":["kinesis:*","firehose:*"],"Resource":"*"},
                      {"Sid":"NotB","Effect":"Deny","Action":"kinesis:*","Resource":"arn:aws:kinesis:*:*:stream/b"}]}
                    """, on: .user("wild"))
        }

        /// Calls an operation as `principal`, through the raw path when the service has one (as the dispatcher does).
        @discardableResult
        func call(_ service: any AWSJSONService, _ operation: String, _ json: String, as principal: Principal) async throws -> AWSJSONValue {
            let caller = AWSJSONCaller(principal: principal, requestID: "test")
            let body = Array(json.utf8)
            if let raw = try await service.handleRaw(operation: operation, body: body, caller: caller) { return try AWSJSONValue.parse(raw) }
            guard case .object(let members) = try AWSJSONValue.parse(body) else { throw TarnError(.internal, "not an object: \(json)") }
            return try await service.handle(operation: operation, request: AWSJSONRequest(body: members, caller: caller))
        }

        /// The error type of a call, nil when it succeeds (with its message).
        func failure(_ service: any AWSJSONService, _ operation: String, _ json: String, as principal: Principal) async -> (type: String, message: String)? {
            await awsJSONFailure { _ = try await call(service, operation, json, as: principal) }
        }

        func iterator(_ stream: String) async throws -> String {
            let result = try await call(kinesis, "GetShardIterator", #"{"StreamName":"\#(stream)","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#, as: Self.root)
            return try #require(result["ShardIterator"]?.string)
        }
    }

    /// Every stream operation with a body naming stream `b` by name; the resource must be b's ARN.
    static let operationBodies: [(String, String)] = [
        ("CreateStream", #"{"StreamName":"b","ShardCount":1}"#),
        ("DeleteStream", #"{"StreamName":"b"}"#),
        ("DescribeStream", #"{"StreamName":"b"}"#),
        ("DescribeStreamSummary", #"{"StreamName":"b"}"#),
        ("ListShards", #"{"StreamName":"b"}"#),
        ("PutRecord", #"{"StreamName":"b","Data":"aGk=","PartitionKey":"k"}"#),
        ("GetShardIterator", #"{"StreamName":"b","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}"#),
        ("IncreaseStreamRetentionPeriod", #"{"StreamName":"b","RetentionPeriodHours":48}"#),
        ("DecreaseStreamRetentionPeriod", #"{"StreamName":"b","RetentionPeriodHours":24}"#),
        ("UpdateShardCount", #"{"StreamName":"b","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}"#),
        ("SplitShard", #"{"StreamName":"b","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1"}"#),
        ("MergeShards", #"{"StreamName":"b","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}"#),
        ("AddTagsToStream", #"{"StreamName":"b","Tags":{"k":"v"}}"#),
        ("RemoveTagsFromStream", #"{"StreamName":"b","TagKeys":["k"]}"#),
        ("ListTagsForStream", #"{"StreamName":"b"}"#),
        ("StartStreamEncryption", #"{"StreamName":"b","EncryptionType":"KMS","KeyId":"alias/x"}"#),
        ("StopStreamEncryption", #"{"StreamName":"b","EncryptionType":"KMS","KeyId":"alias/x"}"#),
    ]

    @Test(arguments: operationBodies)
    func everyStreamOperationIsAuthorizedAgainstTheStreamARN(operation: String, json: String) async throws {
        let world = try await World()
        defer { world.directory.remove() }
        guard case .object(let members) = try AWSJSONValue.parse(Array(json.utf8)) else { Issue.record("bad body"); return }
        let request = AWSJSONRequest(body: members, caller: AWSJSONCaller(principal: World.writer, requestID: "t"))
        #expect(try world.kinesis.authorizationResource(operation, request) == Self.streamARN("b"))
        // The same request naming the stream by StreamARN (not CreateStream: it takes a name only).
        if operation != "CreateStream" {
            var byARN = members
            byARN["StreamName"] = nil
            byARN["StreamARN"] = .string(Self.streamARN("b"))
            #expect(try world.kinesis.authorizationResource(operation, AWSJSONRequest(body: byARN, caller: request.caller)) == Self.streamARN("b"))
        }
        // writer has no right on b: every operation is refused before it runs, with AWS's wording.
        let failure = try #require(await world.failure(world.kinesis, operation, json, as: World.writer))
        #expect(failure.type == "AccessDeniedException")
        #expect(
            failure.message
                == "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: kinesis:\(operation) on resource: arn:aws:kinesis:us-east-1:000000000000:stream/b because no identity-based policy allows the kinesis:\(operation) action")
        // Nothing happened: b still has one shard, no tags, no encryption, 24 h retention.
        let info = try world.lake.streams.describe("b")
        #expect(info.shards.count == 1 && info.tags.isEmpty && info.keyID == nil && info.retentionHours == 24)
    }

    @Test func listStreamsIsAuthorizedOnTheAccountAndUnknownOperationsAreRefused() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        let request = AWSJSONRequest(body: [:], caller: AWSJSONCaller(principal: World.writer, requestID: "t"))
        #expect(try world.kinesis.authorizationResource("ListStreams", request) == "*")
        #expect(throws: AWSJSONError.self) { try world.kinesis.authorizationResource("EnableEnhancedMonitoring", request) }
        let denied = try #require(await world.failure(world.kinesis, "ListStreams", "{}", as: World.writer))
        #expect(denied.type == "AccessDeniedException")
        #expect(denied.message == "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: kinesis:ListStreams because no identity-based policy allows the kinesis:ListStreams action")
        #expect(await world.failure(world.kinesis, "ListStreams", "{}", as: World.wild) == nil)
        #expect(await world.failure(world.kinesis, "EnableEnhancedMonitoring", #"{"StreamName":"a"}"#, as: World.writer)?.type == "UnknownOperationException")
        #expect(await world.failure(world.firehose, "UpdateDestination", #"{"DeliveryStreamName":"da"}"#, as: World.root)?.type == "UnknownOperationException")
    }

    @Test func aUserScopedToOneStreamWritesAndReadsItAndNothingElse() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        let put = try await world.call(world.kinesis, "PutRecords", #"{"StreamName":"a","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#, as: World.writer)
        #expect(put["FailedRecordCount"]?.int == 0)
        try await world.call(world.kinesis, "PutRecord", #"{"StreamARN":"\#(Self.streamARN("a"))","Data":"aGk=","PartitionKey":"k"}"#, as: World.writer)
        let described = try await world.call(world.kinesis, "DescribeStream", #"{"StreamARN":"\#(Self.streamARN("a"))"}"#, as: World.writer)
        #expect(described["StreamDescription"]?["StreamName"]?.string == "a")
        let iterator = try await world.call(
            world.kinesis, "GetShardIterator", #"{"StreamName":"a","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#, as: World.writer)
        let records = try await world.call(world.kinesis, "GetRecords", #"{"ShardIterator":"\#(iterator["ShardIterator"]?.string ?? "")"}"#, as: World.writer)
        #expect(records["Records"]?.array?.count == 2)

        let putB = try #require(await world.failure(world.kinesis, "PutRecords", #"{"StreamName":"b","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#, as: World.writer))
        #expect(putB.type == "AccessDeniedException" && putB.message.contains("kinesis:PutRecords on resource: \(Self.streamARN("b"))"))
        let putByARN = try #require(
            await world.failure(world.kinesis, "PutRecords", #"{"StreamARN":"\#(Self.streamARN("b"))","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#, as: World.writer))
        #expect(putByARN.type == "AccessDeniedException")
        #expect(try world.lake.streams.describe("b").shards.count == 1)
        #expect(await world.failure(world.kinesis, "DescribeStreamSummary", #"{"StreamName":"a"}"#, as: World.writer)?.type == "AccessDeniedException")
    }

    @Test func getRecordsIsAuthorizedAgainstTheIteratorsStream() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        try await world.call(world.kinesis, "PutRecord", #"{"StreamName":"b","Data":"c2VjcmV0","PartitionKey":"k"}"#, as: World.root)
        // An iterator of b, obtained by someone allowed to, does not let writer read b.
        let iteratorB = try await world.iterator("b")
        let resolved = try world.lake.streams.resolve(iterator: iteratorB)
        #expect(resolved.streamName == "b" && resolved.position.shard == 0)
        let denied = try #require(await world.failure(world.kinesis, "GetRecords", #"{"ShardIterator":"\#(iteratorB)"}"#, as: World.writer))
        #expect(denied.type == "AccessDeniedException")
        #expect(denied.message.contains("kinesis:GetRecords on resource: \(Self.streamARN("b"))"))
        let iteratorA = try await world.iterator("a")
        #expect(try await world.call(world.kinesis, "GetRecords", #"{"ShardIterator":"\#(iteratorA)"}"#, as: World.writer)["Records"]?.array?.count == 0)
        // A forged token is refused as invalid before any stream is known.
        #expect(await world.failure(world.kinesis, "GetRecords", #"{"ShardIterator":"AAAA"}"#, as: World.writer)?.type == "InvalidArgumentException")
    }

    @Test func anUnauthorizedCallerCannotProbeForStreamNames() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        // writer may not describe `nope`: AccessDenied, as for a stream that exists.
        #expect(await world.failure(world.kinesis, "DescribeStream", #"{"StreamName":"nope"}"#, as: World.writer)?.type == "AccessDeniedException")
        // wild may: the stream's absence is reported.
        #expect(await world.failure(world.kinesis, "DescribeStream", #"{"StreamName":"nope"}"#, as: World.wild)?.type == "ResourceNotFoundException")
        // A request naming no stream is a validation error, whoever asks.
        #expect(await world.failure(world.kinesis, "DescribeStream", "{}", as: World.writer)?.type == "ValidationException")
    }

    @Test func anExplicitDenyOnOneStreamOverridesAWildcardAllow() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        try await world.call(world.kinesis, "PutRecords", #"{"StreamName":"a","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#, as: World.wild)
        let denied = try #require(await world.failure(world.kinesis, "PutRecords", #"{"StreamName":"b","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#, as: World.wild))
        #expect(
            denied.message
                == "User: arn:aws:iam::000000000000:user/wild is not authorized to perform: kinesis:PutRecords on resource: arn:aws:kinesis:us-east-1:000000000000:stream/b with an explicit deny in an identity-based policy")
        #expect(await world.failure(world.kinesis, "DeleteStream", #"{"StreamName":"b"}"#, as: World.wild)?.type == "AccessDeniedException")
        let iteratorB = try await world.iterator("b")
        #expect(await world.failure(world.kinesis, "GetRecords", #"{"ShardIterator":"\#(iteratorB)"}"#, as: World.wild)?.type == "AccessDeniedException")
        try await world.call(world.kinesis, "CreateStream", #"{"StreamName":"c","ShardCount":1}"#, as: World.wild)
        #expect(try world.lake.streams.describe("c").shards.count == 1)
    }

    @Test func listShardsContinuationIsAuthorizedAgainstTheTokensStream() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        try await world.call(world.kinesis, "UpdateShardCount", #"{"StreamName":"b","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}"#, as: World.root)
        let page = try await world.call(world.kinesis, "ListShards", #"{"StreamName":"b","MaxResults":1}"#, as: World.root)
        let token = try #require(page["NextToken"]?.string)
        let request = AWSJSONRequest(body: ["NextToken": .string(token)], caller: AWSJSONCaller(principal: World.writer, requestID: "t"))
        #expect(try world.kinesis.authorizationResource("ListShards", request) == Self.streamARN("b"))
        #expect(await world.failure(world.kinesis, "ListShards", #"{"NextToken":"\#(token)"}"#, as: World.writer)?.type == "AccessDeniedException")
    }

    @Test func firehoseIsAuthorizedAgainstTheDeliveryStreamARN() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        let batch = #"{"DeliveryStreamName":"da","Records":[{"Data":"aGk="}]}"#
        #expect(try await world.call(world.firehose, "PutRecordBatch", batch, as: World.writer)["FailedPutCount"]?.int == 0)
        try await world.call(world.firehose, "PutRecord", #"{"DeliveryStreamName":"da","Record":{"Data":"aGk="}}"#, as: World.writer)
        let denied = try #require(await world.failure(world.firehose, "PutRecordBatch", #"{"DeliveryStreamName":"db","Records":[{"Data":"aGk="}]}"#, as: World.writer))
        #expect(
            denied.message
                == "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: firehose:PutRecordBatch on resource: arn:aws:firehose:us-east-1:000000000000:deliverystream/db because no identity-based policy allows the firehose:PutRecordBatch action")
        for (operation, json) in [
            ("PutRecord", #"{"DeliveryStreamName":"db","Record":{"Data":"aGk="}}"#),
            ("DescribeDeliveryStream", #"{"DeliveryStreamName":"da"}"#),
            ("DeleteDeliveryStream", #"{"DeliveryStreamName":"da"}"#),
            ("CreateDeliveryStream", #"{"DeliveryStreamName":"dc","S3DestinationConfiguration":{"BucketARN":"arn:aws:s3:::lake","RoleARN":"x"}}"#),
            ("StartDeliveryStreamEncryption", #"{"DeliveryStreamName":"da","DeliveryStreamEncryptionConfigurationInput":{"KeyType":"CUSTOMER_MANAGED_CMK","KeyARN":"k"}}"#),
            ("StopDeliveryStreamEncryption", #"{"DeliveryStreamName":"da"}"#),
            ("ListTagsForDeliveryStream", #"{"DeliveryStreamName":"da"}"#),
            ("ListDeliveryStreams", "{}"),
        ] {
            let failure = await world.failure(world.firehose, operation, json, as: World.writer)
            #expect(failure?.type == "AccessDeniedException", "\(operation)")
            let resource = operation == "ListDeliveryStreams" ? "" : " on resource: \(Self.deliveryARN(operation == "PutRecord" ? "db" : operation == "CreateDeliveryStream" ? "dc" : "da"))"
            #expect(failure?.message.hasPrefix("User: arn:aws:iam::000000000000:user/writer is not authorized to perform: firehose:\(operation)\(resource) because") == true, "\(operation)")
        }
        #expect(world.lake.firehose.list().map(\.name).sorted() == ["da", "db"])
        // wild may do every Firehose action; the absence of a delivery stream is then reported.
        #expect(await world.failure(world.firehose, "DescribeDeliveryStream", #"{"DeliveryStreamName":"nope"}"#, as: World.wild)?.type == "ResourceNotFoundException")
        #expect(await world.failure(world.firehose, "DescribeDeliveryStream", #"{"DeliveryStreamName":"nope"}"#, as: World.writer)?.type == "AccessDeniedException")
    }

    @Test func theRootUserIsAllowedUnlessExplicitlyDenied() async throws {
        let world = try await World()
        defer { world.directory.remove() }
        try await world.call(world.kinesis, "PutRecords", #"{"StreamName":"b","Records":[{"Data":"aGk=","PartitionKey":"k"}]}"#, as: World.root)
        try await world.call(world.firehose, "PutRecordBatch", #"{"DeliveryStreamName":"db","Records":[{"Data":"aGk="}]}"#, as: World.root)
        #expect(try await world.call(world.kinesis, "ListStreams", "{}", as: World.root)["StreamNames"]?.array?.count == 2)
    }
}
