/// Constants of AWS Signature Version 4, named as the spec names them.
public enum SigV4 {
    /// The algorithm id that opens the `Authorization` header and the string to sign.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The algorithm id of a chunk's string to sign in an aws-chunked upload.
    public static let chunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD"
    /// The algorithm id of the trailing headers' string to sign in an aws-chunked upload.
    public static let trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
    /// The last element of every credential scope.
    public static let terminator = "aws4_request"
    /// Hex SHA-256 of the empty string: the payload hash of a body-less request.
    public static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// S3 allows a presigned URL to live at most seven days (`X-Amz-Expires` ≤ 604800).
    public static let maxPresignedExpiry: Int64 = 604_800
    /// S3 rejects a request whose time is more than 15 minutes from the server's
    /// (`RequestTimeTooSkewed`).
    public static let maxClockSkewSeconds: Int64 = 900
}

/// What `x-amz-content-sha256` says about the body (Amazon S3 API Reference, "Authenticating
/// Requests: Using the Authorization Header", table of `x-amz-content-sha256` values).
public enum PayloadMode: Sendable, Equatable {
    /// The hex SHA-256 of the whole body ("signed payload").
    case sha256(String)
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    case unsigned
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked, every chunk signed.
    case streamingSigned
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: aws-chunked, chunks and trailer signed.
    case streamingSignedTrailer
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: aws-chunked, unsigned, with trailing checksum headers.
    case streamingUnsignedTrailer

    /// Parses a header value; `nil` when it is none of the defined values.
    public init?(headerValue: String) {
        switch headerValue {
        case "UNSIGNED-PAYLOAD": self = .unsigned
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": self = .streamingSigned
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": self = .streamingSignedTrailer
        case "STREAMING-UNSIGNED-PAYLOAD-TRAILER": self = .streamingUnsignedTrailer
        default:
            guard headerValue.utf8.count == 64, headerValue.utf8.allSatisfy({ PercentEncoding.hexValue($0) != nil })
            else { return nil }
            self = .sha256(headerValue)
        }
    }

    /// The header value, which is also the last line of the canonical request.
    public var headerValue: String {
        switch self {
        case .sha256(let hex): hex
        case .unsigned: "UNSIGNED-PAYLOAD"
        case .streamingSigned: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        case .streamingSignedTrailer: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
        case .streamingUnsignedTrailer: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        }
    }

    /// Whether the body is aws-chunked encoded.
    public var isStreaming: Bool {
        switch self {
        case .streamingSigned, .streamingSignedTrailer, .streamingUnsignedTrailer: true
        case .sha256, .unsigned: false
        }
    }
}
