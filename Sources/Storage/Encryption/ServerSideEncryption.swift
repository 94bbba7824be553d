import Foundation

/// The server-side encryption a new object gets (S3 `x-amz-server-side-encryption`).
public enum ServerSideEncryption: Sendable, Equatable {
    /// No encryption (only when the bucket's default says so and the request asks for none).
    case none
    /// SSE-S3 (`AES256`): a data key per object, wrapped by Tarn's internal S3 service key.
    case s3
    /// SSE-KMS (`aws:kms`): a data key from a KMS key (nil: the AWS managed key `aws/s3`),
    /// optionally through an S3 Bucket Key, with extra encryption context pairs from
    /// `x-amz-server-side-encryption-context`.
    case kms(keyID: String?, bucketKey: Bool, context: [String: String])

    /// The header value: `AES256` or `aws:kms`; nil for none.
    public var headerValue: String? {
        switch self {
        case .none: nil
        case .s3: "AES256"
        case .kms: "aws:kms"
        }
    }
}

/// How a stored object is encrypted: what a reader needs to get its data key back. Kept in the
/// object's attributes (metadata index), never the plaintext key.
public struct StoredEncryption: Sendable, Codable, Equatable {
    /// `AES256` or `aws:kms`.
    public var algorithm: String
    /// The KMS key ARN (SSE-KMS).
    public var kmsKeyARN: String?
    /// Whether an S3 Bucket Key was used.
    public var bucketKeyEnabled: Bool
    /// The wrapped key, base64: for SSE-S3 the data key sealed by the service key; for SSE-KMS
    /// the KMS ciphertext of the data key, or of the bucket key.
    public var wrappedKey: String
    /// With a bucket key: the per-object salt the data key is derived with (base64).
    public var salt: String?
    /// The KMS encryption context the wrapped key was made with.
    public var context: [String: String]

    /// Creates a description.
    public init(algorithm: String, kmsKeyARN: String?, bucketKeyEnabled: Bool, wrappedKey: String, salt: String?, context: [String: String]) {
        self.algorithm = algorithm
        self.kmsKeyARN = kmsKeyARN
        self.bucketKeyEnabled = bucketKeyEnabled
        self.wrappedKey = wrappedKey
        self.salt = salt
        self.context = context
    }
}

/// A bucket's default encryption (PutBucketEncryption's single rule).
public struct BucketEncryptionRule: Sendable, Codable, Equatable {
    /// `AES256` or `aws:kms`.
    public var algorithm: String
    /// The KMS key for `aws:kms` (id, ARN or alias); nil means the AWS managed key.
    public var kmsKeyID: String?
    /// Whether new SSE-KMS objects use an S3 Bucket Key.
    public var bucketKeyEnabled: Bool

    /// Creates a rule.
    public init(algorithm: String, kmsKeyID: String? = nil, bucketKeyEnabled: Bool = false) {
        self.algorithm = algorithm
        self.kmsKeyID = kmsKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
    }

    /// What S3 applies to buckets without a configuration since January 2023: SSE-S3.
    public static let `default` = BucketEncryptionRule(algorithm: "AES256")

    /// The encryption the rule gives a new object.
    public var encryption: ServerSideEncryption {
        algorithm == "aws:kms" ? .kms(keyID: kmsKeyID, bucketKey: bucketKeyEnabled, context: [:]) : .s3
    }
}
