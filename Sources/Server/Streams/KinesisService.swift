import Access
import Foundation
import Ingest
import TarnCore

/// Kinesis Data Streams over the AWS JSON 1.1 protocol (`X-Amz-Target: Kinesis_20131202.*`),
/// translating requests to `DataStreams` calls and results to the shapes in the Kinesis API
/// reference (docs.aws.amazon.com/kinesis/latest/APIReference/).
public struct KinesisService: AWSJSONService {
    /// The streams served.
    public let streams: DataStreams
    /// `Kinesis_20131202`.
    public var targetPrefix: String { "Kinesis_20131202" }
    /// `kinesis`.
    public var signingName: String { "kinesis" }
    /// Every operation is authorized against the ARN of its stream (`KinesisService+Authorization`).
    public var authorizesResources: Bool { true }
    let authorization: StreamAuthorization

    /// Creates the service over `streams`.
    /// - Parameter authorizer: decides each request against its stream's ARN.
    public init(streams: DataStreams, authorizer: Authorizer) {
        self.streams = streams
        self.authorization = StreamAuthorization(authorizer: authorizer)
    }

    /// PutRecords and GetRecords skip the generic JSON tree: they are the ingest and consume hot paths.
    public func handleRaw(operation: String, body: [UInt8], caller: AWSJSONCaller) async throws -> [UInt8]? {
        switch operation {
        case "PutRecords": return try await putRecords(body, caller: caller)
        case "GetRecords": return try getRecords(body, caller: caller)
        default: return nil
        }
    }

    public func handle(operation: String, request: AWSJSONRequest) async throws -> AWSJSONValue {
        try authorize(operation, request)
        switch operation {
        case "CreateStream": return try createStream(request)
        case "DeleteStream":
            try streams.deleteStream(name: try streamName(request))
            return .object([:])
        case "DescribeStream": return try describeStream(request)
        case "DescribeStreamSummary": return try describeStreamSummary(request)
        case "ListStreams": return try listStreams(request)
        case "ListShards": return try listShards(request)
        case "PutRecord": return try await putRecord(request)
        case "GetShardIterator": return try getShardIterator(request)
        case "IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod":
            guard let hours = request.body["RetentionPeriodHours"]?.int else {
                throw AWSJSONError("ValidationException", "1 validation error detected: Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null")
            }
            try streams.setRetention(name: try streamName(request), hours: hours, increase: operation.hasPrefix("Increase"))
            return .object([:])
        case "UpdateShardCount": return try await updateShardCount(request)
        case "SplitShard":
            let key = try HashKey.parse(try request.string("NewStartingHashKey"))
            try await streams.splitShard(name: try streamName(request), shardID: try request.string("ShardToSplit"), newStartingHashKey: key)
            return .object([:])
        case "MergeShards":
            try await streams.mergeShards(name: try streamName(request), shardID: try request.string("ShardToMerge"), adjacentShardID: try request.string("AdjacentShardToMerge"))
            return .object([:])
        case "AddTagsToStream":
            guard let tags = request.body["Tags"]?.object, !tags.isEmpty, tags.count <= 10 else {
                throw AWSJSONError("ValidationException", "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length between 1 and 10")
            }
            try streams.updateTags(name: try streamName(request), setting: tags.mapValues { $0.string ?? "" })
            return .object([:])
        case "RemoveTagsFromStream":
            let keys = request.body["TagKeys"]?.array?.compactMap(\.string) ?? []
            try streams.updateTags(name: try streamName(request), setting: [:], removing: keys)
            return .object([:])
        case "ListTagsForStream": return try listTags(request)
        case "StartStreamEncryption", "StopStreamEncryption":
            // API_StartStreamEncryption: EncryptionType (KMS | NONE) and KeyId are required.
            let type = try request.string("EncryptionType")
            guard type == "KMS" else {
                throw AWSJSONError("InvalidArgumentException", "EncryptionType \(type) is not supported; the only valid value is KMS.")
            }
            let keyID = try request.string("KeyId")
            let name = try streamName(request)
            if operation == "StartStreamEncryption" {
                try streams.startEncryption(stream: name, keyID: keyID)
            } else {
                try streams.stopEncryption(stream: name)
            }
            return .object([:])
        default:
            throw AWSJSONError("UnknownOperationException", "Tarn does not implement Kinesis operation \(operation)")
        }
    }

    // MARK: helpers

