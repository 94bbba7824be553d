import Access
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import TarnCore

/// Uploads files with signed S3 PUTs (SigV4, payload hash in the signature) over HTTPS, as any S3
/// client would: the demo's raw files go through the server's S3 API, not around it. The demo's
/// buckets are TLS-only, so plain HTTP would be denied; the client trusts exactly the demo's
/// self-signed certificate (`DIR/tls/cert.pem`), as `aws --ca-bundle` does.
final class DemoS3Uploader: Sendable {
    let endpoint: URL
    let signer: SigV4Signer
    let client: HTTPClient

    /// Creates an uploader.
    /// - Parameters:
    ///   - endpoint: `https://HOST:PORT`.
    ///   - certificatePEM: the server's certificate, the only trust root.
    ///   - credentials: who signs.
    ///   - region: the signing region.
    init(endpoint: URL, certificatePEM: String, credentials: SigningCredentials, region: String) throws {
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: credentials, region: region, service: "s3")
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)))
        tls.minimumTLSVersion = .tlsv12
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the client's connections.
    func shutdown() async throws { try await client.shutdown() }

    /// PUTs `body` at `bucket/key`; throws the S3 error code and message on failure.
    func put(bucket: String, key: String, body: [UInt8], contentType: String) async throws {
        let path = PercentEncoding.encodePath("/" + bucket + "/" + key)
        let host = endpoint.port.map { "\(endpoint.host!):\($0)" } ?? endpoint.host!
        var signed = AWSRequest(method: "PUT", target: path, headers: ["host": host, "content-type": contentType])
        signer.sign(&signed, payload: .bytes(body), at: Int64(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(url: endpoint.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)
        request.method = .PUT
        for field in signed.headers where field.name.lowercased() != "host" { request.headers.add(name: field.name, value: field.value) }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(120))
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code < 300 else {
            throw TarnError(.internal, "PUT s3://\(bucket)/\(key) answered HTTP \(response.status.code): \(String(buffer: answer))")
        }
    }
}
