import Crypto
import Foundation
import Synchronization
import TarnCore

/// Tarn's IAM: users and their access keys, roles, managed and inline policies, persisted in
/// SQLite (`iam.db`) and held in memory for the request path.
///
/// It is the server's `CredentialStore` (root plus every active user key) and tells the
/// authorizer which policies apply to a principal. Secret access keys are stored sealed
/// (AES-256-GCM with a key the lake derives from the operator's root key), never in plaintext.
/// ```swift
/// let iam = try IdentityStore(path: dir + "/iam.db", accountID: "000000000000", root: root, sealingKey: key)
/// try iam.createUser("analyst")
/// let (key, secret) = try iam.createAccessKey(userName: "analyst")
/// try iam.createPolicy("ReadSales", document: #"{"Version":"2012-10-17","Statement":[…]}"#)
/// try iam.attachPolicy("ReadSales", to: .user("analyst"))
/// ```
public final class IdentityStore: CredentialStore, Sendable {
    /// The account every identity belongs to.
    public let accountID: String
    private let database: SQLiteDatabase
    private let root: StoredCredential
    private let sealingKey: SymmetricKey
    private let clock: any WallClock
    private let cache = PolicyCache()

    struct State {
        var users: [String: IAMUser] = [:]
        var keys: [String: IAMAccessKey] = [:]
        var secrets: [String: String] = [:]
        var roles: [String: IAMRole] = [:]
        var policies: [String: IAMManagedPolicy] = [:]
        /// Parsed identity policies per principal, rebuilt lazily after a change.
        var resolved: [IAMIdentity: [NamedPolicy]] = [:]
        /// Temporary credentials from AssumeRole, by access key id (memory only: a restart ends
        /// every session, which only shortens them).
        var sessions: [String: (credential: StoredCredential, expires: Date)] = [:]
        /// Counts the changes (see `generation`).
        var generation: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Opens (creating if needed) the store.
    /// - Parameters:
    ///   - path: the SQLite file.
    ///   - accountID: the account id.
    ///   - root: the root credential, which always authenticates.
    ///   - sealingKey: the key that seals secret access keys at rest.
    public init(path: String, accountID: String, root: StoredCredential, sealingKey: SymmetricKey, clock: any WallClock = SystemClock()) throws {
        self.accountID = accountID
        self.root = root
        self.sealingKey = sealingKey
        self.clock = clock
        database = try SQLiteDatabase(path: path)
        try database.execute("CREATE TABLE IF NOT EXISTS entities (kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, name))")
        var loaded = State()
        let decoder = JSONDecoder()
        for row in try database.query("SELECT kind, name, body FROM entities") {
            let body = Data((row["body"].string ?? "").utf8)
            let name = row["name"].string ?? ""
            do {
                switch row["kind"].string {
                case "user": loaded.users[name] = try decoder.decode(IAMUser.self, from: body)
                case "key":
                    let key = try decoder.decode(IAMAccessKey.self, from: body)
                    loaded.keys[name] = key
                    loaded.secrets[name] = try Self.unseal(key.sealedSecret, key: sealingKey, label: name)
                case "role": loaded.roles[name] = try decoder.decode(IAMRole.self, from: body)
                case "policy": loaded.policies[name] = try decoder.decode(IAMManagedPolicy.self, from: body)
                default: break
                }
            } catch let error as TarnError {
                throw error
            } catch {
                throw TarnError(.corrupt, "\(path): unreadable \(row["kind"].string ?? "?") \(name): \(error)")
            }
        }
        state = Mutex(loaded)
    }

    // MARK: persistence

    private func write(_ kind: String, _ name: String, _ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(value), as: UTF8.self)
        try database.query("INSERT OR REPLACE INTO entities (kind, name, body) VALUES (?, ?, ?)", [kind, name, body])
    }

    private func remove(_ kind: String, _ name: String) throws {
        try database.query("DELETE FROM entities WHERE kind = ? AND name = ?", [kind, name])
    }

    static func seal(_ secret: String, key: SymmetricKey, label: String) throws -> String {
        let box = try AES.GCM.seal(Array(secret.utf8), using: key, authenticating: Array(label.utf8))
        return box.combined!.base64EncodedString()
    }

