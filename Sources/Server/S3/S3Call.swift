import Access
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage
import TarnCore

/// One S3 request being handled: the addressing, query, headers and body, plus the request id
/// echoed in `x-amz-request-id`.
struct S3Call: Sendable {
    /// The HTTP request (its body is consumed at most once).
    var request: Request
    /// Bucket and key.
    let address: S3Address
    /// Decoded query parameters (a name without `=` maps to "").
    let query: [String: String]
    /// The request id.
    let requestID: String
    /// Who signed the request and what remains to be verified about its body.
    let authentication: Authentication
    /// The request's global condition keys (`aws:SecureTransport`, `aws:SourceIp`…) for policies.
    var conditions = ConditionContext()
    /// The connection's event loop, when known (see `ObjectBody.make`).
    var eventLoop: (any EventLoop)?

    /// The HTTP method.
    var method: HTTPRequest.Method { request.method }

    /// A request header by (case-insensitive) name.
    func header(_ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        return request.headers[field]
    }

    /// Every request header as (lowercased name, value) pairs.
    var allHeaders: [(String, String)] { request.headers.map { ($0.name.canonicalName, $0.value) } }

    /// The bucket, or `InvalidRequest` for service-level calls that need one.
    func bucket() throws -> String {
        guard let bucket = address.bucket else { throw TarnError(.invalidRequest, "A bucket name is required.") }
        return bucket
    }

    /// The key, for object-level calls.
    func key() throws -> String {
        guard let key = address.key else { throw TarnError(.invalidRequest, "An object key is required.") }
        return key
    }

    /// The `Resource` reported in error bodies: `/bucket/key`.
    var resource: String {
        "/" + [address.bucket, address.key].compactMap { $0 }.joined(separator: "/")
    }

    /// An integer query parameter within bounds, or `InvalidArgument`.
    func intParameter(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw TarnError(.invalidArgument, "Argument \(name) must be an integer between \(range.lowerBound) and \(range.upperBound), got '\(text)'.")
        }
        return number
    }

    /// Reads the whole (small) body, refusing more than `limit` bytes, verified against the
    /// request's signature and checksums (see `BodyReceiver.collect`).
    mutating func collectBody(limit: Int) async throws -> [UInt8] {
        try await BodyReceiver.collect(&self, limit: limit)
    }

    /// Parses the query string of a raw request target.
    static func parseQuery(_ raw: String?) -> [String: String] {
        parameters(QueryParameters(rawQuery: raw ?? ""))
    }

    /// The parameters the authenticator already parsed, by name (the first of a repeated name
    /// wins). One byte-level parser serves both: splitting the query by `Character` again cost
    /// as much per GET as the signature check.
    static func parameters(_ query: QueryParameters) -> [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(query.count)
        for parameter in query where result[parameter.name] == nil { result[parameter.name] = parameter.value }
        return result
    }
}

/// Building S3 responses.
enum S3Response {
    /// A 200 response with an XML body.
    static func xml(_ writer: XMLWriter, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/xml"
        let bytes = ByteBuffer(string: writer.text)
        headers[.contentLength] = String(bytes.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }

    /// A response without a body.
    static func empty(_ status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        if status != .noContent && status != .notModified { headers[.contentLength] = "0" }
        return Response(status: status, headers: headers)
    }

    /// S3's XML error document (`<Error><Code/><Message/><Resource/><RequestId/></Error>`).
    static func error(_ error: TarnError, resource: String, requestID: String, includeBody: Bool) -> Response {
        let status = S3ErrorMapping.status(for: error.code)
        var headers = HTTPFields()
        headers[.init("x-amz-request-id")!] = requestID
        if status == .notModified { return Response(status: status, headers: headers) }
        guard includeBody else {
            headers[.contentLength] = "0"
            return Response(status: status, headers: headers)
        }
        var writer = XMLWriter()
        writer.element("Error") { xml in
            xml.leaf("Code", S3ErrorMapping.wireCode(for: error.code))
            xml.leaf("Message", error.message)
            for detail in error.details { xml.leaf(detail.name, detail.value) }
            xml.leaf("Resource", resource)
            xml.leaf("RequestId", requestID)
        }
        return xml(writer, status: status, headers: headers)
    }
}
