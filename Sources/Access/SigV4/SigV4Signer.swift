import Foundation

/// Signs requests with SigV4, as the SDKs do: the `Authorization` header form and presigned URLs.
///
/// Used by `tarn presign`, by Tarn's own internal clients and by tests.
/// ```swift
/// let signer = SigV4Signer(credentials: root, region: "us-east-1", service: "s3")
/// var request = AWSRequest(method: "GET", rawPath: "/bucket/key", headers: ["Host": "localhost:9000"])
/// signer.sign(&request, payload: .empty, at: now)            // adds X-Amz-Date, Authorization…
/// let url = signer.presignedURL(method: "GET", scheme: "http", host: "localhost:9000",
///                               path: "/bucket/key", expires: 3600, at: now)
/// ```
/// The SigV4 steps (spec, "Create a signed request"): build the canonical request (see
/// `CanonicalRequest`), hash it into the string to sign
/// `AWS4-HMAC-SHA256 \n <X-Amz-Date> \n <scope> \n Hex(SHA256(CanonicalRequest))`, and HMAC that
/// with the signing key derived for the scope (see `SigningKey`).
public struct SigV4Signer: Sendable {
    /// What the canonical request's last line says about the body.
    public enum Payload: Sendable, Equatable {
        /// No body: the SHA-256 of the empty string.
        case empty
        /// This body, hashed.
        case bytes([UInt8])
        /// A body whose hex SHA-256 is already known.
        case sha256Hex(String)
        /// One of the `x-amz-content-sha256` modes (`UNSIGNED-PAYLOAD`, `STREAMING-…`).
        case mode(PayloadMode)

        var hash: String {
            switch self {
            case .empty: SigV4.emptySHA256
            case .bytes(let body): ChunkSignatureChain.sha256Hex(body)
            case .sha256Hex(let hex): hex
            case .mode(let mode): mode.headerValue
            }
        }
    }

    /// Everything a signature was computed from, for logs, `tarn presign --verbose` and tests.
    public struct Result: Sendable, Equatable {
        /// The canonical request.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The signature, 64 lowercase hex digits.
        public var signature: String
    }

    /// The credentials to sign with.
    public var credentials: SigningCredentials
    /// The region of the credential scope.
    public var region: String
    /// The service of the credential scope.
    public var service: String
    /// How the path is canonicalised; by default the service's rule.
    public var path: PathCanonicalization
    /// Whether the session token is signed (added before signing); botocore's test suite also has
    /// services that want it added after (`post-sts-header-after`).
    public var signsSessionToken = true
    /// Whether to send and sign `x-amz-content-sha256`; S3 requires it, other services ignore it.
    public var sendsContentSHA256: Bool
    /// Headers never signed because proxies and HTTP stacks change them (botocore's list).
    public static let unsignedHeaders: Set<String> = ["authorization", "expect", "user-agent", "x-amzn-trace-id", "transfer-encoding"]

    /// Creates a signer.
    /// - Parameters:
    ///   - credentials: the key pair (and session token).
    ///   - region: the scope region.
    ///   - service: the scope service; `s3` selects S3's path rule and `x-amz-content-sha256`.
    public init(credentials: SigningCredentials, region: String = "us-east-1", service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.path = .forService(service)
        self.sendsContentSHA256 = service == "s3"
    }

    /// The credential scope for a signing time.
    public func scope(at time: Int64) -> CredentialScope {
        CredentialScope(
            accessKeyID: credentials.accessKeyID, date: String(AMZDate.iso8601Basic(time).prefix(8)), region: region,
            service: service)
    }

    /// Signs a request with the `Authorization` header, in place.
    /// - Parameters:
    ///   - request: the request; gains `X-Amz-Date`, `Authorization` and, as configured,
    ///     `x-amz-content-sha256` and `X-Amz-Security-Token`. Every other header present is signed.
    ///   - payload: the body or payload mode.
    ///   - time: the signing time, seconds since 1970.
    /// - Returns: the canonical request, string to sign and signature.
    @discardableResult
    public func sign(_ request: inout AWSRequest, payload: Payload = .empty, at time: Int64) -> Result {
        let amzDate = AMZDate.iso8601Basic(time)
        request.headers.remove("authorization")
        request.headers.set("x-amz-date", amzDate)
        if let token = credentials.sessionToken, signsSessionToken { request.headers.set("x-amz-security-token", token) }
        let payloadHash = payload.hash
        if sendsContentSHA256 { request.headers.set("x-amz-content-sha256", payloadHash) }
        let signedHeaders = Self.signedHeaderList(request.headers)
        let result = compute(request, signedHeaders: signedHeaders, payloadHash: payloadHash, amzDate: amzDate, skipping: [])
        let authorization = SigV4Authorization(credential: scope(at: time), signedHeaders: signedHeaders, signature: result.signature)
        request.headers.add("authorization", authorization.headerValue)
        if let token = credentials.sessionToken, !signsSessionToken { request.headers.set("x-amz-security-token", token) }
        return result
    }