    static func unseal(_ sealed: String, key: SymmetricKey, label: String) throws -> String {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Array(label.utf8))
        else {
            throw TarnError(.corrupt, "the secret of access key \(label) does not unseal: iam.db was written with another root key")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Runs a change on the state, invalidating resolved policies.
    private func change<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLock { state in
            let result = try body(&state)
            state.resolved.removeAll()
            state.generation &+= 1
            return result
        }
    }

    /// A number that changes with every change to users, keys, roles or policies: a decision
    /// taken under one generation (a worker's role may read its source) holds until it moves,
    /// unless it depended on the time.
    public var generation: UInt64 { state.withLock { $0.generation } }

    // MARK: credentials

    /// The credential for an access key id: the root key, or an active user key.
    public func credential(forAccessKeyID accessKeyID: String) -> StoredCredential? {
        if accessKeyID == root.credentials.accessKeyID { return root }
        let now = clock.now()
        return state.withLock { state -> StoredCredential? in
            if let session = state.sessions[accessKeyID] {
                guard session.expires > now else {
                    state.sessions[accessKeyID] = nil
                    return nil
                }
                return session.credential
            }
            guard let key = state.keys[accessKeyID], key.status == "Active", let secret = state.secrets[accessKeyID] else { return nil }
            return StoredCredential(
                credentials: SigningCredentials(accessKeyID: accessKeyID, secretAccessKey: secret), principal: .user(key.userName, accountID: accountID))
        }
    }

    // MARK: users

    /// CreateUser.
    /// - Throws: `EntityAlreadyExists`, `ValidationError`.
    @discardableResult
    public func createUser(_ name: String) throws -> IAMUser {
        try IAMNames.validate(name, what: "userName")
        return try change { state in
            guard state.users[name] == nil else { throw TarnError(.entityAlreadyExists, "User with name \(name) already exists.") }
            let user = IAMUser(name: name, userID: IAMNames.uniqueID(prefix: "AIDA"), created: clock.now(), attachedPolicies: [], inlinePolicies: [:])
            try write("user", name, user)
            state.users[name] = user
            return user
        }
    }

    /// DeleteUser: the user must have no access keys and no policies (`DeleteConflict`).
    public func deleteUser(_ name: String) throws {
        try change { state in
            guard let user = state.users[name] else { throw TarnError(.noSuchEntity, "The user with name \(name) cannot be found.") }
            guard !state.keys.values.contains(where: { $0.userName == name }), user.attachedPolicies.isEmpty, user.inlinePolicies.isEmpty else {
                throw TarnError(.deleteConflict, "Cannot delete entity, must delete access keys and policies first (user \(name)).")
            }
            try remove("user", name)
            state.users[name] = nil
        }
    }

    /// Every user, by name.
    public func users() -> [IAMUser] { state.withLock { $0.users.values.sorted { $0.name < $1.name } } }

    /// One user, or `NoSuchEntity`.
    public func user(_ name: String) throws -> IAMUser {
        guard let user = state.withLock({ $0.users[name] }) else { throw TarnError(.noSuchEntity, "The user with name \(name) cannot be found.") }
        return user
    }

    // MARK: access keys

    /// CreateAccessKey: a new key pair for a user (at most 2, as IAM allows).
    /// - Returns: the key and its secret, which is never shown again.
    public func createAccessKey(userName: String) throws -> (key: IAMAccessKey, secret: String) {
        try change { state in
            guard state.users[userName] != nil else { throw TarnError(.noSuchEntity, "The user with name \(userName) cannot be found.") }
            guard state.keys.values.filter({ $0.userName == userName }).count < 2 else {
                throw TarnError(.init("LimitExceeded"), "Cannot exceed quota for AccessKeysPerUser: 2")
            }
            let id = "AKIA" + Identifiers.randomToken(length: 16).uppercased()
            let secret = Identifiers.randomToken(length: 40)
            let key = IAMAccessKey(
                accessKeyID: id, userName: userName, status: "Active", created: clock.now(), sealedSecret: try Self.seal(secret, key: sealingKey, label: id))
            try write("key", id, key)
            state.keys[id] = key
            state.secrets[id] = secret
            return (key, secret)
        }
    }

