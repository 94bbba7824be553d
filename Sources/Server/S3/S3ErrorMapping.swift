import HTTPTypes
import TarnCore

/// The HTTP status S3 answers with for each error code
/// (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
enum S3ErrorMapping {
    static func status(for code: TarnError.Code) -> HTTPResponse.Status {
        switch code.rawValue {
        case "NoSuchBucket", "NoSuchKey", "NoSuchUpload", "NoSuchTagSet", "NoSuchBucketPolicy", "NoSuchLifecycleConfiguration",
            "ServerSideEncryptionConfigurationNotFoundError", "NotFound", "ResourceNotFoundException", "NoSuchCORSConfiguration":
            .notFound
        case "BucketNotEmpty", "BucketAlreadyOwnedByYou", "BucketAlreadyExists", "OperationAborted", "ConditionalRequestConflict",
            "Conflict", "RestoreAlreadyInProgress":
            .conflict
        case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "RequestTimeTooSkewed", "InvalidObjectState",
            "AllAccessDisabled", "AccountProblem", "KMS.DisabledException", "KMS.KMSInvalidStateException":
            .forbidden
        case "PreconditionFailed": .preconditionFailed
        case "NotModified": .notModified
        // GET ?partNumber=N beyond the object's part count is "not satisfiable", like a range.
        case "InvalidRange", "InvalidPartNumber": .rangeNotSatisfiable
        case "MethodNotAllowed": .methodNotAllowed
        case "MissingContentLength": .lengthRequired
        case "NotImplemented", "Unsupported": .notImplemented
        case "InternalError", "IOError", "Corrupt": .internalServerError
        case "SlowDown": .serviceUnavailable
        // Everything else is a client error, including EntityTooLarge, which S3 answers with 400
        // (not 413; see the EntityTooLarge entry of the error code list).
        default: .badRequest
        }
    }

    /// The code sent to clients: internal codes collapse into S3's generic ones.
    static func wireCode(for code: TarnError.Code) -> String {
        switch code.rawValue {
        case "IOError", "Corrupt", "InternalError": "InternalError"
        case "Unsupported": "NotImplemented"
        case "NotFound": "NoSuchKey"
        case "Conflict": "OperationAborted"
        case "InvalidArgument", "LimitExceeded": "InvalidArgument"
        default: code.rawValue
        }
    }
}
