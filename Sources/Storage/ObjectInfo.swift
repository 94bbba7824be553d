import Foundation

/// One stored piece of an object's bytes: a blob and how many bytes of it belong to the object.
public struct Segment: Sendable, Equatable {
    /// The blob holding the bytes.
    public var blob: BlobID
    /// Its length in bytes.
    public var size: Int64

    /// Creates a segment.
    public init(blob: BlobID, size: Int64) {
        self.blob = blob
        self.size = size
    }
}

/// The standard HTTP representation headers S3 stores with an object and returns on GET/HEAD.
public struct StandardHeaders: Sendable, Codable, Equatable {
    /// `Content-Type`.
    public var contentType: String?
    /// `Content-Encoding`.
    public var contentEncoding: String?
    /// `Content-Disposition`.
    public var contentDisposition: String?
    /// `Content-Language`.
    public var contentLanguage: String?
    /// `Cache-Control`.
    public var cacheControl: String?
    /// `Expires`, as sent.
    public var expires: String?

    /// Creates a header set.
    public init(
        contentType: String? = nil, contentEncoding: String? = nil, contentDisposition: String? = nil,
        contentLanguage: String? = nil, cacheControl: String? = nil, expires: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.contentDisposition = contentDisposition
        self.contentLanguage = contentLanguage
        self.cacheControl = cacheControl
        self.expires = expires
    }
}

/// A tag on an object or bucket.
public struct Tag: Sendable, Codable, Equatable {
    /// Tag key (1–128 Unicode characters).
    public var key: String
    /// Tag value (0–256 Unicode characters).
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Everything a client sets on an object besides its bytes: what PUT, copy and
/// CreateMultipartUpload carry in headers.
public struct ObjectAttributes: Sendable, Codable, Equatable {
    /// Content-Type and the other representation headers.
    public var headers: StandardHeaders
    /// `x-amz-meta-*` pairs, names lowercased without the prefix, in sorted order.
    public var userMetadata: [String: String]
    /// Object tags (`x-amz-tagging`).
    public var tags: [Tag]
    /// `x-amz-storage-class`.
    public var storageClass: String
    /// The additional checksum stored with the object, if any.
    public var checksum: ObjectChecksum?
    /// For multipart objects, the number of parts and each part's size (for `?partNumber=` GETs).
    public var partSizes: [Int64]?
    /// For multipart objects, each part's checksum (composite checksums are checksums of these).
    public var partChecksums: [String]?
    /// How the object's bytes are encrypted at rest (nil: stored as sent).
    public var encryption: StoredEncryption?
    /// Which tier the blobs are on and whether they are compressed; nil: standard, as sent.
    public var placement: BlobPlacement? = nil
    /// The restore of an archived (GLACIER, DEEP_ARCHIVE) object, if one was requested.
    public var restore: RestoreStatus? = nil

    /// Creates attributes.
    public init(
        headers: StandardHeaders = StandardHeaders(), userMetadata: [String: String] = [:], tags: [Tag] = [],
        storageClass: String = "STANDARD", checksum: ObjectChecksum? = nil, partSizes: [Int64]? = nil,
        partChecksums: [String]? = nil, encryption: StoredEncryption? = nil
    ) {
        self.headers = headers
        self.userMetadata = userMetadata
        self.tags = tags
        self.storageClass = storageClass
        self.checksum = checksum
        self.partSizes = partSizes
        self.partChecksums = partChecksums
        self.encryption = encryption
    }
}

/// The metadata of one stored object.
public struct ObjectInfo: Sendable, Equatable {
    /// Bucket name.
    public var bucket: String
    /// Object key.
    public var key: String
    /// Length in bytes.
    public var size: Int64
    /// Unquoted ETag (see `ETag`).
    public var etag: String
    /// When the object was last written, to the millisecond.
    public var lastModified: Date
    /// Headers, metadata, tags, class, checksums.
    public var attributes: ObjectAttributes
    /// Where the bytes are, in order.
    public var segments: [Segment]

    /// Creates object metadata.
    public init(bucket: String, key: String, size: Int64, etag: String, lastModified: Date, attributes: ObjectAttributes, segments: [Segment]) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.attributes = attributes
        self.segments = segments
    }
}

/// A bucket's metadata.
public struct BucketInfo: Sendable, Equatable {
    /// Bucket name.
    public var name: String
    /// Creation time.
    public var created: Date
    /// The region it was created in.
    public var region: String
}