    /// UpdateAccessKey: `Active` or `Inactive`.
    public func updateAccessKey(userName: String, accessKeyID: String, status: String) throws {
        guard ["Active", "Inactive"].contains(status) else { throw TarnError(.iamValidation, "Status must be Active or Inactive, got \(status)") }
        try change { state in
            guard var key = state.keys[accessKeyID], key.userName == userName else {
                throw TarnError(.noSuchEntity, "The Access Key with id \(accessKeyID) cannot be found.")
            }
            key.status = status
            try write("key", accessKeyID, key)
            state.keys[accessKeyID] = key
        }
    }

    /// DeleteAccessKey.
    public func deleteAccessKey(userName: String, accessKeyID: String) throws {
        try change { state in
            guard let key = state.keys[accessKeyID], key.userName == userName else {
                throw TarnError(.noSuchEntity, "The Access Key with id \(accessKeyID) cannot be found.")
            }
            try remove("key", accessKeyID)
            state.keys[accessKeyID] = nil
            state.secrets[accessKeyID] = nil
        }
    }

    /// The access keys of a user (without secrets).
    public func accessKeys(userName: String) throws -> [IAMAccessKey] {
        _ = try user(userName)
        return state.withLock { $0.keys.values.filter { $0.userName == userName }.sorted { $0.created < $1.created } }
    }

    // MARK: roles

    /// CreateRole. The trust policy says who may assume it; a role for Tarn's own workers
    /// trusts the account.
    @discardableResult
    public func createRole(_ name: String, trustPolicy: String? = nil, description: String = "") throws -> IAMRole {
        try IAMNames.validate(name, what: "roleName")
        let trust = trustPolicy
            ?? #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(accountID):root"},"Action":"sts:AssumeRole"}]}"#
        do {
            _ = try cache.document(trust, kind: .resource)
        } catch let error as TarnError {
            throw TarnError(.malformedPolicyDocument, "The trust policy is malformed: \(error.message)")
        }
        return try change { state in
            guard state.roles[name] == nil else { throw TarnError(.entityAlreadyExists, "Role with name \(name) already exists.") }
            let role = IAMRole(
                name: name, roleID: IAMNames.uniqueID(prefix: "AROA"), created: clock.now(), trustPolicy: trust, description: description,
                attachedPolicies: [], inlinePolicies: [:])
            try write("role", name, role)
            state.roles[name] = role
            return role
        }
    }

    /// DeleteRole: the role must have no policies.
    public func deleteRole(_ name: String) throws {
        try change { state in
            guard let role = state.roles[name] else { throw TarnError(.noSuchEntity, "The role with name \(name) cannot be found.") }
            guard role.attachedPolicies.isEmpty, role.inlinePolicies.isEmpty else {
                throw TarnError(.deleteConflict, "Cannot delete entity, must detach all policies first (role \(name)).")
            }
            try remove("role", name)
            state.roles[name] = nil
        }
    }

    /// Every role, by name.
    public func roles() -> [IAMRole] { state.withLock { $0.roles.values.sorted { $0.name < $1.name } } }

    /// One role, or `NoSuchEntity`.
    public func role(_ name: String) throws -> IAMRole {
        guard let role = state.withLock({ $0.roles[name] }) else { throw TarnError(.noSuchEntity, "The role with name \(name) cannot be found.") }
        return role
    }

    /// Whether `principal` may assume `role` under its trust policy.
    public func mayAssume(_ principal: Principal, role name: String, context: ConditionContext = ConditionContext()) throws -> AuthorizationDecision {
        let role = try role(name)
        let trust = NamedPolicy(source: "trust policy of role \(name)", document: try cache.document(role.trustPolicy, kind: .resource))
        let request = AuthorizationRequest(principal: principal, action: "sts:AssumeRole", resource: role.arn(accountID: accountID), context: context)
        return PolicyEvaluator.evaluate(request, identityPolicies: identityPolicies(for: principal), resourcePolicy: trust, mode: .keyPolicy)
    }

