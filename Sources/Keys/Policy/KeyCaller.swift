/// Who is using a key, as the key's authorization needs to know them.
///
/// Built by the layer that authenticated the request (the server for HTTP calls, the lake for
/// in-process workers), so the key service stays free of HTTP and IAM.
public struct KeyCaller: Sendable, Equatable {
    /// The caller's ARN: `arn:aws:iam::ACCOUNT:root`, `…:user/NAME`, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    public var principalARN: String
    /// The caller's account id.
    public var accountID: String
    /// Global condition keys of the request (`aws:SecureTransport`, `aws:SourceIp`…), values as
    /// policy conditions compare them.
    public var conditionContext: [String: [String]]
    /// The AWS service calling on the principal's behalf (`s3.us-east-1.amazonaws.com` when S3
    /// encrypts an object), for `kms:ViaService`; nil for direct calls.
    public var viaService: String?
    /// The request id, copied into the audit log.
    public var requestID: String?

    /// Creates a caller.
    public init(
        principalARN: String, accountID: String, conditionContext: [String: [String]] = [:], viaService: String? = nil,
        requestID: String? = nil
    ) {
        self.principalARN = principalARN
        self.accountID = accountID
        self.conditionContext = conditionContext
        self.viaService = viaService
        self.requestID = requestID
    }
}

/// One authorization question for a key: may `caller` do `action` on `key`?
public struct KeyAuthorizationRequest: Sendable {
    /// The caller.
    public var caller: KeyCaller
    /// The IAM action, e.g. `kms:Decrypt`.
    public var action: String
    /// The key's ARN (the policy `Resource`).
    public var keyARN: String
    /// The key's account.
    public var keyAccountID: String
    /// The key policy document (JSON).
    public var keyPolicy: String
    /// The request's encryption context (for `kms:EncryptionContext:…` conditions).
    public var encryptionContext: EncryptionContext
    /// Further KMS condition keys of this request (`kms:GrantOperations`, `kms:RequestAlias`…).
    public var extraConditions: [String: [String]]
}

/// The outcome of evaluating policies for a request, as IAM describes it: an explicit deny
/// wins, then an explicit allow, otherwise the request is implicitly denied.
public enum KeyAuthorizationDecision: Sendable, Equatable {
    /// A statement allows it and none denies it.
    case allow
    /// A statement denies it.
    case explicitDeny
    /// No statement allows it.
    case implicitDeny
}

/// Evaluates key policies (and the IAM policies they delegate to) for the key service.
///
/// The policy language lives in `Access`, a layer above; the lake supplies an implementation.
public protocol KeyAuthorizer: Sendable {
    /// Decides a request from the key policy and the caller's identity policies.
    func authorize(_ request: KeyAuthorizationRequest) -> KeyAuthorizationDecision
    /// Checks that a key policy is a well-formed policy document.
    /// - Throws: `MalformedPolicyDocumentException` naming what is wrong.
    func validateKeyPolicy(_ document: String) throws
}
