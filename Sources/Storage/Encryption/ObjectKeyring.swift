import Crypto
import Foundation
import Keys
import Synchronization
import TarnCore

/// Gets data keys for objects: makes one for each new object under its encryption setting, and
/// recovers it for a reader, with the reader's permissions.
///
/// ```
///  SSE-S3   data key ──sealed by──▶ Tarn's S3 service key (never a KMS key, not audited)
///  SSE-KMS  data key ◀──GenerateDataKey / Decrypt── KMS key   context {"aws:s3:arn": "arn:aws:s3:::bucket/key"}
///  + Bucket Key: bucket key ◀── GenerateDataKey (once an hour per bucket and KMS key)
///                data key = HKDF(bucket key, per-object salt)  context {"aws:s3:arn": "arn:aws:s3:::bucket"}
/// ```
/// With a Bucket Key most requests make no KMS call, as in S3 ("reduces request traffic from
/// Amazon S3 to AWS KMS"), yet each one is still checked against the key's state and the
/// caller's KMS permissions (`checkUse`), so disabling the key or revoking `kms:Decrypt` takes
/// effect at once.
public final class ObjectKeyring: Sendable {
    /// The key service.
    public let kms: KeyManagementService
    /// How long a bucket key is used for new objects before a fresh one is made.
    public let bucketKeyLifetime: TimeInterval
    /// The `kms:ViaService` value of S3's calls.
    public let viaService: String
    /// What objects get in buckets without a default encryption configuration: SSE-S3, as in S3
    /// since January 2023; `.none` only to measure what encryption costs.
    public let defaultEncryption: ServerSideEncryption
    let clock: any WallClock

    private struct BucketKey {
        var plaintext: SymmetricKey
        var ciphertext: [UInt8]
        var keyARN: String
        var created: Date
    }

    private let bucketKeys = Mutex<[String: BucketKey]>([:])
    /// Unwrapped bucket keys by wrapped bucket key: a miss costs one KMS Decrypt.
    private let unwrappedBucketKeys = Mutex(RecentCache<[UInt8], SymmetricKey>(generationSize: 2048))
    /// SSE-S3 blob keys by blob salt (see `blobKeys`): up to 16,384 of them, about 4 MB.
    private let sseS3BlobKeys = Mutex(RecentCache<BlobSalt, CachedBlobKey>(generationSize: 8192))

    /// A blob's salt as a cache key: 16 random bytes, so unique per blob, and hashed as two
    /// words rather than byte by byte as an array would be.
    private struct BlobSalt: Hashable, Sendable {
        var high: UInt64
        var low: UInt64

        init?(_ salt: [UInt8]) {
            guard salt.count == 16 else { return nil }
            (high, low) = salt.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        }
    }

    /// A kept blob key with the wrapped data key it came from, compared in full on every hit: a
    /// different (or damaged) wrapped key under the same salt is never answered from the cache.
    private struct CachedBlobKey: Sendable {
        var wrappedKey: String
        var key: SymmetricKey
    }

    /// Creates a keyring over a key service.
    public init(
        kms: KeyManagementService, region: String, bucketKeyLifetime: TimeInterval = 3600, defaultEncryption: ServerSideEncryption = .s3,
        clock: any WallClock = SystemClock()
    ) {
        self.kms = kms
        self.bucketKeyLifetime = bucketKeyLifetime
        self.defaultEncryption = defaultEncryption
        self.viaService = "s3.\(region).amazonaws.com"
        self.clock = clock
    }

    /// The caller Tarn itself acts as when an in-process component reads without naming one.
    public func internalCaller() -> KeyCaller {
        KeyCaller(principalARN: "arn:aws:iam::\(kms.accountID):root", accountID: kms.accountID, viaService: viaService)
    }

    /// The caller as S3 presents it to KMS.
    func viaS3(_ caller: KeyCaller?) -> KeyCaller {
        var caller = caller ?? internalCaller()
        caller.viaService = viaService
        return caller
    }

    static func objectARN(_ bucket: String, _ key: String) -> String { "arn:aws:s3:::\(bucket)/\(key)" }

