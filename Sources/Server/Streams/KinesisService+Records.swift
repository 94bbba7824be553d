import Foundation
import Ingest
import TarnCore

extension KinesisService {
    /// PutRecords: decoded in one pass, authorized once for its stream, answered once every
    /// accepted record is durable.
    func putRecords(_ body: [UInt8], caller: AWSJSONCaller) async throws -> [UInt8] {
        let request = try RecordsRequestDecoder.decode(body, partitionKeys: true)
        let name: String
        if let given = request.members["StreamName"] {
            name = given
        } else if let arn = request.members["StreamARN"], let parsed = DataStreams.name(fromARN: arn) {
            name = parsed
        } else {
            throw AWSJSONError("ValidationException", "Either StreamName or StreamARN should be provided.")
        }
        try authorize("PutRecords", stream: name, caller: caller)
        let total = request.input.payloadBytes
        guard total <= DataStreams.maxBytesPerPut else {
            throw AWSJSONError("InvalidArgumentException", "Records size exceeds 5 MB limit: the request's data and partition keys total \(total) bytes.")
        }
        let outcomes = try await streams.put(stream: name, request.input)
        var writer = JSONWriter(capacity: 64 + outcomes.count * 80)
        var failed: Int64 = 0
        var shardIDs: [Int: String] = [:]
        writer.raw("{\"EncryptionType\":\"NONE\",\"Records\":[")
        for (index, outcome) in outcomes.enumerated() {
            if index > 0 { writer.raw(",") }
            switch outcome {
            case .stored(let number):
                writer.raw("{\"SequenceNumber\":")
                writer.sequenceNumber(number)
                writer.raw(",\"ShardId\":")
                if shardIDs[number.shard] == nil { shardIDs[number.shard] = ShardID.format(number.shard) }
                writer.plainString(shardIDs[number.shard]!)
                writer.raw("}")
            case .failed(let code, let message):
                failed += 1
                writer.raw("{\"ErrorCode\":")
                writer.string(code)
                writer.raw(",\"ErrorMessage\":")
                writer.string(message)
                writer.raw("}")
            }
        }
        writer.raw("],\"FailedRecordCount\":")
        writer.integer(failed)
        writer.raw("}")
        return writer.bytes
    }

