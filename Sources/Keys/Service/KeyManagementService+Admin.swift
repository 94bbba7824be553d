import Crypto
import Foundation
import TarnCore

extension KeyManagementService {
    /// The waiting period ScheduleKeyDeletion accepts, in days (KMS API Reference: 7–30, default 30).
    public static let pendingWindowDays = 7...30
    /// The automatic rotation periods EnableKeyRotation accepts, in days (90–2560, default 365).
    public static let rotationPeriodDays = 90...2560
    /// How many on-demand rotations a key may have (KMS quota: 10 per key).
    public static let onDemandRotationLimit = 10

    /// CreateKey: a new symmetric AES-256 key (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`).
    /// - Parameters:
    ///   - description: free text, at most 8192 characters.
    ///   - policy: the key policy; the default policy (account root may do everything) when nil.
    ///   - tags: resource tags.
    ///   - caller: who creates it (needs `kms:CreateKey` in an identity policy).
    /// - Throws: `MalformedPolicyDocumentException`, `ValidationException`, `AccessDeniedException`.
    public func createKey(description: String = "", policy: String? = nil, tags: [String: String] = [:], caller: KeyCaller) throws -> KeyMetadata {
        try authorizeAccount(caller, "CreateKey")
        guard description.count <= 8192 else {
            throw TarnError(.kmsValidation, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192")
        }
        let document = policy ?? Self.defaultPolicy(accountID: accountID)
        try validatePolicy(document)
        let id = KeyID.random()
        let now = clock.now()
        let key = KeyMetadata(
            keyID: id, arn: keyARN(id), accountID: accountID, created: now, description: description, state: .enabled, deletionDate: nil,
            pendingWindowInDays: nil, rotationEnabled: false, rotationPeriodInDays: 365, rotationAnchor: nil, currentVersion: 1,
            policy: document, tags: tags)
        let material = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        try store.insert(key, material: material)
        state.withLock { state in
            state.keys[id] = key
            state.versions[id] = [1: SymmetricKey(data: material)]
            state.versionInfo[id] = [KeyVersionInfo(version: 1, created: now, rotationType: nil)]
        }
        record(caller, "CreateKey", key: key.arn, context: EncryptionContext())
        return key
    }

    /// The AWS managed key of a service (`alias/aws/s3`), created with the default policy on
    /// first use: what SSE-KMS uses when a request names no key.
    public func awsManagedKey(service: String) throws -> KeyMetadata {
        let name = "alias/aws/\(service)"
        if let alias = state.withLock({ $0.aliases[name] }) { return try current(alias.targetKeyID) }
        let id = KeyID.random()
        let now = clock.now()
        let key = KeyMetadata(
            keyID: id, arn: keyARN(id), accountID: accountID, created: now,
            description: "Default key that protects my \(service.uppercased()) objects when no other key is defined", state: .enabled,
            deletionDate: nil, pendingWindowInDays: nil, rotationEnabled: true, rotationPeriodInDays: 365, rotationAnchor: now, currentVersion: 1,
            policy: Self.defaultPolicy(accountID: accountID), tags: [:])
        let material = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let alias = KeyAlias(name: name, arn: Self.aliasARN(name, accountID: accountID, region: region), targetKeyID: id, created: now)
        return try state.withLock { state in
            // Another request may have created it meanwhile.
            if let existing = state.aliases[name], let key = state.keys[existing.targetKeyID] { return key }
            try store.insert(key, material: material)
            try store.insertAlias(alias)
            state.keys[id] = key
            state.versions[id] = [1: SymmetricKey(data: material)]
            state.versionInfo[id] = [KeyVersionInfo(version: 1, created: now, rotationType: nil)]
            state.aliases[name] = alias
            return key
        }
    }

    func validatePolicy(_ document: String) throws {
        guard document.utf8.count <= 32_768 else {
            throw TarnError(.kmsMalformedPolicy, "The key policy is \(document.utf8.count) bytes; the limit is 32768")
        }
        try authorizer.validateKeyPolicy(document)
    }

    /// DescribeKey.
    public func describeKey(_ keyID: String, caller: KeyCaller) throws -> KeyMetadata {
        try perform("DescribeKey", key: keyID, caller: caller, requireEnabled: false) { $0 }
    }

    /// ListKeys: every key of the account, ordered by id (account-level; `kms:ListKeys`).
    public func listKeys(caller: KeyCaller) throws -> [KeyMetadata] {
        try authorizeAccount(caller, "ListKeys")
        let ids = state.withLock { Array($0.keys.keys) }
        return ids.sorted().compactMap { try? current($0) }
    }

    /// EnableKey: a disabled key becomes usable again.
    /// - Throws: `KMSInvalidStateException` for a key pending deletion.
    public func enableKey(_ keyID: String, caller: KeyCaller) throws {
        try perform("EnableKey", key: keyID, caller: caller, requireEnabled: false, allowPendingDeletion: false) { key in
            var key = key
            key.state = .enabled
            try save(key)
        }
    }

    /// DisableKey: every cryptographic use fails with `DisabledException` until EnableKey.
    public func disableKey(_ keyID: String, caller: KeyCaller) throws {
        try perform("DisableKey", key: keyID, caller: caller, requireEnabled: false, allowPendingDeletion: false) { key in
            var key = key
            key.state = .disabled
            try save(key)
        }
    }

    /// ScheduleKeyDeletion: the key becomes unusable now and is deleted, with all its material,
    /// after `pendingWindowInDays` (7–30).
    /// - Returns: the key with its deletion date.
    public func scheduleKeyDeletion(_ keyID: String, pendingWindowInDays: Int = 30, caller: KeyCaller) throws -> KeyMetadata {
        guard Self.pendingWindowDays.contains(pendingWindowInDays) else {
            throw TarnError(
                .kmsValidation,
                "1 validation error detected: Value '\(pendingWindowInDays)' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30")
        }
        return try perform("ScheduleKeyDeletion", key: keyID, caller: caller, requireEnabled: false, allowPendingDeletion: false) { key in
            var key = key
            key.state = .pendingDeletion
            key.pendingWindowInDays = pendingWindowInDays
            key.deletionDate = clock.now().addingTimeInterval(Double(pendingWindowInDays) * 86_400)
            try save(key)
            return key
        }
    }

    /// CancelKeyDeletion: a key pending deletion is kept, in the `Disabled` state (as AWS does).
    public func cancelKeyDeletion(_ keyID: String, caller: KeyCaller) throws -> KeyMetadata {
        try perform("CancelKeyDeletion", key: keyID, caller: caller, requireEnabled: false) { key in
            guard key.state == .pendingDeletion else { throw TarnError(.kmsInvalidState, "\(key.arn) is not pending deletion.") }
            var key = key
            key.state = .disabled
            key.deletionDate = nil
            key.pendingWindowInDays = nil
            try save(key)
            return key
        }
    }

    /// UpdateKeyDescription.
    public func updateKeyDescription(_ keyID: String, description: String, caller: KeyCaller) throws {
        try perform("UpdateKeyDescription", key: keyID, caller: caller, requireEnabled: false) { key in
            var key = key
            key.description = description
            try save(key)
        }
    }

    // MARK: rotation

    /// EnableKeyRotation: new key material every `periodInDays` (90–2560); old versions keep
    /// decrypting what they encrypted.
    public func enableKeyRotation(_ keyID: String, periodInDays: Int = 365, caller: KeyCaller) throws {
        guard Self.rotationPeriodDays.contains(periodInDays) else {
            throw TarnError(
                .kmsValidation,
                "1 validation error detected: Value '\(periodInDays)' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560")
        }
        try perform("EnableKeyRotation", key: keyID, caller: caller, requireEnabled: true) { key in
            var key = key
            key.rotationEnabled = true
            key.rotationPeriodInDays = periodInDays
            key.rotationAnchor = clock.now()
            try save(key)
        }
    }

    /// DisableKeyRotation.
    public func disableKeyRotation(_ keyID: String, caller: KeyCaller) throws {
        try perform("DisableKeyRotation", key: keyID, caller: caller, requireEnabled: true) { key in
            var key = key
            key.rotationEnabled = false
            try save(key)
        }
    }

    /// GetKeyRotationStatus: the key's rotation settings.
    public func keyRotationStatus(_ keyID: String, caller: KeyCaller) throws -> KeyMetadata {
        try perform("GetKeyRotationStatus", key: keyID, caller: caller, requireEnabled: false) { $0 }
    }

    /// RotateKeyOnDemand: new key material now, whatever the schedule.
    /// - Throws: `LimitExceededException` after 10 on-demand rotations; `DisabledException` for a
    ///   disabled key.
    public func rotateKeyOnDemand(_ keyID: String, caller: KeyCaller) throws -> KeyMetadata {
        try perform("RotateKeyOnDemand", key: keyID, caller: caller, requireEnabled: true) { key in
            let onDemand = state.withLock { $0.versionInfo[key.keyID]?.filter { $0.rotationType == "ON_DEMAND" }.count ?? 0 }
            guard onDemand < Self.onDemandRotationLimit else {
                throw TarnError(.init("LimitExceededException"), "\(key.arn) has reached the limit of \(Self.onDemandRotationLimit) on-demand rotations")
            }
            return try addVersion(key, rotationType: "ON_DEMAND", resetAnchor: false)
        }
    }

    /// ListKeyRotations: the rotations of a key (every version after the first), oldest first.
    public func keyRotations(_ keyID: String, caller: KeyCaller) throws -> [KeyVersionInfo] {
        try perform("ListKeyRotations", key: keyID, caller: caller, requireEnabled: false) { key in
            state.withLock { $0.versionInfo[key.keyID] ?? [] }.filter { $0.version > 1 }
        }
    }

    // MARK: key policies

    /// GetKeyPolicy (the only policy name is `default`).
    public func keyPolicy(_ keyID: String, policyName: String = "default", caller: KeyCaller) throws -> String {
        try Self.requireDefaultPolicyName(policyName)
        return try perform("GetKeyPolicy", key: keyID, caller: caller, requireEnabled: false) { $0.policy }
    }

    /// PutKeyPolicy: replaces the key policy after checking it is a valid policy document.
    public func putKeyPolicy(_ keyID: String, policyName: String = "default", policy: String, caller: KeyCaller) throws {
        try Self.requireDefaultPolicyName(policyName)
        try perform("PutKeyPolicy", key: keyID, caller: caller, requireEnabled: false) { key in
            try validatePolicy(policy)
            var key = key
            key.policy = policy
            try save(key)
        }
    }

    static func requireDefaultPolicyName(_ name: String) throws {
        guard name == "default" else { throw TarnError(.kmsNotFound, "No such policy exists: \(name); a key has one policy, named default") }
    }
}
