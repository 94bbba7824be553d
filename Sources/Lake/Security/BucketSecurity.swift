import Foundation
import TarnCore

/// S3 Block Public Access settings of a bucket (S3 User Guide, "Blocking public access").
/// New buckets have all four on, as S3 creates them since April 2023.
public struct PublicAccessBlock: Sendable, Codable, Equatable {
    /// Reject requests that set public ACLs.
    public var blockPublicAcls: Bool
    /// Ignore public ACLs.
    public var ignorePublicAcls: Bool
    /// Reject bucket policies that grant public access.
    public var blockPublicPolicy: Bool
    /// Only principals of the account may use access a public policy grants.
    public var restrictPublicBuckets: Bool

    /// Creates settings.
    public init(blockPublicAcls: Bool, ignorePublicAcls: Bool, blockPublicPolicy: Bool, restrictPublicBuckets: Bool) {
        self.blockPublicAcls = blockPublicAcls
        self.ignorePublicAcls = ignorePublicAcls
        self.blockPublicPolicy = blockPublicPolicy
        self.restrictPublicBuckets = restrictPublicBuckets
    }

    /// Everything blocked: the default.
    public static let allBlocked = PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true)
}

/// S3 Object Ownership (S3 User Guide, "Controlling ownership of objects"). Tarn has one owner
/// and no ACLs, so only `BucketOwnerEnforced` is accepted: ACLs are disabled.
public enum ObjectOwnership: String, Sendable, Codable {
    /// ACLs disabled; the bucket owner owns every object (the default since April 2023).
    case bucketOwnerEnforced = "BucketOwnerEnforced"
}

/// Everything about a bucket that access decisions read: its policy, Block Public Access and
/// Object Ownership. Cached by the lake, since every request needs it.
public struct BucketSecurity: Sendable, Equatable {
    /// The bucket policy (JSON), if any.
    public var policy: String?
    /// The Block Public Access settings (all blocked unless changed).
    public var publicAccessBlock: PublicAccessBlock
    /// Whether the settings were explicitly configured (GetPublicAccessBlock answers
    /// `NoSuchPublicAccessBlockConfiguration` otherwise... except that new S3 buckets have it).
    public var publicAccessBlockConfigured: Bool
    /// Object Ownership.
    public var ownership: ObjectOwnership
}
