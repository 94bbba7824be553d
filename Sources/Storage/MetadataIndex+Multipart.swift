import Foundation
import TarnCore

/// An in-progress multipart upload.
public struct UploadInfo: Sendable, Equatable {
    /// The upload id.
    public var uploadID: String
    /// Destination bucket.
    public var bucket: String
    /// Destination key.
    public var key: String
    /// When CreateMultipartUpload ran.
    public var initiated: Date
    /// Attributes the completed object will carry.
    public var attributes: ObjectAttributes
}

/// One uploaded part.
public struct PartInfo: Sendable, Equatable {
    /// Part number, 1–10,000.
    public var number: Int
    /// Bytes.
    public var size: Int64
    /// Unquoted hex MD5.
    public var etag: String
    /// When it was uploaded.
    public var lastModified: Date
    /// Base64 checksum of the part in the upload's algorithm, if any.
    public var checksum: String?
    /// Where its bytes are.
    public var blob: BlobID
}

/// A part as listed in a CompleteMultipartUpload request.
public struct CompletedPart: Sendable, Equatable {
    /// Part number.
    public var number: Int
    /// ETag the client recorded (quotes allowed).
    public var etag: String
    /// Checksum the client recorded, if any.
    public var checksum: String?

    /// Creates a completed-part entry.
    public init(number: Int, etag: String, checksum: String? = nil) {
        self.number = number
        self.etag = etag
        self.checksum = checksum
    }
}

/// A precondition on a write (S3 conditional writes).
public enum WriteCondition: Sendable, Equatable {
    /// `If-None-Match: *`: only create, never overwrite.
    case ifNoneMatchAny
    /// `If-Match: etag`: only overwrite this exact version.
    case ifMatch(String)

    func check(existing: ObjectInfo?) throws {
        switch self {
        case .ifNoneMatchAny:
            if existing != nil { throw TarnError(.preconditionFailed, "At least one of the pre-conditions you specified did not hold") }
        case .ifMatch(let etag):
            guard let existing else { throw TarnError(.noSuchKey, "The specified key does not exist.") }
            if etag != "*" && ETag.unquoted(etag) != existing.etag {
                throw TarnError(.preconditionFailed, "At least one of the pre-conditions you specified did not hold")
            }
        }
    }
}

extension MetadataIndex {
    /// S3's smallest allowed part, except for the last one: 5 MiB.
    public static let minimumPartSize: Int64 = 5 * 1024 * 1024
    /// S3's highest part number.
    public static let maximumPartNumber = 10_000

    /// Records a new multipart upload.
    public func createUpload(_ upload: UploadInfo) async throws {
        try await committer.commit { tx in
            try Self.requireBucket(tx, upload.bucket)
            try tx.query(
                "INSERT INTO uploads (upload_id, bucket, key, initiated_ms, attributes) VALUES (?, ?, ?, ?, ?)",
                [upload.uploadID, upload.bucket, Self.keyBytes(upload.key), Self.milliseconds(upload.initiated), try Self.encode(upload.attributes)])
        }
    }

    /// The upload, if it exists for this bucket and key.
    public func upload(_ uploadID: String, bucket: String, key: String) throws -> UploadInfo? {
        try reader.query("SELECT * FROM uploads WHERE upload_id = ?", [uploadID]).first.flatMap { row in
            let upload = try Self.uploadInfo(row)
            return upload.bucket == bucket && upload.key == key ? upload : nil
        }
    }

    static func uploadInfo(_ row: SQLiteRow) throws -> UploadInfo {
        UploadInfo(
            uploadID: row["upload_id"].string ?? "", bucket: row["bucket"].string ?? "",
            key: String(decoding: row["key"].bytes ?? [], as: UTF8.self),
            initiated: date(milliseconds: row["initiated_ms"].int ?? 0),
            attributes: try decodeAttributes(row["attributes"].string))
    }

