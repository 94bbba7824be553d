import Access
import Foundation
import TarnCore
import Testing

/// Every way authentication fails, with the S3 error code, status and details.
@Suite struct VerificationErrorTests {
    static let keys = SigningCredentials(accessKeyID: "AKIATARNTEST", secretAccessKey: "tarn/secret+key/0123456789abcdefghijklmn")
    static let time = AMZDate.parseISO8601Basic("20261125T120000Z")!

    static func authenticator(at seconds: Int64 = time, store: StaticCredentialStore = TestKeys.store(keys)) -> RequestAuthenticator {
        RequestAuthenticator(credentials: store, configuration: AuthenticatorConfiguration(clock: FixedClock(seconds: seconds)))
    }

    /// A header-signed S3 GET with a query and an extra signed header.
    static func signedGet(signer: SigV4Signer = SigV4Signer(credentials: keys, service: "s3"), at seconds: Int64 = time) -> AWSRequest {
        var request = AWSRequest(
            method: "GET", rawPath: "/bucket/some%20dir/k%C3%A9y+1", rawQuery: "versionId=3&prefix=a%2Fb",
            headers: ["Host": "localhost:9000", "Range": "bytes=0-9", "User-Agent": "test"])
        signer.sign(&request, at: seconds)
        return request
    }

    static func presignedGet(expires: Int64 = 3600, signer: SigV4Signer = SigV4Signer(credentials: keys, service: "s3")) -> AWSRequest {
        let url = signer.presignedURL(method: "GET", scheme: "http", host: "localhost:9000", path: "/bucket/key", expires: expires, at: time)
        return AWSRequest(method: "GET", target: String(url.dropFirst("http://localhost:9000".count)), headers: ["Host": "localhost:9000"])
    }

    static func fails(_ request: AWSRequest, at seconds: Int64 = time, service: String? = "s3", store: StaticCredentialStore = TestKeys.store(keys))
        -> TarnError?
    {
        tarnError { _ = try authenticator(at: seconds, store: store).authenticate(request, service: service) }
    }

    @Test func validRequestsVerify() throws {
        let header = try Self.authenticator().authenticate(Self.signedGet(), service: "s3")
        #expect(header.scheme == .sigV4Header)
        guard case .sha256(let digest) = header.payload else {
            Issue.record("GET signs the empty body's hash")
            return
        }
        #expect(Hex.encode(digest) == SigV4.emptySHA256)
        let query = try Self.authenticator().authenticate(Self.presignedGet(), service: "s3")
        #expect(query.scheme == .sigV4Query)
        guard case .unsigned = query.payload else {
            Issue.record("presigned S3 URLs sign UNSIGNED-PAYLOAD")
            return
        }
    }

    @Test func unsignedHeaderMayChangeButSignedOnesMayNot() {
        var request = Self.signedGet()
        request.headers.set("User-Agent", "another")
        #expect(Self.fails(request) == nil)
        request.headers.set("Range", "bytes=0-10")
        #expect(Self.fails(request)?.code == .signatureDoesNotMatch)
    }

    @Test(arguments: ["/bucket/some%20dir/k%C3%A9y+2", "/bucket/some%20dir//k%C3%A9y+1", "/bucket/some dir/k%C3%A9y+1x"])
    func tamperedPathIsRejected(_ path: String) {
        var request = Self.signedGet()
        request.rawPath = path
        let error = Self.fails(request)
        #expect(error?.code == .signatureDoesNotMatch)
        #expect(error?.code.awsHTTPStatus == 403)
    }

    /// Equivalent encodings of the same path sign the same: S3 decodes and re-encodes once.
    @Test func equivalentPathEncodingVerifies() {
        var request = Self.signedGet()
        request.rawPath = "/bucket/some%20dir/k%c3%a9y%2B1"
        #expect(Self.fails(request) == nil)
    }

    @Test(arguments: ["versionId=4&prefix=a%2Fb", "versionId=3&prefix=a%2Fb&extra", "versionId=3", "prefix=a%2Fb&versionId=3&versionId=3"])
    func tamperedQueryIsRejected(_ query: String) {
        var request = Self.signedGet()
        request.rawQuery = query
        #expect(Self.fails(request)?.code == .signatureDoesNotMatch)
    }

    @Test func reorderedQueryVerifies() {
        var request = Self.signedGet()
        request.rawQuery = "prefix=a/b&versionId=3"
        #expect(Self.fails(request) == nil)
    }

