import TarnCore

/// Authenticates incoming requests the way AWS does: SigV4 header or presigned query, SigV2
/// header or presigned query (S3), or anonymous.
///
/// One instance serves the whole server; it is immutable apart from its signing-key cache.
/// ```swift
/// let authenticator = RequestAuthenticator(
///     credentials: StaticCredentialStore([root]), configuration: AuthenticatorConfiguration(region: "us-east-1"))
/// let request = AWSRequest(method: "GET", target: "/bucket/key", headers: headers)
/// let auth = try authenticator.authenticate(request, service: "s3")   // throws TarnError
/// ```
/// Failures are `TarnError`s whose code is the S3 error code (`code.awsHTTPStatus` gives the
/// status); `SignatureDoesNotMatch` carries the canonical request and string to sign in
/// `details`, as S3's error body does, and never the secret.
public struct RequestAuthenticator: Sendable {
    /// The server-wide settings.
    public let configuration: AuthenticatorConfiguration
    /// Where secrets are looked up.
    public let credentials: any CredentialStore
    /// Derived signing keys, shared by all requests.
    public let keyCache: SigningKeyCache

    /// Creates an authenticator.
    /// - Parameters:
    ///   - credentials: the credential store.
    ///   - configuration: region, services, clock, skew.
    ///   - keyCache: the signing-key cache; a fresh one by default.
    public init(
        credentials: any CredentialStore, configuration: AuthenticatorConfiguration = AuthenticatorConfiguration(),
        keyCache: SigningKeyCache = SigningKeyCache()
    ) {
        self.credentials = credentials
        self.configuration = configuration
        self.keyCache = keyCache
    }

    /// Authenticates one request.
    /// - Parameters:
    ///   - request: the request as received.
    ///   - service: the service the server routed the request to (`s3`, `kinesis`…); the
    ///     credential scope must name it. `nil` accepts any configured service.
    /// - Returns: the principal and what remains to be checked about the body.
    /// - Throws: `TarnError` with the AWS error code.
    public func authenticate(_ request: AWSRequest, service: String? = nil) throws -> Authentication {
        let now = AMZDate.seconds(configuration.clock.now())
        let query = request.query
        let hasV4Query = query.contains("X-Amz-Algorithm") || query.contains("X-Amz-Signature") || query.contains("X-Amz-Credential")
        let hasV2Query = query.contains("AWSAccessKeyId") || query.contains("Signature")
        if let authorization = request.headers["authorization"].map({ $0[...].trimmingSpaces }) {
            if hasV4Query || hasV2Query {
                throw TarnError(
                    .invalidArgument,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
                    details: [.init("ArgumentName", "Authorization"), .init("ArgumentValue", String(authorization))])
            }
            if authorization.hasPrefix(SigV4.algorithm + " ") {
                return try verifySigV4Header(request, authorization: authorization, expectedService: service, now: now)
            }
            if authorization.hasPrefix("AWS ") {
                return try verifySigV2Header(request, authorization: String(authorization), now: now)
            }
            throw TarnError(
                .invalidArgument, "Unsupported Authorization Type",
                details: [.init("ArgumentName", "Authorization"), .init("ArgumentValue", String(authorization))])
        }
        if hasV4Query { return try verifySigV4Query(request, expectedService: service, now: now) }
        if hasV2Query { return try verifySigV2Query(request, now: now) }
        return .anonymous(payload: try payloadRuleWithoutSigV4(request))
    }

    /// The body rule of a request not signed with SigV4 (anonymous or SigV2): it may still
    /// announce a body hash (checked later) or an unsigned aws-chunked body, but not the signed
    /// streaming modes, which chain from a SigV4 seed signature.
    func payloadRuleWithoutSigV4(_ request: AWSRequest) throws -> PayloadRule {
        guard let header = request.payloadHashHeader else { return .unsigned }
        let mode = try Self.payloadMode(header)
        switch mode {
        case .sha256(let hex): return try literalPayloadRule(hex, request: request)
        case .unsigned: return .unsigned
        case .streamingUnsignedTrailer: return .awsChunked(try chunkedConfiguration(request, mode: mode, signing: nil))
        case .streamingSigned, .streamingSignedTrailer:
            throw TarnError(.invalidRequest, "x-amz-content-sha256 \(header) needs a request signed with AWS4-HMAC-SHA256")
        }
    }

    /// Parses `x-amz-content-sha256`.
    static func payloadMode(_ header: String) throws -> PayloadMode {
        guard let mode = PayloadMode(headerValue: header) else {
            throw TarnError(
                .invalidArgument,
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
                details: [.init("ArgumentName", "x-amz-content-sha256"), .init("ArgumentValue", header)])
        }
        return mode
    }

    /// The rule for a literal body hash: checked now when the caller already hashed the body.
    func literalPayloadRule(_ hex: String, request: AWSRequest) throws -> PayloadRule {
        if let actual = request.bodySHA256 {
            guard actual.lowercased() == hex.lowercased() else {
                throw PayloadDigestVerifier.mismatch(expected: hex.lowercased(), actual: actual.lowercased())
            }
            return .verified
        }
        // `PayloadMode` accepted only 64 hex digits, so every pair decodes.
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        var high: UInt8?
        for digit in hex.utf8 {
            let value = PercentEncoding.hexValue(digit) ?? 0
            if let first = high {
                digest.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return .sha256(digest)
    }

    /// The aws-chunked decoder settings for a streaming request.
    func chunkedConfiguration(_ request: AWSRequest, mode: PayloadMode, signing: AWSChunkedDecoder.Signing?) throws
        -> AWSChunkedDecoder.Configuration
    {
        guard let lengthText = request.headers["x-amz-decoded-content-length"] else {
            throw TarnError(
                .missingContentLength,
                "You must provide the Content-Length HTTP header: x-amz-decoded-content-length is required with x-amz-content-sha256 \(mode.headerValue)")
        }
        guard let length = Int64(lengthText), length >= 0 else {
            throw TarnError(
                .invalidArgument, "x-amz-decoded-content-length \"\(lengthText)\" is not a non-negative integer",
                details: [.init("ArgumentName", "x-amz-decoded-content-length"), .init("ArgumentValue", lengthText)])
        }
        let declared = request.headers.values("x-amz-trailer").flatMap { $0[...].split(byte: UInt8(ascii: ","), omittingEmpty: true) }
            .map { HTTPHeaders.lowercase(String($0.trimmingSpaces)) }.filter { !$0.isEmpty }
        let trailers: AWSChunkedDecoder.Trailers
        switch mode {
        case .streamingSignedTrailer, .streamingUnsignedTrailer: trailers = .expected(declared)
        default: trailers = .none
        }
        return AWSChunkedDecoder.Configuration(decodedContentLength: length, trailers: trailers, signing: signing)
    }
}