    static func requireUpload(_ tx: borrowing SQLiteTransaction, _ uploadID: String, bucket: String, key: String) throws -> UploadInfo {
        guard let row = try tx.query("SELECT * FROM uploads WHERE upload_id = ?", [uploadID]).first,
            case let upload = try uploadInfo(row), upload.bucket == bucket, upload.key == key
        else {
            throw TarnError(
                .noSuchUpload,
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
        }
        return upload
    }

    /// Records an uploaded part, replacing (and garbage-collecting) an earlier part with its number.
    public func putPart(_ part: PartInfo, uploadID: String, bucket: String, key: String) async throws {
        try await committer.commit { tx in
            _ = try Self.requireUpload(tx, uploadID, bucket: bucket, key: key)
            if let old = try tx.query("SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?", [uploadID, part.number]).first,
                let blob = old["blob"].string.flatMap(BlobID.init)
            {
                try Self.addGarbage(tx, blob)
            }
            try tx.query(
                "INSERT OR REPLACE INTO parts (upload_id, part_number, size, etag, modified_ms, checksum, blob) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [uploadID, part.number, part.size, part.etag, Self.milliseconds(part.lastModified), part.checksum, part.blob.rawValue])
        }
    }

    /// The parts of an upload in part-number order, starting after `marker`.
    public func parts(uploadID: String, after marker: Int = 0, limit: Int = 10_000) throws -> [PartInfo] {
        try reader.query(
            "SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?", [uploadID, marker, limit]
        ).map(Self.partInfo)
    }

    static func partInfo(_ row: SQLiteRow) throws -> PartInfo {
        guard let blob = row["blob"].string.flatMap(BlobID.init) else { throw TarnError(.corrupt, "part row without a valid blob id") }
        return PartInfo(
            number: Int(row["part_number"].int ?? 0), size: row["size"].int ?? 0, etag: row["etag"].string ?? "",
            lastModified: date(milliseconds: row["modified_ms"].int ?? 0), checksum: row["checksum"].string, blob: blob)
    }

    /// Completes an upload: validates the part list, creates the object from the parts' blobs,
    /// and removes the upload. Unused parts become garbage.
    /// - Throws: `NoSuchUpload`, `InvalidPartOrder`, `InvalidPart`, `EntityTooSmall`,
    ///   `PreconditionFailed`.
    public func completeUpload(
        uploadID: String, bucket: String, key: String, parts requested: [CompletedPart], at date: Date,
        condition: WriteCondition?, makeObject: @escaping @Sendable (UploadInfo, [PartInfo]) throws -> ObjectInfo
    ) async throws -> (object: ObjectInfo, replaced: ObjectInfo?) {
        try await committer.commit { tx in
            let upload = try Self.requireUpload(tx, uploadID, bucket: bucket, key: key)
            guard !requested.isEmpty else {
                throw TarnError(.malformedXML, "The XML you provided was not well-formed or did not validate against our published schema.")
            }
            let stored = try tx.query("SELECT * FROM parts WHERE upload_id = ?", [uploadID]).map(Self.partInfo)
            let byNumber = Dictionary(stored.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
            // Order is checked over the whole list first, as S3 reports it before part problems.
            for (previous, next) in zip(requested, requested.dropFirst()) where next.number <= previous.number {
                throw TarnError(.invalidPartOrder, "The list of parts was not in ascending order. Parts must be ordered by part number.")
            }
            var chosen: [PartInfo] = []
            for (index, entry) in requested.enumerated() {
                guard let part = byNumber[entry.number], part.etag == ETag.unquoted(entry.etag) else {
                    throw TarnError(
                        .invalidPart,
                        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part \(entry.number))"
                    )
                }
                if let sent = entry.checksum, let have = part.checksum, sent != have {
                    throw TarnError(.invalidPart, "The checksum of part \(entry.number) does not match the uploaded part.")
                }
                if index < requested.count - 1 && part.size < Self.minimumPartSize {
                    throw TarnError(
                        .entityTooSmall,
                        "Your proposed upload is smaller than the minimum allowed object size. (part \(entry.number) is \(part.size) bytes; all parts but the last must be at least \(Self.minimumPartSize))"
                    )
                }
                chosen.append(part)
            }
            let existing = try Self.object(tx, bucket: bucket, key: key)
            try condition?.check(existing: existing)
            let object = try makeObject(upload, chosen)
            try Self.upsert(tx, object, replacing: existing)
            let used = Set(chosen.map(\.blob))
            for part in stored where !used.contains(part.blob) { try Self.addGarbage(tx, part.blob) }
            try tx.query("DELETE FROM parts WHERE upload_id = ?", [uploadID])
            try tx.query("DELETE FROM uploads WHERE upload_id = ?", [uploadID])
            return (object, existing)
        }
    }

    /// Aborts an upload, queueing its parts' blobs for deletion.
    public func abortUpload(uploadID: String, bucket: String, key: String) async throws {
        try await committer.commit { tx in
            _ = try Self.requireUpload(tx, uploadID, bucket: bucket, key: key)
            for row in try tx.query("SELECT blob FROM parts WHERE upload_id = ?", [uploadID]) {
                if let blob = row["blob"].string.flatMap(BlobID.init) { try Self.addGarbage(tx, blob) }
            }
            try tx.query("DELETE FROM parts WHERE upload_id = ?", [uploadID])
            try tx.query("DELETE FROM uploads WHERE upload_id = ?", [uploadID])
        }
    }

    /// In-progress uploads of a bucket, ordered by key then initiation time, after the markers.
    public func uploads(bucket: String, prefix: String, keyMarker: String?, uploadIDMarker: String?, limit: Int) throws -> [UploadInfo] {
        let all = try reader.query("SELECT * FROM uploads WHERE bucket = ? ORDER BY key, upload_id", [bucket]).map(Self.uploadInfo)
        var result: [UploadInfo] = []
        for upload in all where upload.key.hasPrefix(prefix) {
            if let keyMarker {
                let key = Array(upload.key.utf8), marker = Array(keyMarker.utf8)
                if key.lexicographicallyPrecedes(marker) { continue }
                if key == marker {
                    // Same key: only uploads after the upload-id marker (or none, without one).
                    guard let uploadIDMarker, upload.uploadID > uploadIDMarker else { continue }
                }
            }
            result.append(upload)
            if result.count >= limit { break }
        }
        return result
    }
}
