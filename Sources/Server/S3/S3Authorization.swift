import Access
import HTTPTypes
import TarnCore

/// Which IAM action an S3 request needs, and on what (Amazon S3 User Guide, "Actions, resources,
/// and condition keys for Amazon S3"; each operation's "Permissions" section).
struct S3Permission: Equatable {
    /// The action, e.g. `s3:GetObject`.
    var action: String
    /// The bucket, nil for ListBuckets.
    var bucket: String?
    /// The key, for object actions.
    var key: String?
}

enum S3Authorization {
    /// The permission a request needs. Copies also need `s3:GetObject` on the source (see
    /// `copySource`), DeleteObjects `s3:DeleteObject` per key (checked per key).
    static func permission(method: HTTPRequest.Method, bucket: String?, key: String?, query: [String: String], headers: (String) -> String?) -> S3Permission {
        guard let bucket else { return S3Permission(action: "s3:ListAllMyBuckets", bucket: nil, key: nil) }
        func has(_ name: String) -> Bool { query[name] != nil }
        guard let key else {
            let action: String
            switch method {
            case .get:
                if has("policy") { action = "s3:GetBucketPolicy" }
                else if has("policyStatus") { action = "s3:GetBucketPolicyStatus" }
                else if has("encryption") { action = "s3:GetEncryptionConfiguration" }
                else if has("publicAccessBlock") { action = "s3:GetBucketPublicAccessBlock" }
                else if has("ownershipControls") { action = "s3:GetBucketOwnershipControls" }
                else if has("acl") { action = "s3:GetBucketAcl" }
                else if has("tagging") { action = "s3:GetBucketTagging" }
                else if has("location") { action = "s3:GetBucketLocation" }
                else if has("versioning") { action = "s3:GetBucketVersioning" }
                else if has("versions") { action = "s3:ListBucketVersions" }
                else if has("uploads") { action = "s3:ListBucketMultipartUploads" }
                else if has("lifecycle") { action = "s3:GetLifecycleConfiguration" }
                else { action = "s3:ListBucket" }
            case .head: action = "s3:ListBucket"
            case .put:
                if has("policy") { action = "s3:PutBucketPolicy" }
                else if has("encryption") { action = "s3:PutEncryptionConfiguration" }
                else if has("publicAccessBlock") { action = "s3:PutBucketPublicAccessBlock" }
                else if has("ownershipControls") { action = "s3:PutBucketOwnershipControls" }
                else if has("acl") { action = "s3:PutBucketAcl" }
                else if has("tagging") { action = "s3:PutBucketTagging" }
                else if has("versioning") { action = "s3:PutBucketVersioning" }
                else if has("lifecycle") { action = "s3:PutLifecycleConfiguration" }
                else { action = "s3:CreateBucket" }
            case .delete:
                if has("policy") { action = "s3:DeleteBucketPolicy" }
                // S3 documents these deletions as needing the Put permission.
                else if has("encryption") { action = "s3:PutEncryptionConfiguration" }
                else if has("publicAccessBlock") { action = "s3:PutBucketPublicAccessBlock" }
                else if has("ownershipControls") { action = "s3:PutBucketOwnershipControls" }
                else if has("tagging") { action = "s3:PutBucketTagging" }
                else if has("lifecycle") { action = "s3:PutLifecycleConfiguration" }
                else { action = "s3:DeleteBucket" }
            case .post:
                // DeleteObjects: checked per key; the bucket-level check only needs the bucket to exist.
                action = has("delete") ? "s3:DeleteObject" : "s3:PutObject"
            default: action = "s3:ListBucket"
            }
            return S3Permission(action: action, bucket: bucket, key: nil)
        }
        let action: String
        switch method {
        case .get, .head:
            if has("tagging") { action = "s3:GetObjectTagging" }
            else if has("acl") { action = "s3:GetObjectAcl" }
            else if has("uploadId") { action = "s3:ListMultipartUploadParts" }
            else { action = "s3:GetObject" }
        case .put:
            if has("tagging") { action = "s3:PutObjectTagging" }
            else if has("acl") { action = "s3:PutObjectAcl" }
            else { action = "s3:PutObject" }
        case .delete:
            if has("tagging") { action = "s3:DeleteObjectTagging" }
            else if has("uploadId") { action = "s3:AbortMultipartUpload" }
            else { action = "s3:DeleteObject" }
        // POST ?restore is RestoreObject, its own IAM action; the other object POSTs (multipart
        // create/complete, form uploads) are writes.
        case .post: action = has("restore") ? "s3:RestoreObject" : "s3:PutObject"
        default: action = "s3:GetObject"
        }
        return S3Permission(action: action, bucket: bucket, key: key)
    }

    /// The S3 condition keys of a request (`s3:prefix`, `s3:x-amz-server-side-encryption`…).
    static func conditionKeys(query: [String: String], headers: (String) -> String?, scheme: Authentication.Scheme) -> [String: [String]] {
        var keys: [String: [String]] = [:]
        for name in ["prefix", "delimiter", "max-keys"] {
            if let value = query[name] { keys["s3:\(name)"] = [value] }
        }
        for header in [
            "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-acl", "x-amz-copy-source",
            "x-amz-metadata-directive", "x-amz-storage-class", "x-amz-content-sha256",
        ] {
            if let value = headers(header) { keys["s3:\(header)"] = [value] }
        }
        switch scheme {
        case .sigV4Header, .sigV2Header: keys["s3:authType"] = ["REST-HEADER"]
        case .sigV4Query, .sigV2Query: keys["s3:authType"] = ["REST-QUERY-STRING"]
        case .anonymous: break
        }
        switch scheme {
        case .sigV4Header, .sigV4Query: keys["s3:signatureversion"] = ["AWS4-HMAC-SHA256"]
        case .sigV2Header, .sigV2Query: keys["s3:signatureversion"] = ["AWS"]
        case .anonymous: break
        }
        return keys
    }
}
