import TarnCore

extension DataStreams {
    /// StartStreamEncryption: records put from now on are encrypted at rest under a new data key
    /// from `keyID` (a KMS key id, ARN or alias); records already stored stay as they are, as in
    /// Kinesis. Calling it again with another key starts a new data key under that key; the old
    /// data keys stay in `streams.db` for the records they sealed.
    ///
    /// The data key is generated with encryption context `aws:kinesis:arn` → the stream ARN, so
    /// the KMS key must be usable now (enabled, allowed to the caller).
    /// ```swift
    /// try streams.startEncryption(stream: "orders", keyID: "alias/orders")
    /// streams.describe("orders").encryptionType   // "KMS"
    /// ```
    /// - Throws: `ResourceNotFoundException`; `InvalidArgumentException` for an empty key id;
    ///   `.unsupported` when the lake has no key service; the key service's error as Kinesis
    ///   names it (`KMSNotFoundException`, `KMSDisabledException`, `KMSInvalidStateException`,
    ///   `KMSAccessDeniedException`).
    public func startEncryption(stream name: String, keyID: String) throws {
        let runtime = try self.runtime(name)
        guard !keyID.isEmpty else { throw TarnError(.invalidArgumentException, "KeyId must not be empty for EncryptionType KMS.") }
        let now = nowMilliseconds
        try runtime.keyring.start(keyID: keyID, owner: "Stream \(name)", now: now) { generation, dataKey in
            try catalog.startEncryption(
                id: runtime.id, generation: generation, keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, created: now)
        }
    }

    /// StopStreamEncryption: records put from now on are stored in plaintext; encrypted records
    /// stay encrypted and readable (their data keys are kept).
    /// - Throws: `ResourceNotFoundException`.
    public func stopEncryption(stream name: String) throws {
        let runtime = try self.runtime(name)
        try runtime.keyring.stop { try catalog.stopEncryption(id: runtime.id) }
    }
}
