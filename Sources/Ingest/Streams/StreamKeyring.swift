import Crypto
import Storage
import Synchronization
import TarnCore

/// The data keys of one stream: every generation its records were ever encrypted under (a
/// `StartStreamEncryption` makes a new one) and which generation new records use.
///
/// The wrapped keys come from `streams.db`; a plaintext key exists only in memory, unwrapped on
/// first use and re-checked with the key service once it is older than the reuse period (AWS
/// documents that Kinesis reuses a data key for up to five minutes). So a KMS key that is
/// disabled stops new puts and reads of encrypted records within that period.
final class StreamKeyring: Sendable {
    /// One data key generation.
    struct Generation: Sendable {
        /// The key id as the caller gave it (`DescribeStream` reports it unchanged).
        var keyID: String
        var keyARN: String
        var wrapped: [UInt8]
        var key: SymmetricKey?
        /// When the key service last confirmed the key (epoch ms).
        var checkedAt: Int64 = .min
    }

    struct State: Sendable {
        var generations: [UInt32: Generation] = [:]
        /// The generation new records are sealed under; nil while encryption is off.
        var active: UInt32?
    }

    let streamID: Int64
    let context: [String: String]
    let provider: (any StreamKeyProvider)?
    let reuseMilliseconds: Int64
    let state: Mutex<State>

    convenience init(streamID: Int64, streamARN: String, provider: (any StreamKeyProvider)?, reuseMilliseconds: Int64, state: State = State()) {
        self.init(streamID: streamID, context: ["aws:kinesis:arn": streamARN], provider: provider, reuseMilliseconds: reuseMilliseconds, state: state)
    }

    /// - Parameter context: the KMS encryption context of the data keys (`aws:kinesis:arn` for a
    ///   data stream, `aws:firehose:arn` for a delivery stream's buffer).
    init(streamID: Int64, context: [String: String], provider: (any StreamKeyProvider)?, reuseMilliseconds: Int64, state: State = State()) {
        self.streamID = streamID
        self.context = context
        self.provider = provider
        self.reuseMilliseconds = reuseMilliseconds
        self.state = Mutex(state)
    }

    /// Starts a new data key generation under `keyID` and makes it active: a data key from the
    /// key service (with this keyring's context), persisted wrapped by `persist` before it is
    /// used. Under the state lock, so two starts never pick the same generation number.
    /// - Parameter owner: names the stream in the error when there is no key service.
    /// - Throws: `.unsupported` without a key service; the key service's error in Kinesis's terms.
    func start(keyID: String, owner: String, now: Int64, persist: (UInt32, StreamDataKey) throws -> Void) throws {
        guard let provider else {
            throw TarnError(.unsupported, "\(owner): server-side encryption needs a key service, and this lake was opened without one.")
        }
        let dataKey: StreamDataKey
        do { dataKey = try provider.generateDataKey(keyID: keyID, context: context) } catch { throw TarnError.kinesisKMS(error) }
        guard dataKey.plaintext.count == 32 else {
            throw TarnError(.internal, "the key service returned a \(dataKey.plaintext.count)-byte data key, expected 32")
        }
        try state.withLock { state in
            let generation = (state.generations.keys.max() ?? 0) + 1
            try persist(generation, dataKey)
            state.generations[generation] = Generation(
                keyID: keyID, keyARN: dataKey.keyARN, wrapped: dataKey.wrapped, key: .init(data: dataKey.plaintext), checkedAt: now)
            state.active = generation
        }
    }

    /// Stops sealing new records (after `persist` recorded it); old generations stay for the
    /// records they sealed.
    func stop(persist: () throws -> Void) throws {
        try state.withLock { state in
            try persist()
            state.active = nil
        }
    }

    /// The active generation and its key id, or nil when encryption is off.
    var active: (generation: UInt32, keyID: String)? {
        state.withLock { state in state.active.flatMap { generation in state.generations[generation].map { (generation, $0.keyID) } } }
    }

    /// The generation new records are sealed under, its key unwrapped and checked with the key
    /// service when the reuse period is over; nil while encryption is off.
    /// - Throws: the key service's error in Kinesis's terms (`KMSDisabledException`, …).
    func writeGeneration(now: Int64) throws -> UInt32? {
        guard let generation = state.withLock({ $0.active }) else { return nil }
        _ = try key(generation, now: now)
        return generation
    }

    /// The plaintext key of `generation`, asking the key service when it is not in memory or
    /// was last checked more than the reuse period ago.
    func key(_ generation: UInt32, now: Int64) throws -> SymmetricKey {
        let known = state.withLock { $0.generations[generation] }
        guard let known else {
            throw TarnError(.corrupt, "stream \(streamID): records are encrypted under data key generation \(generation), which streams.db does not hold")
        }
        if let key = known.key, now >= known.checkedAt, now - known.checkedAt < reuseMilliseconds { return key }
        guard let provider else {
            throw TarnError(.unsupported, "stream \(streamID) holds records encrypted under \(known.keyARN), but this lake has no key service attached")
        }
        // Outside the lock: the key service does I/O (its audit log).
        let plaintext: [UInt8]
        do { plaintext = try provider.decryptDataKey(known.wrapped, context: context) } catch { throw TarnError.kinesisKMS(error) }
        guard plaintext.count == 32 else {
            throw TarnError(.corrupt, "stream \(streamID): data key generation \(generation) unwrapped to \(plaintext.count) bytes, expected 32")
        }
        let key = SymmetricKey(data: plaintext)
        state.withLock { state in
            state.generations[generation]?.key = key
            state.generations[generation]?.checkedAt = now
        }
        return key
    }

    /// The cipher of one segment: the generation's data key stretched with HKDF over the stream,
    /// shard and segment, so each segment has its own key and the random-nonce budget of
    /// AES-GCM (2³² seals per key, NIST SP 800-38D §8.3) counts batches of one segment only.
    func segmentCipher(_ generation: UInt32, shard: Int, segment: UInt64, now: Int64) throws -> RecordCipher {
        let key = try self.key(generation, now: now)
        var info = Array("tarn kinesis segment v1".utf8)
        withUnsafeBytes(of: streamID.littleEndian) { info.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(shard).littleEndian) { info.append(contentsOf: $0) }
        withUnsafeBytes(of: segment.littleEndian) { info.append(contentsOf: $0) }
        withUnsafeBytes(of: generation.littleEndian) { info.append(contentsOf: $0) }
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: info, outputByteCount: 32)
        return RecordCipher(dataKey: derived)
    }
}
