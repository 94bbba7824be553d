import TarnCore

/// The AWS error codes that authentication can fail with.
///
/// Each raw value is the code S3 puts in `<Code>` (Amazon S3 API Reference, "Error responses",
/// list of error codes), so the server can copy it into the response unchanged.
extension TarnError.Code {
    /// `AuthorizationHeaderMalformed` (400): the `Authorization` header or its credential scope is
    /// malformed, or names the wrong region or service.
    public static let authorizationHeaderMalformed = Self("AuthorizationHeaderMalformed")
    /// `AuthorizationQueryParametersError` (400): the `X-Amz-*` presigned-URL parameters are
    /// malformed.
    public static let authorizationQueryParametersError = Self("AuthorizationQueryParametersError")
    /// `InvalidAccessKeyId` (403): no credential has this access key id.
    public static let invalidAccessKeyId = Self("InvalidAccessKeyId")
    /// `InvalidToken` (400): the session token does not belong to the access key.
    public static let invalidToken = Self("InvalidToken")
    /// `MalformedTrailerError` (400): the trailing headers of an aws-chunked body are malformed.
    public static let malformedTrailerError = Self("MalformedTrailerError")
    /// `RequestTimeTooSkewed` (403): the request time is more than 15 minutes from the server's.
    public static let requestTimeTooSkewed = Self("RequestTimeTooSkewed")
    /// `SignatureDoesNotMatch` (403): the signature we calculated differs from the one provided.
    public static let signatureDoesNotMatch = Self("SignatureDoesNotMatch")

    /// The HTTP status AWS answers with for this code, for the codes authentication produces
    /// (and `InvalidArgument`); `nil` for codes this module does not own.
    public var awsHTTPStatus: Int? {
        switch self {
        case .accessDenied, .invalidAccessKeyId, .requestTimeTooSkewed, .signatureDoesNotMatch: 403
        case .authorizationHeaderMalformed, .authorizationQueryParametersError, .incompleteBody,
            .invalidRequest, .invalidToken, .malformedTrailerError, .xAmzContentSHA256Mismatch,
            .invalidArgument:
            400
        case .missingContentLength: 411
        default: nil
        }
    }
}
