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
        guard let keyProvider else {
            throw TarnError(.unsupported, "Stream \(name): server-side encryption needs a key service, and this lake was opened without one.")
        }
        let dataKey: StreamDataKey
        do { dataKey = try keyProvider.generateDataKey(keyID: keyID, context: runtime.keyring.context) } catch { throw TarnError.kinesisKMS(error) }
        guard dataKey.plaintext.count == 32 else {
            throw TarnError(.internal, "the key service returned a \(dataKey.plaintext.count)-byte data key, expected 32")
        }
        // One writer at a time per stream: generation numbers must not collide.
        try runtime.keyring.state.withLock { state in
            let generation = (state.generations.keys.max() ?? 0) + 1
            try catalog.startEncryption(
                id: runtime.id, generation: generation, keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, created: nowMilliseconds)
            state.generations[generation] = StreamKeyring.Generation(
                keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, key: .init(data: dataKey.plaintext), checkedAt: nowMilliseconds)
            state.active = generation
        }
        runtime.state.withLock { $0.info.keyID = keyID }
    }

    /// StopStreamEncryption: records put from now on are stored in plaintext; encrypted records
    /// stay encrypted and readable (their data keys are kept).
    /// - Throws: `ResourceNotFoundException`.
    public func stopEncryption(stream name: String) throws {
        let runtime = try self.runtime(name)
        try runtime.keyring.state.withLock { state in
            try catalog.stopEncryption(id: runtime.id)
            state.active = nil
        }
        runtime.state.withLock { $0.info.keyID = nil }
    }
}
