import Foundation
import TarnCore

/// One staged object of a batch commit: its bytes (already written to an upload) and where it goes.
public struct StagedObject: Sendable {
    /// The upload holding the bytes; its bucket is the destination bucket.
    public var upload: ObjectUpload
    /// The destination key.
    public var key: String
    /// The destination's attributes.
    public var attributes: ObjectAttributes

    /// Creates a staged object.
    public init(upload: ObjectUpload, key: String, attributes: ObjectAttributes = ObjectAttributes()) {
        self.upload = upload
        self.key = key
        self.attributes = attributes
    }
}

extension ObjectStore {
    /// Makes several uploads visible in one metadata transaction: every blob is sealed (digests
    /// computed, fsynced) first, then all rows are written at once, so a listing sees either none
    /// or all of the objects. This goes beyond S3, which has no multi-object commit; query
    /// writers (CTAS, INSERT INTO) use it so readers never see half of a result.
    /// - Parameter objects: the uploads and their keys; each upload must not be used again.
    /// - Returns: the committed objects, in order.
    /// - Throws: `NoSuchBucket`, key validation errors; on any failure every blob is deleted and
    ///   nothing becomes visible.
    @discardableResult
    public func commit(_ objects: [StagedObject]) async throws -> [ObjectInfo] {
        var infos: [ObjectInfo] = []
        do {
            for object in objects {
                try ObjectKey.validate(object.key)
                let (md5, size, checksum) = try await object.upload.seal(expected: ExpectedDigests())
                var attributes = object.attributes
                attributes.checksum = checksum
                // How the bytes were written decides how they are read back.
                attributes.encryption = object.upload.encryption
                attributes.placement = object.upload.placement
                attributes.restore = nil
                infos.append(
                    ObjectInfo(
                        bucket: object.upload.bucket, key: object.key, size: size, etag: ETag.single(md5: md5), lastModified: now(),
                        attributes: attributes, segments: [Segment(blob: object.upload.writer.id, size: size)]))
            }
        } catch {
            for object in objects { object.upload.abort() }
            throw error
        }
        let rows = infos
        let replacedAny: Bool
        do {
            replacedAny = try await index.committer.commit { tx in
                var replaced = false
                for info in rows {
                    try MetadataIndex.requireBucket(tx, info.bucket)
                    let existing = try MetadataIndex.object(tx, bucket: info.bucket, key: info.key)
                    try MetadataIndex.upsert(tx, info, replacing: existing)
                    replaced = replaced || existing != nil
                }
                return replaced
            }
        } catch {
            for object in objects { object.upload.abort() }
            throw error
        }
        if replacedAny { scheduleSweep() }
        for info in infos {
            events.publish(name: "ObjectCreated:Put", bucket: info.bucket, key: info.key, size: info.size, etag: info.etag, time: info.lastModified)
        }
        return infos
    }
}
