/// AWS error codes raised by more than one module (authentication and storage both end a
/// request body early, for example). Raw values are the codes AWS sends.
extension TarnError.Code {
    /// `AccessDenied` (403): the caller may not do this (or a presigned URL expired).
    public static let accessDenied = Self("AccessDenied")
    /// `IncompleteBody` (400): the body ended before the length it announced.
    public static let incompleteBody = Self("IncompleteBody")
    /// `InvalidRequest` (400): the request breaks a protocol rule.
    public static let invalidRequest = Self("InvalidRequest")
    /// `XAmzContentSHA256Mismatch` (400): the body's SHA-256 differs from `x-amz-content-sha256`.
    public static let xAmzContentSHA256Mismatch = Self("XAmzContentSHA256Mismatch")
    /// `MissingContentLength` (411): a body without a length.
    public static let missingContentLength = Self("MissingContentLength")
}
