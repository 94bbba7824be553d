import Foundation
import Logging
import Storage
import Synchronization
import TarnCore

/// A delivery stream as DescribeDeliveryStream shows it.
public struct DeliveryStreamInfo: Sendable {
    /// Internal id.
    public var id: Int64
    /// Name.
    public var name: String
    /// What it reads and writes.
    public var configuration: DeliveryStreamConfiguration
    /// The destination description the JSON service stored at creation (opaque here).
    public var destinationDescription: String
    /// When it was created.
    public var created: Date
    /// Tags.
    public var tags: [String: String]
    /// Objects and records delivered since this process started.
    public var deliveredObjects: Int
    /// Records delivered since this process started.
    public var deliveredRecords: Int
    /// The last delivery failure, if the most recent attempt failed.
    public var lastError: String?
    /// The KMS key buffered records are encrypted under (as given to `startEncryption`), nil
    /// while server-side encryption is off.
    public var encryptionKeyID: String?
}

/// Firehose semantics: delivery streams that buffer records and write them to S3 objects.
///
/// ```
///  DIR/firehose/firehose.db        DeliveryCatalog (definitions, checkpoints, pending plans)
///  DIR/firehose/logs/<id>/         DirectPut records (a single-shard ShardLog)
/// ```
public final class DeliveryStreams: Sendable {
    let root: String
    let catalog: DeliveryCatalog
    let store: ObjectStore
    let streams: DataStreams
    let clock: any WallClock
    let logger: Logger
    let region: String
    let accountID: String
    let pollMilliseconds: UInt64
    let resolver: (any DeliverySchemaResolver)?
    let accessProvider: (any DeliveryAccessProvider)?
    let keyProvider: (any StreamKeyProvider)?
    private let running = Mutex<[String: Entry]>([:])

    struct Entry: Sendable {
        var row: DeliveryCatalog.Row
        var deliverer: Deliverer
        var log: ShardLog?
        /// The buffer's data keys (DirectPut streams).
        var keyring: StreamKeyring?
    }

    /// Opens the delivery streams under `directory` and starts delivering.
    /// - Parameters:
    ///   - schemaResolver: resolves Parquet conversion schemas by table (the catalog).
    ///   - access: makes the role sessions of streams configured with a `RoleARN` (destination or
    ///     Kinesis source; the lake's IAM); without it such streams cannot be created.
    ///   - keyProvider: the key service for `StartDeliveryStreamEncryption` (KMS as Firehose).
    public init(
        directory: String, store: ObjectStore, streams: DataStreams, clock: any WallClock = SystemClock(), pollMilliseconds: UInt64 = 50,
        schemaResolver: (any DeliverySchemaResolver)? = nil, access: (any DeliveryAccessProvider)? = nil, keyProvider: (any StreamKeyProvider)? = nil, logger: Logger = Logger(label: "tarn.firehose")
    ) throws {
        self.resolver = schemaResolver
        self.accessProvider = access
        self.keyProvider = keyProvider
        try FileSystem.createDirectory(directory + "/logs")
        root = directory
        catalog = try DeliveryCatalog(path: directory + "/firehose.db")
        self.store = store
        self.streams = streams
        self.clock = clock
        self.logger = logger
        self.region = streams.region
        self.accountID = streams.configuration.accountID
        self.pollMilliseconds = pollMilliseconds
        var entries: [String: Entry] = [:]
        for row in try catalog.loadAll() {
            if access != nil, row.configuration.source == .kinesisStream, row.configuration.sourceRoleARN == nil {
                // Stored before Tarn kept the source's RoleARN (or made without one in process).
                logger.warning(
                    "delivery stream \(row.name) reads source stream \(row.configuration.sourceStreamName ?? "") as Tarn itself: it has no source RoleARN; re-create it with KinesisStreamSourceConfiguration.RoleARN to have its reads authorized")
            }
            entries[row.name] = try makeEntry(row)
        }
        running.withLock { $0 = entries }
        for entry in entries.values { entry.deliverer.start() }
    }