    @Test(arguments: ["X-Amz-Expires", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Credential", "X-Amz-Signature"])
    func tamperedPresignedParameterIsRejected(_ name: String) {
        let request = Self.presignedGet()
        let replacement: [String: String] = [
            "X-Amz-Expires": "3601", "X-Amz-Date": "20261125T120001Z", "X-Amz-SignedHeaders": "host%3Brange",
            "X-Amz-Credential": "AKIATARNTEST%2F20261125%2Fus-east-1%2Fs3%2Faws4_request%2F",
            "X-Amz-Signature": String(repeating: "0", count: 64),
        ]
        let query = request.rawQuery.split(separator: "&").map { $0.hasPrefix(name + "=") ? "\(name)=\(replacement[name]!)" : String($0) }
        var tampered = request
        tampered.rawQuery = query.joined(separator: "&")
        let error = Self.fails(tampered)
        #expect(error != nil)
        #expect([.signatureDoesNotMatch, .authorizationQueryParametersError].contains(error!.code))
    }

    @Test func addedQueryParameterOnPresignedURLIsRejected() {
        var request = Self.presignedGet()
        request.rawQuery += "&response-content-type=text%2Fhtml"
        #expect(Self.fails(request)?.code == .signatureDoesNotMatch)
    }

    @Test func unknownAccessKey() {
        let request = Self.signedGet(signer: SigV4Signer(credentials: SigningCredentials(accessKeyID: "AKIANOBODY", secretAccessKey: "x"), service: "s3"))
        let error = Self.fails(request)
        #expect(error?.code == .invalidAccessKeyId)
        #expect(error?.code.awsHTTPStatus == 403)
        #expect(error?.detail("AWSAccessKeyId") == "AKIANOBODY")
    }

    @Test func wrongSecretCarriesCanonicalRequestButNotSecret() {
        var wrong = Self.keys
        wrong.secretAccessKey = "not-the-secret"
        let request = Self.signedGet(signer: SigV4Signer(credentials: wrong, service: "s3"))
        let error = Self.fails(request)
        #expect(error?.code == .signatureDoesNotMatch)
        let canonical = error?.detail("CanonicalRequest") ?? ""
        #expect(canonical.hasPrefix("GET\n/bucket/some%20dir/k%C3%A9y%2B1\nprefix=a%2Fb&versionId=3\nhost:localhost:9000\nrange:bytes=0-9\n"))
        #expect(error?.detail("StringToSign")?.hasPrefix("AWS4-HMAC-SHA256\n20261125T120000Z\n20261125/us-east-1/s3/aws4_request\n") == true)
        #expect(error?.detail("SignatureProvided") == request.headers["authorization"]?.components(separatedBy: "Signature=").last)
        #expect(!"\(error!) \(error!.details)".contains(Self.keys.secretAccessKey))
    }

    /// 15 minutes of skew either way are accepted, one second more is not.
    @Test(arguments: [(-900, true), (900, true), (-901, false), (901, false), (86_400, false)])
    func clockSkewBoundaries(_ skew: Int64, _ accepted: Bool) {
        let error = Self.fails(Self.signedGet(), at: Self.time + skew)
        if accepted {
            #expect(error == nil)
        } else {
            #expect(error?.code == .requestTimeTooSkewed)
            #expect(error?.code.awsHTTPStatus == 403)
            #expect(error?.detail("RequestTime") == "20261125T120000Z")
            #expect(error?.detail("MaxAllowedSkewMilliseconds") == "900000")
            #expect(error?.detail("ServerTime") == AMZDate.iso8601Extended(Self.time + skew))
        }
    }

    @Test func wrongRegionNamesTheExpectedOne() {
        let header = Self.signedGet(signer: SigV4Signer(credentials: Self.keys, region: "eu-west-1", service: "s3"))
        let error = Self.fails(header)
        #expect(error?.code == .authorizationHeaderMalformed)
        #expect(error?.code.awsHTTPStatus == 400)
        #expect(error?.message == "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'")
        #expect(error?.detail("Region") == "us-east-1")
        let query = Self.fails(Self.presignedGet(signer: SigV4Signer(credentials: Self.keys, region: "eu-west-1", service: "s3")))
        #expect(query?.code == .authorizationQueryParametersError)
        #expect(query?.message == "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'")
        #expect(query?.detail("Region") == "us-east-1")
    }

    @Test func wrongService() {
        let request = Self.signedGet(signer: SigV4Signer(credentials: Self.keys, service: "kinesis"))
        #expect(Self.fails(request)?.code == .authorizationHeaderMalformed)
        #expect(Self.fails(request)?.message.contains("incorrect service \"kinesis\". This endpoint belongs to \"s3\".") == true)
        // Without a routed service any configured one is accepted, but not an unknown one.
        #expect(Self.fails(Self.signedGet(signer: SigV4Signer(credentials: Self.keys, service: "ec2")), service: nil)?.code == .authorizationHeaderMalformed)
    }

    static func withAuthorization(_ value: String) -> AWSRequest {
        var request = signedGet()
        request.headers.set("Authorization", value)
        return request
    }

    @Test(arguments: [
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/2026112/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws4_request, Signature=00",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00, Extra=1",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws4_request, SignedHeaders=host, Signature",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws4_request, SignedHeaders=, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261124/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIATARNTEST/20261125/us-east-1/s3/aws4_request, SignedHeaders=range;x-amz-date, Signature=00",
    ])
    func malformedAuthorizationHeader(_ value: String) {
        let error = Self.fails(Self.withAuthorization(value))
        #expect(error?.code == .authorizationHeaderMalformed)
        #expect(error?.message.hasPrefix("The authorization header is malformed; ") == true)
    }

    @Test(arguments: ["Bearer abc", "AWS4-ECDSA-P256-SHA256 Credential=x", "Basic dXNlcjpwYXNz"])
    func unsupportedAuthorizationType(_ value: String) {
        let error = Self.fails(Self.withAuthorization(value))
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "Unsupported Authorization Type")
        #expect(error?.detail("ArgumentName") == "Authorization")
    }

    @Test func headerAndQueryAuthTogether() {
        var request = Self.presignedGet()
        request.headers.set("Authorization", Self.signedGet().headers["authorization"]!)
        let error = Self.fails(request)
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix("Only one auth mechanism allowed") == true)
    }

