import Foundation
import Storage

/// What every part of one run shares: names, the store, the identity it acts as and the fault hook.
struct RunContext: Sendable {
    /// The job's name.
    let job: String
    /// The run's id (unique per attempt; names the manifest).
    let runID: String
    /// The batch id: a digest of the job and the planned source objects. Output keys are named
    /// by it, so a run retried after a crash writes exactly the same keys with the same bytes.
    let batchID: String
    /// The object store.
    let store: ObjectStore
    /// Who the run acts as: every store call is authorized with it first, and its key caller
    /// is what SSE-KMS sees.
    let access: any ObjectAccess
    /// Crash-test hook.
    let faults: FaultInjector

    /// User metadata on every object the run writes.
    var objectMetadata: [String: String] { ["tarn-job": job, "tarn-batch": batchID] }
}

/// A source object as a run plans it.
public struct SourceObject: Sendable, Codable, Equatable, Hashable {
    /// Bucket.
    public var bucket: String
    /// Key.
    public var key: String
    /// ETag when listed: a changed object (same key, new ETag) is new input.
    public var etag: String
    /// Size in bytes.
    public var size: Int64

    /// Creates a source object record.
    public init(bucket: String, key: String, etag: String, size: Int64) {
        self.bucket = bucket
        self.key = key
        self.etag = etag
        self.size = size
    }

    /// `s3://bucket/key`.
    public var uri: String { "s3://\(bucket)/\(key)" }
}

/// Row accounting for one source object: `rowsRead = rowsWritten + rowsQuarantined + rowsDuplicate`.
public struct ObjectCounts: Sendable, Codable, Equatable {
    /// Data rows in the object (header and blank lines excluded).
    public var rowsRead: Int64 = 0
    /// Rows written to the cleansed table.
    public var rowsWritten: Int64 = 0
    /// Rows rejected (to quarantine).
    public var rowsQuarantined: Int64 = 0
    /// Valid rows dropped as duplicates (of an earlier row of the run or of the table).
    public var rowsDuplicate: Int64 = 0
    /// Bytes of the object as stored.
    public var bytesRead: Int64 = 0
    /// Whether it was gzip-compressed.
    public var gzip: Bool = false

    /// Creates zero counts.
    public init() {}

    /// Whether every row is accounted for.
    public var balanced: Bool { rowsRead == rowsWritten + rowsQuarantined + rowsDuplicate }

    /// Adds `other` into these counts.
    public mutating func add(_ other: ObjectCounts) {
        rowsRead += other.rowsRead
        rowsWritten += other.rowsWritten
        rowsQuarantined += other.rowsQuarantined
        rowsDuplicate += other.rowsDuplicate
        bytesRead += other.bytesRead
    }
}
