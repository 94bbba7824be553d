/// A data key for a stream: the plaintext to encrypt segment records with (kept in memory only)
/// and the same key wrapped by the KMS key, which is stored in `streams.db`.
public struct StreamDataKey: Sendable {
    /// The 32-byte plaintext data key.
    public var plaintext: [UInt8]
    /// The data key encrypted under the KMS key (a KMS ciphertext blob).
    public var wrapped: [UInt8]
    /// The ARN of the KMS key that wrapped it.
    public var keyARN: String

    /// Creates a data key.
    public init(plaintext: [UInt8], wrapped: [UInt8], keyARN: String) {
        self.plaintext = plaintext
        self.wrapped = wrapped
        self.keyARN = keyARN
    }
}

/// The key service streams use for server-side encryption (KMS's GenerateDataKey and Decrypt).
///
/// Ingest sits below the key service in the module graph; the lake implements this protocol over
/// `KeyManagementService`, acting as Kinesis (`kms:ViaService` `kinesis.REGION.amazonaws.com`).
/// Errors are the key service's own (`DisabledException`, `KMSInvalidStateException`,
/// `NotFoundException`, `AccessDeniedException`) and reach the caller unchanged.
public protocol StreamKeyProvider: Sendable {
    /// GenerateDataKey: a fresh 256-bit data key under `keyID` (id, ARN or alias).
    /// - Parameter context: the encryption context (`aws:kinesis:arn` → the stream ARN).
    func generateDataKey(keyID: String, context: [String: String]) throws -> StreamDataKey

    /// Decrypt: the plaintext of a wrapped data key; fails when the KMS key cannot be used now.
    func decryptDataKey(_ wrapped: [UInt8], context: [String: String]) throws -> [UInt8]
}
