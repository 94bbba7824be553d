import Access
import Foundation
import TarnCore
import Testing

/// The worked examples of the Amazon S3 API Reference (header auth, presigned URL, aws-chunked
/// upload), from `s3-doc-examples.json`.
@Suite struct S3DocExampleTests {
    static var allCases: [[String: Any]] {
        let document = try! AccessFixtures.json("sigv4/s3-doc-examples.json") as! [String: Any]
        return document["cases"] as! [[String: Any]]
    }
    static let headerCases = allCases.filter { $0["expected_authorization"] != nil && $0["chunks"] == nil }.map { $0["name"] as! String }

    static func testCase(_ name: String) -> [String: Any] { allCases.first { $0["name"] as? String == name }! }

    static func request(_ testCase: [String: Any]) -> AWSRequest {
        let headers = (testCase["headers"] as! [String: String]).sorted { $0.key < $1.key }
        return AWSRequest(
            method: testCase["method"] as! String, rawPath: testCase["canonical_uri"] as! String,
            rawQuery: testCase["canonical_query"] as? String ?? "", headers: HTTPHeaders(headers))
    }

    static func authenticator(at seconds: Int64 = TestKeys.s3DocsTime) -> RequestAuthenticator {
        RequestAuthenticator(
            credentials: TestKeys.store(TestKeys.s3Docs), configuration: AuthenticatorConfiguration(clock: FixedClock(seconds: seconds)))
    }

    @Test func documentHasAllExamples() {
        #expect(Self.allCases.count == 6)
        #expect(Self.headerCases == ["get-object-range", "put-object", "get-bucket-lifecycle", "list-objects"])
    }

    @Test(arguments: headerCases)
    func signingReproducesTheExample(_ name: String) throws {
        let testCase = Self.testCase(name)
        var request = Self.request(testCase)
        request.headers.remove("x-amz-content-sha256")
        let signer = SigV4Signer(credentials: TestKeys.s3Docs, region: "us-east-1", service: "s3")
        let result = signer.sign(&request, payload: .sha256Hex(testCase["payload_hash"] as! String), at: TestKeys.s3DocsTime)
        #expect(result.canonicalRequest == testCase["expected_canonical_request"] as? String)
        #expect(result.stringToSign == testCase["expected_string_to_sign"] as? String)
        #expect(result.signature == testCase["expected_signature"] as? String)
        let expected = try SigV4Authorization(headerValue: testCase["expected_authorization"] as! String)
        #expect(try SigV4Authorization(headerValue: request.headers["authorization"]!) == expected)
    }

    /// The documentation's own Authorization header (no spaces after the commas) verifies, and
    /// the body rule is the literal hash to check while storing.
    @Test(arguments: headerCases)
    func documentedRequestVerifies(_ name: String) throws {
        let testCase = Self.testCase(name)
        var request = Self.request(testCase)
        request.headers.add("Authorization", testCase["expected_authorization"] as! String)
        let auth = try Self.authenticator().authenticate(request, service: "s3")
        #expect(auth.scheme == .sigV4Header)
        #expect(auth.region == "us-east-1")
        guard case .sha256(let digest) = auth.payload else {
            Issue.record("expected a literal payload hash rule, got \(auth.payload)")
            return
        }
        #expect(Hex.encode(digest) == testCase["payload_hash"] as? String)
    }

