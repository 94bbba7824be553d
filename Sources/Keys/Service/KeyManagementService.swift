import Crypto
import Foundation
import Synchronization
import TarnCore

/// Tarn's KMS: customer managed symmetric keys and the operations AWS KMS offers on them.
///
/// One instance serves the whole process. Keys, aliases and grants are held in memory (a store
/// holds at most thousands) and written through to `KeyStore` before a change is acknowledged.
/// Every operation on a key is authorized (key policy and IAM through the `KeyAuthorizer`, then
/// grants) and written to the `AuditLog`, allowed or denied.
/// ```swift
/// let kms = try KeyManagementService(directory: dir, rootKey: root, accountID: "000000000000",
///                                    region: "us-east-1", authorizer: authorizer)
/// let key = try kms.createKey(description: "prod data", caller: admin)
/// let dataKey = try kms.generateDataKey(keyID: key.arn, byteCount: 32,
///                                       context: ["aws:s3:arn": "arn:aws:s3:::prod"], caller: s3Role)
/// let plaintext = try kms.decrypt(ciphertext: dataKey.ciphertext, context: [...], caller: reader).plaintext
/// ```
public final class KeyManagementService: Sendable {
    /// The account that owns every key.
    public let accountID: String
    /// The region in key ARNs.
    public let region: String
    /// The audit log.
    public let audit: AuditLog
    let store: KeyStore
    let authorizer: any KeyAuthorizer
    let clock: any WallClock
    let state: Mutex<KeyStore.Snapshot>
    private let serviceKeys = Mutex<[String: SymmetricKey]>([:])

    /// The default key policy AWS gives a key created without one: the account (and so IAM
    /// policies) may do everything (KMS developer guide, "Default key policy").
    public static func defaultPolicy(accountID: String) -> String {
        """
        {"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",\
        "Principal":{"AWS":"arn:aws:iam::\(accountID):root"},"Action":"kms:*","Resource":"*"}]}
        """
    }

    /// Opens (creating if needed) the key service in `directory` (`keys.db`, `audit/kms.jsonl`).
    /// - Parameters:
    ///   - directory: where the key store and audit log live.
    ///   - rootKey: the operator's root key; it must be the one the store was created with.
    ///   - accountID: the owning account id.
    ///   - region: the region in ARNs.
    ///   - authorizer: evaluates key policies and IAM policies.
    ///   - clock: time for deletion windows and rotation.
    /// - Throws: `WrongRootKey` when the root key does not open the store.
    public init(
        directory: String, rootKey: RootKey, accountID: String, region: String, authorizer: any KeyAuthorizer,
        clock: any WallClock = SystemClock()
    ) throws {
        try FileSystem.createDirectory(directory, permissions: 0o700)
        store = try KeyStore(path: directory + "/keys.db", rootKey: rootKey)
        audit = try AuditLog(path: directory + "/audit/kms.jsonl")
        self.accountID = accountID
        self.region = region
        self.authorizer = authorizer
        self.clock = clock
        state = Mutex(try store.load(accountID: accountID, region: region))
    }

    // MARK: names

    /// `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    public static func keyARN(_ id: KeyID, accountID: String, region: String) -> String { "arn:aws:kms:\(region):\(accountID):key/\(id)" }
    /// `arn:aws:kms:REGION:ACCOUNT:alias/NAME` for an alias name `alias/NAME`.
    public static func aliasARN(_ name: String, accountID: String, region: String) -> String { "arn:aws:kms:\(region):\(accountID):\(name)" }
    /// The grant token of a grant.
    static func grantToken(_ grantID: String) -> String { "tarn-grant-" + grantID }

    /// The ARN of a key id in this service.
    public func keyARN(_ id: KeyID) -> String { Self.keyARN(id, accountID: accountID, region: region) }

    // MARK: resolving identifiers

    /// Resolves a key id, key ARN, alias name or alias ARN to the key, applying what time has
    /// done meanwhile: a key past its deletion date is deleted now, and a key due for automatic
    /// rotation gets its new version.
    /// - Throws: `NotFoundException` naming the identifier.
    public func resolve(_ identifier: String) throws -> KeyMetadata {
        let id = try resolveID(identifier)
        return try current(id, identifier: identifier)
    }

