import Storage
import TarnCore

/// The Kinesis actions Firehose performs on the source stream of a `KinesisStreamAsSource`
/// delivery stream, named as IAM names them. On AWS the source's `RoleARN` "must have
/// permissions for kinesis:DescribeStream, kinesis:GetShardIterator, kinesis:GetRecords and
/// kinesis:ListShards" on the stream (Firehose developer guide, "Grant Firehose access to an
/// Amazon Kinesis Data Streams source"); Tarn's deliverer asks for the same four.
public enum SourceStreamAction: String, Sendable, CaseIterable {
    /// Finding the stream and its shards (IAM: `kinesis:DescribeStream`).
    case describeStream = "kinesis:DescribeStream"
    /// Listing the shards, parents before children (IAM: `kinesis:ListShards`).
    case listShards = "kinesis:ListShards"
    /// Positioning a reader on a shard (IAM: `kinesis:GetShardIterator`).
    case getShardIterator = "kinesis:GetShardIterator"
    /// Reading records (IAM: `kinesis:GetRecords`).
    case getRecords = "kinesis:GetRecords"
}

/// Who a delivery stream reads its Kinesis source as, and what that identity may do there: the
/// seam through which the lake's authorizer (IAM identity policies; streams have no resource
/// policies in Tarn) reaches the deliverer, which sits below the `Access` and `Lake` modules.
/// ```swift
/// let reader = try provider.sourceAccess(role: "firehose", session: "firehose-clicks")
/// try reader.authorize(.getRecords, stream: "arn:aws:kinesis:us-east-1:000000000000:stream/clicks")
/// ```
public protocol SourceStreamAccess: Sendable {
    /// Who reads, for messages: a role session ARN.
    var principal: String { get }
    /// Throws unless the principal may do `action` on the stream `arn`.
    /// - Throws: `TarnError(.accessDenied)` naming the principal, the action and the stream ARN.
    func authorize(_ action: SourceStreamAction, stream arn: String) throws
}

/// Makes the role sessions a delivery stream acts as: on its destination (`ObjectAccess`, the
/// destination's `RoleARN`) and on its Kinesis source (`SourceStreamAccess`, the source's
/// `RoleARN`). Implemented by the lake, which owns IAM.
public protocol DeliveryAccessProvider: ObjectAccessProvider {
    /// A session of the IAM role `role` named `session`, for reading source streams.
    /// - Throws: `NoSuchEntity` when the role does not exist.
    func sourceAccess(role: String, session: String) throws -> any SourceStreamAccess

    /// A number that changes whenever what a role may do can have changed (an IAM change: a
    /// policy put or detached, a role deleted); nil when unknown. The deliverer keeps a source
    /// role's permission only while it stays the same.
    var policyGeneration: UInt64? { get }
}
