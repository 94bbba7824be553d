import Access
import Foundation
import HTTPTypes
import Hummingbird
import Keys
import Lake
import NIOCore
import Storage
import TarnCore

extension TarnError.Code {
    /// `AccessControlListNotSupported` (400): the bucket enforces bucket-owner ownership, ACLs are off.
    static let accessControlListNotSupported = Self("AccessControlListNotSupported")
    /// `ServerSideEncryptionConfigurationNotFoundError` (404).
    static let noEncryptionConfiguration = Self("ServerSideEncryptionConfigurationNotFoundError")
}

extension S3Handler {
    // MARK: authorization

    /// Authorizes a request before it is dispatched: IAM policies, the bucket policy and Block
    /// Public Access decide; a copy also needs `s3:GetObject` on its source.
    /// - Throws: `AccessDenied` with the decision's explanation.
    func authorize(_ call: S3Call) throws {
        let headers: (String) -> String? = { call.header($0) }
        let permission = S3Authorization.permission(
            method: call.method, bucket: call.address.bucket, key: call.address.key, query: call.query, headers: headers)
        if permission.action == "s3:CreateBucket" || permission.action == "s3:DeleteBucket", let bucket = permission.bucket {
            lake.invalidateBucketSecurity(bucket)
        }
        var context = call.conditions
        context.merge(S3Authorization.conditionKeys(query: call.query, headers: headers, scheme: call.authentication.scheme))
        // DeleteObjects is authorized key by key.
        if !(call.method == .post && call.query["delete"] != nil) {
            try require(call, permission.action, bucket: permission.bucket, key: permission.key, context: context)
        }
        if call.method == .put, call.address.key != nil, call.header("x-amz-copy-source") != nil {
            let source = try copySource(call)
            try require(call, "s3:GetObject", bucket: source.bucket, key: source.key, context: context)
        }
        if call.method == .put, call.address.key != nil, call.query["acl"] == nil {
            if let acl = call.header("x-amz-acl"), !["private", "bucket-owner-full-control"].contains(acl) {
                throw Self.aclsDisabled()
            }
            if call.allHeaders.contains(where: { $0.0.hasPrefix("x-amz-grant-") }) { throw Self.aclsDisabled() }
        }
    }

    /// Throws `AccessDenied` unless the principal of `call` may do `action`.
    func require(_ call: S3Call, _ action: String, bucket: String?, key: String?, context: ConditionContext) throws {
        let decision = lake.authorizeS3(principal: call.authentication.principal, action: action, bucket: bucket, key: key, context: context)
        guard decision.isAllowed else { throw TarnError(.accessDenied, "Access Denied: \(decision.reason)") }
    }

    /// Whether the caller may delete `key` (DeleteObjects checks every key).
    func mayDelete(_ call: S3Call, bucket: String, key: String) -> Bool {
        var context = call.conditions
        context.merge(S3Authorization.conditionKeys(query: call.query, headers: { call.header($0) }, scheme: call.authentication.scheme))
        return lake.authorizeS3(principal: call.authentication.principal, action: "s3:DeleteObject", bucket: bucket, key: key, context: context).isAllowed
    }

    /// Who the request acts as, for KMS.
    func keyCaller(_ call: S3Call) -> KeyCaller {
        lake.keyCaller(call.authentication.principal, context: call.conditions, requestID: call.requestID)
    }

    static func aclsDisabled() -> TarnError {
        TarnError(.accessControlListNotSupported, "The bucket does not allow ACLs (Object Ownership is BucketOwnerEnforced)")
    }

    /// KMS failures as S3 reports them: `KMS.`-prefixed codes, `AccessDenied` for a missing KMS
    /// permission.
    static func s3Error(_ error: TarnError) -> TarnError {
        switch error.code {
        case .kmsAccessDenied: TarnError(.accessDenied, error.message)
        case .kmsDisabled, .kmsInvalidState, .kmsNotFound, .kmsInvalidCiphertext, .kmsIncorrectKey, .kmsValidation:
            TarnError(.init("KMS." + error.code.rawValue), error.message)
        default: error
        }
    }

    // MARK: security sub-resources

