import TarnCore

extension DeliveryStreams {
    /// StartDeliveryStreamEncryption (`KeyType` `CUSTOMER_MANAGED_CMK`): records put from now on
    /// are sealed in the delivery buffer (`DIR/firehose/logs/<id>`) like encrypted Kinesis
    /// batches (`EncryptedBatch`), under a data key generated from `keyID` with encryption
    /// context `aws:firehose:arn` → the delivery stream ARN; records already buffered stay as
    /// they are. The objects delivered are encrypted by the bucket's settings, as before.
    /// ```swift
    /// try delivery.startEncryption(name: "clicks", keyID: "alias/ingest")
    /// delivery.describe("clicks").encryptionKeyID   // "alias/ingest"
    /// ```
    /// - Throws: `ResourceNotFoundException`; `InvalidArgumentException` for a
    ///   KinesisStreamAsSource stream (Firehose encrypts DirectPut buffers only; the source
    ///   stream has its own encryption) or an empty key id; `.unsupported` without a key
    ///   service; the key service's error (`KMSDisabledException`, `KMSAccessDeniedException`, …).
    public func startEncryption(name: String, keyID: String) throws {
        let entry = try self.entry(name)
        guard let keyring = entry.keyring else {
            throw TarnError(.invalidArgumentException, "This operation is not supported for KinesisStreamAsSource delivery stream type \(name); encrypt the source stream.")
        }
        guard !keyID.isEmpty else { throw TarnError(.invalidArgumentException, "KeyARN must not be empty for KeyType CUSTOMER_MANAGED_CMK.") }
        guard let keyProvider else {
            throw TarnError(.unsupported, "Delivery stream \(name): server-side encryption needs a key service, and this lake was opened without one.")
        }
        let dataKey: StreamDataKey
        do { dataKey = try keyProvider.generateDataKey(keyID: keyID, context: keyring.context) } catch { throw TarnError.kinesisKMS(error) }
        guard dataKey.plaintext.count == 32 else {
            throw TarnError(.internal, "the key service returned a \(dataKey.plaintext.count)-byte data key, expected 32")
        }
        let now = Int64((clock.now().timeIntervalSince1970 * 1000).rounded(.down))
        // One writer at a time: generation numbers must not collide.
        try keyring.state.withLock { state in
            let generation = (state.generations.keys.max() ?? 0) + 1
            try catalog.startEncryption(id: entry.row.id, generation: generation, keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, created: now)
            state.generations[generation] = StreamKeyring.Generation(
                keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, key: .init(data: dataKey.plaintext), checkedAt: now)
            state.active = generation
        }
    }

    /// StopDeliveryStreamEncryption: records put from now on are buffered in plaintext; sealed
    /// records stay readable (their data keys are kept).
    /// - Throws: `ResourceNotFoundException`; `InvalidArgumentException` for a KinesisStreamAsSource stream.
    public func stopEncryption(name: String) throws {
        let entry = try self.entry(name)
        guard let keyring = entry.keyring else {
            throw TarnError(.invalidArgumentException, "This operation is not supported for KinesisStreamAsSource delivery stream type \(name).")
        }
        try keyring.state.withLock { state in
            try catalog.stopEncryption(id: entry.row.id)
            state.active = nil
        }
    }
}
