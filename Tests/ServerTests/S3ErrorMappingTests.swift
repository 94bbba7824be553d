import TarnCore
import Testing

@testable import Server

/// Error code → HTTP status as S3's error list gives them
/// (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
@Suite struct S3ErrorMappingTests {
    @Test(arguments: [
        ("NoSuchBucket", 404), ("NoSuchKey", 404), ("NoSuchUpload", 404), ("NoSuchTagSet", 404),
        ("BucketNotEmpty", 409), ("BucketAlreadyOwnedByYou", 409), ("ConditionalRequestConflict", 409),
        ("AccessDenied", 403), ("InvalidAccessKeyId", 403), ("SignatureDoesNotMatch", 403), ("RequestTimeTooSkewed", 403),
        ("PreconditionFailed", 412), ("NotModified", 304),
        ("InvalidRange", 416), ("InvalidPartNumber", 416),
        ("MethodNotAllowed", 405), ("MissingContentLength", 411), ("NotImplemented", 501), ("EntityTooLarge", 400),
        ("InvalidBucketName", 400), ("InvalidPart", 400), ("InvalidPartOrder", 400), ("EntityTooSmall", 400), ("MalformedXML", 400),
        ("BadDigest", 400), ("InvalidDigest", 400), ("KeyTooLongError", 400), ("InvalidRequest", 400), ("InvalidArgument", 400),
        ("XAmzContentSHA256Mismatch", 400), ("IncompleteBody", 400), ("AuthorizationHeaderMalformed", 400),
        ("InternalError", 500), ("SlowDown", 503),
    ])
    func status(_ code: String, _ status: Int) {
        #expect(S3ErrorMapping.status(for: TarnError.Code(code)).code == status)
    }

    @Test func internalCodesCollapseOnTheWire() {
        #expect(S3ErrorMapping.wireCode(for: .io) == "InternalError")
        #expect(S3ErrorMapping.wireCode(for: .corrupt) == "InternalError")
        #expect(S3ErrorMapping.status(for: .corrupt).code == 500)
        #expect(S3ErrorMapping.wireCode(for: .unsupported) == "NotImplemented")
        #expect(S3ErrorMapping.wireCode(for: .limitExceeded) == "InvalidArgument")
        #expect(S3ErrorMapping.wireCode(for: TarnError.Code("NoSuchKey")) == "NoSuchKey")
    }
}