    @Test func missingOrBadDate() {
        var request = Self.signedGet()
        request.headers.remove("x-amz-date")
        #expect(Self.fails(request)?.code == .accessDenied)
        #expect(Self.fails(request)?.message == "AWS authentication requires a valid Date or x-amz-date header")
        request.headers.set("x-amz-date", "2026-11-25T12:00:00Z")
        #expect(Self.fails(request)?.code == .accessDenied)
    }

    /// A `Date` header stands in for `x-amz-date` when the client signed it instead.
    @Test func dateHeaderInsteadOfAmzDate() throws {
        let request = Self.signedGet()
        var withDate = request
        withDate.headers.remove("x-amz-date")
        withDate.headers.add("Date", AMZDate.httpDate(Self.time))
        // The client signed x-amz-date, which is gone now: the signature no longer matches, but
        // the date was accepted (no AccessDenied).
        #expect(Self.fails(withDate)?.code == .signatureDoesNotMatch)
    }

    @Test func s3HeaderAuthNeedsContentSHA256() {
        var request = Self.signedGet()
        request.headers.remove("x-amz-content-sha256")
        let error = Self.fails(request)
        #expect(error?.code == .invalidRequest)
        #expect(error?.message == "Missing required header for this request: x-amz-content-sha256")
        request.headers.set("x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")
        #expect(Self.fails(request)?.code == .invalidArgument)
    }

    @Test(arguments: [("0", "at least 1"), ("-1", "non-negative"), ("604801", "less than a week"), ("abc", "should be a number"), ("", "should be a number")])
    func presignedExpiresOutOfRange(_ value: String, _ phrase: String) {
        var request = Self.presignedGet()
        request.rawQuery = request.rawQuery.split(separator: "&").map { $0.hasPrefix("X-Amz-Expires=") ? "X-Amz-Expires=\(value)" : String($0) }
            .joined(separator: "&")
        let error = Self.fails(request)
        #expect(error?.code == .authorizationQueryParametersError)
        #expect(error?.message.contains(phrase) == true)
    }

    @Test func maximumExpiryIsAccepted() {
        let request = Self.presignedGet(expires: 604_800)
        #expect(Self.fails(request, at: Self.time + 604_800) == nil)
        #expect(Self.fails(request, at: Self.time + 604_801)?.message == "Request has expired")
    }

