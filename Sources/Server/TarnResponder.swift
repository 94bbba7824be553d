import Access
import Foundation
import HTTPTypes
import Hummingbird
import Lake
import Logging
import TarnCore

/// The single responder behind Tarn's endpoint: authenticates, dispatches to S3 or a JSON 1.1
/// service, and turns every error into the response shape the client's SDK expects.
struct TarnResponder: HTTPResponder {
    typealias Context = TarnRequestContext

    let lake: Lake
    let s3: S3Handler
    let json: AWSJSONDispatcher
    let authenticator: RequestAuthenticator
    let domain: String?
    let logger: Logger
    /// Whether this responder serves a TLS listener (`aws:SecureTransport`).
    let secure: Bool
    let query: QueryProtocolDispatcher

    init(lake: Lake, services: [any AWSJSONService], domain: String?, logger: Logger, secure: Bool = false) {
        self.lake = lake
        self.s3 = S3Handler(lake: lake)
        self.json = AWSJSONDispatcher(services: services)
        self.authenticator = AuthenticationBridge.authenticator(for: lake)
        self.domain = domain
        self.logger = logger
        self.secure = secure
        self.query = QueryProtocolDispatcher(lake: lake)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = Identifiers.requestID()
        let target = request.head.path ?? "/"
        let (rawPath, rawQuery) = Self.split(target)
        var resource = rawPath
        var response: Response
        let conditions = RequestConditions.context(request: request, secure: secure, remote: context.remoteAddress, region: lake.region)
        if request.method == .post, let target = request.headers[.init("x-amz-target")!] {
            return await respondJSON(request, target: target, rawPath: rawPath, rawQuery: rawQuery, requestID: requestID, conditions: conditions)
        }
        if QueryProtocolDispatcher.accepts(request, rawPath: rawPath) {
            return await query.respond(request, rawPath: rawPath, rawQuery: rawQuery, requestID: requestID, authenticator: authenticator, conditions: conditions)
        }
        do {
            let address = try S3Address(rawPath: rawPath, host: request.head.authority, domain: domain)
            let signed = AuthenticationBridge.awsRequest(
                request, rawPath: rawPath, rawQuery: rawQuery, virtualHostedBucket: address.virtualHosted ? address.bucket : nil)
            resource = "/" + [address.bucket, address.key].compactMap { $0 }.joined(separator: "/")
            let authentication = try authenticator.authenticate(signed, service: "s3")
            // Anonymous requests go on to authorization: only a public bucket policy with Block
            // Public Access turned off lets them through.
            var call = S3Call(
                request: request, address: address, query: S3Call.parameters(signed.query), requestID: requestID, authentication: authentication)
            call.conditions = conditions
            call.eventLoop = context.eventLoop
            response = try await s3.handle(&call)
        } catch let error as TarnError {
            let error = S3Handler.s3Error(error)
            if S3ErrorMapping.status(for: error.code).code >= 500 {
                logger.error("request failed", metadata: ["request": "\(request.method) \(rawPath)", "error": "\(error)", "requestId": "\(requestID)"])
            }
            response = S3Response.error(error, resource: resource, requestID: requestID, includeBody: request.method != .head)
        } catch {
            logger.error("unexpected failure", metadata: ["request": "\(request.method) \(rawPath)", "error": "\(error)", "requestId": "\(requestID)"])
            response = S3Response.error(TarnError(.internal, "We encountered an internal error. Please try again."), resource: resource, requestID: requestID, includeBody: request.method != .head)
        }
        response.headers[.init("x-amz-request-id")!] = requestID
        response.headers[.init("x-amz-id-2")!] = requestID
        response.headers[.server] = "Tarn"
        return response
    }

    /// A JSON-protocol call: buffer the (small) body, authenticate it with its hash, dispatch.
    func respondJSON(_ request: Request, target: String, rawPath: String, rawQuery: String?, requestID: String, conditions: ConditionContext) async -> Response {
        let contentType = request.headers[.contentType]
        let body: [UInt8]
        let bodySHA256: String
        do {
            let collected = try await JSONBodyCollector.collect(request, limit: AWSJSONDispatcher.maxBodySize)
            body = collected.bytes
            bodySHA256 = collected.sha256Hex
        } catch {
            return AWSJSONDispatcher.error(
                AWSJSONError("SerializationException", "Request body larger than \(AWSJSONDispatcher.maxBodySize) bytes"), requestID: requestID,
                contentType: "application/x-amz-json-1.1")
        }
        let principal: Principal
        do {
            let signed = AuthenticationBridge.awsRequest(
                request, rawPath: rawPath, rawQuery: rawQuery, virtualHostedBucket: nil, bodySHA256: bodySHA256)
            let signingName = json.service(forTarget: target)?.0.signingName
            let authentication = try authenticator.authenticate(signed, service: signingName)
            guard authentication.scheme != .anonymous else {
                return AWSJSONDispatcher.error(
                    AWSJSONError("MissingAuthenticationTokenException", "Missing Authentication Token", status: 403), requestID: requestID,
                    contentType: "application/x-amz-json-1.1")
            }
            principal = authentication.principal
        } catch let error as TarnError {
            return AWSJSONDispatcher.error(AuthenticationBridge.jsonError(error), requestID: requestID, contentType: "application/x-amz-json-1.1")
        } catch {
            return AWSJSONDispatcher.error(AWSJSONError("InternalFailure", "\(error)", status: 500), requestID: requestID, contentType: "application/x-amz-json-1.1")
        }
        // Services that do not authorize against their own resources (KMS keys, Kinesis and
        // Firehose streams do, once the request names one) are authorized by action:
        // `service:Operation` on any resource.
        if let (service, operation) = json.service(forTarget: target), !service.authorizesResources {
            var context = conditions
            context.merge(principal.conditionKeys)
            let decision = lake.authorizer.authorize(
                AuthorizationRequest(principal: principal, action: "\(service.signingName):\(operation)", resource: "*", context: context))
            guard decision.isAllowed else {
                return AWSJSONDispatcher.error(AWSJSONError("AccessDeniedException", decision.reason), requestID: requestID, contentType: "application/x-amz-json-1.1")
            }
        }
        return await json.respond(
            target: target, body: body, caller: AWSJSONCaller(principal: principal, requestID: requestID, conditions: conditions), contentType: contentType)
    }

    /// Splits a request target into raw path and raw query.
    static func split(_ target: String) -> (String, String?) {
        guard let question = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }
}
