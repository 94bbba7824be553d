import Foundation
import Synchronization
import TarnCore

/// What the client claimed about the bytes it sent, checked before the object becomes visible.
public struct ExpectedDigests: Sendable, Equatable {
    /// `Content-MD5` (base64).
    public var contentMD5: String?
    /// An `x-amz-checksum-*` value (base64), from a header or an aws-chunked trailer.
    public var checksum: String?
    /// The declared length, if known (Content-Length or x-amz-decoded-content-length).
    public var length: Int64?

    /// Creates expectations.
    public init(contentMD5: String? = nil, checksum: String? = nil, length: Int64? = nil) {
        self.contentMD5 = contentMD5
        self.checksum = checksum
        self.length = length
    }
}

/// A new object's bytes being streamed to a blob. Call `write` for each piece, then exactly one
/// of `commit` (checks digests, makes the blob durable, commits metadata) or `abort`.
public final class ObjectUpload: Sendable {
    let store: ObjectStore
    /// Destination bucket.
    public let bucket: String
    let writer: any BlobWriter
    private let digester: Mutex<ObjectDigester>
    /// How the new object is encrypted (nil: stored as sent); recorded in its attributes.
    public let encryption: StoredEncryption?
    /// The tier the bytes are written to (nil: standard); recorded in the object's attributes.
    let placement: BlobPlacement?

    init(
        store: ObjectStore, bucket: String, writer: any BlobWriter, algorithm: ChecksumAlgorithm?, encryption: StoredEncryption? = nil,
        placement: BlobPlacement? = nil
    ) {
        self.store = store
        self.bucket = bucket
        self.writer = writer
        self.digester = Mutex(ObjectDigester(algorithm: algorithm, offloadingMD5: true))
        self.encryption = encryption
        self.placement = placement
    }

    /// Appends body bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writer.write(bytes)
        digester.withLock { $0.update(bytes) }
    }

    /// The additional checksum algorithm being computed, if any.
    public var checksumAlgorithm: ChecksumAlgorithm? { digester.withLock { $0.algorithm } }

    /// Bytes written so far.
    public var byteCount: Int64 { digester.withLock { $0.byteCount } }

    /// Abandons the upload and deletes its blob.
    public func abort() { writer.abort() }

    /// Checks the digests, fsyncs the blob and returns its MD5, size and checksum.
    func seal(expected: ExpectedDigests) async throws -> (md5: [UInt8], size: Int64, checksum: ObjectChecksum?) {
        let (md5, checksumBytes, size, algorithm) = digester.withLock { digester in
            let (md5, checksum) = digester.finalize()
            return (md5, checksum, digester.byteCount, digester.algorithm)
        }
        do {
            if let length = expected.length, length != size {
                throw TarnError(.incompleteBody, "You did not provide the number of bytes specified by the Content-Length HTTP header (expected \(length), received \(size)).")
            }
            if let contentMD5 = expected.contentMD5 {
                guard let sent = Data(base64Encoded: contentMD5), sent.count == 16 else {
                    throw TarnError(.invalidDigest, "The Content-MD5 you specified was invalid.")
                }
                guard Array(sent) == md5 else { throw TarnError(.badDigest, "The Content-MD5 you specified did not match what we received.") }
            }
            var checksum: ObjectChecksum? = nil
            if let algorithm, let checksumBytes {
                let value = checksumBytes.base64
                if let sent = expected.checksum, sent != value {
                    throw TarnError(.badDigest, "The \(algorithm.rawValue) you specified did not match the calculated checksum.")
                }
                checksum = ObjectChecksum(algorithm: algorithm, value: value, type: .fullObject)
            }
            try await writer.finish()
            return (md5, size, checksum)
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Makes the object visible at `key`: verifies `expected`, makes the bytes durable, then
    /// commits the metadata (checking `condition` atomically) and publishes `ObjectCreated:Put`.
    /// - Throws: `BadDigest`, `InvalidDigest`, `IncompleteBody`, `PreconditionFailed`,
    ///   `NoSuchBucket`; on any failure the blob is deleted.
    public func commit(
        key: String, attributes: ObjectAttributes, condition: WriteCondition? = nil, expected: ExpectedDigests = ExpectedDigests(),
        eventName: String = "ObjectCreated:Put"
    ) async throws -> ObjectInfo {
        try ObjectKey.validate(key)
        let (md5, size, checksum) = try await seal(expected: expected)
        var attributes = attributes
        attributes.checksum = checksum
        attributes.encryption = encryption
        attributes.placement = placement
        attributes.restore = nil
        let object = ObjectInfo(
            bucket: bucket, key: key, size: size, etag: ETag.single(md5: md5), lastModified: store.now(), attributes: attributes,
            segments: [Segment(blob: writer.id, size: size)])
        let bucket = self.bucket
        let replaced: ObjectInfo?
        do {
            replaced = try await store.index.committer.commit { tx in
                try MetadataIndex.requireBucket(tx, bucket)
                let existing = try MetadataIndex.object(tx, bucket: bucket, key: key)
                try condition?.check(existing: existing)
                try MetadataIndex.upsert(tx, object, replacing: existing)
                return existing
            }
        } catch {
            writer.abort()
            throw error
        }
        if replaced != nil { store.scheduleSweep() }
        store.events.publish(name: eventName, bucket: bucket, key: key, size: size, etag: object.etag, time: object.lastModified)
        return object
    }
}
