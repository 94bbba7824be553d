import TarnCore

/// Error codes of the Kinesis and Firehose APIs. Their raw values are the exception names the
/// AWS SDKs match on (`__type`); the server sends them unchanged with HTTP 400.
/// (docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html and each action's Errors.)
extension TarnError.Code {
    /// The named stream, shard or delivery stream does not exist.
    public static let resourceNotFound = Self("ResourceNotFoundException")
    /// The resource exists already, or is not ACTIVE for this operation.
    public static let resourceInUse = Self("ResourceInUseException")
    /// A parameter is invalid for the current state (Kinesis and Firehose both use this name).
    public static let invalidArgumentException = Self("InvalidArgumentException")
    /// A per-account or per-stream limit was reached.
    public static let limitExceededException = Self("LimitExceededException")
    /// The per-shard write (or read) rate configured for this lake was exceeded.
    public static let provisionedThroughputExceeded = Self("ProvisionedThroughputExceededException")
    /// A shard iterator is older than five minutes.
    public static let expiredIterator = Self("ExpiredIteratorException")
    /// A request member failed a modelled constraint.
    public static let validation = Self("ValidationException")
    /// The stream's KMS key is disabled (Kinesis's name for KMS `DisabledException`).
    public static let kmsDisabledForStream = Self("KMSDisabledException")
    /// The stream's KMS key is in a state that forbids the use (pending deletion…).
    public static let kmsInvalidStateForStream = Self("KMSInvalidStateException")
    /// The stream's KMS key does not exist.
    public static let kmsNotFoundForStream = Self("KMSNotFoundException")
    /// The key policy does not let Kinesis use the stream's KMS key.
    public static let kmsAccessDeniedForStream = Self("KMSAccessDeniedException")
}

extension TarnError {
    /// A key service error as Kinesis reports it (`DisabledException` → `KMSDisabledException`,
    /// API_PutRecords Errors); other errors unchanged.
    static func kinesisKMS(_ error: any Error) -> any Error {
        guard let error = error as? TarnError else { return error }
        let code: TarnError.Code? =
            switch error.code.rawValue {
            case "DisabledException": .kmsDisabledForStream
            case "KMSInvalidStateException": .kmsInvalidStateForStream
            case "NotFoundException": .kmsNotFoundForStream
            case "AccessDeniedException": .kmsAccessDeniedForStream
            default: nil
            }
        return code.map { TarnError($0, error.message) } ?? error
    }
}