    /// PutRecord: one record; a throttled record fails the call.
    func putRecord(_ request: AWSJSONRequest) async throws -> AWSJSONValue {
        let name = try streamName(request)
        guard let dataText = request.body["Data"]?.string else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value null at 'data' failed to satisfy constraint: Member must not be null")
        }
        var data: [UInt8] = []
        let valid = dataText.utf8.withContiguousStorageIfAvailable { Base64.decode(UnsafeRawBufferPointer($0), appendingTo: &data) } ?? {
            Array(dataText.utf8).withUnsafeBytes { Base64.decode($0, appendingTo: &data) }
        }()
        guard valid else { throw AWSJSONError("SerializationException", "Data is not valid base64") }
        guard data.count <= LogFrame.maxDataSize else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576")
        }
        let key = try request.string("PartitionKey")
        guard !key.isEmpty, key.unicodeScalars.count <= 256 else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value '\(key)' at 'partitionKey' failed to satisfy constraint: Member must have length between 1 and 256")
        }
        let explicit = try request.body["ExplicitHashKey"]?.string.map { try HashKey.parse($0) }
        var input = PutRecordsInput()
        input.append(partitionKey: key, data: data, explicitHashKey: explicit)
        switch try await streams.put(stream: name, input).first {
        case .stored(let number):
            return .object(["SequenceNumber": .string(number.description), "ShardId": .string(ShardID.format(number.shard)), "EncryptionType": .string("NONE")])
        case .failed(let code, let message):
            throw AWSJSONError(code, message)
        case nil:
            throw AWSJSONError("InternalFailure", "PutRecord produced no result", status: 500)
        }
    }

    func getShardIterator(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let name = try streamName(request)
        let shard = try request.string("ShardId")
        let type = try request.string("ShardIteratorType")
        let start: IteratorStart
        switch type {
        case "TRIM_HORIZON": start = .trimHorizon
        case "LATEST": start = .latest
        case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
            guard let number = request.body["StartingSequenceNumber"]?.string else {
                throw AWSJSONError("InvalidArgumentException", "Must specify a StartingSequenceNumber with ShardIteratorType \(type).")
            }
            start = type == "AT_SEQUENCE_NUMBER" ? .atSequenceNumber(number) : .afterSequenceNumber(number)
        case "AT_TIMESTAMP":
            guard let seconds = request.body["Timestamp"]?.number else {
                throw AWSJSONError("InvalidArgumentException", "Must specify Timestamp with ShardIteratorType AT_TIMESTAMP.")
            }
            start = .atTimestamp(Date(timeIntervalSince1970: seconds))
        default:
            throw AWSJSONError(
                "ValidationException",
                "1 validation error detected: Value '\(type)' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]")
        }
        return .object(["ShardIterator": .string(try streams.shardIterator(stream: name, shardID: shard, start: start))])
    }

    /// GetRecords, written straight to JSON from the log's read buffer. The request names no
    /// stream: the iterator's stream is found first and the call authorized against its ARN.
    func getRecords(_ body: [UInt8], caller: AWSJSONCaller) throws -> [UInt8] {
        guard case .object(let members) = try AWSJSONValue.parse(body) else {
            throw AWSJSONError("SerializationException", "The request body must be a JSON object")
        }
        let request = AWSJSONRequest(body: members, caller: caller)
        let token = try request.string("ShardIterator")
        let limit = try request.int("Limit", in: 1...10_000) ?? 10_000
        let iterator = try streams.resolve(iterator: token)
        try authorize("GetRecords", stream: iterator.streamName, caller: caller)
        let output = try streams.getRecords(iterator, limit: limit)
        let result = output.result
        var writer = JSONWriter(capacity: result.buffer.count * 4 / 3 + result.records.count * 120 + 256)
        writer.raw("{\"MillisBehindLatest\":")
        writer.integer(output.millisBehindLatest)
        if let next = output.nextIterator {
            writer.raw(",\"NextShardIterator\":")
            writer.string(next)
        }
        if let children = output.childShards {
            writer.raw(",\"ChildShards\":[")
            for (index, child) in children.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.raw("{\"ShardId\":")
                writer.string(child.id)
                writer.raw(",\"ParentShards\":[")
                writer.string(ShardID.format(child.parent ?? 0))
                if let adjacent = child.adjacentParent {
                    writer.raw(",")
                    writer.string(ShardID.format(adjacent))
                }
                writer.raw("],\"HashKeyRange\":{\"StartingHashKey\":")
                writer.string(String(child.hashRange.lowerBound))
                writer.raw(",\"EndingHashKey\":")
                writer.string(String(child.hashRange.upperBound))
                writer.raw("}}")
            }
            writer.raw("]")
        }
        writer.raw(",\"Records\":[")
        result.buffer.withUnsafeBytes { raw in
            for (index, record) in result.records.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.raw("{\"ApproximateArrivalTimestamp\":")
                writer.epochSeconds(milliseconds: record.arrival)
                writer.raw(",\"Data\":")
                writer.base64(UnsafeRawBufferPointer(rebasing: raw[record.data]))
                writer.raw(",\"PartitionKey\":")
                writer.string(UnsafeRawBufferPointer(rebasing: raw[record.partitionKey]))
                writer.raw(",\"SequenceNumber\":")
                writer.sequenceNumber(SequenceNumber(shard: output.shard, ordinal: record.ordinal))
                writer.raw(",\"EncryptionType\":\"NONE\"}")
            }
        }
        writer.raw("]}")
        return writer.bytes
    }
}
