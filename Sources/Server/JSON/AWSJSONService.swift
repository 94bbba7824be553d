import Foundation
import TarnCore

/// One AWS service spoken over the JSON 1.0/1.1 protocol: `POST /` with
/// `X-Amz-Target: <TargetPrefix>.<Operation>` and a JSON body
/// (smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). Kinesis, Firehose, KMS, Glue and
/// Athena all use it; each registers one implementation.
public protocol AWSJSONService: Sendable {
    /// The part of `X-Amz-Target` before the dot, e.g. `Kinesis_20131202`.
    var targetPrefix: String { get }
    /// The SigV4 service name clients sign with, e.g. `kinesis`.
    var signingName: String { get }
    /// Handles one operation.
    /// - Parameters:
    ///   - operation: the part of `X-Amz-Target` after the dot, e.g. `PutRecords`.
    ///   - request: the decoded JSON body and caller information.
    /// - Returns: the JSON response object.
    /// - Throws: `AWSJSONError` (or a `TarnError`, whose code becomes `__type`).
    func handle(operation: String, request: AWSJSONRequest) async throws -> AWSJSONValue
    /// Handles an operation straight from the raw body, for hot paths (Kinesis PutRecords,
    /// GetRecords) where building an `AWSJSONValue` tree would dominate; nil means "not handled
    /// here, use `handle(operation:request:)`".
    /// - Returns: the serialized JSON response, or nil.
    func handleRaw(operation: String, body: [UInt8], principal: String, requestID: String) async throws -> [UInt8]?
}

extension AWSJSONService {
    /// Services without a raw fast path parse every body into `AWSJSONValue`.
    public func handleRaw(operation: String, body: [UInt8], principal: String, requestID: String) async throws -> [UInt8]? { nil }
}

/// An incoming JSON-protocol call.
public struct AWSJSONRequest: Sendable {
    /// The parsed body (an object for every AWS JSON operation).
    public var body: [String: AWSJSONValue]
    /// The authenticated caller's identity (ARN-like name), for audit and policy.
    public var principal: String
    /// The request id echoed in `x-amzn-RequestId`.
    public var requestID: String
    /// The request's global condition keys (`aws:SecureTransport`, `aws:SourceIp`…), for
    /// services that evaluate policies themselves (KMS key policies).
    public var conditions: [String: [String]]

    /// Creates a request.
    public init(body: [String: AWSJSONValue], principal: String, requestID: String, conditions: [String: [String]] = [:]) {
        self.body = body
        self.principal = principal
        self.requestID = requestID
        self.conditions = conditions
    }
}

/// A JSON-protocol error: `__type` is the AWS exception name clients match on.
public struct AWSJSONError: Error, Sendable {
    /// Exception name, e.g. `ResourceNotFoundException`.
    public var type: String
    /// Human-readable message.
    public var message: String
    /// HTTP status (400 for client errors, 500 for service faults).
    public var status: Int

    /// Creates an error.
    public init(_ type: String, _ message: String, status: Int = 400) {
        self.type = type
        self.message = message
        self.status = status
    }
}