    private func makeEntry(_ row: DeliveryCatalog.Row) throws -> Entry {
        let source: any DeliverySource
        var log: ShardLog? = nil
        var keyring: StreamKeyring? = nil
        switch row.configuration.source {
        case .directPut:
            let directKeyring = StreamKeyring(
                streamID: row.id, context: ["aws:firehose:arn": arn(row.name)], provider: keyProvider,
                reuseMilliseconds: streams.configuration.dataKeyReuseMilliseconds, state: try catalog.keyring(id: row.id))
            keyring = directKeyring
            let directLog = try ShardLog(directory: root + "/logs/" + String(row.id), shard: 0, segmentBytes: 16 << 20, keyring: directKeyring)
            log = directLog
            source = DirectPutSource(log: directLog)
        case .kinesisStream:
            source = KinesisStreamSource(streams: streams, streamName: row.configuration.sourceStreamName ?? "")
        }
        let deliverer = try Deliverer(
            id: row.id, name: row.name, configuration: row.configuration, catalog: catalog, store: store, source: source, clock: clock, logger: logger,
            pollMilliseconds: pollMilliseconds, resolver: resolver, access: accessProvider,
            sourceStreamARN: row.configuration.source == .kinesisStream ? row.configuration.sourceStreamName.map(streams.arn) : nil)
        return Entry(row: row, deliverer: deliverer, log: log, keyring: keyring)
    }

    /// The ARN of a delivery stream.
    public func arn(_ name: String) -> String { "arn:aws:firehose:\(region):\(accountID):deliverystream/\(name)" }

