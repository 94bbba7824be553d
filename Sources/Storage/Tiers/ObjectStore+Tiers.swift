import Crypto
import Foundation
import Keys
import TarnCore

extension ObjectStore {
    /// A writer for a new blob with `placement` (nil: the standard tier, uncompressed),
    /// encrypting with `dataKey` when there is one.
    ///
    /// Compressed and encrypted blobs are written plaintext → compressed chunks → AES-GCM chunks
    /// → file when the placement says `compressedBeforeEncryption` (every new blob; see
    /// `BlobPlacement.forNewBlobs`), and plaintext → AES-GCM → compressed chunks for blobs of
    /// uploads begun before that existed, so every part of one object has one layout.
    /// - Returns: the writer and the placement to record in the object's attributes.
    func newBlobWriter(placement: BlobPlacement?, dataKey: SymmetricKey? = nil) throws -> (any BlobWriter, BlobPlacement?) {
        guard let placement else {
            let raw = try blobs.create()
            return (try encrypting(raw, dataKey), nil)
        }
        let raw = try tiers.store(tier: placement.tier).create()
        guard placement.compressed else { return (try encrypting(raw, dataKey), placement) }
        if dataKey != nil && placement.compressedBeforeEncryption == true {
            return (CompressingBlobWriter(inner: try encrypting(raw, dataKey)), placement)
        }
        return (try encrypting(CompressingBlobWriter(inner: raw), dataKey), placement)
    }

    /// `inner` wrapped in an encrypting writer when there is a data key.
    private func encrypting(_ inner: any BlobWriter, _ dataKey: SymmetricKey?) throws -> any BlobWriter {
        guard let dataKey else { return inner }
        do {
            return try EncryptingBlobWriter(inner: inner, dataKey: dataKey)
        } catch {
            inner.abort()
            throw error
        }
    }

    /// Opens one of an object's blobs where its placement says it is (still encrypted, if it is).
    func openBlob(_ segment: Segment, placement: BlobPlacement?, inlineBlob: [UInt8]? = nil) throws -> any BlobReader {
        let raw = try storedBlob(segment, placement: placement, inlineBlob: inlineBlob)
        return placement?.compressed == true ? try DecompressingBlobReader(inner: raw, blob: segment.blob) : raw
    }

    /// A blob's bytes as stored (compressed and encrypted as its placement says): the bytes read
    /// with the object's row when given (see `MetadataIndex.objectForReading`), else its tier's.
    func storedBlob(_ segment: Segment, placement: BlobPlacement?, inlineBlob: [UInt8]? = nil) throws -> any BlobReader {
        if let inlineBlob { return MemoryBlobReader(bytes: inlineBlob) }
        guard let placement else { return try blobs.open(segment.blob) }
        return try tiers.store(tier: placement.tier).open(segment.blob)
    }

    /// Opens every segment of `info`; nil when a blob vanished because the object was replaced
    /// meanwhile (the caller re-reads the metadata).
    /// - Parameter inlineBlob: the only segment's stored bytes, when read with the row.
    func openReader(_ info: ObjectInfo, caller: KeyCaller? = nil, inlineBlob: [UInt8]? = nil) throws -> ObjectReader? {
        do {
            return ObjectReader(info: info, segments: try openSegments(info, caller: caller, inlineBlob: inlineBlob))
        } catch let error as TarnError where error.code == .notFound {
            return nil
        }
    }

    /// Throws `InvalidObjectState` (403) for an archived object that is not restored now, as
    /// S3 answers GET and CopyObject of a GLACIER or DEEP_ARCHIVE object.
    public func requireReadable(_ info: ObjectInfo) throws {
        guard let storageClass = StorageClass(rawValue: info.attributes.storageClass), storageClass.requiresRestore else { return }
        if let restore = info.attributes.restore, restore.isReadable(at: clock.now()) { return }
        throw TarnError(
            .invalidObjectState, "The operation is not valid for the object's storage class",
            details: [TarnError.Detail("StorageClass", storageClass.rawValue)])
    }

