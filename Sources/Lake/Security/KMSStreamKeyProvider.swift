import Ingest
import Keys

/// Kinesis (and Firehose buffer) server-side encryption over the lake's key service: data keys
/// for stream segments are generated and unwrapped by KMS acting as that service
/// (`kms:ViaService` `kinesis.REGION.amazonaws.com` / `firehose.REGION.amazonaws.com`), as the
/// account's root, so key policies, key state and the audit log apply exactly as to S3's use of a key.
public struct KMSStreamKeyProvider: StreamKeyProvider {
    let kms: KeyManagementService
    let caller: KeyCaller

    /// Creates the provider.
    /// - Parameters:
    ///   - kms: the lake's key service.
    ///   - region: the region in `kms:ViaService`.
    ///   - service: the service acting (`kinesis`, or `firehose` for delivery buffers).
    public init(kms: KeyManagementService, region: String, service: String = "kinesis") {
        self.kms = kms
        caller = KeyCaller(principalARN: "arn:aws:iam::\(kms.accountID):root", accountID: kms.accountID, viaService: "\(service).\(region).amazonaws.com")
    }

    /// GenerateDataKey (AES-256) under `keyID` with `context`.
    public func generateDataKey(keyID: String, context: [String: String]) throws -> StreamDataKey {
        let key = try kms.generateDataKey(keyID: keyID, byteCount: 32, context: EncryptionContext(context), caller: caller)
        return StreamDataKey(plaintext: key.plaintext ?? [], wrapped: key.ciphertext, keyARN: key.keyARN)
    }

    /// Decrypt of a wrapped data key with `context`.
    public func decryptDataKey(_ wrapped: [UInt8], context: [String: String]) throws -> [UInt8] {
        try kms.decrypt(ciphertext: wrapped, context: EncryptionContext(context), caller: caller).plaintext
    }
}
