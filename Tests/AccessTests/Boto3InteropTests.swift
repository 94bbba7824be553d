import Access
import Foundation
import TarnCore
import Testing

/// Requests signed by boto3/botocore (`Fixtures/boto3/generate.py`, offline): presigned URLs in
/// both signature versions, header-signed S3 requests (SigV2 and SigV4, path- and virtual-hosted
/// style, session tokens, tricky keys, an aws-chunked upload with a trailing CRC32) and the JSON
/// APIs' signatures. Each must verify at its signing time and fail when tampered or expired.
@Suite struct Boto3InteropTests {
    struct Case: Sendable {
        var name: String
        var kind: String
        var method: String
        var url: String
        var headers: [[String]]
        var body: [UInt8]
        var signedAt: Int64
        var token: String?
        var addressing: String
        var service: String
        var expires: Int64?
    }

    static let document: (cases: [Case], credentials: SigningCredentials) = {
        let json = try! AccessFixtures.json("boto3/boto3.json") as! [String: Any]
        let cases = (json["cases"] as! [[String: Any]]).map { raw in
            Case(
                name: raw["name"] as! String, kind: raw["kind"] as! String, method: raw["method"] as! String, url: raw["url"] as! String,
                headers: raw["headers"] as! [[String]], body: Array(Data(base64Encoded: raw["body"] as! String)!),
                signedAt: Int64(raw["signed_at"] as! Int), token: raw["token"] as? String, addressing: raw["addressing"] as! String,
                service: raw["service"] as? String ?? "s3", expires: (raw["expires"] as? Int).map(Int64.init))
        }
        return (cases, SigningCredentials(accessKeyID: json["access_key_id"] as! String, secretAccessKey: json["secret_access_key"] as! String))
    }()

    static let names = document.cases.map(\.name)

    static func testCase(_ name: String) -> Case { document.cases.first { $0.name == name }! }

    /// The request as the server would see it.
    static func request(_ testCase: Case) -> AWSRequest {
        let afterScheme = testCase.url.components(separatedBy: "://")[1]
        let slash = afterScheme.firstIndex(of: "/")!
        let host = String(afterScheme[..<slash])
        var headers = HTTPHeaders(testCase.headers.map { ($0[0], $0[1]) })
        if !headers.contains("host") { headers.add("Host", host) }
        var request = AWSRequest(method: testCase.method, target: String(afterScheme[slash...]), headers: headers)
        if testCase.addressing == "virtual" { request.virtualHostedBucket = String(host.prefix { $0 != "." }) }
        if testCase.service != "s3" { request.bodySHA256 = ChunkSignatureChain.sha256Hex(testCase.body) }
        return request
    }

    static func authenticator(_ testCase: Case, at seconds: Int64) -> RequestAuthenticator {
        var credentials = document.credentials
        credentials.sessionToken = testCase.token
        return RequestAuthenticator(
            credentials: TestKeys.store(credentials), configuration: AuthenticatorConfiguration(clock: FixedClock(seconds: seconds)))
    }

    static func expectedScheme(_ name: String) -> Authentication.Scheme {
        if name.hasPrefix("v2-presigned") { return .sigV2Query }
        if name.hasPrefix("v2-header") { return .sigV2Header }
        if name.hasPrefix("v4-presigned") { return .sigV4Query }
        return .sigV4Header
    }

    @Test func fixtureCoversBothVersions() {
        #expect(Self.names.count == 36)
        #expect(Self.names.filter { $0.hasPrefix("v2-presigned") }.count == 11)
        #expect(Self.names.filter { $0.hasPrefix("v4-presigned") }.count == 11)
    }

    @Test(arguments: names)
    func verifiesAtSigningTime(_ name: String) throws {
        let testCase = Self.testCase(name)
        let auth = try Self.authenticator(testCase, at: testCase.signedAt + 5).authenticate(Self.request(testCase), service: testCase.service)
        #expect(auth.scheme == Self.expectedScheme(name))
        #expect(auth.accessKeyID == Self.document.credentials.accessKeyID)
        #expect(auth.sessionToken == testCase.token)
        #expect(auth.service == testCase.service)
    }