    /// Handles the bucket and object sub-resources of the security pillar (`policy`,
    /// `policyStatus`, `encryption`, `publicAccessBlock`, `ownershipControls`, `acl`); nil for
    /// any other request.
    func securityOperation(_ call: inout S3Call) async throws -> Response? {
        guard let bucket = call.address.bucket else { return nil }
        let query = call.query
        if query["acl"] != nil { return try aclOperation(call, bucket: bucket) }
        guard call.address.key == nil else { return nil }
        if query["policy"] != nil { return try await policyOperation(&call, bucket: bucket) }
        if query["policyStatus"] != nil, call.method == .get {
            let security = try lake.bucketSecurity(bucket)
            let isPublic = try security.policy.map { try lake.authorizer.cache.document($0, kind: .resource).isPublic } ?? false
            var writer = XMLWriter()
            writer.element("PolicyStatus", namespace: true) { $0.leaf("IsPublic", isPublic ? "true" : "false") }
            return S3Response.xml(writer)
        }
        if query["encryption"] != nil { return try await encryptionOperation(&call, bucket: bucket) }
        if query["publicAccessBlock"] != nil { return try await publicAccessBlockOperation(&call, bucket: bucket) }
        if query["ownershipControls"] != nil { return try await ownershipOperation(&call, bucket: bucket) }
        return nil
    }