    func resolveID(_ identifier: String) throws -> KeyID {
        let prefix = "arn:aws:kms:\(region):\(accountID):"
        var name = identifier
        if identifier.hasPrefix("arn:") {
            guard identifier.hasPrefix(prefix) else {
                throw TarnError(.kmsNotFound, "Invalid arn \(identifier): not a KMS key or alias of account \(accountID) in \(region)")
            }
            name = String(identifier.dropFirst(prefix.count))
            if name.hasPrefix("key/") { name = String(name.dropFirst(4)) }
        }
        if name.hasPrefix("alias/") {
            guard let alias = state.withLock({ $0.aliases[name] }) else {
                throw TarnError(.kmsNotFound, "Alias \(Self.aliasARN(name, accountID: accountID, region: region)) is not found.")
            }
            return alias.targetKeyID
        }
        guard let id = KeyID(name) else { throw TarnError(.kmsNotFound, "Invalid keyId '\(identifier)'") }
        return id
    }

    /// The key's metadata after lazy deletion and rotation.
    func current(_ id: KeyID, identifier: String? = nil) throws -> KeyMetadata {
        let now = clock.now()
        guard let key = state.withLock({ $0.keys[id] }) else {
            throw TarnError(.kmsNotFound, "Key '\(keyARN(id))' does not exist")
        }
        if key.state == .pendingDeletion, let deletion = key.deletionDate, deletion <= now {
            try store.purge(id)
            state.withLock { state in
                state.keys[id] = nil
                state.versions[id] = nil
                state.versionInfo[id] = nil
                state.aliases = state.aliases.filter { $0.value.targetKeyID != id }
                state.grants = state.grants.filter { $0.value.keyID != id }
            }
            throw TarnError(.kmsNotFound, "Key '\(keyARN(id))' does not exist")
        }
        if key.state == .enabled, let next = key.nextRotationDate, next <= now {
            return try addVersion(key, rotationType: "AUTOMATIC", resetAnchor: true)
        }
        return key
    }

    /// Creates and stores a new version of `key`'s material and makes it current.
    func addVersion(_ key: KeyMetadata, rotationType: String, resetAnchor: Bool) throws -> KeyMetadata {
        let now = clock.now()
        let material = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        var updated = key
        updated.currentVersion = key.currentVersion + 1
        if resetAnchor { updated.rotationAnchor = now }
        try store.addVersion(updated, version: updated.currentVersion, material: material, created: now, rotationType: rotationType)
        let info = KeyVersionInfo(version: updated.currentVersion, created: now, rotationType: rotationType)
        state.withLock { state in
            state.keys[key.keyID] = updated
            state.versions[key.keyID, default: [:]][updated.currentVersion] = SymmetricKey(data: material)
            state.versionInfo[key.keyID, default: []].append(info)
        }
        return updated
    }

    /// Replaces a key's metadata durably.
    func save(_ key: KeyMetadata) throws {
        try store.update(key)
        state.withLock { $0.keys[key.keyID] = key }
    }

    /// The material of one version.
    func material(_ id: KeyID, version: UInt32) throws -> SymmetricKey {
        guard let material = state.withLock({ $0.versions[id]?[version] }) else {
            throw TarnError(.kmsInvalidCiphertext, "key \(keyARN(id)) has no version \(version) of key material")
        }
        return material
    }

    // MARK: authorization and audit

    /// Authorizes `action` on `key` for `caller`: key policy and IAM first (an explicit deny
    /// there is final), then grants. Records a denial in the audit log.
    /// - Throws: `AccessDeniedException` naming the caller, action and key.
    func authorize(
        _ caller: KeyCaller, _ action: String, key: KeyMetadata, context: EncryptionContext = EncryptionContext(),
        extra: [String: [String]] = [:]
    ) throws {
        let request = KeyAuthorizationRequest(
            caller: caller, action: "kms:" + action, keyARN: key.arn, keyAccountID: key.accountID, keyPolicy: key.policy,
            encryptionContext: context, extraConditions: extra)
        switch authorizer.authorize(request) {
        case .allow: return
        case .explicitDeny:
            throw denied(caller, action, key: key, context: context, reason: "with an explicit deny in a policy")
        case .implicitDeny:
            let granted = state.withLock { state in
                state.grants.values.contains { $0.keyID == key.keyID && $0.allows(principal: caller.principalARN, operation: action, context: context) }
            }
            if granted { return }
            throw denied(caller, action, key: key, context: context, reason: "because no key policy, IAM policy or grant allows the kms:\(action) action")
        }
    }

