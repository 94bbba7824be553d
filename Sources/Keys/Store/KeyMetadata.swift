import Foundation

/// The lifecycle state of a KMS key (AWS KMS developer guide, "Key states of AWS KMS keys").
public enum KeyState: String, Sendable, Codable, Equatable {
    /// Usable for cryptographic operations.
    case enabled = "Enabled"
    /// Kept, but every cryptographic operation fails with `DisabledException`.
    case disabled = "Disabled"
    /// Scheduled for deletion; unusable (`KMSInvalidStateException`) until cancelled or deleted.
    case pendingDeletion = "PendingDeletion"
}

/// What KMS reports about a key (`KeyMetadata` in DescribeKey and CreateKey).
public struct KeyMetadata: Sendable, Equatable {
    /// The key id (a UUID).
    public var keyID: KeyID
    /// The key ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    public var arn: String
    /// The owning account.
    public var accountID: String
    /// When the key was created.
    public var created: Date
    /// The description given at creation or by UpdateKeyDescription.
    public var description: String
    /// The lifecycle state.
    public var state: KeyState
    /// When a key pending deletion will be deleted.
    public var deletionDate: Date?
    /// The waiting period chosen by ScheduleKeyDeletion.
    public var pendingWindowInDays: Int?
    /// Whether automatic rotation is on.
    public var rotationEnabled: Bool
    /// Days between automatic rotations (90…2560).
    public var rotationPeriodInDays: Int
    /// When automatic rotation last ran or was enabled (the next rotation is a period later).
    public var rotationAnchor: Date?
    /// The current version of the key material (1 for a new key; rotation adds versions).
    public var currentVersion: UInt32
    /// The key policy document (JSON).
    public var policy: String
    /// Tags (`TagKey` → `TagValue`).
    public var tags: [String: String]

    /// Whether cryptographic operations may use the key.
    public var enabled: Bool { state == .enabled }

    /// When automatic rotation next happens, if enabled.
    public var nextRotationDate: Date? {
        guard rotationEnabled, let anchor = rotationAnchor else { return nil }
        return anchor.addingTimeInterval(Double(rotationPeriodInDays) * 86_400)
    }
}

/// One version of a key's material, as `ListKeyRotations` reports it.
public struct KeyVersionInfo: Sendable, Equatable {
    /// The version number (1 is the original material).
    public var version: UInt32
    /// When it was created.
    public var created: Date
    /// `AUTOMATIC` or `ON_DEMAND` for rotations; nil for the original material.
    public var rotationType: String?
}

/// An alias: a friendly name (`alias/prod-data`) for one key.
public struct KeyAlias: Sendable, Equatable {
    /// The name, starting with `alias/`.
    public var name: String
    /// The alias ARN, `arn:aws:kms:REGION:ACCOUNT:alias/NAME`.
    public var arn: String
    /// The key it points to.
    public var targetKeyID: KeyID
    /// When it was created.
    public var created: Date
}

/// A grant: permission for one principal to use a key in some operations, optionally only with
/// certain encryption contexts (AWS KMS developer guide, "Grants in AWS KMS").
public struct KeyGrant: Sendable, Equatable {
    /// The grant id.
    public var grantID: String
    /// The grant token (in Tarn the token is the grant id with a prefix; both are secret-free).
    public var token: String
    /// The key.
    public var keyID: KeyID
    /// An optional name (CreateGrant's `Name`).
    public var name: String?
    /// The principal ARN the grant is for.
    public var granteePrincipal: String
    /// The principal ARN that may retire it, if any.
    public var retiringPrincipal: String?
    /// The operations allowed, e.g. `Decrypt`, `GenerateDataKey`.
    public var operations: [String]
    /// `EncryptionContextEquals`: the request context must equal this.
    public var contextEquals: EncryptionContext?
    /// `EncryptionContextSubset`: the request context must contain this.
    public var contextSubset: EncryptionContext?
    /// Who created it.
    public var issuingAccount: String
    /// When it was created.
    public var created: Date

    /// Whether the grant lets `principal` do `operation` with `context`.
    func allows(principal: String, operation: String, context: EncryptionContext) -> Bool {
        guard granteePrincipal == principal, operations.contains(operation) else { return false }
        if let contextEquals, contextEquals != context { return false }
        if let contextSubset, !context.contains(contextSubset) { return false }
        return true
    }

    /// The operations CreateGrant accepts (KMS API Reference, CreateGrant `Operations`).
    public static let grantableOperations: Set<String> = [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
        "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign",
        "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    ]
}