    @Test(arguments: ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"])
    func presignedParameterMissing(_ name: String) {
        var request = Self.presignedGet()
        request.rawQuery = request.rawQuery.split(separator: "&").filter { !$0.hasPrefix(name + "=") }.joined(separator: "&")
        let error = Self.fails(request)
        #expect(error?.code == .authorizationQueryParametersError)
        #expect(error?.message.hasPrefix("Query-string authentication version 4 requires") == true)
    }

    @Test func presignedWrongAlgorithmOrDate() {
        var request = Self.presignedGet()
        let original = request.rawQuery
        request.rawQuery = original.replacingOccurrences(of: "X-Amz-Algorithm=AWS4-HMAC-SHA256", with: "X-Amz-Algorithm=AWS4-HMAC-SHA1")
        #expect(Self.fails(request)?.message == "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        request.rawQuery = original.replacingOccurrences(of: "X-Amz-Date=20261125T120000Z", with: "X-Amz-Date=20261125")
        #expect(Self.fails(request)?.code == .authorizationQueryParametersError)
        request.rawQuery = original.replacingOccurrences(of: "X-Amz-Date=20261125T120000Z", with: "X-Amz-Date=20261126T120000Z")
        #expect(Self.fails(request)?.message.contains("Invalid credential date") == true)
    }

    @Test func presignedNotYetValid() {
        #expect(Self.fails(Self.presignedGet(), at: Self.time - 900) == nil)
        let error = Self.fails(Self.presignedGet(), at: Self.time - 901)
        #expect(error?.code == .accessDenied)
        #expect(error?.message == "Request is not valid yet")
    }

    @Test func presignedS3RefusesUnsignedAmzHeaders() {
        var request = Self.presignedGet()
        request.headers.add("x-amz-acl", "public-read")
        let error = Self.fails(request)
        #expect(error?.code == .accessDenied)
        #expect(error?.detail("HeadersNotSigned") == "x-amz-acl")
    }

    @Test func sessionTokens() throws {
        var temporary = Self.keys
        temporary.sessionToken = "session-token-1"
        let store = TestKeys.store(temporary)
        let withToken = Self.signedGet(signer: SigV4Signer(credentials: temporary, service: "s3"))
        let auth = try Self.authenticator(store: store).authenticate(withToken)
        #expect(auth.sessionToken == "session-token-1")
        // Presigned URLs carry the token in the query.
        let presigned = Self.presignedGet(signer: SigV4Signer(credentials: temporary, service: "s3"))
        #expect(presigned.query["X-Amz-Security-Token"] == "session-token-1")
        #expect(try Self.authenticator(store: store).authenticate(presigned).sessionToken == "session-token-1")
        // Missing token: AWS does not recognise the key without it.
        #expect(Self.fails(Self.signedGet(), store: store)?.code == .invalidAccessKeyId)
        // Wrong token.
        var otherToken = temporary
        otherToken.sessionToken = "session-token-2"
        #expect(Self.fails(Self.signedGet(signer: SigV4Signer(credentials: otherToken, service: "s3")), store: store)?.code == .invalidToken)
        // A token for a long-term key.
        #expect(Self.fails(Self.signedGet(signer: SigV4Signer(credentials: otherToken, service: "s3")))?.code == .invalidToken)
    }

    @Test func nonS3ServicesSignTheBody() throws {
        let body = Array(#"{"StreamName":"clicks"}"#.utf8)
        var request = AWSRequest(
            method: "POST", rawPath: "/",
            headers: ["Host": "localhost:9000", "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.DescribeStream"])
        SigV4Signer(credentials: Self.keys, service: "kinesis").sign(&request, payload: .bytes(body), at: Self.time)
        #expect(request.headers["x-amz-content-sha256"] == nil)
        // The server must say what the body hashes to.
        #expect(Self.fails(request, service: "kinesis")?.code == .internal)
        request.bodySHA256 = ChunkSignatureChain.sha256Hex(body)
        let auth = try Self.authenticator().authenticate(request, service: "kinesis")
        guard case .verified = auth.payload else {
            Issue.record("the body hash was part of the signature")
            return
        }
        request.bodySHA256 = ChunkSignatureChain.sha256Hex(body + [0x20])
        #expect(Self.fails(request, service: "kinesis")?.code == .signatureDoesNotMatch)
    }

    @Test func anonymousRequests() throws {
        let plain = try Self.authenticator().authenticate(AWSRequest(method: "GET", target: "/public/object", headers: ["Host": "h"]))
        #expect(plain.scheme == .anonymous)
        #expect(plain.principal == .anonymous)
        var streaming = AWSRequest(method: "PUT", target: "/public/object", headers: ["Host": "h"])
        streaming.headers.add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        #expect(Self.fails(streaming)?.code == .invalidRequest)
        streaming.headers.set("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        #expect(Self.fails(streaming)?.code == .missingContentLength)
        #expect(TarnError.Code.missingContentLength.awsHTTPStatus == 411)
        streaming.headers.add("x-amz-decoded-content-length", "5")
        guard case .awsChunked(let configuration) = try Self.authenticator().authenticate(streaming).payload else {
            Issue.record("expected aws-chunked")
            return
        }
        #expect(configuration.signing == nil)
        #expect(configuration.decodedContentLength == 5)
    }

    @Test func statusMapping() {
        let forbidden: [TarnError.Code] = [.accessDenied, .invalidAccessKeyId, .requestTimeTooSkewed, .signatureDoesNotMatch]
        let badRequest: [TarnError.Code] = [
            .authorizationHeaderMalformed, .authorizationQueryParametersError, .incompleteBody, .invalidRequest, .invalidToken,
            .malformedTrailerError, .xAmzContentSHA256Mismatch, .invalidArgument,
        ]
        #expect(forbidden.allSatisfy { $0.awsHTTPStatus == 403 })
        #expect(badRequest.allSatisfy { $0.awsHTTPStatus == 400 })
        #expect(TarnError.Code.notFound.awsHTTPStatus == nil)
        #expect(TarnError.Code.signatureDoesNotMatch.rawValue == "SignatureDoesNotMatch")
    }
}