    /// AssumeRole: temporary credentials for a session of `role`, after its trust policy
    /// (and, for a trust policy that names the account, the caller's IAM policies) allow it.
    /// - Parameters:
    ///   - duration: seconds, 900…43200 (STS limits; default one hour).
    /// - Returns: the credentials (with session token), the session principal and the expiry.
    /// - Throws: `AccessDenied` with the trust decision's reason; `NoSuchEntity`; `ValidationError`.
    public func assumeRole(
        _ role: String, sessionName: String, by principal: Principal, duration: Int = 3600, context: ConditionContext = ConditionContext()
    ) throws -> (credentials: SigningCredentials, principal: Principal, expires: Date) {
        guard (900...43_200).contains(duration) else {
            throw TarnError(.iamValidation, "DurationSeconds must be between 900 and 43200, got \(duration)")
        }
        try IAMNames.validate(sessionName, what: "roleSessionName")
        var context = context
        context.merge(principal.conditionKeys)
        let decision = try mayAssume(principal, role: role, context: context)
        guard decision.isAllowed else { throw TarnError(.accessDenied, decision.reason) }
        let session = Principal.assumedRole(role, session: sessionName, accountID: accountID)
        let credentials = SigningCredentials(
            accessKeyID: "ASIA" + Identifiers.randomToken(length: 16).uppercased(), secretAccessKey: Identifiers.randomToken(length: 40),
            sessionToken: Identifiers.randomToken(length: 96))
        let expires = clock.now().addingTimeInterval(Double(duration))
        state.withLock { $0.sessions[credentials.accessKeyID] = (StoredCredential(credentials: credentials, principal: session), expires) }
        return (credentials, session, expires)
    }

    // MARK: policies

    func validateIdentityPolicy(_ document: String) throws {
        do {
            _ = try cache.document(document, kind: .identity)
        } catch let error as TarnError {
            throw TarnError(.malformedPolicyDocument, error.message)
        }
    }

    /// CreatePolicy: a customer managed policy.
    @discardableResult
    public func createPolicy(_ name: String, document: String, description: String = "") throws -> IAMManagedPolicy {
        try IAMNames.validate(name, what: "policyName", maxLength: 128)
        try validateIdentityPolicy(document)
        return try change { state in
            guard state.policies[name] == nil else { throw TarnError(.entityAlreadyExists, "A policy called \(name) already exists.") }
            let policy = IAMManagedPolicy(name: name, policyID: IAMNames.uniqueID(prefix: "ANPA"), document: document, description: description, created: clock.now())
            try write("policy", name, policy)
            state.policies[name] = policy
            return policy
        }
    }

    /// DeletePolicy: it must be attached to nobody.
    public func deletePolicy(_ name: String) throws {
        try change { state in
            guard state.policies[name] != nil else { throw TarnError(.noSuchEntity, "Policy \(name) does not exist.") }
            let attached = state.users.values.contains { $0.attachedPolicies.contains(name) } || state.roles.values.contains { $0.attachedPolicies.contains(name) }
            guard !attached else { throw TarnError(.deleteConflict, "Cannot delete a policy attached to entities (\(name)).") }
            try remove("policy", name)
            state.policies[name] = nil
        }
    }

    /// Every managed policy, by name.
    public func policies() -> [IAMManagedPolicy] { state.withLock { $0.policies.values.sorted { $0.name < $1.name } } }

    /// One managed policy, or `NoSuchEntity`.
    public func policy(_ name: String) throws -> IAMManagedPolicy {
        guard let policy = state.withLock({ $0.policies[name] }) else { throw TarnError(.noSuchEntity, "Policy \(name) does not exist.") }
        return policy
    }

    /// The name in a policy ARN (`arn:aws:iam::ACCOUNT:policy/NAME`) or the name itself.
    public func policyName(fromARN text: String) -> String {
        if let range = text.range(of: ":policy/") { return String(text[range.upperBound...].split(separator: "/").last ?? "") }
        return text
    }

