import Access
import Foundation
import Keys
import Storage
import TarnCore

extension TarnError.Code {
    /// S3's code for a bucket policy that does not parse or names foreign resources.
    public static let s3MalformedPolicy = Self("MalformedPolicy")
    /// `NoSuchBucketPolicy` (404).
    public static let noSuchBucketPolicy = Self("NoSuchBucketPolicy")
}

extension Lake {
    /// The security settings of a bucket (cached; every request reads them).
    public func bucketSecurity(_ bucket: String) throws -> BucketSecurity {
        if let cached = securityCache.withLock({ $0[bucket] }) { return cached }
        let policy = try store.index.bucketConfig(bucket, "policy")
        var block = PublicAccessBlock.allBlocked
        var configured = false
        if let json = try store.index.bucketConfig(bucket, "publicAccessBlock") {
            block = (try? JSONDecoder().decode(PublicAccessBlock.self, from: Data(json.utf8))) ?? .allBlocked
            configured = true
        }
        let security = BucketSecurity(policy: policy, publicAccessBlock: block, publicAccessBlockConfigured: configured, ownership: .bucketOwnerEnforced)
        securityCache.withLock { $0[bucket] = security }
        return security
    }

    /// Forgets cached settings (after a change, or when the bucket is deleted).
    public func invalidateBucketSecurity(_ bucket: String) {
        _ = securityCache.withLock { $0.removeValue(forKey: bucket) }
    }

    /// PutBucketPolicy / DeleteBucketPolicy (nil).
    /// - Throws: `MalformedPolicy` when it does not parse or names resources outside the bucket;
    ///   `AccessDenied` when it is public and Block Public Access blocks public policies.
    public func setBucketPolicy(_ bucket: String, _ text: String?) async throws {
        if let text {
            let document: PolicyDocument
            do {
                document = try authorizer.cache.document(text, kind: .resource)
            } catch let error as TarnError {
                throw TarnError(.s3MalformedPolicy, error.message)
            }
            for statement in document.statements {
                for pattern in statement.resources {
                    let resource = pattern.text
                    guard resource == "arn:aws:s3:::\(bucket)" || resource.hasPrefix("arn:aws:s3:::\(bucket)/") else {
                        throw TarnError(.s3MalformedPolicy, "Policy has invalid resource: \(resource) is not bucket \(bucket) or an object in it")
                    }
                }
                for action in statement.actions where !(action.text == "*" || action.text.lowercased().hasPrefix("s3:")) {
                    throw TarnError(.s3MalformedPolicy, "Policy has invalid action: \(action.text)")
                }
            }
            let blocksPublicPolicies = try bucketSecurity(bucket).publicAccessBlock.blockPublicPolicy
            if document.isPublic && blocksPublicPolicies {
                throw TarnError(.accessDenied, "User is not allowed to put a public bucket policy: Block Public Access (BlockPublicPolicy) is on for \(bucket)")
            }
        }
        try await store.index.setBucketConfig(bucket, "policy", text)
        invalidateBucketSecurity(bucket)
    }

    /// PutPublicAccessBlock / DeletePublicAccessBlock (nil: back to the default, all blocked).
    public func setPublicAccessBlock(_ bucket: String, _ block: PublicAccessBlock?) async throws {
        let json = try block.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await store.index.setBucketConfig(bucket, "publicAccessBlock", json)
        invalidateBucketSecurity(bucket)
    }

    /// Decides an S3 request: IAM policies of the principal, the bucket policy, Block Public
    /// Access. Used by the HTTP server and by in-process workers alike.
    /// - Parameters:
    ///   - principal: who.
    ///   - action: e.g. `s3:GetObject`.
    ///   - bucket: the bucket, nil for account-level actions (ListAllMyBuckets).
    ///   - key: the object key for object actions.
    ///   - context: the request's condition keys (`aws:SecureTransport`, `aws:SourceIp`, `s3:prefix`…).
    public func authorizeS3(principal: Principal, action: String, bucket: String?, key: String?, context: ConditionContext) -> AuthorizationDecision {
        let resource: String
        if let bucket {
            resource = key.map { "arn:aws:s3:::\(bucket)/\($0)" } ?? "arn:aws:s3:::\(bucket)"
        } else {
            resource = "*"
        }
        var context = context
        context["s3:ResourceAccount"] = [Self.accountID]
        let request = AuthorizationRequest(principal: principal, action: action, resource: resource, context: context)
        guard let bucket, let security = try? bucketSecurity(bucket) else { return authorizer.authorize(request) }
        if principal.kind == .anonymous, security.publicAccessBlock.restrictPublicBuckets {
            return AuthorizationDecision(
                effect: .implicitDeny, matches: [],
                reason: "anonymous requests to \(bucket) are denied: Block Public Access (RestrictPublicBuckets) is on")
        }
        return authorizer.authorize(request, resourcePolicy: security.policy, resourceName: "bucket policy of \(bucket)")
    }

