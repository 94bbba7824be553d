/// An access key pair (and session token, for temporary credentials): what a client signs with.
public struct SigningCredentials: Sendable, Hashable {
    /// The access key id, e.g. `AKIAIOSFODNN7EXAMPLE`; it travels in the request.
    public var accessKeyID: String
    /// The secret access key; it never travels, only HMACs made with it do.
    public var secretAccessKey: String
    /// The STS session token that must accompany temporary credentials (`X-Amz-Security-Token`).
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// What the server knows about one access key: its secret and whose it is.
public struct StoredCredential: Sendable, Hashable {
    /// The key pair (and, for temporary credentials, the session token requests must carry).
    public var credentials: SigningCredentials
    /// The identity that requests signed with this key act as.
    public var principal: Principal

    /// Creates a stored credential.
    public init(credentials: SigningCredentials, principal: Principal) {
        self.credentials = credentials
        self.principal = principal
    }
}

/// Looks up credentials by access key id.
///
/// Called once per signed request on the request path, so implementations answer from memory
/// (the IAM store keeps its keys cached); it is synchronous for that reason.
public protocol CredentialStore: Sendable {
    /// The credential with this access key id, or `nil` when there is none (the request then
    /// fails with `InvalidAccessKeyId`).
    /// - Parameter accessKeyID: the id from the request's credential.
    /// - Throws: only when the store itself fails; an unknown key is `nil`, not an error.
    func credential(forAccessKeyID accessKeyID: String) throws -> StoredCredential?
}

/// A fixed set of credentials held in memory: the server's root credentials, or a test's.
public struct StaticCredentialStore: CredentialStore {
    private let byAccessKeyID: [String: StoredCredential]

    /// Creates a store; a later entry with the same access key id replaces an earlier one.
    public init(_ credentials: [StoredCredential]) {
        var map: [String: StoredCredential] = [:]
        for credential in credentials { map[credential.credentials.accessKeyID] = credential }
        byAccessKeyID = map
    }

    /// The credential with this access key id, if any.
    public func credential(forAccessKeyID accessKeyID: String) -> StoredCredential? { byAccessKeyID[accessKeyID] }
}
