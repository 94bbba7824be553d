import TarnCore

/// The exceptions AWS KMS answers with (AWS KMS API Reference, "Common Errors" and each
/// operation's "Errors" section). Raw values are the `__type` names clients match on, so the
/// JSON handler copies them unchanged.
extension TarnError.Code {
    /// `NotFoundException`: no key, alias or grant has this identifier (or the key was deleted).
    public static let kmsNotFound = Self("NotFoundException")
    /// `DisabledException`: the key is disabled.
    public static let kmsDisabled = Self("DisabledException")
    /// `KMSInvalidStateException`: the key's state forbids this operation (pending deletion…).
    public static let kmsInvalidState = Self("KMSInvalidStateException")
    /// `InvalidCiphertextException`: the ciphertext, its context or its tag does not verify.
    public static let kmsInvalidCiphertext = Self("InvalidCiphertextException")
    /// `IncorrectKeyException`: the ciphertext was made with another key than the one named.
    public static let kmsIncorrectKey = Self("IncorrectKeyException")
    /// `AlreadyExistsException`: an alias with this name exists.
    public static let kmsAlreadyExists = Self("AlreadyExistsException")
    /// `ValidationException`: a parameter breaks its constraint.
    public static let kmsValidation = Self("ValidationException")
    /// `AccessDeniedException`: the caller may not use this key for this operation.
    public static let kmsAccessDenied = Self("AccessDeniedException")
    /// `MalformedPolicyDocumentException`: a key policy is not a valid policy document.
    public static let kmsMalformedPolicy = Self("MalformedPolicyDocumentException")
    /// `InvalidAliasNameException`: an alias name breaks the `alias/…` rules.
    public static let kmsInvalidAliasName = Self("InvalidAliasNameException")
    /// `InvalidArnException`: an ARN parameter is not a KMS ARN of this account and region.
    public static let kmsInvalidARN = Self("InvalidArnException")
    /// `InvalidGrantTokenException`: a grant token does not name a grant.
    public static let kmsInvalidGrantToken = Self("InvalidGrantTokenException")
    /// `InvalidGrantIdException`: a grant id does not name a grant of the key.
    public static let kmsInvalidGrantID = Self("InvalidGrantIdException")
    /// `UnsupportedOperationException`: a key spec or usage Tarn does not offer (asymmetric, HMAC).
    public static let kmsUnsupportedOperation = Self("UnsupportedOperationException")
    /// `InvalidKeyUsageException`: the key cannot be used this way.
    public static let kmsInvalidKeyUsage = Self("InvalidKeyUsageException")
    /// `KMSInternalException`: the key store itself failed.
    public static let kmsInternal = Self("KMSInternalException")
    /// The operator's root key does not open the key store (wrong `--root-key-file`).
    public static let wrongRootKey = Self("WrongRootKey")
}
