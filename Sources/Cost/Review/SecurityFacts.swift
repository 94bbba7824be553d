import Foundation

/// What the security checks of `tarn review` need to know about a bucket, gathered by the
/// `Lake` (which can see bucket policies, Block Public Access and KMS; this module cannot).
public struct BucketSecurityFacts: Sendable, Equatable {
    /// The default encryption new objects get: `AES256`, `aws:kms`, or `none` (a server run
    /// with `--default-encryption none` and no bucket configuration).
    public var defaultEncryption: String
    /// Whether the bucket has its own encryption configuration (PutBucketEncryption).
    public var encryptionConfigured: Bool
    /// The KMS key of the default encryption, as an ARN, for `aws:kms`.
    public var kmsKeyARN: String?
    /// The KMS key the applied `lake.yaml` declares for this bucket (its alias), if any.
    public var declaredKMSKey: String?
    /// That key's ARN, or nil when the alias does not exist.
    public var declaredKMSKeyARN: String?
    /// Objects in the bucket.
    public var objects = 0
    /// Objects stored without encryption.
    public var unencryptedObjects = 0
    /// Whether a request over plain HTTP is denied (by an explicit deny on
    /// `aws:SecureTransport`), asked of the policy engine for GetObject and PutObject.
    public var plainHTTPDenied: Bool
    /// Block Public Access settings by name (`BlockPublicAcls`, …) and whether each is on.
    public var publicAccessBlock: [String: Bool]
    /// Whether the bucket policy grants public access.
    public var policyIsPublic: Bool

    /// Creates facts.
    public init(
        defaultEncryption: String, encryptionConfigured: Bool, kmsKeyARN: String? = nil, declaredKMSKey: String? = nil, declaredKMSKeyARN: String? = nil,
        plainHTTPDenied: Bool, publicAccessBlock: [String: Bool], policyIsPublic: Bool = false
    ) {
        self.defaultEncryption = defaultEncryption
        self.encryptionConfigured = encryptionConfigured
        self.kmsKeyARN = kmsKeyARN
        self.declaredKMSKey = declaredKMSKey
        self.declaredKMSKeyARN = declaredKMSKeyARN
        self.plainHTTPDenied = plainHTTPDenied
        self.publicAccessBlock = publicAccessBlock
        self.policyIsPublic = policyIsPublic
    }
}

/// A customer managed KMS key, for the rotation check.
public struct KeyFacts: Sendable, Equatable {
    /// Its ARN.
    public var arn: String
    /// Its aliases.
    public var aliases: [String]
    /// `Enabled`, `Disabled`, `PendingDeletion`.
    public var state: String
    /// Whether automatic rotation is on.
    public var rotationEnabled: Bool
    /// Buckets whose default encryption uses it.
    public var usedBy: [String]

    /// Creates facts.
    public init(arn: String, aliases: [String], state: String, rotationEnabled: Bool, usedBy: [String] = []) {
        self.arn = arn
        self.aliases = aliases
        self.state = state
        self.rotationEnabled = rotationEnabled
        self.usedBy = usedBy
    }
}
