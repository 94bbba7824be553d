import Foundation
import Pipeline
import TarnCore

/// The IAM, S3 and KMS policy documents that `lake.yaml`'s security settings turn into.
///
/// Documents are built as JSON objects and compared in a canonical form (keys sorted), so an
/// `apply` that finds the same policy written differently (by the AWS CLI, say) changes nothing.
enum EnvironmentPolicies {
    /// Statements Tarn's pipeline owns in a bucket policy start with this Sid; others are kept.
    static let ownedSidPrefix = "TarnPipeline"
    /// The TLS-only statement's Sid.
    static let tlsOnlySid = "TarnPipelineDenyInsecureTransport"
    /// The name of the inline policy each pipeline role carries.
    static let rolePolicyName = "tarn-pipeline"

    /// What a key's users may do with it (KMS developer guide, "Allows key users to use the KMS key").
    static let keyUseActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    /// What the account may do to administer the key. Deliberately without `kms:CreateGrant`: a
    /// grant allows what no policy denies, so it would let an administrator hand the key's use
    /// to another environment's role behind the key policy's back.
    static let keyAdministrationActions = [
        "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:Describe*", "kms:List*", "kms:Get*", "kms:Enable*", "kms:Disable*",
        "kms:PutKeyPolicy", "kms:UpdateKeyDescription", "kms:RevokeGrant", "kms:RetireGrant", "kms:TagResource", "kms:UntagResource",
        "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
    ]

    // MARK: bucket policy

    /// Denies every S3 action on the bucket and its objects to everyone when the request did not
    /// come over TLS (S3 User Guide, "Enforcing encryption in transit": `aws:SecureTransport`).
    static func tlsOnlyStatement(bucket: String) -> [String: Any] {
        [
            "Sid": tlsOnlySid, "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::\(bucket)", "arn:aws:s3:::\(bucket)/*"],
            "Condition": ["Bool": ["aws:SecureTransport": "false"]],
        ]
    }

    /// The bucket policy with the pipeline's statements as declared and every other statement
    /// of `existing` kept as it was.
    /// - Returns: the policy text, or nil when no statement is left (no policy).
    /// - Throws: when `existing` is not a JSON policy document.
    static func mergedBucketPolicy(existing: String?, bucket: String, tlsOnly: Bool) throws -> String? {
        var document: [String: Any] = ["Version": "2012-10-17"]
        var statements: [[String: Any]] = []
        if let existing {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(existing.utf8)) as? [String: Any] else {
                throw TarnError(.corrupt, "the bucket policy of \(bucket) is not a JSON object")
            }
            document = parsed
            switch parsed["Statement"] {
            case let list as [[String: Any]]: statements = list
            case let single as [String: Any]: statements = [single]
            default: break
            }
        }
        statements.removeAll { ($0["Sid"] as? String)?.hasPrefix(ownedSidPrefix) == true }
        if tlsOnly { statements.append(tlsOnlyStatement(bucket: bucket)) }
        guard !statements.isEmpty else { return nil }
        document["Statement"] = statements
        return json(document)
    }

    // MARK: key policy

    /// The key policy of an environment's key.
    /// - Parameters:
    ///   - mode: `.account` gives KMS's default policy; `.environment` lets the account
    ///     administer the key, and only the root user and `roleARNs` use it.
    ///   - roleARNs: the environment's roles that touch data.
    static func keyPolicy(_ mode: KeyPolicyMode, accountID: String, roleARNs: [String]) -> [String: Any] {
        let account = "arn:aws:iam::\(accountID):root"
        switch mode {
        case .account:
            return [
                "Version": "2012-10-17", "Id": "key-default-1",
                "Statement": [["Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": ["AWS": account], "Action": "kms:*", "Resource": "*"]],
            ]
        case .environment:
            var statements: [[String: Any]] = [
                ["Sid": "KeyAdministrationByTheAccount", "Effect": "Allow", "Principal": ["AWS": account], "Action": keyAdministrationActions, "Resource": "*"],
                // The account principal alone would delegate use to every IAM identity whose
                // policy allows it; the condition keeps it to the root user itself, which is what
                // Tarn's in-process workers act as when no role is declared for them (Firehose
                // always; jobs and marts without `etl`/`marts` roles).
                [
                    "Sid": "KeyUseByTheRootUser", "Effect": "Allow", "Principal": ["AWS": account], "Action": keyUseActions, "Resource": "*",
                    "Condition": ["StringEquals": ["aws:PrincipalType": "Account"]],
                ],
            ]
            if !roleARNs.isEmpty {
                statements.append(["Sid": "KeyUseByTheEnvironmentsRoles", "Effect": "Allow", "Principal": ["AWS": roleARNs], "Action": keyUseActions, "Resource": "*"])
            }
            return ["Version": "2012-10-17", "Id": "tarn-pipeline-environment-key", "Statement": statements]
        }
    }

    // MARK: role policy

    /// The inline policy of a pipeline role: its zones of the environment's bucket, and the use
    /// of the environment's key when there is one.
    static func rolePolicy(_ role: RoleConfig, bucket: String, zones: ZoneConfig, keyARN: String?) -> [String: Any] {
        func prefix(_ zone: String) -> String { zones.all.first { $0.name == zone }?.prefix ?? zone + "/" }
        func objects(_ list: [String]) -> [String] { list.map { "arn:aws:s3:::\(bucket)/\(prefix($0))*" } }
        var statements: [[String: Any]] = []
        let listed = role.read + role.delete.filter { !role.read.contains($0) }
        if !listed.isEmpty {
            statements.append([
                "Sid": "ListZones", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::\(bucket)",
                "Condition": ["StringLike": ["s3:prefix": listed.map { prefix($0) + "*" }]],
            ])
        }
        if !role.read.isEmpty {
            statements.append(["Sid": "ReadZones", "Effect": "Allow", "Action": "s3:GetObject", "Resource": objects(role.read)])
        }
        if !role.write.isEmpty {
            statements.append([
                "Sid": "WriteZones", "Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                "Resource": objects(role.write),
            ])
        }
        if !role.delete.isEmpty {
            statements.append(["Sid": "DeleteFromZones", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": objects(role.delete)])
        }
        if let keyARN {
            var actions: [String] = []
            if !role.read.isEmpty { actions.append("kms:Decrypt") }
            if !role.write.isEmpty { actions += ["kms:GenerateDataKey", "kms:Decrypt"] }
            actions = Array(Set(actions)).sorted()
            if !actions.isEmpty { statements.append(["Sid": "UseEnvironmentKey", "Effect": "Allow", "Action": actions, "Resource": keyARN]) }
        }
        return ["Version": "2012-10-17", "Statement": statements]
    }

    // MARK: JSON

    /// The document as compact JSON with sorted keys.
    static func json(_ object: Any) -> String {
        // The documents are built here from strings, arrays and dictionaries only.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` in the canonical form `json` writes, or `text` itself when it is not JSON.
    static func canonical(_ text: String?) -> String? {
        guard let text else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return text }
        return json(object)
    }
}
