import Dispatch
import Parquet
import Storage
import Synchronization
import TarnCore

/// What a run wrote, as the commit records it: a file staged as a one-part multipart upload,
/// invisible to listings until the publish step completes it.
public struct StagedFile: Sendable, Codable, Equatable {
    /// What the file holds.
    public enum Kind: String, Sendable, Codable {
        /// Cleansed rows (Parquet).
        case data
        /// Rejected rows (JSON Lines).
        case quarantine
        /// The run manifest (JSON).
        case manifest
    }

    /// What the file holds.
    public var kind: Kind
    /// Destination bucket.
    public var bucket: String
    /// Destination key.
    public var key: String
    /// The multipart upload holding the bytes until publish.
    public var uploadID: String
    /// ETag the object will have once published (the multipart ETag of its one part).
    public var etag: String
    /// Bytes.
    public var size: Int64
    /// Rows (data and quarantine files).
    public var rows: Int64
    /// Hive partition path (`year=2024/month=1/day=5`), for data files of partitioned tables.
    public var partition: String?
}

/// Runs async object-store calls from the pipeline's own threads.
///
/// The pipeline stages are dedicated threads (CPU-bound loops must not occupy Swift's
/// cooperative pool, which has one thread per core), and a few store calls they make per file
/// (create an upload, commit a part) are async. Blocking a dedicated thread on a semaphore while
/// the call runs elsewhere is safe; blocking a cooperative thread would not be, so this is only
/// called from `PipelineThread`s. The call runs on `BackgroundExecutor`, not on the global
/// executor: in `tarn server` that is the event loops, which must not wait for a part's fsync.
enum Blocking {
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task(executorPreference: BackgroundExecutor.shared) {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            semaphore.signal()
        }
        semaphore.wait()
        return try result.withLock { $0! }.get()
    }
}

/// One file being written into a one-part multipart upload through a 1 MiB buffer.
final class StagedUpload {
    let kind: StagedFile.Kind
    let bucket: String
    let key: String
    let uploadID: String
    let partition: String?
    private let store: ObjectStore
    private let upload: ObjectUpload
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 20
    /// Bytes written so far (buffered included).
    private(set) var size: Int64 = 0
    /// Rows the caller says the file holds.
    var rows: Int64 = 0

    /// Creates the multipart upload and opens part 1, as the run's identity: S3 authorizes
    /// CreateMultipartUpload as `s3:PutObject` on the key, and an SSE-KMS data key is
    /// generated for (and its part encrypted by) the same caller.
    init(context: RunContext, kind: StagedFile.Kind, bucket: String, key: String, partition: String?, contentType: String, metadata: [String: String]) throws {
        let store = context.store, caller = context.access.keyCaller
        try context.access.authorize(.write, bucket: bucket, key: key)
        let attributes = ObjectAttributes(headers: StandardHeaders(contentType: contentType), userMetadata: metadata)
        let uploadID = try Blocking.wait { try await store.createMultipartUpload(bucket: bucket, key: key, attributes: attributes, caller: caller) }
        let (upload, _) = try store.beginPartUpload(bucket: bucket, key: key, uploadID: uploadID, partNumber: 1, caller: caller)
        self.store = store
        self.kind = kind
        self.bucket = bucket
        self.key = key
        self.uploadID = uploadID
        self.partition = partition
        self.upload = upload
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try upload.write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        size += Int64(bytes.count)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try upload.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Makes the part durable and records it; the object stays invisible until published.
    func finish() throws -> StagedFile {
        try flush()
        let upload = self.upload, bucket = self.bucket, key = self.key, uploadID = self.uploadID
        let part = try Blocking.wait { try await upload.commitPart(key: key, uploadID: uploadID, partNumber: 1) }
        guard let etag = ETag.multipart(partETags: [part.etag]) else { throw TarnError(.internal, "part ETag \(part.etag) of \(bucket)/\(key) is not an MD5") }
        return StagedFile(kind: kind, bucket: bucket, key: key, uploadID: uploadID, etag: etag, size: part.size, rows: rows, partition: partition)
    }

    /// Abandons the part being written (the upload itself is aborted by recovery or cleanup).
    func abandon() { upload.abort() }
}

/// `ByteSink` for the Parquet writer over a `StagedUpload`.
struct UploadSink: ByteSink {
    let target: StagedUpload
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { try target.write(bytes) }
}