    /// A data key for a new object.
    /// - Parameters:
    ///   - bucket: the bucket.
    ///   - key: the object key (required for SSE-KMS without a bucket key: it is in the context).
    ///   - encryption: the setting.
    ///   - caller: who writes (needs `kms:GenerateDataKey` for SSE-KMS).
    /// - Returns: the data key and its stored description, or nil for `.none`.
    public func newObjectKey(bucket: String, key: String?, encryption: ServerSideEncryption, caller: KeyCaller?) throws
        -> (key: SymmetricKey, stored: StoredEncryption)?
    {
        switch encryption {
        case .none:
            return nil
        case .s3:
            let dataKey = SymmetricKey(size: .bits256)
            let sealed = try AES.GCM.seal(dataKey.withUnsafeBytes { Array($0) }, using: try kms.serviceKey(named: "s3"), authenticating: Self.sseS3Label)
            return (dataKey, StoredEncryption(algorithm: "AES256", kmsKeyARN: nil, bucketKeyEnabled: false, wrappedKey: sealed.combined!.base64EncodedString(), salt: nil, context: [:]))
        case .kms(let keyID, let useBucketKey, let extra):
            let caller = viaS3(caller)
            let kmsKey = try keyID ?? kms.awsManagedKey(service: "s3").arn
            if useBucketKey {
                var context = extra
                context["aws:s3:arn"] = "arn:aws:s3:::\(bucket)"
                let bucketKey = try self.bucketKey(bucket: bucket, kmsKey: kmsKey, context: EncryptionContext(context), caller: caller)
                let salt = Identifiers.randomBytes(32)
                let dataKey = Self.derive(bucketKey.plaintext, salt: salt)
                return (dataKey, StoredEncryption(
                    algorithm: "aws:kms", kmsKeyARN: bucketKey.keyARN, bucketKeyEnabled: true, wrappedKey: Data(bucketKey.ciphertext).base64EncodedString(),
                    salt: Data(salt).base64EncodedString(), context: context))
            }
            guard let key else { throw TarnError(.invalidArgument, "SSE-KMS without a bucket key needs the object key for its encryption context") }
            var context = extra
            context["aws:s3:arn"] = Self.objectARN(bucket, key)
            let dataKey = try kms.generateDataKey(keyID: kmsKey, byteCount: 32, context: EncryptionContext(context), caller: caller)
            return (SymmetricKey(data: dataKey.plaintext!), StoredEncryption(
                algorithm: "aws:kms", kmsKeyARN: dataKey.keyARN, bucketKeyEnabled: false, wrappedKey: Data(dataKey.ciphertext).base64EncodedString(),
                salt: nil, context: context))
        }
    }

    /// The data key of a stored object, for `caller`.
    /// - Throws: for SSE-KMS what KMS Decrypt throws (`AccessDeniedException`,
    ///   `DisabledException`, `KMSInvalidStateException`, `NotFoundException`); `Corrupt` when the
    ///   stored description is damaged.
    public func objectKey(_ stored: StoredEncryption, caller: KeyCaller?) throws -> SymmetricKey {
        guard let wrapped = Data(base64Encoded: stored.wrappedKey) else { throw TarnError(.corrupt, "object encryption metadata: wrapped key is not base64") }
        switch stored.algorithm {
        case "AES256":
            do {
                let box = try AES.GCM.SealedBox(combined: wrapped)
                return SymmetricKey(data: try AES.GCM.open(box, using: try kms.serviceKey(named: "s3"), authenticating: Self.sseS3Label))
            } catch let error as TarnError {
                throw error
            } catch {
                throw TarnError(.corrupt, "object encryption metadata: the SSE-S3 data key does not unseal")
            }
        case "aws:kms":
            let caller = viaS3(caller)
            let context = EncryptionContext(stored.context)
            if stored.bucketKeyEnabled {
                guard let keyARN = stored.kmsKeyARN, let saltText = stored.salt, let salt = Data(base64Encoded: saltText) else {
                    throw TarnError(.corrupt, "object encryption metadata: bucket key without key ARN or salt")
                }
                let blob = Array(wrapped)
                if let cached = unwrappedBucketKeys.withLock({ $0.value(for: blob) }) {
                    try kms.checkUse(keyID: keyARN, operation: "Decrypt", context: context, caller: caller)
                    return Self.derive(cached, salt: Array(salt))
                }
                let plaintext = SymmetricKey(data: try kms.decrypt(ciphertext: blob, context: context, caller: caller).plaintext)
                unwrappedBucketKeys.withLock { $0.insert(plaintext, for: blob) }
                return Self.derive(plaintext, salt: Array(salt))
            }
            return SymmetricKey(data: try kms.decrypt(ciphertext: Array(wrapped), context: context, caller: caller).plaintext)
        default:
            throw TarnError(.corrupt, "object encryption metadata: unknown algorithm \(stored.algorithm)")
        }
    }

