import TarnCore

/// Identifies an immutable blob of bytes in a `BlobStore`.
public struct BlobID: Hashable, Sendable, CustomStringConvertible {
    /// The id's text: lowercase hex, safe as a file name.
    public let rawValue: String

    /// Wraps an id read back from metadata; nil when it is not a well-formed id (never a path).
    public init?(_ rawValue: String) {
        guard rawValue.utf8.count == 32, rawValue.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            return nil
        }
        self.rawValue = rawValue
    }

    private init(unchecked: String) { rawValue = unchecked }

    /// A fresh random id: 16 random bytes as hex.
    public static func random() -> BlobID { BlobID(unchecked: Identifiers.randomHex(byteCount: 16, uppercase: false)) }

    /// The id's text.
    public var description: String { rawValue }
}

/// Where object bytes live. Blobs are written once, made durable, then only read or deleted;
/// metadata (which blob belongs to which key) lives elsewhere, so a store needs no rename or
/// listing semantics and a remote S3-compatible store can implement it later.
public protocol BlobStore: Sendable {
    /// Starts a new blob with a fresh id.
    func create() throws -> any BlobWriter
    /// Opens an existing blob for reading.
    /// - Throws: `TarnError(.notFound)` when it does not exist.
    func open(_ id: BlobID) throws -> any BlobReader
    /// Deletes a blob; deleting a missing blob is not an error.
    func delete(_ id: BlobID) throws
    /// Deletes many blobs at once (garbage sweeps); missing ones are not an error.
    func delete(_ ids: [BlobID]) async throws
    /// Every blob id present, with its age in seconds (for garbage collection).
    func inventory() throws -> [(id: BlobID, ageSeconds: Double)]
    /// Bytes used by a blob on the medium.
    func storedSize(_ id: BlobID) -> Int64?
}

extension BlobStore {
    /// Deletes blobs one by one; stores that can batch deletions override this.
    public func delete(_ ids: [BlobID]) async throws {
        for id in ids { try delete(id) }
    }
}

/// Appends bytes to a new blob; `finish` makes it durable.
public protocol BlobWriter: Sendable {
    /// The new blob's id.
    var id: BlobID { get }
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Flushes the blob and its directory entry to stable storage.
    func finish() async throws
    /// Abandons the blob and removes what was written.
    func abort()
}

/// Random-access reads of one blob.
public protocol BlobReader: Sendable {
    /// The blob's size in bytes.
    var size: Int64 { get }
    /// Reads up to `buffer.count` bytes at `offset`; returns the count read (0 at end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
}
