import Foundation
import Keys
import Logging
import Synchronization
import TarnCore

/// S3's object model over a `BlobStore` and a `MetadataIndex`: the API the server and every
/// internal component (jobs, streams, queries) use to read and write objects.
public final class ObjectStore: Sendable {
    /// The metadata index.
    public let index: MetadataIndex
    /// Where the bytes live: `tiers`, seen as one store.
    public let blobs: any BlobStore
    /// The storage tiers and how storage classes map onto them.
    public let tiers: TieredBlobStore
    /// How long restores of archived objects take.
    public let restoreDelays: RestoreDelays
    /// In-process event notifications.
    public let events = ObjectEventHub()
    /// Time source for Last-Modified and upload ids.
    public let clock: any WallClock
    /// The region buckets are created in.
    public let region: String
    /// Data keys for server-side encryption; nil stores every object as sent.
    public let keyring: ObjectKeyring?
    let logger: Logger
    private let sweepPending = Atomic<Bool>(false)

    /// Opens the store rooted at `directory` (`meta/objects.db`, `blobs/`).
    /// - Parameters:
    ///   - directory: the store's directory (created if missing).
    ///   - region: the region reported for buckets.
    ///   - clock: time source.
    ///   - keyring: data keys for server-side encryption; without one nothing is encrypted.
    ///   - tiers: where each storage class's bytes live (default: tiers under `directory`).
    ///   - restoreDelays: how long restores of archived objects take (default: S3's times).
    public init(
        directory: String, region: String = "us-east-1", clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "tarn.storage"),
        keyring: ObjectKeyring? = nil, tiers: TierConfiguration = .defaults(), restoreDelays: RestoreDelays = .s3
    ) throws {
        try FileSystem.createDirectory(directory + "/meta")
        let index = try MetadataIndex(path: directory + "/meta/objects.db")
        self.index = index
        // Small blobs of the standard tier live in the index's database, written by its group committer.
        let tiered = try TieredBlobStore(
            standard: try LocalBlobStore(root: directory + "/blobs", small: index), configuration: tiers, storeDirectory: directory)
        self.tiers = tiered
        self.blobs = tiered
        self.restoreDelays = restoreDelays
        self.clock = clock
        self.region = region
        self.logger = logger
        self.keyring = keyring
    }

    /// Now, truncated to milliseconds (what the index stores), so returned and re-read metadata agree.
    func now() -> Date { MetadataIndex.date(milliseconds: MetadataIndex.milliseconds(clock.now())) }

    // MARK: buckets

    /// Creates a bucket after validating its name.
    public func createBucket(_ name: String) async throws {
        try BucketName.validate(name)
        try await index.createBucket(name: name, region: region, at: now())
    }

    /// Deletes an empty bucket.
    public func deleteBucket(_ name: String) async throws { try await index.deleteBucket(name: name) }

    /// The bucket, or `NoSuchBucket`.
    @discardableResult
    public func bucket(_ name: String) throws -> BucketInfo {
        guard let bucket = try index.bucket(name) else { throw TarnError(.noSuchBucket, "The specified bucket does not exist.") }
        return bucket
    }

    /// All buckets.
    public func buckets() throws -> [BucketInfo] { try index.buckets() }

    // MARK: reading

    /// The object's metadata, or `NoSuchKey` / `NoSuchBucket`.
    public func object(bucket: String, key: String) throws -> ObjectInfo {
        if let object = try index.object(bucket: bucket, key: key) { return object }
        try missingObject(bucket: bucket)
    }

    /// The error for a key that has no row: `NoSuchBucket` when the bucket is missing too.
    private func missingObject(bucket: String) throws -> Never {
        try self.bucket(bucket)
        throw TarnError(.noSuchKey, "The specified key does not exist.")
    }

    /// Opens an object for reading: metadata plus open handles on every segment, so a concurrent
    /// overwrite or delete cannot pull the bytes away mid-read.
    /// - Parameter caller: who reads, for SSE-KMS objects (their `kms:Decrypt` right is checked);
    ///   nil reads as Tarn itself.
    public func open(bucket: String, key: String, caller: KeyCaller? = nil) throws -> ObjectReader {
        // A writer may replace the object between the metadata read and opening its blobs (and
        // unlink the old ones); then the new metadata is read again.
        for _ in 0..<5 {
            guard let (info, inlineBlob) = try index.objectForReading(bucket: bucket, key: key) else { try missingObject(bucket: bucket) }
            // Archived objects are readable only while restored (S3: InvalidObjectState).
            try requireReadable(info)
            if let reader = try openReader(info, caller: caller, inlineBlob: inlineBlob) { return reader }
        }
        throw TarnError(.internal, "object \(bucket)/\(key) kept changing while being opened")
    }

    /// Lists a bucket (see `MetadataIndex.list`).
    public func list(bucket: String, prefix: String = "", delimiter: String? = nil, after: String? = nil, maxKeys: Int = 1000) throws -> ListPage {
        try self.bucket(bucket)
        return try index.list(bucket: bucket, prefix: prefix, delimiter: delimiter, after: after, maxKeys: max(0, min(maxKeys, 1000)))
    }

    // MARK: writing

    /// Starts streaming a new object's bytes into `bucket`.
    /// - Parameter checksum: the additional checksum algorithm to compute; S3 computes CRC64NVME
    ///   when the client names none, so that is the default.
    /// - Parameters:
    ///   - key: the object key (SSE-KMS puts it in the encryption context).
    ///   - encryption: the server-side encryption; nil applies the bucket's default.
    ///   - caller: who writes, for SSE-KMS (`kms:GenerateDataKey`); nil writes as Tarn itself.
    ///   - storageClass: the new object's class, which decides the tier its bytes go to.
    public func beginUpload(
        bucket: String, checksum: ChecksumAlgorithm? = .crc64nvme, key: String? = nil, encryption: ServerSideEncryption? = nil,
        caller: KeyCaller? = nil, storageClass: StorageClass = .standard
    ) throws -> ObjectUpload {
        try self.bucket(bucket)
        let dataKey = try newObjectKey(bucket: bucket, key: key, encryption: encryption, caller: caller)
        let (writer, placement) = try newBlobWriter(
            placement: tiers.placement(for: storageClass)?.forNewBlobs(encrypted: dataKey != nil), dataKey: dataKey?.key)
        return ObjectUpload(store: self, bucket: bucket, writer: writer, algorithm: checksum, encryption: dataKey?.stored, placement: placement)
    }

    /// Stores `bytes` at `key` in one call (small objects, internal writers).
    @discardableResult
    public func put(
        bucket: String, key: String, bytes: [UInt8], attributes: ObjectAttributes = ObjectAttributes(), condition: WriteCondition? = nil,
        encryption: ServerSideEncryption? = nil, caller: KeyCaller? = nil
    ) async throws -> ObjectInfo {
        let upload = try beginUpload(
            bucket: bucket, key: key, encryption: encryption, caller: caller, storageClass: try StorageClass(header: attributes.storageClass))
        do {
            try bytes.withUnsafeBytes { try upload.write($0) }
        } catch {
            upload.abort()
            throw error
        }
        return try await upload.commit(key: key, attributes: attributes, condition: condition)
    }

    /// Reads a whole (small) object into memory.
    public func get(bucket: String, key: String, caller: KeyCaller? = nil) throws -> [UInt8] {
        let reader = try open(bucket: bucket, key: key, caller: caller)
        return try reader.read(0..<reader.info.size)
    }

    /// Deletes an object; deleting a missing key succeeds, as in S3.
    /// - Returns: the removed object, if there was one.
    @discardableResult
    public func delete(bucket: String, key: String) async throws -> ObjectInfo? {
        let removed = try await index.committer.commit { tx in
            try MetadataIndex.requireBucket(tx, bucket)
            return try MetadataIndex.remove(tx, bucket: bucket, key: key)
        }
        if let removed {
            events.publish(name: "ObjectRemoved:Delete", bucket: bucket, key: key, size: 0, etag: "", time: now())
            _ = removed
            scheduleSweep()
        }
        return removed
    }

    /// Replaces an object's tags.
    public func setTags(bucket: String, key: String, tags: [Tag]) async throws {
        try await index.setTags(bucket: bucket, key: key, tags: tags)
    }

    // MARK: garbage

    /// Deletes blobs queued in the index's garbage table, soon and once, off the caller's path.
    func scheduleSweep() {
        guard sweepPending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        Task.detached(executorPreference: BackgroundExecutor.shared) { [self] in
            sweepPending.store(false, ordering: .releasing)
            do { try await sweepGarbage() } catch { logger.warning("garbage sweep failed: \(error)") }
        }
    }

    /// Deletes every queued garbage blob and forgets it.
    public func sweepGarbage() async throws {
        while true {
            let batch = try index.garbage()
            if batch.isEmpty { return }
            try await blobs.delete(batch)
            try await index.clearGarbage(batch)
        }
    }

    /// Start-up recovery: finishes interrupted deletions, then removes blobs that no metadata
    /// references and that were written before `startedAt` (a crash between writing a blob and
    /// committing its metadata leaves one; the write was never acknowledged).
    /// - Returns: how many orphaned blobs were removed.
    @discardableResult
    public func collectOrphans(startedAt: Date) async throws -> Int {
        try await sweepGarbage()
        let minimumAge = max(0, clock.now().timeIntervalSince(startedAt))
        let inventory = try blobs.inventory()
        let referenced = try index.referencedBlobs()
        let orphans = inventory.filter { $0.ageSeconds >= minimumAge && !referenced.contains($0.id) }.map(\.id)
        try await blobs.delete(orphans)
        let removed = orphans.count
        if removed > 0 { logger.info("removed \(removed) orphaned blob(s) left by an interrupted write") }
        return removed
    }
}