    /// `StreamName`, or the name in `StreamARN`.
    func streamName(_ request: AWSJSONRequest) throws -> String {
        if let name = request.body["StreamName"]?.string { return name }
        if let arn = request.body["StreamARN"]?.string {
            guard let name = DataStreams.name(fromARN: arn) else { throw AWSJSONError("InvalidArgumentException", "Invalid StreamARN: \(arn)") }
            return name
        }
        throw AWSJSONError("ValidationException", "Either StreamName or StreamARN should be provided.")
    }

    static func shardJSON(_ shard: ShardInfo) -> AWSJSONValue {
        var range: [String: AWSJSONValue] = ["StartingSequenceNumber": .string(shard.startingSequenceNumber.description)]
        if let ending = shard.endingSequenceNumber { range["EndingSequenceNumber"] = .string(ending.description) }
        var object: [String: AWSJSONValue] = [
            "ShardId": .string(shard.id),
            "HashKeyRange": .object([
                "StartingHashKey": .string(String(shard.hashRange.lowerBound)), "EndingHashKey": .string(String(shard.hashRange.upperBound)),
            ]),
            "SequenceNumberRange": .object(range),
        ]
        if let parent = shard.parent { object["ParentShardId"] = .string(ShardID.format(parent)) }
        if let adjacent = shard.adjacentParent { object["AdjacentParentShardId"] = .string(ShardID.format(adjacent)) }
        return .object(object)
    }

    static func modeJSON(_ mode: StreamMode) -> AWSJSONValue { .object(["StreamMode": .string(mode.rawValue)]) }

    // MARK: streams

    func createStream(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let name = try request.string("StreamName")
        let shardCount = try request.int("ShardCount", in: 1...100_000)
        var mode: StreamMode = shardCount == nil ? .onDemand : .provisioned
        if let text = request.body["StreamModeDetails"]?["StreamMode"]?.string {
            guard let parsed = StreamMode(rawValue: text) else {
                throw AWSJSONError("ValidationException", "1 validation error detected: Value '\(text)' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]")
            }
            mode = parsed
        }
        if mode == .provisioned && shardCount == nil {
            throw AWSJSONError("InvalidArgumentException", "ShardCount is required for a PROVISIONED stream.")
        }
        if mode == .onDemand && shardCount != nil {
            throw AWSJSONError("InvalidArgumentException", "ShardCount must not be given for an ON_DEMAND stream.")
        }
        let tags = request.body["Tags"]?.object?.mapValues { $0.string ?? "" } ?? [:]
        try streams.createStream(name: name, shardCount: shardCount, mode: mode, tags: tags)
        return .object([:])
    }

    func describeStream(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let info = try streams.describe(try streamName(request))
        let limit = try request.int("Limit", in: 1...10_000) ?? 100
        var shards = info.shards.sorted { $0.index < $1.index }
        if let start = request.body["ExclusiveStartShardId"]?.string {
            let index = try ShardID.parse(start)
            shards = shards.filter { $0.index > index }
        }
        let page = shards.prefix(limit)
        return .object([
            "StreamDescription": .object(([
                "StreamName": .string(info.name),
                "StreamARN": .string(streams.arn(info.name)),
                "StreamStatus": .string(info.status),
                "StreamModeDetails": Self.modeJSON(info.mode),
                "Shards": .array(page.map(Self.shardJSON)),
                "HasMoreShards": .bool(page.count < shards.count),
                "RetentionPeriodHours": .number(Double(info.retentionHours)),
                "StreamCreationTimestamp": .timestamp(info.created),
                "EnhancedMonitoring": .array([.object(["ShardLevelMetrics": .array([])])]),
            ] as [String: AWSJSONValue]).merging(Self.encryptionJSON(info)) { $1 })
        ])
    }

    /// `EncryptionType` and, when encrypted, `KeyId`.
    static func encryptionJSON(_ info: StreamInfo) -> [String: AWSJSONValue] {
        var members: [String: AWSJSONValue] = ["EncryptionType": .string(info.encryptionType)]
        if let keyID = info.keyID { members["KeyId"] = .string(keyID) }
        return members
    }

    func describeStreamSummary(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let info = try streams.describe(try streamName(request))
        return .object([
            "StreamDescriptionSummary": .object(([
                "StreamName": .string(info.name),
                "StreamARN": .string(streams.arn(info.name)),
                "StreamStatus": .string(info.status),
                "StreamModeDetails": Self.modeJSON(info.mode),
                "RetentionPeriodHours": .number(Double(info.retentionHours)),
                "StreamCreationTimestamp": .timestamp(info.created),
                "EnhancedMonitoring": .array([.object(["ShardLevelMetrics": .array([])])]),
                "OpenShardCount": .number(Double(info.openShards.count)),
                "ConsumerCount": .number(0),
            ] as [String: AWSJSONValue]).merging(Self.encryptionJSON(info)) { $1 })
        ])
    }

