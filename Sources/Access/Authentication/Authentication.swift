/// Who sent a request and what the server must still check about its body.
public struct Authentication: Sendable {
    /// How the request proved its identity.
    public enum Scheme: String, Sendable, Equatable {
        /// No credentials were presented.
        case anonymous
        /// SigV4 `Authorization: AWS4-HMAC-SHA256 …` header.
        case sigV4Header
        /// SigV4 presigned URL (`X-Amz-Signature` query parameter).
        case sigV4Query
        /// SigV2 `Authorization: AWS AKID:signature` header (S3 only).
        case sigV2Header
        /// SigV2 presigned URL (`AWSAccessKeyId`, `Expires`, `Signature` query parameters).
        case sigV2Query
    }

    /// How the request proved its identity.
    public var scheme: Scheme
    /// The identity the request acts as.
    public var principal: Principal
    /// The access key id that signed, `nil` when anonymous.
    public var accessKeyID: String?
    /// The service of the credential scope (`s3` for SigV2), `nil` when anonymous.
    public var service: String?
    /// The region of the credential scope, `nil` for SigV2 and anonymous requests.
    public var region: String?
    /// The signing time (`X-Amz-Date` or `Date`) in seconds since 1970, when the request has one.
    public var requestTime: Int64?
    /// When a presigned URL stops being valid, in seconds since 1970.
    public var expiresAt: Int64?
    /// The session token presented with temporary credentials.
    public var sessionToken: String?
    /// What the server must check about the body.
    public var payload: PayloadRule

    /// Creates an authentication result.
    public init(
        scheme: Scheme, principal: Principal, accessKeyID: String? = nil, service: String? = nil, region: String? = nil,
        requestTime: Int64? = nil, expiresAt: Int64? = nil, sessionToken: String? = nil, payload: PayloadRule = .unsigned
    ) {
        self.scheme = scheme
        self.principal = principal
        self.accessKeyID = accessKeyID
        self.service = service
        self.region = region
        self.requestTime = requestTime
        self.expiresAt = expiresAt
        self.sessionToken = sessionToken
        self.payload = payload
    }

    /// The result for a request without credentials.
    public static func anonymous(payload: PayloadRule = .unsigned) -> Authentication {
        Authentication(scheme: .anonymous, principal: .anonymous, payload: payload)
    }
}

/// What remains to be checked about a request body once its head is authenticated.
public enum PayloadRule: Sendable {
    /// The body is not covered by any signature (`UNSIGNED-PAYLOAD`, SigV2, anonymous).
    case unsigned
    /// The body's hash was already checked against the signed value (the caller supplied
    /// `AWSRequest.bodySHA256`).
    case verified
    /// The body must hash to this SHA-256 (`x-amz-content-sha256` carried a literal hash); feed it
    /// through a `PayloadDigestVerifier` and fail with `XAmzContentSHA256Mismatch` otherwise.
    case sha256([UInt8])
    /// The body is aws-chunked: decode it with `AWSChunkedDecoder(configuration)`, which also
    /// checks the chunk signatures and reports trailing checksums.
    case awsChunked(AWSChunkedDecoder.Configuration)
}