    /// PUT of "Welcome to Amazon S3.": the body matches the signed hash; a changed body does not.
    @Test func putObjectBodyDigest() throws {
        let testCase = Self.testCase("put-object")
        var request = Self.request(testCase)
        request.headers.add("Authorization", testCase["expected_authorization"] as! String)
        guard case .sha256(let digest) = try Self.authenticator().authenticate(request).payload else {
            Issue.record("expected a literal payload hash rule")
            return
        }
        var good = PayloadDigestVerifier(expected: digest)
        good.update(Array("Welcome to ".utf8))
        good.update(Array("Amazon S3.".utf8))
        try good.finish()
        var bad = PayloadDigestVerifier(expected: digest)
        bad.update(Array("Welcome to Amazon S4.".utf8))
        let error = tarnError { try bad.finish() }
        #expect(error?.code == .xAmzContentSHA256Mismatch)
        #expect(error?.code.awsHTTPStatus == 400)
        #expect(error?.detail("ClientComputedContentSHA256") == testCase["payload_hash"] as? String)
        // When the server already hashed the body, the check happens during authentication.
        request.bodySHA256 = ChunkSignatureChain.sha256Hex(Array("Welcome to Amazon S3.".utf8))
        guard case .verified = try Self.authenticator().authenticate(request).payload else {
            Issue.record("expected the payload to be verified up front")
            return
        }
        request.bodySHA256 = SigV4.emptySHA256
        #expect(tarnError { _ = try Self.authenticator().authenticate(request) }?.code == .xAmzContentSHA256Mismatch)
    }

    @Test func presignedURLReproducesTheExample() throws {
        let testCase = Self.testCase("presigned-get-object")
        let signer = SigV4Signer(credentials: TestKeys.s3Docs, region: "us-east-1", service: "s3")
        var request = AWSRequest(method: "GET", rawPath: "/test.txt", headers: ["Host": "examplebucket.s3.amazonaws.com"])
        let result = signer.presign(&request, expires: 86400, at: TestKeys.s3DocsTime)
        #expect(result.canonicalRequest == testCase["expected_canonical_request"] as? String)
        #expect(result.stringToSign == testCase["expected_string_to_sign"] as? String)
        #expect(result.signature == testCase["expected_signature"] as? String)
        let url = signer.presignedURL(
            method: "GET", scheme: "https", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", expires: 86400,
            at: TestKeys.s3DocsTime)
        #expect(url == testCase["expected_url"] as? String)
    }

    /// The documented URL is valid from its X-Amz-Date through X-Amz-Date + 86400 s inclusive.
    @Test(arguments: [(0, true), (1, true), (86_399, true), (86_400, true), (86_401, false), (700_000, false)])
    func presignedURLExpiry(_ offset: Int64, _ valid: Bool) throws {
        let testCase = Self.testCase("presigned-get-object")
        let url = testCase["expected_url"] as! String
        let target = String(url.dropFirst("https://examplebucket.s3.amazonaws.com".count))
        let request = AWSRequest(method: "GET", target: target, headers: ["Host": "examplebucket.s3.amazonaws.com"])
        let error = tarnError { _ = try Self.authenticator(at: TestKeys.s3DocsTime + offset).authenticate(request, service: "s3") }
        if valid {
            #expect(error == nil)
        } else {
            #expect(error?.code == .accessDenied)
            #expect(error?.message == "Request has expired")
            #expect(error?.detail("Expires") == "2013-05-25T00:00:00Z")
            #expect(error?.detail("X-Amz-Expires") == "86400")
        }
    }

    static func chunkedBody(_ testCase: [String: Any]) -> [UInt8] {
        var body: [UInt8] = []
        for chunk in testCase["chunks"] as! [[String: String]] {
            let header = chunk["chunk_header"]!
            let size = Int(header.split(separator: ";")[0], radix: 16)!
            body += Array((header + "\r\n").utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: size) + Array("\r\n".utf8)
        }
        return body
    }

    static func chunkedRequest() -> AWSRequest {
        let testCase = testCase("put-object-aws-chunked")
        var request = Self.request(testCase)
        let seed = testCase["expected_seed_signature"] as! String
        request.headers.add(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=\(seed)"
        )
        return request
    }

    @Test func chunkedSeedSignatureReproducesTheExample() throws {
        let testCase = Self.testCase("put-object-aws-chunked")
        var request = Self.request(testCase)
        let signer = SigV4Signer(credentials: TestKeys.s3Docs, region: "us-east-1", service: "s3")
        let result = signer.sign(&request, payload: .mode(.streamingSigned), at: TestKeys.s3DocsTime)
        #expect(result.canonicalRequest == testCase["expected_canonical_request"] as? String)
        #expect(result.stringToSign == testCase["expected_string_to_sign"] as? String)
        #expect(result.signature == testCase["expected_seed_signature"] as? String)
    }

