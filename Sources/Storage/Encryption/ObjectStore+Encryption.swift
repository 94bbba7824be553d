import Crypto
import Foundation
import Keys
import TarnCore

extension ObjectStore {
    /// The bucket's default encryption as configured (PutBucketEncryption), or nil when it was
    /// never set (or deleted): new objects then get `BucketEncryptionRule.default`, SSE-S3.
    public func bucketEncryption(_ bucket: String) throws -> BucketEncryptionRule? {
        guard let json = try index.bucketConfig(bucket, "encryption") else { return nil }
        do {
            return try JSONDecoder().decode(BucketEncryptionRule.self, from: Data(json.utf8))
        } catch {
            throw TarnError(.corrupt, "bucket \(bucket): unreadable encryption configuration: \(error)")
        }
    }

    /// Sets (nil: deletes) the bucket's default encryption.
    public func setBucketEncryption(_ bucket: String, _ rule: BucketEncryptionRule?) async throws {
        let json = try rule.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await index.setBucketConfig(bucket, "encryption", json)
    }

    /// Makes the data key of a new object: the requested encryption, else the bucket default.
    /// - Returns: nil when the store has no keyring, or for `.none`.
    func newObjectKey(bucket: String, key: String?, encryption: ServerSideEncryption?, caller: KeyCaller?) throws
        -> (key: SymmetricKey, stored: StoredEncryption)?
    {
        guard let keyring else {
            if let encryption, encryption != .none {
                throw TarnError(.unsupported, "server-side encryption was requested but this object store has no key service")
            }
            return nil
        }
        let setting = try encryption ?? bucketEncryption(bucket)?.encryption ?? keyring.defaultEncryption
        return try keyring.newObjectKey(bucket: bucket, key: key, encryption: setting, caller: caller)
    }

    /// Recovers a stored object's data key for `caller`.
    func objectKey(_ stored: StoredEncryption, caller: KeyCaller?) throws -> SymmetricKey {
        try requireKeyring(stored).objectKey(stored, caller: caller)
    }

    private func requireKeyring(_ stored: StoredEncryption) throws -> ObjectKeyring {
        guard let keyring else {
            throw TarnError(.unsupported, "the object is encrypted (\(stored.algorithm)) but this object store has no key service")
        }
        return keyring
    }

    /// Opens an object's segments, decrypting when it is encrypted.
    /// - Parameter inlineBlob: the only segment's stored bytes, when read with the row.
    func openSegments(_ info: ObjectInfo, caller: KeyCaller?, inlineBlob: [UInt8]? = nil) throws -> [any BlobReader] {
        precondition(inlineBlob == nil || info.segments.count == 1, "inline bytes stand for a single segment")
        let placement = info.attributes.placement
        guard let stored = info.attributes.encryption else {
            return try info.segments.map { try openBlob($0, placement: placement, inlineBlob: inlineBlob) }
        }
        let blobKey = try requireKeyring(stored).blobKeys(stored, caller: caller)
        if let placement, placement.compressed, placement.compressedBeforeEncryption == true {
            // File = AES-GCM chunks of the compressed layout: decrypt, then decompress.
            return try info.segments.map { segment in
                let raw = try storedBlob(segment, placement: placement, inlineBlob: inlineBlob)
                let compressed = try DecryptingBlobReader(
                    inner: raw, blobKey: blobKey, plaintextSize: try EncryptedBlobFormat.plaintextSize(encryptedSize: raw.size, blob: segment.blob.rawValue),
                    blob: segment.blob.rawValue)
                return try DecompressingBlobReader(inner: compressed, blob: segment.blob)
            }
        }
        return try info.segments.map { segment in
            try DecryptingBlobReader(
                inner: try openBlob(segment, placement: placement, inlineBlob: inlineBlob), blobKey: blobKey, plaintextSize: segment.size, blob: segment.blob.rawValue)
        }
    }
}
