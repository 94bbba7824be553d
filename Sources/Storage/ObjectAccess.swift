import Keys
import TarnCore

/// The S3 actions an in-process worker (an ETL job, a mart refresh) performs on the object
/// store, named as IAM names them, so a policy written for S3 clients governs the workers too.
public enum ObjectAccessAction: String, Sendable, CaseIterable {
    /// ListObjects(V2) on a bucket, limited by `s3:prefix` (IAM: `s3:ListBucket` on the bucket ARN).
    case list = "s3:ListBucket"
    /// GetObject and HeadObject (IAM: `s3:GetObject` on the object ARN).
    case read = "s3:GetObject"
    /// PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload (IAM: `s3:PutObject`).
    case write = "s3:PutObject"
    /// DeleteObject (IAM: `s3:DeleteObject`).
    case delete = "s3:DeleteObject"
}

/// Who an in-process worker acts as when it uses the object store, and what that identity may
/// do: the seam through which the lake's authorizer (IAM, bucket policy, Block Public Access)
/// and KMS key policies reach workers that sit below the `Access` and `Lake` modules.
///
/// The store itself does not check: a worker asks `authorize` before each call, and passes
/// `keyCaller` to the store so SSE-KMS data keys are requested (and decrypted) as the same
/// identity. `TarnObjectAccess` is Tarn acting for itself (no checks, KMS sees the root user),
/// what workers without a configured role use.
/// ```swift
/// try access.authorize(.read, bucket: "retail-dev", key: "raw/sales/day-1.csv")
/// let reader = try store.open(bucket: "retail-dev", key: "raw/sales/day-1.csv", caller: access.keyCaller)
/// ```
public protocol ObjectAccess: Sendable {
    /// Who acts, for messages and audit: a role session ARN, or `tarn` for Tarn itself.
    var principal: String { get }
    /// The KMS caller SSE-KMS decisions are made for; nil is Tarn itself (the account's root user).
    var keyCaller: KeyCaller? { get }
    /// Throws unless the principal may do `action`.
    /// - Parameters:
    ///   - action: the S3 action.
    ///   - bucket: the bucket.
    ///   - key: the object key (object actions); nil for `.list`.
    ///   - prefix: the listed prefix (`s3:prefix`), for `.list`.
    /// - Throws: `TarnError(.accessDenied)` naming the principal, the action and the resource.
    func authorize(_ action: ObjectAccessAction, bucket: String, key: String?, prefix: String?) throws
}

extension ObjectAccess {
    /// Authorizes an object action.
    public func authorize(_ action: ObjectAccessAction, bucket: String, key: String) throws {
        try authorize(action, bucket: bucket, key: key, prefix: nil)
    }

    /// Authorizes a listing of `prefix` in `bucket`.
    public func authorizeList(bucket: String, prefix: String) throws {
        try authorize(.list, bucket: bucket, key: nil, prefix: prefix)
    }
}

/// Tarn acting for itself: everything allowed, KMS sees the account's root user.
public struct TarnObjectAccess: ObjectAccess {
    /// Creates it.
    public init() {}
    /// `tarn`.
    public var principal: String { "tarn" }
    /// Nil: the object store's internal caller (the root user).
    public var keyCaller: KeyCaller? { nil }
    /// Allows everything.
    public func authorize(_ action: ObjectAccessAction, bucket: String, key: String?, prefix: String?) throws {}
}

/// Makes the `ObjectAccess` of a role session: implemented by the lake (which owns IAM and the
/// authorizer), handed to workers that run as roles.
public protocol ObjectAccessProvider: Sendable {
    /// A session of the IAM role `role` named `session`.
    /// - Throws: `NoSuchEntity` when the role does not exist.
    func access(role: String, session: String) throws -> any ObjectAccess
}
