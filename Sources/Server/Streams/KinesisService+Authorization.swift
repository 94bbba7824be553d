import Access
import Ingest
import TarnCore

/// Which IAM action and resource each Kinesis operation needs (Service Authorization Reference,
/// "Actions, resources, and condition keys for Amazon Kinesis Data Streams"): the action is
/// `kinesis:<Operation>`; the resource is the stream's ARN, whether the request names the stream
/// by `StreamName` or `StreamARN` (ListShards' `NextToken` and GetRecords' `ShardIterator` carry
/// the stream too), except ListStreams, which names no stream (`*`).
extension KinesisService {
    /// Operations on one stream, authorized against its ARN.
    static let streamOperations: Set<String> = [
        "CreateStream", "DeleteStream", "DescribeStream", "DescribeStreamSummary", "ListShards", "PutRecord", "PutRecords", "GetShardIterator",
        "GetRecords", "IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod", "UpdateShardCount", "SplitShard", "MergeShards",
        "AddTagsToStream", "RemoveTagsFromStream", "ListTagsForStream", "StartStreamEncryption", "StopStreamEncryption",
    ]
    /// Operations on the account, authorized against `*`.
    static let accountOperations: Set<String> = ["ListStreams"]

    /// The resource a decoded request is authorized against: the stream's ARN, or `*` for
    /// ListStreams.
    /// - Throws: `UnknownOperationException` for an operation listed in neither set (fail
    ///   closed: an operation added to the service without a line here is refused, not let
    ///   through unauthorized); `ValidationException` when the request names no stream;
    ///   `InvalidArgumentException` for a malformed `StreamARN` or `NextToken`.
    func authorizationResource(_ operation: String, _ request: AWSJSONRequest) throws -> String {
        if Self.accountOperations.contains(operation) { return "*" }
        guard Self.streamOperations.contains(operation) else {
            throw AWSJSONError("UnknownOperationException", "Tarn does not implement Kinesis operation \(operation)")
        }
        if operation == "ListShards", let token = request.body["NextToken"]?.string {
            return streams.arn(try Self.listShardsPosition(token).stream)
        }
        return streams.arn(try streamName(request))
    }

    /// Throws `AccessDeniedException` unless the caller may do `operation` on the stream `request` names.
    func authorize(_ operation: String, _ request: AWSJSONRequest) throws {
        try authorization.require(request.caller, action: "kinesis:" + operation, resource: try authorizationResource(operation, request))
    }

    /// Authorizes a raw-path operation on a stream already decoded from the body.
    func authorize(_ operation: String, stream name: String, caller: AWSJSONCaller) throws {
        try authorization.require(caller, action: "kinesis:" + operation, resource: streams.arn(name))
    }
}
