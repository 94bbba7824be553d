import Crypto
import Foundation
import TarnCore

/// A data key from GenerateDataKey: the plaintext to encrypt with (nil for the
/// WithoutPlaintext variant) and the same key encrypted under the KMS key, to store.
public struct DataKey: Sendable {
    /// The plaintext data key; the caller uses it and forgets it.
    public var plaintext: [UInt8]?
    /// The data key encrypted under the KMS key: what the caller stores beside its data.
    public var ciphertext: [UInt8]
    /// The ARN of the KMS key.
    public var keyARN: String
}

extension KeyManagementService {
    /// Encrypt accepts at most 4 KiB of plaintext (KMS API Reference, Encrypt `Plaintext`).
    public static let maxPlaintext = 4096
    /// The data key sizes GenerateDataKey accepts in `NumberOfBytes`.
    public static let dataKeyBytes = 1...1024

    /// Encrypt: seals up to 4 KiB under the key's current version.
    /// - Returns: the ciphertext blob and the key ARN.
    public func encrypt(keyID: String, plaintext: [UInt8], context: EncryptionContext = EncryptionContext(), caller: KeyCaller) throws
        -> (ciphertext: [UInt8], keyARN: String)
    {
        guard (1...Self.maxPlaintext).contains(plaintext.count) else {
            throw TarnError(
                .kmsValidation,
                "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and \(Self.maxPlaintext) (got \(plaintext.count))")
        }
        return try perform("Encrypt", key: keyID, caller: caller, context: context, requireEnabled: true) { key in
            let blob = try KeyCiphertext.seal(
                plaintext, keyID: key.keyID, version: key.currentVersion, material: try material(key.keyID, version: key.currentVersion), context: context)
            return (blob.bytes, key.arn)
        }
    }

    /// Decrypt: opens a ciphertext blob with the version of the key that made it.
    /// - Parameters:
    ///   - keyID: when given, the blob must have been made with this key (`IncorrectKeyException`).
    /// - Throws: `InvalidCiphertextException` (malformed, wrong context, tampered),
    ///   `DisabledException`, `KMSInvalidStateException`, `AccessDeniedException`, `NotFoundException`.
    public func decrypt(ciphertext: [UInt8], context: EncryptionContext = EncryptionContext(), keyID: String? = nil, caller: KeyCaller) throws
        -> (plaintext: [UInt8], keyARN: String)
    {
        try decrypt(ciphertext: ciphertext, context: context, keyID: keyID, caller: caller, operation: "Decrypt", action: "Decrypt")
    }

    func decrypt(ciphertext: [UInt8], context: EncryptionContext, keyID: String?, caller: KeyCaller, operation: String, action: String) throws
        -> (plaintext: [UInt8], keyARN: String)
    {
        let blob: KeyCiphertext
        do {
            blob = try KeyCiphertext(bytes: ciphertext)
        } catch let error as TarnError {
            record(caller, operation, key: nil, context: context, error: error.code)
            throw error
        }
        if let keyID {
            let named = try resolveID(keyID)
            guard named == blob.keyID else {
                record(caller, operation, key: keyARN(blob.keyID), context: context, error: .kmsIncorrectKey)
                throw TarnError(.kmsIncorrectKey, "The key ID in the request does not identify a KMS key that can perform this operation (the ciphertext was made with \(keyARN(blob.keyID))).")
            }
        }
        return try perform(operation, key: blob.keyID.description, caller: caller, context: context, action: action, requireEnabled: true) { key in
            (try blob.open(material: try material(key.keyID, version: blob.version), context: context), key.arn)
        }
    }

    /// ReEncrypt: decrypts under the source key and encrypts under the destination key without
    /// exposing the plaintext (needs `kms:ReEncryptFrom` on the source, `kms:ReEncryptTo` on the
    /// destination).
    /// - Returns: the new blob, the source key ARN and the destination key ARN.
    public func reEncrypt(
        ciphertext: [UInt8], sourceContext: EncryptionContext = EncryptionContext(), sourceKeyID: String? = nil, destinationKeyID: String,
        destinationContext: EncryptionContext = EncryptionContext(), caller: KeyCaller
    ) throws -> (ciphertext: [UInt8], sourceKeyARN: String, keyARN: String) {
        let (plaintext, sourceARN) = try decrypt(
            ciphertext: ciphertext, context: sourceContext, keyID: sourceKeyID, caller: caller, operation: "ReEncrypt", action: "ReEncryptFrom")
        let result = try perform("ReEncrypt", key: destinationKeyID, caller: caller, context: destinationContext, action: "ReEncryptTo", requireEnabled: true) {
            key in
            let blob = try KeyCiphertext.seal(
                plaintext, keyID: key.keyID, version: key.currentVersion, material: try material(key.keyID, version: key.currentVersion),
                context: destinationContext)
            return (blob.bytes, key.arn)
        }
        return (result.0, sourceARN, result.1)
    }

    /// GenerateDataKey / GenerateDataKeyWithoutPlaintext: a fresh random data key, returned in
    /// plaintext (unless `includePlaintext` is false) and encrypted under the KMS key.
    /// - Parameter byteCount: 1…1024 (`AES_256` is 32, `AES_128` is 16).
    public func generateDataKey(
        keyID: String, byteCount: Int = 32, context: EncryptionContext = EncryptionContext(), includePlaintext: Bool = true, caller: KeyCaller
    ) throws -> DataKey {
        guard Self.dataKeyBytes.contains(byteCount) else {
            throw TarnError(
                .kmsValidation,
                "1 validation error detected: Value '\(byteCount)' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024")
        }
        let operation = includePlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext"
        return try perform(operation, key: keyID, caller: caller, context: context, requireEnabled: true) { key in
            let plaintext = Identifiers.randomBytes(byteCount)
            let blob = try KeyCiphertext.seal(
                plaintext, keyID: key.keyID, version: key.currentVersion, material: try material(key.keyID, version: key.currentVersion), context: context)
            return DataKey(plaintext: includePlaintext ? plaintext : nil, ciphertext: blob.bytes, keyARN: key.arn)
        }
    }

    /// Checks, without any cryptography, that `caller` could use `keyID` for `operation`
    /// (`Decrypt`, `GenerateDataKey`) under `context` now: the key exists and is enabled, and
    /// policies or grants allow it. S3 Bucket Keys call this on every object request, so a
    /// cached bucket key never outlives the caller's permission or the key's state.
    /// - Returns: the key.
    /// - Throws: what the operation itself would throw for these reasons.
    @discardableResult
    public func checkUse(keyID: String, operation: String, context: EncryptionContext, caller: KeyCaller) throws -> KeyMetadata {
        let key: KeyMetadata
        do {
            key = try resolve(keyID)
        } catch let error as TarnError {
            record(caller, operation, key: nil, context: context, error: error.code)
            throw error
        }
        try authorize(caller, operation, key: key, context: context)
        do {
            try Self.requireUsable(key)
        } catch let error as TarnError {
            record(caller, operation, key: key.arn, context: context, error: error.code)
            throw error
        }
        return key
    }
}
