import Access
import Foundation
import HTTPTypes
import Hummingbird
import Lake
import NIOCore
import TarnCore

/// The AWS Query protocol (form-encoded `POST /` with `Action=…&Version=…`, XML responses) that
/// IAM and STS speak (smithy.io/2.0/aws/protocols/aws-query-protocol.html), so `aws iam …` and
/// `aws sts …` work against Tarn.
struct QueryProtocolDispatcher: Sendable {
    let lake: Lake
    /// STS actions; every other action is IAM's.
    static let stsActions: Set<String> = ["AssumeRole", "GetCallerIdentity"]

    /// Whether a request is a Query-protocol call: a form POST to `/` without `X-Amz-Target`.
    static func accepts(_ request: Request, rawPath: String) -> Bool {
        guard request.method == .post, rawPath == "/" || rawPath.isEmpty else { return false }
        return request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
    }

    func respond(
        _ request: Request, rawPath: String, rawQuery: String?, requestID: String, authenticator: RequestAuthenticator, conditions: ConditionContext
    ) async -> Response {
        var request = request
        let body: [UInt8]
        do {
            body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        } catch {
            return Self.error(TarnError(.invalidRequest, "request body too large"), namespace: IAMQueryService.namespace, requestID: requestID)
        }
        let parameters = S3Call.parseQuery(String(decoding: body, as: UTF8.self))
        let action = parameters["Action"] ?? ""
        let isSTS = Self.stsActions.contains(action)
        let namespace = isSTS ? IAMQueryService.stsNamespace : IAMQueryService.namespace
        do {
            let signed = AuthenticationBridge.awsRequest(
                request, rawPath: rawPath, rawQuery: rawQuery, virtualHostedBucket: nil, bodySHA256: AuthenticationBridge.sha256Hex(body))
            let authentication = try authenticator.authenticate(signed, service: isSTS ? "sts" : "iam")
            guard authentication.scheme != .anonymous else { throw TarnError(.init("MissingAuthenticationToken"), "Missing Authentication Token") }
            let service = IAMQueryService(lake: lake, principal: authentication.principal, conditions: conditions)
            let result = try service.handle(action: action, parameters: parameters)
            var writer = XMLWriter()
            writer.appendRaw("<\(action)Response xmlns=\"\(namespace)\">")
            if result.text.isEmpty {
                // Actions without a result element (DeleteUser…) answer only the metadata.
            } else {
                writer.appendRaw("<\(action)Result>\(result.text)</\(action)Result>")
            }
            writer.appendRaw("<ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(action)Response>")
            return S3Response.xml(writer)
        } catch let error as TarnError {
            return Self.error(error, namespace: namespace, requestID: requestID)
        } catch {
            return Self.error(TarnError(.internal, "\(error)"), namespace: namespace, requestID: requestID)
        }
    }

    /// IAM's error document and status.
    static func error(_ error: TarnError, namespace: String, requestID: String) -> Response {
        let status: HTTPResponse.Status
        switch error.code {
        case .noSuchEntity: status = .notFound
        case .entityAlreadyExists, .deleteConflict: status = .conflict
        case .accessDenied, .invalidAccessKeyId, .signatureDoesNotMatch, .requestTimeTooSkewed, .init("MissingAuthenticationToken"): status = .forbidden
        case .internal, .io, .corrupt: status = .internalServerError
        default: status = .badRequest
        }
        let code: String
        switch error.code {
        case .invalidAccessKeyId: code = "InvalidClientTokenId"
        case .malformedPolicy: code = "MalformedPolicyDocument"
        case .invalidArgument: code = "InvalidInput"
        default: code = error.code.rawValue
        }
        var writer = XMLWriter()
        writer.appendRaw("<ErrorResponse xmlns=\"\(namespace)\"><Error>")
        writer.leaf("Type", status.code >= 500 ? "Receiver" : "Sender")
        writer.leaf("Code", code)
        writer.leaf("Message", error.message)
        writer.appendRaw("</Error>")
        writer.leaf("RequestId", requestID)
        writer.appendRaw("</ErrorResponse>")
        var headers = HTTPFields()
        headers[.init("x-amzn-RequestId")!] = requestID
        return S3Response.xml(writer, status: status, headers: headers)
    }
}
