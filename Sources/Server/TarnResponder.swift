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
    let domain: String?
    let logger: Logger

    init(lake: Lake, services: [any AWSJSONService], domain: String?, logger: Logger) {
        self.lake = lake
        self.s3 = S3Handler(lake: lake)
        self.json = AWSJSONDispatcher(services: services)
        self.domain = domain
        self.logger = logger
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = Identifiers.randomHex(byteCount: 8)
        let target = request.head.path ?? "/"
        let (rawPath, rawQuery) = Self.split(target)
        var resource = rawPath
        var response: Response
        if request.method == .post, let target = request.headers[.init("x-amz-target")!] {
            var request = request
            let body: [UInt8]
            do {
                body = Array(try await request.collectBody(upTo: AWSJSONDispatcher.maxBodySize).readableBytesView)
            } catch {
                return AWSJSONDispatcher.error(
                    AWSJSONError("SerializationException", "Request body larger than \(AWSJSONDispatcher.maxBodySize) bytes"), requestID: requestID,
                    contentType: "application/x-amz-json-1.1")
            }
            return await json.respond(target: target, body: body, principal: "root", requestID: requestID, contentType: request.headers[.contentType])
        }
        do {
            let address = try S3Address(rawPath: rawPath, host: request.head.authority, domain: domain)
            var call = S3Call(request: request, address: address, query: S3Call.parseQuery(rawQuery), requestID: requestID)
            resource = call.resource
            response = try await s3.handle(&call)
        } catch let error as TarnError {
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

    /// Splits a request target into raw path and raw query.
    static func split(_ target: String) -> (String, String?) {
        guard let question = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }
}