    /// The key caller for a principal, so that KMS sees who acts.
    public func keyCaller(_ principal: Principal, context: ConditionContext = ConditionContext(), requestID: String? = nil) -> KeyCaller {
        KeyCaller(
            principalARN: principal.kind == .anonymous ? "*" : principal.arn, accountID: principal.accountID.isEmpty ? Self.accountID : principal.accountID,
            conditionContext: context.values, requestID: requestID)
    }

    /// A session of an IAM role for an in-process worker (ETL job, Firehose delivery, query):
    /// what it does is authorized against the role's policies, not root's.
    /// - Throws: `NoSuchEntity` when the role does not exist.
    public func session(role: String, name: String) throws -> LakeSession {
        _ = try identities.role(role)
        return LakeSession(lake: self, principal: .assumedRole(role, session: name, accountID: Self.accountID))
    }
}

/// An in-process identity using the lake: every call is authorized like the same request over
/// HTTP would be (IAM policies, bucket policy, Block Public Access, KMS key policy).
/// ```swift
/// let etl = try lake.session(role: "etl", name: "job-42")
/// let bytes = try etl.get(bucket: "raw", key: "sales/2026-01.csv")      // s3:GetObject + kms:Decrypt
/// try await etl.put(bucket: "cleansed", key: "sales/part-0.parquet", bytes: parquet)
/// ```
public struct LakeSession: Sendable {
    /// The lake.
    public let lake: Lake
    /// The session's principal.
    public let principal: Principal

    /// The condition keys of in-process requests: they never cross a network, so they count as
    /// secure transport.
    public var context: ConditionContext {
        ConditionContext(["aws:SecureTransport": ["true"], "aws:CurrentTime": [AuditLog.timestamp(Date())], "aws:EpochTime": [String(Int(Date().timeIntervalSince1970))]])
    }

    /// Throws `AccessDenied` unless the principal may do `action`.
    public func require(_ action: String, bucket: String?, key: String? = nil, extra: [String: [String]] = [:]) throws {
        var context = context
        context.merge(extra)
        let decision = lake.authorizeS3(principal: principal, action: action, bucket: bucket, key: key, context: context)
        guard decision.isAllowed else { throw TarnError(.accessDenied, decision.reason) }
    }

    /// GetObject as this principal.
    public func get(bucket: String, key: String) throws -> [UInt8] {
        try require("s3:GetObject", bucket: bucket, key: key)
        return try lake.store.get(bucket: bucket, key: key, caller: lake.keyCaller(principal, context: context))
    }

    /// Opens an object for ranged reads as this principal.
    public func open(bucket: String, key: String) throws -> ObjectReader {
        try require("s3:GetObject", bucket: bucket, key: key)
        return try lake.store.open(bucket: bucket, key: key, caller: lake.keyCaller(principal, context: context))
    }

    /// PutObject as this principal (bucket default encryption applies).
    @discardableResult
    public func put(bucket: String, key: String, bytes: [UInt8], attributes: ObjectAttributes = ObjectAttributes()) async throws -> ObjectInfo {
        try require("s3:PutObject", bucket: bucket, key: key)
        return try await lake.store.put(bucket: bucket, key: key, bytes: bytes, attributes: attributes, caller: lake.keyCaller(principal, context: context))
    }

    /// ListObjects as this principal.
    public func list(bucket: String, prefix: String = "", delimiter: String? = nil, after: String? = nil, maxKeys: Int = 1000) throws -> ListPage {
        try require("s3:ListBucket", bucket: bucket, extra: ["s3:prefix": [prefix]])
        return try lake.store.list(bucket: bucket, prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
    }

    /// DeleteObject as this principal.
    @discardableResult
    public func delete(bucket: String, key: String) async throws -> ObjectInfo? {
        try require("s3:DeleteObject", bucket: bucket, key: key)
        return try await lake.store.delete(bucket: bucket, key: key)
    }
}