    /// Valid names: 1–64 of `[a-zA-Z0-9_.-]` (API_CreateDeliveryStream).
    public static func validate(name: String) throws {
        guard (1...64).contains(name.utf8.count),
            name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D })
        else {
            throw TarnError(.validation, "1 validation error detected: Value '\(name)' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        }
    }

    /// CreateDeliveryStream.
    /// - Parameter destinationDescription: JSON the service shows back in DescribeDeliveryStream.
    /// - Throws: `ResourceInUseException` for a taken name, `InvalidArgumentException` for an
    ///   invalid configuration, a missing bucket or source stream, or a `RoleARN` (destination or
    ///   source) that does not name a role of this lake.
    public func create(name: String, configuration: DeliveryStreamConfiguration, destinationDescription: String = "{}", tags: [String: String] = [:]) throws {
        try Self.validate(name: name)
        try configuration.validate()
        for (member, roleARN) in configuration.roles { try checkRole(roleARN, member: member, stream: name) }
        // Resolves the conversion schema now, so an unknown table fails the create call.
        _ = try DeliveryBatchBuilder(name: name, configuration: configuration, resolver: resolver)
        do { try store.bucket(configuration.bucket) } catch {
            throw TarnError(.invalidArgumentException, "BucketARN arn:aws:s3:::\(configuration.bucket) does not name an existing bucket.")
        }
        if running.withLock({ $0[name] }) != nil { throw TarnError(.resourceInUse, "Firehose \(name) under account \(accountID) already exists.") }
        var checkpoints: [Int: DeliveryCatalog.Checkpoint] = [:]
        if configuration.source == .kinesisStream {
            let streamName = configuration.sourceStreamName ?? ""
            do { checkpoints = try KinesisStreamSource.initialCheckpoints(streams: streams, streamName: streamName) } catch {
                throw TarnError(.invalidArgumentException, "KinesisStreamARN \(streams.arn(streamName)) does not name an existing stream.")
            }
        } else {
            checkpoints[0] = DeliveryCatalog.Checkpoint(next: 0, done: false)
        }
        let created = MetadataTime.truncated(clock.now())
        let id = try catalog.create(name: name, configuration: configuration, description: destinationDescription, created: created, checkpoints: checkpoints, tags: tags)
        let entry = try makeEntry(DeliveryCatalog.Row(id: id, name: name, configuration: configuration, description: destinationDescription, created: created, tags: tags))
        running.withLock { $0[name] = entry }
        entry.deliverer.start()
    }

    /// A RoleARN (the destination's or the Kinesis source's) must name an existing role of this
    /// account, as Firehose assumes it at creation: silently delivering (or reading) as Tarn
    /// instead would grant the stream more than its role allows.
    private func checkRole(_ roleARN: String, member: String, stream: String) throws {
        guard let accessProvider else {
            throw TarnError(.invalidArgumentException, "\(member) \(roleARN): this Tarn has no IAM to act as a role; create the delivery stream without it.")
        }
        guard DeliveryStreamConfiguration.account(of: roleARN) == accountID, let role = DeliveryStreamConfiguration.roleName(of: roleARN) else {
            throw TarnError(.invalidArgumentException, "\(member) \(roleARN) is not a role of account \(accountID); Firehose is unable to assume it.")
        }
        do { _ = try accessProvider.access(role: role, session: Deliverer.sessionName(stream: stream)) } catch {
            throw TarnError(.invalidArgumentException, "Firehose is unable to assume role \(roleARN): \((error as? TarnError)?.message ?? "\(error)")")
        }
    }

    func entry(_ name: String) throws -> Entry {
        guard let entry = running.withLock({ $0[name] }) else {
            throw TarnError(.resourceNotFound, "Firehose \(name) under account \(accountID) not found.")
        }
        return entry
    }

    /// DeleteDeliveryStream: stops delivery and removes the stream's state and buffered records.
    public func delete(name: String) async throws {
        let entry = try self.entry(name)
        running.withLock { _ = $0.removeValue(forKey: name) }
        await entry.deliverer.stop()
        try catalog.delete(id: entry.row.id)
        try entry.log?.destroy()
    }

    /// DescribeDeliveryStream.
    public func describe(_ name: String) throws -> DeliveryStreamInfo { Self.info(try entry(name)) }

    /// ListDeliveryStreams, by name.
    public func list() -> [DeliveryStreamInfo] {
        running.withLock { Array($0.values) }.map(Self.info).sorted { $0.name < $1.name }
    }

    static func info(_ entry: Entry) -> DeliveryStreamInfo {
        let statistics = entry.deliverer.statistics.withLock { $0 }
        return DeliveryStreamInfo(
            id: entry.row.id, name: entry.row.name, configuration: entry.row.configuration, destinationDescription: entry.row.description,
            created: entry.row.created, tags: entry.row.tags, deliveredObjects: statistics.objects, deliveredRecords: statistics.records,
            lastError: statistics.lastError, encryptionKeyID: entry.keyring?.active?.keyID)
    }

    /// PutRecord / PutRecordBatch on a DirectPut stream: returns once the records are durable.
    /// - Parameter input: records without partition keys (Firehose records have none).
    /// - Returns: one record id per record, and whether they were encrypted (the response's
    ///   `Encrypted`, decided by the same key generation that sealed them).
    /// - Throws: `InvalidArgumentException` for a KinesisStreamAsSource stream.
    public func put(name: String, _ input: PutRecordsInput) async throws -> (ids: [String], encrypted: Bool) {
        let entry = try self.entry(name)
        guard let log = entry.log else {
            throw TarnError(.invalidArgumentException, "This operation is not permitted on KinesisStreamAsSource delivery stream type.")
        }
        let now = DataStreams.milliseconds(clock.now())
        // With encryption on, the batch is sealed under the buffer's data key (checked with KMS
        // once the reuse period is over) before anything is written.
        let generation = try entry.keyring?.writeGeneration(now: now)
        // The decoder was told `partitionKeys: false`, so the input's frames are already the log's.
        precondition(input.entries.allSatisfy { $0.partitionKey.isEmpty }, "Firehose records carry no partition key")
        let first = try input.bytes.withUnsafeBytes { try log.append(frames: input.entries.map(\.frame), in: $0, now: now, encryptedUnder: generation) }
        try await streams.scheduler.waitDurable([log])
        let ids = (0..<input.entries.count).map { Self.recordID(stream: entry.row.id, ordinal: first + UInt64($0)) }
        return (ids, generation != nil)
    }

    /// Firehose record ids are opaque; Tarn's name the stream and position.
    static func recordID(stream: Int64, ordinal: UInt64) -> String {
        var bytes: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: stream) >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: ordinal >> UInt64(shift))) }
        return Hex.encode(bytes)
    }

    /// Stops every deliverer (graceful shutdown, tests).
    public func stopAll() async {
        for entry in running.withLock({ Array($0.values) }) { await entry.deliverer.stop() }
    }

    /// The largest record PutRecordBatch accepts (1,000 KiB) and the largest batch (4 MiB).
    public static let maxRecordBytes = 1_000 * 1024
    /// The largest PutRecordBatch payload.
    public static let maxBatchBytes = 4 << 20
}
