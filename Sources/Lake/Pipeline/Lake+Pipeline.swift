import Access
import Foundation
import Keys
import Pipeline
import Storage
import TarnCore

extension Lake {
    /// `tarn apply`: makes the lake match a `lake.yaml` — the pipeline's buckets, databases, jobs
    /// and marts (`LakePipeline.apply`), then each environment's security: its KMS key, its
    /// roles, and its bucket's default encryption, Block Public Access, bucket policy and
    /// lifecycle rules.
    ///
    /// Idempotent: everything is compared with what the lake has, so applying the same file
    /// again changes nothing and reports no changes. Settings left out of the file are left
    /// alone; roles and lifecycle rules that a previous apply declared and this file no longer
    /// does are removed.
    /// ```swift
    /// let config = try PipelineConfigParser.load(path: "lake.yaml")
    /// for change in try await lake.applyPipeline(config, text: text) { print(change) }
    /// // + key alias/retail-dev
    /// // + role dev-etl
    /// // ~ bucket retail-dev-data (encryption, policy, lifecycle)
    /// ```
    /// - Parameters:
    ///   - config: the parsed file.
    ///   - text: its text, kept as the applied configuration.
    ///   - dryRun: only report what would change.
    /// - Returns: what changed (or would).
    /// - Throws: when the declared key exists but is disabled or pending deletion (apply does not
    ///   undo an operator's decision), or a store, IAM or KMS call fails.
    @discardableResult
    public func applyPipeline(_ config: PipelineConfig, text: String, dryRun: Bool = false) async throws -> [PipelineChange] {
        let previous = try pipeline.applied()
        var changes = dryRun ? try pipeline.plan(config) : try await pipeline.apply(config, text: text)
        for environment in config.environments {
            changes += try await reconcile(environment, config: config, previous: previous, dryRun: dryRun)
        }
        changes += try removeUndeclaredRoles(config, previous: previous, dryRun: dryRun)
        return changes
    }

    /// The account root user as a KMS caller: who administers the keys `apply` creates (and
    /// what operator tools use for key administration).
    public var rootKeyCaller: KeyCaller { KeyCaller(principalARN: "arn:aws:iam::\(Self.accountID):root", accountID: Self.accountID) }

    /// One environment: key, roles, then the bucket (which needs the key's ARN).
    func reconcile(_ environment: EnvironmentConfig, config: PipelineConfig, previous: PipelineConfig?, dryRun: Bool) async throws -> [PipelineChange] {
        var changes: [PipelineChange] = []
        let roleARNs = config.roles.filter(\.usesData).map {
            "arn:aws:iam::\(Self.accountID):role/" + PipelineConfig.roleName(role: $0.name, environment: environment.name)
        }
        var keyARN: String?
        if let encryption = environment.security.encryption {
            keyARN = try reconcileKey(encryption, environment: environment, roleARNs: roleARNs, dryRun: dryRun, changes: &changes)
        }
        for role in config.roles {
            try reconcileRole(role, environment: environment, zones: config.zones, keyARN: keyARN, dryRun: dryRun, changes: &changes)
        }
        try await reconcileBucket(environment, config: config, previous: previous, keyARN: keyARN, dryRun: dryRun, changes: &changes)
        return changes
    }

    /// The environment's customer managed key: created with its alias when missing, rotation
    /// on, the declared key policy.
    /// - Returns: the key's ARN (nil in a dry run that would create it).
    func reconcileKey(
        _ encryption: KMSEncryptionConfig, environment: EnvironmentConfig, roleARNs: [String], dryRun: Bool, changes: inout [PipelineChange]
    ) throws -> String? {
        let wantedPolicy = encryption.keyPolicy.map { EnvironmentPolicies.json(EnvironmentPolicies.keyPolicy($0, accountID: Self.accountID, roleARNs: roleARNs)) }
        let existing: KeyMetadata?
        do {
            existing = try kms.resolve(encryption.kmsKey)
        } catch let error as TarnError where error.code == .kmsNotFound {
            existing = nil
        }
        guard let key = existing else {
            changes.append(PipelineChange(.create, "key", encryption.kmsKey))
            guard !dryRun else { return nil }
            let caller = rootKeyCaller
            let key = try kms.createKey(
                description: "tarn pipeline: default encryption of s3://\(environment.bucket) (environment \(environment.name))", policy: wantedPolicy,
                caller: caller)
            try kms.createAlias(encryption.kmsKey, targetKeyID: key.arn, caller: caller)
            try kms.enableKeyRotation(key.arn, caller: caller)
            return key.arn
        }
        guard key.state == .enabled else {
            throw TarnError(
                .conflict,
                "the key \(encryption.kmsKey) (\(key.arn)) of environment \(environment.name) is \(key.state.rawValue); apply does not re-enable or undelete keys: enable it, cancel its deletion, or point the alias at another key")
        }
        var details: [String] = []
        if !key.rotationEnabled {
            details.append("rotation")
            if !dryRun { try kms.enableKeyRotation(key.arn, caller: rootKeyCaller) }
        }
        if let wantedPolicy, EnvironmentPolicies.canonical(key.policy) != EnvironmentPolicies.canonical(wantedPolicy) {
            details.append("policy")
            if !dryRun { try kms.putKeyPolicy(key.arn, policy: wantedPolicy, caller: rootKeyCaller) }
        }
        if !details.isEmpty { changes.append(PipelineChange(.update, "key", encryption.kmsKey, detail: details.joined(separator: ", "))) }
        return key.arn
    }

