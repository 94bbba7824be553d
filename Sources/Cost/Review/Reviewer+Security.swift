/// The Security pillar of `tarn review` (Well-Architected data analytics lens, "Protect data at
/// rest and in transit"; S3 security best practices; AWS Security Hub's S3.5, S3.8 and KMS.4).
extension Reviewer {
    /// Buckets that store new objects in plaintext, or hold objects stored that way.
    func unencryptedBuckets(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.buckets.compactMap { bucket in
            guard let security = bucket.security, security.defaultEncryption == "none" || security.unencryptedObjects > 0 else { return nil }
            var evidence: [String] = []
            if security.defaultEncryption == "none" {
                evidence.append("no default encryption: the bucket has no encryption configuration and the server runs with --default-encryption none")
            }
            if security.unencryptedObjects > 0 {
                evidence.append("\(security.unencryptedObjects) of \(security.objects) object(s) are stored unencrypted")
            }
            return Finding(
                check: "security.unencrypted-bucket", pillar: .security, severity: .high, resource: "s3://\(bucket.name)",
                title: "Objects are stored without encryption at rest", evidence: evidence,
                effect: "anyone who can read the data directory (a backup, a stolen disk) reads these objects; with encryption they need the root key too",
                fix: "aws s3api put-bucket-encryption (SSE-KMS with a customer managed key, or AES256), or declare encryption: { kmsKey: alias/NAME } for the environment in lake.yaml and run tarn apply; then copy existing objects onto themselves (aws s3 cp --recursive s3://BUCKET s3://BUCKET) so they are re-written encrypted")
        }
    }

    /// Buckets whose default encryption is not the KMS key the applied `lake.yaml` declares
    /// (SSE-S3 where the configuration asks for KMS, another key, or the key is gone).
    func encryptionNotAsDeclared(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.buckets.compactMap { bucket in
            guard let security = bucket.security, let declared = security.declaredKMSKey else { return nil }
            let actual: String
            switch security.defaultEncryption {
            case "aws:kms": actual = "SSE-KMS with \(security.kmsKeyARN ?? "the AWS managed key alias/aws/s3")"
            case "AES256": actual = "SSE-S3 (AES256)"
            default: actual = "none"
            }
            let evidence: String
            if let wanted = security.declaredKMSKeyARN {
                guard security.defaultEncryption != "aws:kms" || security.kmsKeyARN != wanted else { return nil }
                evidence = "lake.yaml declares \(declared) (\(wanted)); the bucket's default encryption is \(actual)"
            } else {
                evidence = "lake.yaml declares \(declared), which does not exist; the bucket's default encryption is \(actual)"
            }
            return Finding(
                check: "security.encryption-not-as-declared", pillar: .security, severity: .medium, resource: "s3://\(bucket.name)",
                title: "Default encryption differs from the declared KMS key", evidence: [evidence],
                effect: "new objects are not protected by the environment's key and its key policy: whoever may use the other key (or, for SSE-S3, any principal allowed s3:GetObject) reads them",
                fix: "run tarn apply with the lake.yaml (it creates the key and sets the bucket's default encryption), or aws s3api put-bucket-encryption with the declared key")
        }
    }

    /// Buckets that accept requests over plain HTTP.
    func tlsOnlyPolicy(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.buckets.compactMap { bucket in
            guard let security = bucket.security, !security.plainHTTPDenied else { return nil }
            return Finding(
                check: "security.tls-only-policy", pillar: .security, severity: .medium, resource: "s3://\(bucket.name)",
                title: "Requests over plain HTTP are allowed",
                evidence: ["no bucket policy statement denies requests with aws:SecureTransport false (asked of the policy engine for GetObject and PutObject as the root user)"],
                effect: "credentials' signatures, object data and keys cross the network in clear text on any plain-HTTP listener",
                fix: #"add a bucket policy statement {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}, or tlsOnly: true for the environment in lake.yaml and tarn apply; serve HTTPS with tarn server --tls-listen"#)
        }
    }

    /// Buckets with any Block Public Access setting off.
    func blockPublicAccess(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.buckets.compactMap { bucket in
            guard let security = bucket.security else { return nil }
            let off = security.publicAccessBlock.filter { !$0.value }.keys.sorted()
            guard !off.isEmpty else { return nil }
            var evidence = ["Block Public Access settings off: \(off.joined(separator: ", "))"]
            if security.policyIsPublic { evidence.append("the bucket policy grants public access") }
            return Finding(
                check: "security.block-public-access", pillar: .security, severity: security.policyIsPublic ? .high : .medium,
                resource: "s3://\(bucket.name)", title: "Block Public Access is off",
                evidence: evidence,
                effect: security.policyIsPublic
                    ? "anonymous requests can use what the public policy grants"
                    : "a public bucket policy could be put and anonymous requests allowed; nothing stops a mistake",
                fix: "aws s3api put-public-access-block --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true, or blockPublicAccess: true in lake.yaml and tarn apply")
        }
    }

    /// Enabled customer managed keys without automatic rotation.
    func keyRotation(_ snapshot: ReviewSnapshot) -> [Finding] {
        snapshot.keys.compactMap { key in
            guard key.state == "Enabled", !key.rotationEnabled else { return nil }
            var evidence = ["automatic rotation is off" + (key.aliases.isEmpty ? "" : " (aliases: \(key.aliases.joined(separator: ", ")))")]
            if !key.usedBy.isEmpty { evidence.append("default encryption key of \(key.usedBy.map { "s3://" + $0 }.joined(separator: ", "))") }
            return Finding(
                check: "security.key-rotation", pillar: .security, severity: .medium, resource: key.arn,
                title: "Customer managed KMS key without automatic rotation", evidence: evidence,
                effect: "one key version protects every data key it ever wrapped; rotation limits how much one exposed version opens (old versions still decrypt)",
                fix: "aws kms enable-key-rotation --key-id \(key.arn) (tarn apply enables it on the keys lake.yaml declares)")
        }
    }
}