    private func denied(_ caller: KeyCaller, _ action: String, key: KeyMetadata, context: EncryptionContext, reason: String) -> TarnError {
        record(caller, action, key: key.arn, context: context, error: .kmsAccessDenied, denied: true)
        return TarnError(.kmsAccessDenied, "User: \(caller.principalARN) is not authorized to perform: kms:\(action) on resource: \(key.arn) \(reason)")
    }

    /// Authorizes an account-level action (CreateKey, ListKeys, ListAliases): IAM policies only.
    func authorizeAccount(_ caller: KeyCaller, _ action: String) throws {
        let request = KeyAuthorizationRequest(
            caller: caller, action: "kms:" + action, keyARN: "*", keyAccountID: accountID, keyPolicy: "",
            encryptionContext: EncryptionContext(), extraConditions: [:])
        guard authorizer.authorize(request) == .allow else {
            record(caller, action, key: nil, context: EncryptionContext(), error: .kmsAccessDenied, denied: true)
            throw TarnError(.kmsAccessDenied, "User: \(caller.principalARN) is not authorized to perform: kms:\(action) because no identity-based policy allows the kms:\(action) action")
        }
    }

    /// Appends one event to the audit log.
    func record(_ caller: KeyCaller, _ operation: String, key: String?, context: EncryptionContext, error: TarnError.Code? = nil, denied: Bool = false) {
        let event = AuditEvent(
            time: AuditLog.timestamp(clock.now()), principal: caller.principalARN, operation: operation, key: key, context: context.pairs,
            decision: denied ? "denied" : "allowed", error: error?.rawValue, via: caller.viaService, requestID: caller.requestID)
        // A failing audit write must not pass silently; but it happens only when the disk fails,
        // and then the key store write of the same operation fails too.
        // S3 (viaService) uses keys inside object requests on the cooperative threads: its lines
        // are synced in the background (see `AuditLog`); direct KMS calls wait for the fsync.
        do { try audit.append(event, waitUntilDurable: caller.viaService == nil) } catch { auditFailures.add(1, ordering: .relaxed) }
    }

    /// How many audit lines could not be written (exposed for health checks).
    public var auditFailureCount: Int { auditFailures.load(ordering: .relaxed) }
    private let auditFailures = Atomic<Int>(0)

    /// Runs a key operation: resolve, authorize, check state, run, audit.
    /// - Parameters:
    ///   - requireEnabled: whether the key must be usable for cryptography (Disabled and
    ///     PendingDeletion keys fail with `DisabledException` / `KMSInvalidStateException`).
    func perform<T>(
        _ operation: String, key identifier: String, caller: KeyCaller, context: EncryptionContext = EncryptionContext(),
        action: String? = nil, requireEnabled: Bool, allowPendingDeletion: Bool = true, extra: [String: [String]] = [:],
        _ body: (KeyMetadata) throws -> T
    ) throws -> T {
        let key: KeyMetadata
        do {
            key = try resolve(identifier)
        } catch let error as TarnError {
            record(caller, operation, key: nil, context: context, error: error.code)
            throw error
        }
        try authorize(caller, action ?? operation, key: key, context: context, extra: extra)
        do {
            if requireEnabled { try Self.requireUsable(key) }
            if !allowPendingDeletion && key.state == .pendingDeletion {
                throw TarnError(.kmsInvalidState, "\(key.arn) is pending deletion.")
            }
            let result = try body(key)
            record(caller, operation, key: key.arn, context: context)
            return result
        } catch let error as TarnError {
            record(caller, operation, key: key.arn, context: context, error: error.code)
            throw error
        }
    }

    /// Throws unless the key may be used for cryptography.
    static func requireUsable(_ key: KeyMetadata) throws {
        switch key.state {
        case .enabled: return
        case .disabled: throw TarnError(.kmsDisabled, "\(key.arn) is disabled.")
        case .pendingDeletion: throw TarnError(.kmsInvalidState, "\(key.arn) is pending deletion.")
        }
    }

    // MARK: service keys

    /// The material of an internal service key (for SSE-S3), created on first use. Service keys
    /// are not KMS keys: the KMS API cannot list, use or change them, and their use is not
    /// audited (AWS does not log SSE-S3 either).
    public func serviceKey(named name: String) throws -> SymmetricKey {
        if let key = serviceKeys.withLock({ $0[name] }) { return key }
        let key = try store.serviceKey(named: name)
        serviceKeys.withLock { $0[name] = key }
        return key
    }
}
