import Foundation
import TarnCore

/// One change in an atomic publish: complete a staged multipart upload, or delete an object.
public enum PublishOperation: Sendable, Equatable {
    /// Completes `uploadID` at `bucket/key` from all of its uploaded parts, in part-number order.
    /// `expectedETag` is the multipart ETag the caller computed from its parts: when the upload is
    /// already gone and the object at the key carries that ETag, the operation was applied by an
    /// earlier publish and is skipped, which makes a replayed publish idempotent.
    case completeUpload(bucket: String, key: String, uploadID: String, expectedETag: String)
    /// Deletes `bucket/key`; a missing object is not an error (as S3's DeleteObject).
    case delete(bucket: String, key: String)
}

extension ObjectStore {
    /// Applies several object changes in one metadata transaction, so a lister sees all of them
    /// or none: the step that makes an ETL run's files (data, quarantine, manifest) visible
    /// together, and swaps compacted files for the small ones they replace without a moment in
    /// which both, or neither, are listed.
    ///
    /// S3 itself has no multi-object transaction; this is an internal operation that Tarn's own
    /// writers use (the S3 API never exposes it). Events (`ObjectCreated:CompleteMultipartUpload`,
    /// `ObjectRemoved:Delete`) are published after the commit, one per applied operation.
    /// - Parameter operations: the changes, applied in order inside the transaction.
    /// - Returns: how many operations changed something (skipped replays and deletes of missing
    ///   objects do not count).
    /// - Throws: `NoSuchUpload` when an upload is gone and the object is not the expected one,
    ///   `EntityTooSmall` for a non-final part under 5 MiB, `NoSuchBucket`; nothing is applied then.
    @discardableResult
    public func publish(_ operations: [PublishOperation]) async throws -> Int {
        guard !operations.isEmpty else { return 0 }
        let date = now()
        let applied: [(name: String, object: ObjectInfo)] = try await index.committer.commit { tx in
            var applied: [(String, ObjectInfo)] = []
            for operation in operations {
                switch operation {
                case .completeUpload(let bucket, let key, let uploadID, let expectedETag):
                    try MetadataIndex.requireBucket(tx, bucket)
                    guard let row = try tx.query("SELECT * FROM uploads WHERE upload_id = ?", [uploadID]).first else {
                        if let existing = try MetadataIndex.object(tx, bucket: bucket, key: key), existing.etag == expectedETag { continue }
                        throw TarnError(
                            .noSuchUpload,
                            "upload \(uploadID) for \(bucket)/\(key) does not exist and the object there is not the expected one (ETag \(expectedETag))")
                    }
                    let upload = try MetadataIndex.uploadInfo(row)
                    guard upload.bucket == bucket, upload.key == key else {
                        throw TarnError(.noSuchUpload, "upload \(uploadID) belongs to \(upload.bucket)/\(upload.key), not \(bucket)/\(key)")
                    }
                    let parts = try tx.query("SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number", [uploadID]).map(MetadataIndex.partInfo)
                    guard !parts.isEmpty else { throw TarnError(.invalidPart, "upload \(uploadID) for \(bucket)/\(key) has no parts") }
                    for part in parts.dropLast() where part.size < MetadataIndex.minimumPartSize {
                        throw TarnError(
                            .entityTooSmall,
                            "part \(part.number) of \(bucket)/\(key) is \(part.size) bytes; all parts but the last must be at least \(MetadataIndex.minimumPartSize)")
                    }
                    guard let etag = ETag.multipart(partETags: parts.map(\.etag)) else { throw TarnError(.internal, "stored part ETag is not an MD5") }
                    var attributes = upload.attributes
                    attributes.partSizes = parts.map(\.size)
                    attributes.checksum = nil
                    if let algorithm = upload.attributes.checksum?.algorithm {
                        let partChecksums = parts.compactMap(\.checksum)
                        if partChecksums.count == parts.count {
                            attributes.partChecksums = partChecksums
                            attributes.checksum = Self.compositeChecksum(algorithm: algorithm, partChecksums: partChecksums)
                        }
                    }
                    let object = ObjectInfo(
                        bucket: bucket, key: key, size: parts.reduce(0) { $0 + $1.size }, etag: etag, lastModified: date,
                        attributes: attributes, segments: parts.map { Segment(blob: $0.blob, size: $0.size) })
                    let existing = try MetadataIndex.object(tx, bucket: bucket, key: key)
                    try MetadataIndex.upsert(tx, object, replacing: existing)
                    try tx.query("DELETE FROM parts WHERE upload_id = ?", [uploadID])
                    try tx.query("DELETE FROM uploads WHERE upload_id = ?", [uploadID])
                    applied.append(("ObjectCreated:CompleteMultipartUpload", object))
                case .delete(let bucket, let key):
                    try MetadataIndex.requireBucket(tx, bucket)
                    if let removed = try MetadataIndex.remove(tx, bucket: bucket, key: key) { applied.append(("ObjectRemoved:Delete", removed)) }
                }
            }
            return applied
        }
        if !applied.isEmpty { scheduleSweep() }
        for (name, object) in applied {
            let created = name.hasPrefix("ObjectCreated:")
            events.publish(name: name, bucket: object.bucket, key: object.key, size: created ? object.size : 0, etag: created ? object.etag : "", time: date)
        }
        return applied.count
    }
}