    @Test(arguments: names)
    func tamperedMethodIsRejected(_ name: String) {
        let testCase = Self.testCase(name)
        var request = Self.request(testCase)
        request.method = request.method == "DELETE" ? "GET" : "DELETE"
        let error = tarnError { _ = try Self.authenticator(testCase, at: testCase.signedAt).authenticate(request, service: testCase.service) }
        #expect(error?.code == .signatureDoesNotMatch)
    }

    @Test(arguments: names.filter { $0.contains("presigned") })
    func expiresAfterItsLifetime(_ name: String) {
        let testCase = Self.testCase(name)
        let request = Self.request(testCase)
        // SigV2 carries the absolute expiry; SigV4 the signing time plus X-Amz-Expires.
        let expiry = request.query["Expires"].flatMap { Int64($0) }
            ?? AMZDate.parseISO8601Basic(request.query["X-Amz-Date"]!)! + Int64(request.query["X-Amz-Expires"]!)!
        let authenticator = { (seconds: Int64) in Self.authenticator(testCase, at: seconds) }
        #expect(tarnError { _ = try authenticator(expiry).authenticate(request) } == nil)
        let error = tarnError { _ = try authenticator(expiry + 1).authenticate(request) }
        #expect(error?.code == .accessDenied)
        #expect(error?.message == "Request has expired")
    }

    /// botocore's HTTPS upload: aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER, trailing CRC32.
    @Test func streamingUploadDecodesAndItsChecksumMatches() throws {
        let testCase = Self.testCase("v4-https-put-streaming-trailer")
        let auth = try Self.authenticator(testCase, at: testCase.signedAt).authenticate(Self.request(testCase), service: "s3")
        guard case .awsChunked(let configuration) = auth.payload else {
            Issue.record("expected aws-chunked, got \(auth.payload)")
            return
        }
        #expect(configuration.signing == nil)
        #expect(configuration.trailers == .expected(["x-amz-checksum-crc32"]))
        var decoder = AWSChunkedDecoder(configuration)
        var payload: [UInt8] = []
        for byte in testCase.body { try decoder.decode([byte], into: &payload) }
        let trailers = try decoder.finish()
        let expected = Array(String(repeating: "order_id,sku\n1,A-1\n", count: 100).utf8)
        #expect(payload == expected)
        var crc = CRC32()
        crc.update(payload)
        #expect(trailers == [AWSChunkedDecoder.TrailerHeader(name: "x-amz-checksum-crc32", value: Data(crc.bigEndianBytes).base64EncodedString())])
    }

    /// A header-signed PUT over HTTP signs the body hash; the body must match it.
    @Test func signedPutBodyMatchesItsHash() throws {
        let testCase = Self.testCase("v4-header-put")
        let auth = try Self.authenticator(testCase, at: testCase.signedAt).authenticate(Self.request(testCase), service: "s3")
        guard case .sha256(let digest) = auth.payload else {
            Issue.record("expected a literal hash, got \(auth.payload)")
            return
        }
        var verifier = PayloadDigestVerifier(expected: digest)
        verifier.update(testCase.body)
        try verifier.finish()
    }

    /// Our SigV2 signer reproduces boto3's presigned URL byte for byte.
    @Test func sigV2SignerMatchesBoto3() {
        for name in ["v2-presigned-get-plain", "v2-presigned-get-overrides", "v2-presigned-upload-part", "v2-presigned-tagging"] {
            let testCase = Self.testCase(name)
            let boto = Self.request(testCase)
            var ours = boto
            ours.rawQuery = boto.query.parameters.filter { !["AWSAccessKeyId", "Expires", "Signature"].contains($0.name) }
                .map { parameter in parameter.rawValue.map { "\(parameter.rawName)=\($0)" } ?? String(parameter.rawName) }
                .joined(separator: "&")
            SigV2Signer(credentials: Self.document.credentials).presign(&ours, expires: Int64(boto.query["Expires"]!)!)
            #expect(ours.query["Signature"] == boto.query["Signature"], "\(name)")
        }
    }
}
