import Crypto
import Foundation
import Keys
import TarnCore

extension ObjectStore {
    /// Starts a multipart upload (CreateMultipartUpload) and returns its id.
    ///
    /// Upload ids start with the creation time in hex, so sorting them sorts by age, as S3's
    /// ListMultipartUploads orders uploads of one key.
    /// - Parameters:
    ///   - encryption: the server-side encryption; nil applies the bucket's default. The data key
    ///     is made now and encrypts every part.
    ///   - caller: who uploads, for SSE-KMS.
    public func createMultipartUpload(
        bucket: String, key: String, attributes: ObjectAttributes, encryption: ServerSideEncryption? = nil, caller: KeyCaller? = nil
    ) async throws -> String {
        try ObjectKey.validate(key)
        try self.bucket(bucket)
        var attributes = attributes
        attributes.encryption = try newObjectKey(bucket: bucket, key: key, encryption: encryption, caller: caller)?.stored
        let created = now()
        let uploadID = String(MetadataIndex.milliseconds(created), radix: 16) + Identifiers.randomToken(length: 40)
        // Parts are written straight to the class's tier; the placement is fixed now so every
        // part of the upload lands in the same place even if the configuration changes.
        attributes.placement = tiers.placement(for: try StorageClass(header: attributes.storageClass))?
            .forNewBlobs(encrypted: attributes.encryption != nil)
        try await index.createUpload(UploadInfo(uploadID: uploadID, bucket: bucket, key: key, initiated: created, attributes: attributes))
        return uploadID
    }

    /// The upload, or `NoSuchUpload` (`NoSuchBucket` when the bucket is gone).
    public func upload(_ uploadID: String, bucket: String, key: String) throws -> UploadInfo {
        if let upload = try index.upload(uploadID, bucket: bucket, key: key) { return upload }
        try self.bucket(bucket)
        throw TarnError(.noSuchUpload, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
    }

    /// Starts streaming one part's bytes; commit it with `ObjectUpload.commitPart`.
    /// - Parameters:
    ///   - checksum: the algorithm of a checksum the part request carries, if any. The part is
    ///     digested with the upload's algorithm, else with this one, so a value the client sends is
    ///     always verified.
    ///   - caller: who uploads; an SSE-KMS upload needs their `kms:Decrypt` on the key.
    /// - Throws: `InvalidRequest` when the part names a different algorithm than the upload was
    ///   created with (S3: "Checksum Type mismatch occurred").
    public func beginPartUpload(
        bucket: String, key: String, uploadID: String, partNumber: Int, checksum: ChecksumAlgorithm? = nil, caller: KeyCaller? = nil
    ) throws -> (ObjectUpload, UploadInfo) {
        guard (1...MetadataIndex.maximumPartNumber).contains(partNumber) else {
            throw TarnError(.invalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
        }
        let upload = try self.upload(uploadID, bucket: bucket, key: key)
        let uploadAlgorithm = upload.attributes.checksum?.algorithm
        if let uploadAlgorithm, let checksum, checksum != uploadAlgorithm {
            throw TarnError(
                .invalidRequest,
                "Checksum Type mismatch occurred, expected checksum Type: \(uploadAlgorithm.rawValue.lowercased()), actual checksum Type: \(checksum.rawValue.lowercased())")
        }
        let dataKey = try upload.attributes.encryption.map { try objectKey($0, caller: caller) }
        let (writer, placement) = try newBlobWriter(placement: upload.attributes.placement, dataKey: dataKey)
        return (ObjectUpload(store: self, bucket: bucket, writer: writer, algorithm: uploadAlgorithm ?? checksum, placement: placement), upload)
    }

    /// Completes an upload from the listed parts (CompleteMultipartUpload).
    public func completeMultipartUpload(
        bucket: String, key: String, uploadID: String, parts: [CompletedPart], condition: WriteCondition? = nil
    ) async throws -> ObjectInfo {
        let date = now()
        let (object, replaced) = try await index.completeUpload(
            uploadID: uploadID, bucket: bucket, key: key, parts: parts, at: date, condition: condition
        ) { upload, chosen in
            guard let etag = ETag.multipart(partETags: chosen.map(\.etag)) else {
                throw TarnError(.internal, "stored part ETag is not an MD5")
            }
            var attributes = upload.attributes
            attributes.partSizes = chosen.map(\.size)
            attributes.checksum = nil
            if let algorithm = upload.attributes.checksum?.algorithm {
                let partChecksums = chosen.compactMap(\.checksum)
                if partChecksums.count == chosen.count {
                    attributes.partChecksums = partChecksums
                    attributes.checksum = Self.compositeChecksum(algorithm: algorithm, partChecksums: partChecksums)
                }
            }
            return ObjectInfo(
                bucket: bucket, key: key, size: chosen.reduce(0) { $0 + $1.size }, etag: etag, lastModified: date, attributes: attributes,
                segments: chosen.map { Segment(blob: $0.blob, size: $0.size) })
        }
        scheduleSweep()
        _ = replaced
        events.publish(name: "ObjectCreated:CompleteMultipartUpload", bucket: bucket, key: key, size: object.size, etag: object.etag, time: date)
        return object
    }

    /// S3's composite checksum: the algorithm applied to the concatenated raw part checksums,
    /// base64-encoded, with `-N` appended (docs: "Using part-level checksums for multipart uploads").
    static func compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: [String]) -> ObjectChecksum? {
        var running = RunningChecksum(algorithm)
        for part in partChecksums {
            guard let raw = Data(base64Encoded: part) else { return nil }
            running.update(Array(raw))
        }
        return ObjectChecksum(algorithm: algorithm, value: running.finalize().base64 + "-\(partChecksums.count)", type: .composite)
    }

    /// Aborts an upload and deletes its parts.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        try await index.abortUpload(uploadID: uploadID, bucket: bucket, key: key)
        scheduleSweep()
    }
}

extension ObjectUpload {
    /// Makes this part durable and records it (UploadPart). Returns the part's metadata.
    public func commitPart(key: String, uploadID: String, partNumber: Int, expected: ExpectedDigests = ExpectedDigests()) async throws -> PartInfo {
        let (md5, size, checksum) = try await seal(expected: expected)
        let part = PartInfo(number: partNumber, size: size, etag: ETag.single(md5: md5), lastModified: store.now(), checksum: checksum?.value, blob: writer.id)
        do {
            try await store.index.putPart(part, uploadID: uploadID, bucket: bucket, key: key)
        } catch {
            writer.abort()
            throw error
        }
        store.scheduleSweep()
        return part
    }
}
