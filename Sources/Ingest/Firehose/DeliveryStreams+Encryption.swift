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
        let now = DataStreams.milliseconds(clock.now())
        try keyring.start(keyID: keyID, owner: "Delivery stream \(name)", now: now) { generation, dataKey in
            try catalog.startEncryption(id: entry.row.id, generation: generation, keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, created: now)
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
        try keyring.stop { try catalog.stopEncryption(id: entry.row.id) }
    }
}