    /// The encoder reproduces the documented chunk headers and strings to sign exactly.
    @Test func chunkSignatureChainReproducesTheExample() throws {
        let testCase = Self.testCase("put-object-aws-chunked")
        let signing = AWSChunkedDecoder.Signing(
            key: SigningKey.derive(secret: TestKeys.s3Docs.secretAccessKey, date: "20130524", region: "us-east-1", service: "s3"),
            amzDate: "20130524T000000Z", scope: "20130524/us-east-1/s3/aws4_request",
            seedSignature: testCase["expected_seed_signature"] as! String)
        var chain = ChunkSignatureChain(signing)
        var encoder = AWSChunkedEncoder(signing: signing, trailers: false)
        var encoded: [UInt8] = []
        for chunk in testCase["chunks"] as! [[String: String]] {
            let size = Int(chunk["chunk_header"]!.split(separator: ";")[0], radix: 16)!
            let data = [UInt8](repeating: UInt8(ascii: "a"), count: size)
            let digest = ChunkSignatureChain.sha256Hex(data)
            #expect(String(decoding: chain.chunkStringToSign(chunkSHA256Hex: digest), as: UTF8.self) == chunk["expected_string_to_sign"])
            #expect(chain.signChunk(chunkSHA256Hex: digest) == chunk["expected_signature"])
            encoded += size > 0 ? encoder.chunk(data) : encoder.finish()
        }
        #expect(encoded == Self.chunkedBody(testCase))
        #expect(encoded.count == 66824)
    }

    /// The documented upload decodes fed in every piece size, one byte at a time included.
    @Test(arguments: [1, 2, 7, 100, 8192, 65_536, 1 << 20])
    func chunkedUploadDecodes(_ pieceSize: Int) throws {
        let testCase = Self.testCase("put-object-aws-chunked")
        let auth = try Self.authenticator().authenticate(Self.chunkedRequest(), service: "s3")
        guard case .awsChunked(let configuration) = auth.payload else {
            Issue.record("expected an aws-chunked payload rule, got \(auth.payload)")
            return
        }
        #expect(configuration.decodedContentLength == 66560)
        #expect(configuration.signing?.seedSignature == testCase["expected_seed_signature"] as? String)
        let body = Self.chunkedBody(testCase)
        var decoder = AWSChunkedDecoder(configuration)
        var payload: [UInt8] = []
        var offset = 0
        while offset < body.count {
            try decoder.decode(Array(body[offset..<min(body.count, offset + pieceSize)]), into: &payload)
            offset += pieceSize
        }
        #expect(try decoder.finish() == [])
        #expect(payload.count == 66560)
        #expect(payload.allSatisfy { $0 == UInt8(ascii: "a") })
    }

    /// Flipping one payload byte of chunk 2 breaks that chunk's signature.
    @Test func tamperedChunkIsRejected() throws {
        let auth = try Self.authenticator().authenticate(Self.chunkedRequest(), service: "s3")
        guard case .awsChunked(let configuration) = auth.payload else { return }
        var body = Self.chunkedBody(Self.testCase("put-object-aws-chunked"))
        let secondChunkData = body.count - 2 - 84 - 2 - 1024  // back over: final CRLF, final header line, CRLF, data
        body[secondChunkData + 10] = UInt8(ascii: "b")
        var decoder = AWSChunkedDecoder(configuration)
        var payload: [UInt8] = []
        let error = tarnError { try decoder.decode(body, into: &payload) }
        #expect(error?.code == .signatureDoesNotMatch)
        #expect(error?.message.contains("chunk 1") == true)
        #expect(payload.count < 66560)
    }
}
