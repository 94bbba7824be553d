import Foundation
import Keys
import TarnCore

extension ObjectStore {
    /// Copies `range` (or all) of an object into a new upload, in 1 MiB pieces.
    func copyBytes(from reader: ObjectReader, range: Range<Int64>, into upload: ObjectUpload) async throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = range.lowerBound
        while offset < range.upperBound {
            let count = Int(min(Int64(buffer.count), range.upperBound - offset))
            let got = try buffer.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: offset) }
            guard got == count else { throw TarnError(.corrupt, "copy source \(reader.info.bucket)/\(reader.info.key) ended early at \(offset)") }
            try buffer.withUnsafeBytes { try upload.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            offset += Int64(count)
            // A copy has no network reads to wait for: without a suspension point a 5 GB
            // CopyObject would hold its thread (in `tarn server`, an event loop and all of
            // its connections) for seconds. One yield per MiB bounds that to a few ms.
            await Task.yield()
        }
    }

    /// CopyObject: copies the source's bytes to a new object.
    /// - Parameters:
    ///   - attributes: the destination's attributes; nil keeps the source's (`x-amz-metadata-directive: COPY`).
    ///   - sourceConditions: `x-amz-copy-source-if-*` conditions on the source.
    /// - Throws: `InvalidRequest` when copying an object onto itself without changing anything.
    public func copyObject(
        sourceBucket: String, sourceKey: String, bucket: String, key: String, attributes: ObjectAttributes?,
        sourceConditions: ReadConditions = ReadConditions(), condition: WriteCondition? = nil, checksum: ChecksumAlgorithm? = nil,
        encryption: ServerSideEncryption? = nil, caller: KeyCaller? = nil
    ) async throws -> ObjectInfo {
        let reader = try open(bucket: sourceBucket, key: sourceKey, caller: caller)
        try sourceConditions.check(reader.info, notModifiedAsFailure: true)
        if sourceBucket == bucket && sourceKey == key && attributes == nil && encryption == nil {
            throw TarnError(
                .invalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        var target = attributes ?? reader.info.attributes
        target.partSizes = nil
        target.partChecksums = nil
        let algorithm = checksum ?? reader.info.attributes.checksum?.algorithm ?? .crc64nvme
        let upload = try beginUpload(
            bucket: bucket, checksum: algorithm, key: key, encryption: encryption, caller: caller, storageClass: try StorageClass(header: target.storageClass))
        do {
            try await copyBytes(from: reader, range: 0..<reader.info.size, into: upload)
        } catch {
            upload.abort()
            throw error
        }
        return try await upload.commit(key: key, attributes: target, condition: condition, eventName: "ObjectCreated:Copy")
    }

    /// UploadPartCopy: copies a range of an object into a part of a multipart upload.
    public func uploadPartCopy(
        sourceBucket: String, sourceKey: String, range: ByteRangeRequest?, bucket: String, key: String, uploadID: String, partNumber: Int,
        sourceConditions: ReadConditions = ReadConditions(), caller: KeyCaller? = nil
    ) async throws -> PartInfo {
        let reader = try open(bucket: sourceBucket, key: sourceKey, caller: caller)
        try sourceConditions.check(reader.info, notModifiedAsFailure: true)
        let byteRange: Range<Int64>
        if let range {
            // S3 requires the copy range to lie within the source (InvalidRange otherwise).
            byteRange = try range.resolve(size: reader.info.size)
            if case .fromStart(_, let last?) = range, last >= reader.info.size {
                throw TarnError(.invalidRange, "The requested range is not satisfiable (bytes up to \(last) of \(reader.info.size))")
            }
        } else {
            byteRange = 0..<reader.info.size
        }
        let (upload, _) = try beginPartUpload(bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, caller: caller)
        do {
            try await copyBytes(from: reader, range: byteRange, into: upload)
        } catch {
            upload.abort()
            throw error
        }
        return try await upload.commitPart(key: key, uploadID: uploadID, partNumber: partNumber)
    }
}