    /// AttachUserPolicy / AttachRolePolicy.
    public func attachPolicy(_ name: String, to identity: IAMIdentity) throws {
        try change { state in
            guard state.policies[name] != nil else { throw TarnError(.noSuchEntity, "Policy \(name) does not exist.") }
            try Self.update(&state, identity) { attached, _ in if !attached.contains(name) { attached.append(name) } }
            try persist(state, identity)
        }
    }

    /// DetachUserPolicy / DetachRolePolicy.
    public func detachPolicy(_ name: String, from identity: IAMIdentity) throws {
        try change { state in
            try Self.update(&state, identity) { attached, _ in
                guard attached.contains(name) else { throw TarnError(.noSuchEntity, "Policy \(name) is not attached to \(identity).") }
                attached.removeAll { $0 == name }
            }
            try persist(state, identity)
        }
    }

    /// PutUserPolicy / PutRolePolicy: an inline policy.
    public func putInlinePolicy(_ name: String, document: String, on identity: IAMIdentity) throws {
        try IAMNames.validate(name, what: "policyName", maxLength: 128)
        try validateIdentityPolicy(document)
        try change { state in
            try Self.update(&state, identity) { _, inline in inline[name] = document }
            try persist(state, identity)
        }
    }

    /// DeleteUserPolicy / DeleteRolePolicy.
    public func deleteInlinePolicy(_ name: String, from identity: IAMIdentity) throws {
        try change { state in
            try Self.update(&state, identity) { _, inline in
                guard inline.removeValue(forKey: name) != nil else { throw TarnError(.noSuchEntity, "The inline policy \(name) of \(identity) cannot be found.") }
            }
            try persist(state, identity)
        }
    }

    private static func update(_ state: inout State, _ identity: IAMIdentity, _ body: (inout [String], inout [String: String]) throws -> Void) throws {
        switch identity {
        case .user(let name):
            guard var user = state.users[name] else { throw TarnError(.noSuchEntity, "The user with name \(name) cannot be found.") }
            try body(&user.attachedPolicies, &user.inlinePolicies)
            state.users[name] = user
        case .role(let name):
            guard var role = state.roles[name] else { throw TarnError(.noSuchEntity, "The role with name \(name) cannot be found.") }
            try body(&role.attachedPolicies, &role.inlinePolicies)
            state.roles[name] = role
        }
    }

    private func persist(_ state: State, _ identity: IAMIdentity) throws {
        switch identity {
        case .user(let name): if let user = state.users[name] { try write("user", name, user) }
        case .role(let name): if let role = state.roles[name] { try write("role", name, role) }
        }
    }

    // MARK: evaluation

    /// The identity-based policies that apply to a principal: a user's or a session's role's
    /// attached and inline policies; none for root and anonymous.
    public func identityPolicies(for principal: Principal) -> [NamedPolicy] {
        let identity: IAMIdentity
        switch principal.kind {
        case .user: identity = .user(principal.name)
        case .assumedRole:
            guard let role = principal.roleName else { return [] }
            identity = .role(role)
        case .root, .anonymous: return []
        }
        return state.withLock { state in
            if let resolved = state.resolved[identity] { return resolved }
            var documents: [(String, String)] = []
            switch identity {
            case .user(let name):
                guard let user = state.users[name] else { return [] }
                documents += user.attachedPolicies.compactMap { policy in state.policies[policy].map { ("user \(name): policy \(policy)", $0.document) } }
                documents += user.inlinePolicies.sorted { $0.key < $1.key }.map { ("user \(name): inline policy \($0.key)", $0.value) }
            case .role(let name):
                guard let role = state.roles[name] else { return [] }
                documents += role.attachedPolicies.compactMap { policy in state.policies[policy].map { ("role \(name): policy \(policy)", $0.document) } }
                documents += role.inlinePolicies.sorted { $0.key < $1.key }.map { ("role \(name): inline policy \($0.key)", $0.value) }
            }
            // Stored documents were validated when written, so they parse.
            let resolved = documents.compactMap { source, text in (try? cache.document(text, kind: .identity)).map { NamedPolicy(source: source, document: $0) } }
            state.resolved[identity] = resolved
            return resolved
        }
    }
}