    private func policyOperation(_ call: inout S3Call, bucket: String) async throws -> Response {
        switch call.method {
        case .get:
            guard let policy = try lake.bucketSecurity(bucket).policy else {
                throw TarnError(.noSuchBucketPolicy, "The bucket policy does not exist")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.contentLength] = String(policy.utf8.count)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: policy)))
        case .put:
            // S3 bucket policies are limited to 20 KB.
            let body = try await call.collectBody(limit: 20 * 1024)
            try store.bucket(bucket)
            try await lake.setBucketPolicy(bucket, String(decoding: body, as: UTF8.self))
            return S3Response.empty(.noContent)
        case .delete:
            try store.bucket(bucket)
            try await lake.setBucketPolicy(bucket, nil)
            return S3Response.empty(.noContent)
        default:
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
    }

    private func encryptionOperation(_ call: inout S3Call, bucket: String) async throws -> Response {
        switch call.method {
        case .get:
            // Since January 2023 every bucket has SSE-S3 as its default; S3 reports it even when
            // nobody configured it.
            guard let rule = try store.bucketEncryption(bucket) ?? (store.keyring?.defaultEncryption == ServerSideEncryption.none ? nil : .default) else {
                throw TarnError(.noEncryptionConfiguration, "The server side encryption configuration was not found")
            }
            var writer = XMLWriter()
            writer.element("ServerSideEncryptionConfiguration", namespace: true) { xml in
                xml.element("Rule") { entry in
                    entry.element("ApplyServerSideEncryptionByDefault") { apply in
                        apply.leaf("SSEAlgorithm", rule.algorithm)
                        apply.leaf("KMSMasterKeyID", rule.kmsKeyID)
                    }
                    entry.leaf("BucketKeyEnabled", rule.bucketKeyEnabled ? "true" : "false")
                }
            }
            return S3Response.xml(writer)
        case .put:
            let document = try XMLDocument.parse(try await call.collectBody(limit: 64 * 1024))
            guard document.name == "ServerSideEncryptionConfiguration", let rule = document.child("Rule") else {
                throw XMLDocument.malformed("expected ServerSideEncryptionConfiguration/Rule")
            }
            guard document.children("Rule").count == 1 else { throw XMLDocument.malformed("exactly one Rule is allowed") }
            let apply = rule.child("ApplyServerSideEncryptionByDefault")
            let algorithm = apply?.value("SSEAlgorithm") ?? ""
            guard ["AES256", "aws:kms"].contains(algorithm) else {
                if algorithm == "aws:kms:dsse" { throw TarnError(.unsupported, "Dual-layer SSE-KMS (aws:kms:dsse) is not implemented by Tarn") }
                throw XMLDocument.malformed("SSEAlgorithm must be AES256 or aws:kms, got '\(algorithm)'")
            }
            let keyID = apply?.value("KMSMasterKeyID").flatMap { $0.isEmpty ? nil : $0 }
            if keyID != nil && algorithm != "aws:kms" {
                throw TarnError(.invalidArgument, "a KMSMasterKeyID is allowed only with SSEAlgorithm aws:kms")
            }
            let bucketKey = rule.value("BucketKeyEnabled")?.lowercased() == "true"
            try store.bucket(bucket)
            try await store.setBucketEncryption(bucket, BucketEncryptionRule(algorithm: algorithm, kmsKeyID: keyID, bucketKeyEnabled: bucketKey))
            return S3Response.empty(.ok)
        case .delete:
            try store.bucket(bucket)
            try await store.setBucketEncryption(bucket, nil)
            return S3Response.empty(.noContent)
        default:
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
    }

    private func publicAccessBlockOperation(_ call: inout S3Call, bucket: String) async throws -> Response {
        switch call.method {
        case .get:
            let block = try lake.bucketSecurity(bucket).publicAccessBlock
            var writer = XMLWriter()
            writer.element("PublicAccessBlockConfiguration", namespace: true) { xml in
                xml.leaf("BlockPublicAcls", block.blockPublicAcls ? "true" : "false")
                xml.leaf("IgnorePublicAcls", block.ignorePublicAcls ? "true" : "false")
                xml.leaf("BlockPublicPolicy", block.blockPublicPolicy ? "true" : "false")
                xml.leaf("RestrictPublicBuckets", block.restrictPublicBuckets ? "true" : "false")
            }
            return S3Response.xml(writer)
        case .put:
            let document = try XMLDocument.parse(try await call.collectBody(limit: 64 * 1024))
            guard document.name == "PublicAccessBlockConfiguration" else { throw XMLDocument.malformed("expected PublicAccessBlockConfiguration") }
            func flag(_ name: String) -> Bool { document.value(name)?.lowercased() == "true" }
            try store.bucket(bucket)
            try await lake.setPublicAccessBlock(
                bucket,
                PublicAccessBlock(
                    blockPublicAcls: flag("BlockPublicAcls"), ignorePublicAcls: flag("IgnorePublicAcls"), blockPublicPolicy: flag("BlockPublicPolicy"),
                    restrictPublicBuckets: flag("RestrictPublicBuckets")))
            return S3Response.empty(.ok)
        case .delete:
            try store.bucket(bucket)
            try await lake.setPublicAccessBlock(bucket, nil)
            return S3Response.empty(.noContent)
        default:
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
    }

    private func ownershipOperation(_ call: inout S3Call, bucket: String) async throws -> Response {
        switch call.method {
        case .get:
            _ = try lake.bucketSecurity(bucket)
            var writer = XMLWriter()
            writer.element("OwnershipControls", namespace: true) { xml in
                xml.element("Rule") { $0.leaf("ObjectOwnership", ObjectOwnership.bucketOwnerEnforced.rawValue) }
            }
            return S3Response.xml(writer)
        case .put:
            let document = try XMLDocument.parse(try await call.collectBody(limit: 64 * 1024))
            guard document.name == "OwnershipControls", let value = document.child("Rule")?.value("ObjectOwnership") else {
                throw XMLDocument.malformed("expected OwnershipControls/Rule/ObjectOwnership")
            }
            try store.bucket(bucket)
            guard value == ObjectOwnership.bucketOwnerEnforced.rawValue else {
                guard ["BucketOwnerPreferred", "ObjectWriter"].contains(value) else { throw XMLDocument.malformed("unknown ObjectOwnership \(value)") }
                throw TarnError(.unsupported, "Tarn has a single owner and no ACLs: only BucketOwnerEnforced is supported, not \(value)")
            }
            return S3Response.empty(.ok)
        case .delete:
            // Tarn keeps enforcing bucket-owner ownership; there is nothing else to fall back to.
            try store.bucket(bucket)
            return S3Response.empty(.noContent)
        default:
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
    }

    /// ACLs: readable (the owner has FULL_CONTROL), not writable, as S3 answers when Object
    /// Ownership is `BucketOwnerEnforced`.
    private func aclOperation(_ call: S3Call, bucket: String) throws -> Response {
        guard call.method == .get else {
            if call.method == .put { throw Self.aclsDisabled() }
            throw TarnError(.init("MethodNotAllowed"), "The specified method is not allowed against this resource.")
        }
        if let key = call.address.key { _ = try store.object(bucket: bucket, key: key) } else { try store.bucket(bucket) }
        var writer = XMLWriter()
        writer.element("AccessControlPolicy", namespace: true) { xml in
            owner(&xml)
            xml.element("AccessControlList") { list in
                list.appendRaw(#"<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">"#)
                list.leaf("ID", "tarn")
                list.leaf("DisplayName", "tarn")
                list.appendRaw("</Grantee>")
                list.leaf("Permission", "FULL_CONTROL")
                list.appendRaw("</Grant>")
            }
        }
        return S3Response.xml(writer)
    }

    // MARK: server-side encryption headers

    /// The encryption a write request asks for (`x-amz-server-side-encryption*`); nil applies
    /// the bucket default.
    /// - Throws: `InvalidArgument` for unknown algorithms or inconsistent headers;
    ///   `NotImplemented` for SSE-C and DSSE-KMS.
    func requestedEncryption(_ call: S3Call) throws -> ServerSideEncryption? {
        if call.header("x-amz-server-side-encryption-customer-algorithm") != nil {
            throw TarnError(.unsupported, "SSE-C (customer-provided keys) is not implemented by Tarn; use SSE-S3 or SSE-KMS")
        }
        let keyID = call.header("x-amz-server-side-encryption-aws-kms-key-id")
        let bucketKeyHeader = call.header("x-amz-server-side-encryption-bucket-key-enabled")
        guard let algorithm = call.header("x-amz-server-side-encryption") else {
            if keyID != nil {
                throw TarnError(.invalidArgument, "x-amz-server-side-encryption-aws-kms-key-id needs x-amz-server-side-encryption: aws:kms")
            }
            return nil
        }
        switch algorithm {
        case "AES256":
            if keyID != nil { throw TarnError(.invalidArgument, "a KMS key id is allowed only with x-amz-server-side-encryption: aws:kms") }
            return .s3
        case "aws:kms":
            var context: [String: String] = [:]
            if let encoded = call.header("x-amz-server-side-encryption-context") {
                guard let data = Data(base64Encoded: encoded), let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] else {
                    throw TarnError(.invalidArgument, "x-amz-server-side-encryption-context must be base64 of a JSON object of strings")
                }
                context = object
            }
            let defaultRule = try store.bucketEncryption(try call.bucket())
            let bucketKey = bucketKeyHeader.map { $0.lowercased() == "true" } ?? (defaultRule?.algorithm == "aws:kms" && defaultRule?.bucketKeyEnabled == true)
            return .kms(keyID: keyID ?? (defaultRule?.algorithm == "aws:kms" ? defaultRule?.kmsKeyID : nil), bucketKey: bucketKey, context: context)
        case "aws:kms:dsse":
            throw TarnError(.unsupported, "Dual-layer SSE-KMS (aws:kms:dsse) is not implemented by Tarn")
        default:
            throw TarnError(.invalidArgument, "The encryption method specified is not supported: \(algorithm)")
        }
    }

    /// The `x-amz-server-side-encryption*` response headers for a stored object.
    static func describeEncryption(_ stored: StoredEncryption?, into headers: inout HTTPFields) {
        guard let stored else { return }
        headers[.init("x-amz-server-side-encryption")!] = stored.algorithm
        if let arn = stored.kmsKeyARN { headers[.init("x-amz-server-side-encryption-aws-kms-key-id")!] = arn }
        if stored.bucketKeyEnabled { headers[.init("x-amz-server-side-encryption-bucket-key-enabled")!] = "true" }
        let userContext = stored.context.filter { $0.key != "aws:s3:arn" }
        if stored.algorithm == "aws:kms", !userContext.isEmpty,
            let json = try? JSONSerialization.data(withJSONObject: userContext, options: [.sortedKeys])
        {
            headers[.init("x-amz-server-side-encryption-context")!] = json.base64EncodedString()
        }
    }
}