    /// Moves an object's bytes to the tier of `target` and records the new class — the
    /// lifecycle transition. Crash-safe by construction: the bytes are copied to a new blob in the
    /// target tier (checked against the object's stored checksum) and made durable, then one
    /// metadata commit points the object at the new blob and queues the old one as garbage. A
    /// crash before the commit leaves the object untouched (and an orphan blob for start-up
    /// collection); after it, the object is whole in its new tier.
    ///
    /// The object keeps its ETag and Last-Modified (S3 does not change either on a transition);
    /// a pending restore is dropped with the old class.
    /// - Parameters:
    ///   - expected: the object as the caller saw it; when it was overwritten or deleted since,
    ///     nothing happens.
    ///   - target: the new storage class.
    /// - Returns: the object after the transition, or nil when it changed meanwhile.
    @discardableResult
    public func transition(_ expected: ObjectInfo, to target: StorageClass) async throws -> ObjectInfo? {
        guard let source = try openReader(expected) else { return nil }
        // The moved bytes stay encrypted under the object's own data key.
        let dataKey = try expected.attributes.encryption.map { try objectKey($0, caller: nil) }
        let placement = tiers.placement(for: target)?.forNewBlobs(encrypted: dataKey != nil)
        let (writer, _) = try newBlobWriter(placement: placement, dataKey: dataKey)
        do {
            try await copyVerified(from: source, into: writer)
            try await writer.finish()
        } catch {
            writer.abort()
            throw error
        }
        var moved = expected
        moved.attributes.storageClass = target.rawValue
        moved.attributes.placement = placement
        moved.attributes.restore = nil
        moved.attributes.partSizes = expected.attributes.partSizes
        moved.segments = [Segment(blob: writer.id, size: expected.size)]
        let committed: Bool
        do {
            committed = try await index.committer.commit { [moved] tx in
                guard let current = try MetadataIndex.object(tx, bucket: expected.bucket, key: expected.key),
                    current.etag == expected.etag, current.lastModified == expected.lastModified, current.segments == expected.segments
                else { return false }
                try MetadataIndex.upsert(tx, moved, replacing: current)
                return true
            }
        } catch {
            writer.abort()
            throw error
        }
        guard committed else {
            writer.abort()
            return nil
        }
        scheduleSweep()
        return moved
    }

    /// Copies an object's bytes into `writer` in 1 MiB pieces, recomputing its stored
    /// full-object checksum (or, without one, its single-part MD5 ETag) and refusing to continue
    /// when the bytes read back differ from what was stored.
    func copyVerified(from reader: ObjectReader, into writer: any BlobWriter) async throws {
        let info = reader.info
        let fullObject = info.attributes.checksum.flatMap { $0.type == .fullObject ? $0 : nil }
        var digester = ObjectDigester(algorithm: fullObject?.algorithm)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while offset < info.size {
            let count = Int(min(Int64(buffer.count), info.size - offset))
            let got = try buffer.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: offset) }
            guard got == count else {
                throw TarnError(.corrupt, "object \(info.bucket)/\(info.key): expected \(count) bytes at \(offset), read \(got)")
            }
            try buffer.withUnsafeBytes { piece in
                let slice = UnsafeRawBufferPointer(rebasing: piece[0..<count])
                try writer.write(slice)
                digester.update(slice)
            }
            offset += Int64(count)
        }
        let (md5, checksum) = digester.finalize()
        if let fullObject, let checksum, checksum.base64 != fullObject.value {
            throw TarnError(.corrupt, "object \(info.bucket)/\(info.key): \(fullObject.algorithm.rawValue) of the stored bytes is \(checksum.base64), metadata says \(fullObject.value)")
        }
        if fullObject == nil, !info.etag.contains("-"), ETag.single(md5: md5) != info.etag {
            throw TarnError(.corrupt, "object \(info.bucket)/\(info.key): MD5 of the stored bytes is \(ETag.single(md5: md5)), its ETag is \(info.etag)")
        }
    }
}
