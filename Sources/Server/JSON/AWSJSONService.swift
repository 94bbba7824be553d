import Access
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
    /// Whether the service authorizes each request itself, against the resource it names (KMS
    /// keys, Kinesis streams, Firehose delivery streams). When false, the responder authorizes
    /// `<signingName>:<Operation>` on resource `*` before dispatching.
    var authorizesResources: Bool { get }
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
    /// - Parameters:
    ///   - operation: the part of `X-Amz-Target` after the dot.
    ///   - body: the request body as received.
    ///   - caller: who calls, for authorization.
    /// - Returns: the serialized JSON response, or nil.
    func handleRaw(operation: String, body: [UInt8], caller: AWSJSONCaller) async throws -> [UInt8]?
}

extension AWSJSONService {
    /// Services without a raw fast path parse every body into `AWSJSONValue`.
    public func handleRaw(operation: String, body: [UInt8], caller: AWSJSONCaller) async throws -> [UInt8]? { nil }
    /// Most services are authorized by action by the responder.
    public var authorizesResources: Bool { false }
}

/// Who calls a JSON-protocol operation: the authenticated principal and the request's global
/// condition keys, for services that authorize against their own resources.
public struct AWSJSONCaller: Sendable {
    /// The authenticated identity.
    public var principal: Principal
    /// The request id echoed in `x-amzn-RequestId`.
    public var requestID: String
    /// The request's global condition keys (`aws:SecureTransport`, `aws:SourceIp`…), without
    /// the principal's own keys (the authorizer adds those).
    public var conditions: ConditionContext

    /// Creates a caller.
    public init(principal: Principal, requestID: String, conditions: ConditionContext = ConditionContext()) {
        self.principal = principal
        self.requestID = requestID
        self.conditions = conditions
    }
}

/// An incoming JSON-protocol call.
public struct AWSJSONRequest: Sendable {
    /// The parsed body (an object for every AWS JSON operation).
    public var body: [String: AWSJSONValue]
    /// Who calls.
    public var caller: AWSJSONCaller
    /// The caller's ARN, for audit and policy.
    public var principal: String { caller.principal.arn }
    /// The request id echoed in `x-amzn-RequestId`.
    public var requestID: String { caller.requestID }
    /// The request's global condition keys (`aws:SecureTransport`, `aws:SourceIp`…), for
    /// services that evaluate policies themselves (KMS key policies).
    public var conditions: [String: [String]] { caller.conditions.values }

    /// Creates a request.
    public init(body: [String: AWSJSONValue], caller: AWSJSONCaller) {
        self.body = body
        self.caller = caller
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