    /// A role `<env>-<role>` with its inline policy.
    func reconcileRole(
        _ role: RoleConfig, environment: EnvironmentConfig, zones: ZoneConfig, keyARN: String?, dryRun: Bool, changes: inout [PipelineChange]
    ) throws {
        let name = PipelineConfig.roleName(role: role.name, environment: environment.name)
        let policy = EnvironmentPolicies.json(EnvironmentPolicies.rolePolicy(role, bucket: environment.bucket, zones: zones, keyARN: keyARN))
        guard let existing = try? identities.role(name) else {
            changes.append(PipelineChange(.create, "role", name))
            guard !dryRun else { return }
            let description = role.description ?? "tarn pipeline role \(role.name) of environment \(environment.name)"
            try identities.createRole(name, description: description)
            try identities.putInlinePolicy(EnvironmentPolicies.rolePolicyName, document: policy, on: .role(name))
            return
        }
        let current = existing.inlinePolicies[EnvironmentPolicies.rolePolicyName]
        guard EnvironmentPolicies.canonical(current) != EnvironmentPolicies.canonical(policy) else { return }
        changes.append(PipelineChange(.update, "role", name, detail: "policy"))
        if !dryRun { try identities.putInlinePolicy(EnvironmentPolicies.rolePolicyName, document: policy, on: .role(name)) }
    }

    /// Roles a previous apply created that the file no longer declares.
    func removeUndeclaredRoles(_ config: PipelineConfig, previous: PipelineConfig?, dryRun: Bool) throws -> [PipelineChange] {
        guard let previous else { return [] }
        var wanted = Set<String>()
        for environment in config.environments {
            for role in config.roles { wanted.insert(PipelineConfig.roleName(role: role.name, environment: environment.name)) }
        }
        var changes: [PipelineChange] = []
        for environment in previous.environments {
            for role in previous.roles {
                let name = PipelineConfig.roleName(role: role.name, environment: environment.name)
                guard !wanted.contains(name), let existing = try? identities.role(name) else { continue }
                changes.append(PipelineChange(.delete, "role", name))
                guard !dryRun else { continue }
                if existing.inlinePolicies[EnvironmentPolicies.rolePolicyName] != nil {
                    try identities.deleteInlinePolicy(EnvironmentPolicies.rolePolicyName, from: .role(name))
                }
                // A role someone gave other policies too is theirs now: only the pipeline's policy goes.
                if existing.attachedPolicies.isEmpty && existing.inlinePolicies.keys.allSatisfy({ $0 == EnvironmentPolicies.rolePolicyName }) {
                    try identities.deleteRole(name)
                }
            }
        }
        return changes
    }

    /// The bucket's default encryption, Block Public Access, policy and lifecycle rules.
    func reconcileBucket(
        _ environment: EnvironmentConfig, config: PipelineConfig, previous: PipelineConfig?, keyARN: String?, dryRun: Bool, changes: inout [PipelineChange]
    ) async throws {
        let bucket = environment.bucket
        // In a dry run on a new lake the bucket does not exist yet: compare with an empty one.
        let exists = (try? store.bucket(bucket)) != nil
        let security = environment.security
        var details: [String] = []

        if let encryption = security.encryption {
            let current = exists ? try store.bucketEncryption(bucket) : nil
            let currentKey = current?.kmsKeyID.flatMap { try? kms.resolve($0).arn }
            let matches = current?.algorithm == "aws:kms" && current?.bucketKeyEnabled == encryption.bucketKey && keyARN != nil && currentKey == keyARN
            if !matches {
                details.append("encryption")
                if !dryRun, let keyARN {
                    try await store.setBucketEncryption(bucket, BucketEncryptionRule(algorithm: "aws:kms", kmsKeyID: keyARN, bucketKeyEnabled: encryption.bucketKey))
                }
            }
        }
        if let blocked = security.blockPublicAccess {
            let wanted = PublicAccessBlock(blockPublicAcls: blocked, ignorePublicAcls: blocked, blockPublicPolicy: blocked, restrictPublicBuckets: blocked)
            let current = exists ? try bucketSecurity(bucket).publicAccessBlock : .allBlocked
            if current != wanted {
                details.append("block public access")
                if !dryRun { try await setPublicAccessBlock(bucket, wanted) }
            }
        }
        if let tlsOnly = security.tlsOnly {
            let current = exists ? try bucketSecurity(bucket).policy : nil
            let merged = try EnvironmentPolicies.mergedBucketPolicy(existing: current, bucket: bucket, tlsOnly: tlsOnly)
            if EnvironmentPolicies.canonical(current) != EnvironmentPolicies.canonical(merged) {
                details.append(tlsOnly ? "policy: TLS only" : "policy: TLS-only statement removed")
                if !dryRun { try await setBucketPolicy(bucket, merged) }
            }
        }
        let previouslyOwned = previous?.lifecycle != nil && previous?.environment(environment.name)?.bucket == bucket
        let wantedLifecycle = config.lifecycle.map { $0.configuration(zones: config.zones) }
        if wantedLifecycle != nil || previouslyOwned {
            let current = exists ? try store.lifecycleConfiguration(bucket: bucket) : nil
            if current != wantedLifecycle {
                details.append(wantedLifecycle == nil ? "lifecycle removed" : "lifecycle")
                if !dryRun { try await store.setLifecycleConfiguration(bucket: bucket, wantedLifecycle) }
            }
        }
        if !details.isEmpty { changes.append(PipelineChange(.update, "bucket", bucket, detail: details.joined(separator: ", "))) }
    }
}
