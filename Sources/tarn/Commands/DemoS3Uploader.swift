import Access
import Foundation
import TarnCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Uploads files with signed S3 PUTs (SigV4, payload hash in the signature), as any S3 client
/// would: the demo's raw files go through the server's S3 API, not around it.
struct DemoS3Uploader: Sendable {
    let endpoint: URL
    let signer: SigV4Signer

    init(endpoint: URL, credentials: SigningCredentials, region: String) {
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: credentials, region: region, service: "s3")
    }

    /// PUTs `body` at `bucket/key`; throws the S3 error code and message on failure.
    func put(bucket: String, key: String, body: [UInt8], contentType: String) async throws {
        let path = "/" + bucket + "/" + key.split(separator: "/", omittingEmptySubsequences: false).map { Self.escape(String($0)) }.joined(separator: "/")
        let host = endpoint.port.map { "\(endpoint.host!):\($0)" } ?? endpoint.host!
        var request = AWSRequest(method: "PUT", target: path, headers: ["host": host, "content-type": contentType])
        signer.sign(&request, payload: .bytes(body), at: Int64(Date().timeIntervalSince1970))
        guard let url = URL(string: endpoint.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else {
            throw TarnError(.invalidArgument, "cannot make a URL for \(bucket)/\(key)")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = "PUT"
        for field in request.headers where field.name.lowercased() != "host" { urlRequest.setValue(field.value, forHTTPHeaderField: field.name) }
        let (data, response) = try await URLSession.shared.upload(for: urlRequest, from: Data(body))
        if let http = response as? HTTPURLResponse, http.statusCode >= 300 {
            let text = String(decoding: data, as: UTF8.self)
            throw TarnError(.internal, "PUT s3://\(bucket)/\(key) answered HTTP \(http.statusCode): \(text)")
        }
    }

    /// RFC 3986 unreserved characters stay, everything else is percent-encoded (as SigV4 expects).
    static func escape(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