    /// The keys of a stored object's blobs, by the salt in each blob's header.
    ///
    /// SSE-S3 blob keys of recently read blobs are kept: a GET of a small object otherwise
    /// spends as long unsealing its data key and deriving the blob key (AES-GCM plus HKDF, about
    /// 9 µs) as on the rest of its metadata work. Nothing a caller could be refused is
    /// skipped: SSE-S3 uses the store's own service key, without a per-request authorization.
    /// SSE-KMS keys are not kept here: every read of one is a KMS Decrypt (or, with a bucket
    /// key, a `Decrypt` permission check), authorized and audited, so it happens now, once.
    /// - Throws: what `objectKey` throws (for SSE-S3 only when the key is not yet cached).
    public func blobKeys(_ stored: StoredEncryption, caller: KeyCaller?) throws -> (_ salt: [UInt8]) throws -> SymmetricKey {
        guard stored.algorithm == "AES256" else {
            let dataKey = try objectKey(stored, caller: caller)
            return { EncryptedBlobFormat.blobKey(dataKey: dataKey, salt: $0) }
        }
        return { [self] salt in
            guard let slot = BlobSalt(salt) else { return EncryptedBlobFormat.blobKey(dataKey: try objectKey(stored, caller: caller), salt: salt) }
            if let cached = sseS3BlobKeys.withLock({ $0.value(for: slot) }), cached.wrappedKey == stored.wrappedKey { return cached.key }
            let key = EncryptedBlobFormat.blobKey(dataKey: try objectKey(stored, caller: caller), salt: salt)
            sseS3BlobKeys.withLock { $0.insert(CachedBlobKey(wrappedKey: stored.wrappedKey, key: key), for: slot) }
            return key
        }
    }

    private static let sseS3Label = Array("tarn sse-s3 data key v1".utf8)

    static func derive(_ bucketKey: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: bucketKey, salt: salt, info: Array("tarn s3 bucket key v1".utf8), outputByteCount: 32)
    }

    /// The current bucket key for (bucket, KMS key), made with GenerateDataKey when missing or
    /// older than `bucketKeyLifetime`; otherwise the caller's right to GenerateDataKey is
    /// checked without a KMS call.
    private func bucketKey(bucket: String, kmsKey: String, context: EncryptionContext, caller: KeyCaller) throws -> BucketKey {
        let resolved = try kms.resolve(kmsKey).arn
        let slot = bucket + "\u{0}" + resolved + "\u{0}" + context.canonicalBytes.map(String.init).joined(separator: ",")
        let now = clock.now()
        if let cached = bucketKeys.withLock({ $0[slot] }), now.timeIntervalSince(cached.created) < bucketKeyLifetime {
            try kms.checkUse(keyID: resolved, operation: "GenerateDataKey", context: context, caller: caller)
            return cached
        }
        let dataKey = try kms.generateDataKey(keyID: resolved, byteCount: 32, context: context, caller: caller)
        let fresh = BucketKey(plaintext: SymmetricKey(data: dataKey.plaintext!), ciphertext: dataKey.ciphertext, keyARN: dataKey.keyARN, created: now)
        bucketKeys.withLock { $0[slot] = fresh }
        unwrappedBucketKeys.withLock { $0.insert(fresh.plaintext, for: dataKey.ciphertext) }
        return fresh
    }
}