    func listStreams(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let limit = try request.int("Limit", in: 1...10_000) ?? 100
        var all = streams.list()
        var start = request.body["ExclusiveStartStreamName"]?.string
        if let token = request.body["NextToken"]?.string {
            guard let data = Data(base64Encoded: token), let name = String(data: data, encoding: .utf8) else {
                throw AWSJSONError("InvalidArgumentException", "Invalid NextToken.")
            }
            start = name
        }
        if let start { all = all.filter { $0.name > start } }
        let page = Array(all.prefix(limit))
        var result: [String: AWSJSONValue] = [
            "StreamNames": .array(page.map { .string($0.name) }),
            "HasMoreStreams": .bool(page.count < all.count),
            "StreamSummaries": .array(
                page.map { info in
                    .object([
                        "StreamName": .string(info.name), "StreamARN": .string(streams.arn(info.name)), "StreamStatus": .string(info.status),
                        "StreamModeDetails": Self.modeJSON(info.mode), "StreamCreationTimestamp": .timestamp(info.created),
                    ])
                }),
        ]
        if page.count < all.count, let last = page.last { result["NextToken"] = .string(Data(last.name.utf8).base64EncodedString()) }
        return .object(result)
    }

    func listShards(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let limit = try request.int("MaxResults", in: 1...10_000) ?? 1000
        var name: String
        var after: Int? = nil
        if let token = request.body["NextToken"]?.string {
            (name, after) = try Self.listShardsPosition(token)
        } else {
            name = try streamName(request)
            if let start = request.body["ExclusiveStartShardId"]?.string { after = try ShardID.parse(start) }
        }
        let info = try streams.describe(name)
        var shards = info.shards.sorted { $0.index < $1.index }
        if let after { shards = shards.filter { $0.index > after } }
        if let filter = request.body["ShardFilter"]?["Type"]?.string {
            switch filter {
            case "AT_LATEST": shards = shards.filter(\.isOpen)
            case "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_TIMESTAMP", "FROM_TIMESTAMP": break
            case "AFTER_SHARD_ID", "AT_SHARD_ID":
                if let id = request.body["ShardFilter"]?["ShardId"]?.string {
                    let index = try ShardID.parse(id)
                    shards = shards.filter { filter == "AT_SHARD_ID" ? $0.index >= index : $0.index > index }
                }
            default: throw AWSJSONError("InvalidArgumentException", "Unknown ShardFilter type \(filter)")
            }
        }
        let page = Array(shards.prefix(limit))
        var result: [String: AWSJSONValue] = ["Shards": .array(page.map(Self.shardJSON))]
        if page.count < shards.count, let last = page.last {
            result["NextToken"] = .string(Data("\(name)\n\(last.index)".utf8).base64EncodedString())
        }
        return .object(result)
    }

    /// The stream and the last shard returned that a ListShards `NextToken` carries
    /// (base64 of "name\nindex").
    static func listShardsPosition(_ token: String) throws -> (stream: String, after: Int) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            let newline = text.lastIndex(of: "\n"), let index = Int(text[text.index(after: newline)...])
        else { throw AWSJSONError("InvalidArgumentException", "Invalid NextToken.") }
        return (String(text[..<newline]), index)
    }

    func updateShardCount(_ request: AWSJSONRequest) async throws -> AWSJSONValue {
        let name = try streamName(request)
        guard let target = try request.int("TargetShardCount", in: 1...100_000) else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value null at 'targetShardCount' failed to satisfy constraint: Member must not be null")
        }
        if let scaling = request.body["ScalingType"]?.string, scaling != "UNIFORM_SCALING" {
            throw AWSJSONError("ValidationException", "ScalingType must be UNIFORM_SCALING, got \(scaling)")
        }
        let (current, reached) = try await streams.updateShardCount(name: name, target: target)
        return .object([
            "StreamName": .string(name), "StreamARN": .string(streams.arn(name)),
            "CurrentShardCount": .number(Double(current)), "TargetShardCount": .number(Double(reached)),
        ])
    }

    func listTags(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let info = try streams.describe(try streamName(request))
        let limit = try request.int("Limit", in: 1...50) ?? 50
        var keys = info.tags.keys.sorted()
        if let start = request.body["ExclusiveStartTagKey"]?.string { keys = keys.filter { $0 > start } }
        let page = keys.prefix(limit)
        return .object([
            "Tags": .array(page.map { .object(["Key": .string($0), "Value": .string(info.tags[$0] ?? "")]) }),
            "HasMoreTags": .bool(page.count < keys.count),
        ])
    }
}
