import TarnCore

/// S3 error codes the store raises. Their raw values are S3's `Code` strings; the server maps
/// them to HTTP statuses (see `S3ErrorStatus` in the Server module).
extension TarnError.Code {
    public static let noSuchBucket = Self("NoSuchBucket")
    public static let noSuchKey = Self("NoSuchKey")
    public static let noSuchUpload = Self("NoSuchUpload")
    public static let bucketNotEmpty = Self("BucketNotEmpty")
    public static let bucketAlreadyOwnedByYou = Self("BucketAlreadyOwnedByYou")
    public static let invalidBucketName = Self("InvalidBucketName")
    public static let keyTooLong = Self("KeyTooLongError")
    public static let invalidRange = Self("InvalidRange")
    public static let preconditionFailed = Self("PreconditionFailed")
    /// Not an error for the client: a conditional GET/HEAD whose answer is "not modified" (304).
    public static let notModified = Self("NotModified")
    public static let invalidPart = Self("InvalidPart")
    public static let invalidPartOrder = Self("InvalidPartOrder")
    public static let entityTooSmall = Self("EntityTooSmall")
    public static let entityTooLarge = Self("EntityTooLarge")
    public static let badDigest = Self("BadDigest")
    public static let invalidDigest = Self("InvalidDigest")
    public static let malformedXML = Self("MalformedXML")
    public static let invalidTag = Self("InvalidTag")
    /// A conditional write lost a race with another writer of the same key.
    public static let conditionalRequestConflict = Self("ConditionalRequestConflict")
    public static let invalidStorageClass = Self("InvalidStorageClass")
    public static let invalidObjectState = Self("InvalidObjectState")
}
