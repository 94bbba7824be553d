import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TarnCore

/// Routes `X-Amz-Target` requests to the registered JSON services and renders their results
/// and errors in the AWS JSON protocol's shapes.
struct AWSJSONDispatcher: Sendable {
    /// The largest JSON request body accepted (Kinesis PutRecords allows 5 MiB of data, base64-inflated).
    static let maxBodySize = 10 * 1024 * 1024

    let services: [String: any AWSJSONService]

    init(services: [any AWSJSONService]) {
        self.services = Dictionary(services.map { ($0.targetPrefix, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The service a target names, if registered.
    func service(forTarget target: String) -> (any AWSJSONService, String)? {
        guard let dot = target.lastIndex(of: ".") else { return nil }
        let prefix = String(target[..<dot]), operation = String(target[target.index(after: dot)...])
        return services[prefix].map { ($0, operation) }
    }

    func respond(target: String, body: [UInt8], caller: AWSJSONCaller, contentType: String?) async -> Response {
        let requestID = caller.requestID
        let responseType = contentType?.hasPrefix("application/x-amz-json") == true ? contentType! : "application/x-amz-json-1.1"
        do {
            guard let (service, operation) = service(forTarget: target) else {
                throw AWSJSONError("UnknownOperationException", "Unknown target \(target)")
            }
            if let raw = try await service.handleRaw(operation: operation, body: body, caller: caller) {
                return Self.json(raw, status: .ok, requestID: requestID, contentType: responseType)
            }
            guard case .object(let members) = try AWSJSONValue.parse(body) else {
                throw AWSJSONError("SerializationException", "The request body must be a JSON object")
            }
            let result = try await service.handle(operation: operation, request: AWSJSONRequest(body: members, caller: caller))
            return Self.json(result.serialized(), status: .ok, requestID: requestID, contentType: responseType)
        } catch let error as AWSJSONError {
            return Self.error(error, requestID: requestID, contentType: responseType)
        } catch let error as TarnError {
            let status = error.code == .internal || error.code == .io || error.code == .corrupt ? 500 : 400
            return Self.error(AWSJSONError(error.code.rawValue, error.message, status: status), requestID: requestID, contentType: responseType)
        } catch {
            return Self.error(AWSJSONError("InternalFailure", "\(error)", status: 500), requestID: requestID, contentType: responseType)
        }
    }

    static func error(_ error: AWSJSONError, requestID: String, contentType: String) -> Response {
        let body = AWSJSONValue.object(["__type": .string(error.type), "message": .string(error.message)]).serialized()
        var response = json(body, status: HTTPResponse.Status(code: error.status), requestID: requestID, contentType: contentType)
        response.headers[.init("x-amzn-ErrorType")!] = error.type
        return response
    }

    static func json(_ body: [UInt8], status: HTTPResponse.Status, requestID: String, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(body.count)
        headers[.init("x-amzn-RequestId")!] = requestID
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