    /// Presigns a request: appends the `X-Amz-*` parameters and `X-Amz-Signature` to its query.
    /// - Parameters:
    ///   - request: the request; must carry a `Host` header. Every header present is signed, so
    ///     the client that uses the URL must send the same ones.
    ///   - expires: seconds the URL stays valid, 1…604800.
    ///   - payload: the body rule; S3 presigned URLs use `UNSIGNED-PAYLOAD` (the default for `s3`).
    ///   - time: the signing time, seconds since 1970.
    /// - Returns: the canonical request, string to sign and signature.
    @discardableResult
    public func presign(_ request: inout AWSRequest, expires: Int64, payload: Payload? = nil, at time: Int64) -> Result {
        precondition((1...SigV4.maxPresignedExpiry).contains(expires), "X-Amz-Expires must be 1…604800 seconds, got \(expires)")
        let amzDate = AMZDate.iso8601Basic(time)
        let signedHeaders = Self.signedHeaderList(request.headers)
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", SigV4.algorithm), ("X-Amz-Credential", scope(at: time).credential), ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken, signsSessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        request.rawQuery = SigV2Signer.append(parameters, to: request.rawQuery)
        let payloadHash = (payload ?? (service == "s3" ? .mode(.unsigned) : .empty)).hash
        let result = compute(request, signedHeaders: signedHeaders, payloadHash: payloadHash, amzDate: amzDate, skipping: ["X-Amz-Signature"])
        var suffix: [(String, String)] = []
        if let token = credentials.sessionToken, !signsSessionToken { suffix.append(("X-Amz-Security-Token", token)) }
        suffix.append(("X-Amz-Signature", result.signature))
        request.rawQuery = SigV2Signer.append(suffix, to: request.rawQuery)
        return result
    }

    /// A presigned URL for a GET or PUT of `path` (already percent-encoded, e.g. from
    /// `PercentEncoding.encodePath`).
    /// - Parameters:
    ///   - method: `GET`, `PUT`…
    ///   - scheme: `http` or `https`.
    ///   - host: host and port as the client will send them in `Host`.
    ///   - path: the encoded path, e.g. `/bucket/my%20key`.
    ///   - query: extra query parameters already encoded (e.g. `versionId=3`), or `""`.
    ///   - expires: seconds of validity, 1…604800.
    ///   - time: the signing time, seconds since 1970.
    public func presignedURL(
        method: String, scheme: String = "https", host: String, path: String, query: String = "", expires: Int64, at time: Int64
    ) -> String {
        var request = AWSRequest(method: method, rawPath: path, rawQuery: query, headers: ["host": host])
        presign(&request, expires: expires, at: time)
        return "\(scheme)://\(host)\(request.rawPath)?\(request.rawQuery)"
    }

    /// The lowercase, sorted, de-duplicated names of the headers to sign.
    static func signedHeaderList(_ headers: HTTPHeaders) -> String {
        Set(headers.fields.map(\.name)).subtracting(unsignedHeaders)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ";")
    }

    private func compute(_ request: AWSRequest, signedHeaders: String, payloadHash: String, amzDate: String, skipping: [String])
        -> Result
    {
        let canonical = CanonicalRequest.build(
            request, path: path, skipping: skipping, signedHeaders: Substring(signedHeaders), payloadHash: payloadHash)
        let scope = CredentialScope(
            accessKeyID: credentials.accessKeyID, date: String(amzDate.prefix(8)), region: region, service: service)
        let stringToSign = CanonicalRequest.stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope)
        let key = SigningKey.derive(secret: credentials.secretAccessKey, date: scope.date, region: region, service: service)
        let signature = SigningKey.signatureHex(key: key, message: stringToSign)
        return Result(
            canonicalRequest: String(decoding: canonical, as: UTF8.self), stringToSign: String(decoding: stringToSign, as: UTF8.self),
            signature: String(decoding: signature, as: UTF8.self))
    }
}
