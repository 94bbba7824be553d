import Foundation
import Synchronization
import TarnCore

/// Kinesis Data Streams semantics over shard logs: the API the JSON service, the CLI and
/// delivery streams use.
///
/// ```
///  DIR/streams/streams.db                    StreamCatalog (names, shards, lineage, tags)
///  DIR/streams/logs/<stream id>/<shard>/     ShardLog segments
/// ```
///
/// **Encryption at rest** (StartStreamEncryption): records put afterwards are written as
/// AES-256-GCM batches (`EncryptedBatch`) under a data key from the key provider (KMS), whose
/// wrapped form is kept in `streams.db`; see `DataStreams+Encryption`.
public final class DataStreams: Sendable {
    /// Limits and knobs.
    public let configuration: StreamsConfiguration
    /// The region shown in ARNs.
    public let region: String
    /// The group-commit scheduler shared by every log of the lake.
    public let scheduler: DurabilityScheduler
    let root: String
    let catalog: StreamCatalog
    let clock: any WallClock
    let iteratorSecret: UInt64
    /// The key service for server-side encryption; nil in lakes without one (then
    /// `startEncryption` fails and encrypted records cannot be read).
    let keyProvider: (any StreamKeyProvider)?
    let registry = Mutex<[String: StreamRuntime]>([:])

    /// Opens the streams stored under `directory`, recovering every shard log.
    /// - Parameters:
    ///   - directory: `DIR/streams`.
    ///   - scheduler: the lake's sync scheduler (delivery streams share it).
    ///   - keyProvider: KMS, for streams with server-side encryption.
    public init(
        directory: String, region: String = "us-east-1", configuration: StreamsConfiguration = StreamsConfiguration(),
        scheduler: DurabilityScheduler = DurabilityScheduler(), clock: any WallClock = SystemClock(), keyProvider: (any StreamKeyProvider)? = nil
    ) throws {
        try FileSystem.createDirectory(directory + "/logs")
        self.root = directory
        self.region = region
        self.configuration = configuration
        self.scheduler = scheduler
        self.clock = clock
        self.keyProvider = keyProvider
        self.catalog = try StreamCatalog(path: directory + "/streams.db")
        self.iteratorSecret = try catalog.secret(named: "iterator-secret")
        var runtimes: [String: StreamRuntime] = [:]
        for info in try catalog.loadAll() {
            let keyring = StreamKeyring(
                streamID: info.id, streamARN: arn(info.name), provider: keyProvider, reuseMilliseconds: configuration.dataKeyReuseMilliseconds,
                state: try catalog.keyring(id: info.id))
            runtimes[info.name] = try StreamRuntime(
                info: info, root: logDirectory(info.id), configuration: configuration, keyring: keyring, now: Self.milliseconds(clock.now()))
        }
        registry.withLock { $0 = runtimes }
        startRetentionSweeper()
    }

    /// Deletes expired segments once a minute for as long as this object lives.
    private func startRetentionSweeper() {
        Task.detached(executorPreference: BackgroundExecutor.shared) { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 60_000_000_000)
                guard let self else { return }
                _ = try? self.trimExpired()
            }
        }
    }

    func logDirectory(_ id: Int64) -> String { root + "/logs/" + String(id) }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    var nowMilliseconds: Int64 { Self.milliseconds(clock.now()) }

    /// The ARN of a stream.
    public func arn(_ name: String) -> String { "arn:aws:kinesis:\(region):\(configuration.accountID):stream/\(name)" }

    /// The stream name in a `StreamARN`, or nil when it is not a Kinesis stream ARN.
    public static func name(fromARN arn: String) -> String? {
        guard arn.hasPrefix("arn:"), let range = arn.range(of: ":stream/") else { return nil }
        let name = String(arn[range.upperBound...])
        return name.isEmpty ? nil : name
    }

    func runtime(_ name: String) throws -> StreamRuntime {
        guard let runtime = registry.withLock({ $0[name] }) else {
            throw TarnError(.resourceNotFound, "Stream \(name) under account \(configuration.accountID) not found.")
        }
        return runtime
    }

    func runtime(id: Int64) -> StreamRuntime? { registry.withLock { $0.values.first { $0.id == id } } }

    // MARK: streams

    /// Valid stream names: 1–128 of `[a-zA-Z0-9_.-]` (API_CreateStream).
    public static func validate(name: String) throws {
        guard (1...128).contains(name.utf8.count),
            name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D })
        else {
            throw TarnError(.validation, "1 validation error detected: Value '\(name)' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        }
    }

    /// CreateStream: a provisioned stream with `shardCount` shards, or on-demand (four shards).
    /// - Throws: `ResourceInUseException` when the name exists, `LimitExceededException` over the shard limit.
    @discardableResult
    public func createStream(name: String, shardCount: Int?, mode: StreamMode, tags: [String: String] = [:]) throws -> StreamInfo {
        try Self.validate(name: name)
        let count = mode == .onDemand ? (shardCount ?? 4) : (shardCount ?? 1)
        guard count >= 1 else { throw TarnError(.invalidArgumentException, "ShardCount must be at least 1, got \(count)") }
        guard count <= configuration.maxShardsPerStream else {
            throw TarnError(.limitExceededException, "This request would exceed the shard limit for the stream: requested \(count) shards, the limit is \(configuration.maxShardsPerStream).")
        }
        let shards = HashKey.uniformRanges(count: count).enumerated().map { ShardInfo(index: $0.offset, hashRange: $0.element) }
        let created = MetadataTime.truncated(clock.now())
        // The registry lock is not held while SQLite commits; the UNIQUE name settles races.
        if registry.withLock({ $0[name] }) != nil { throw TarnError(.resourceInUse, "Stream \(name) under account \(configuration.accountID) already exists.") }
        let id = try catalog.create(name: name, mode: mode, retentionHours: 24, created: created, shards: shards, tags: tags)
        let info = StreamInfo(id: id, name: name, mode: mode, retentionHours: 24, created: created, shards: shards, nextShardIndex: count, tags: tags, status: "ACTIVE")
        let keyring = StreamKeyring(streamID: id, streamARN: arn(name), provider: keyProvider, reuseMilliseconds: configuration.dataKeyReuseMilliseconds)
        let runtime = try StreamRuntime(info: info, root: logDirectory(id), configuration: configuration, keyring: keyring, now: nowMilliseconds)
        registry.withLock { $0[name] = runtime }
        return info
    }

    /// DeleteStream: forgets the stream and removes its logs.
    public func deleteStream(name: String) throws {
        let runtime = try self.runtime(name)
        try catalog.delete(id: runtime.id)
        registry.withLock { _ = $0.removeValue(forKey: name) }
        try runtime.destroy()
    }

    /// The stream's current metadata.
    public func describe(_ name: String) throws -> StreamInfo { try runtime(name).info }

    /// Every stream, by name.
    public func list() -> [StreamInfo] {
        registry.withLock { Array($0.values) }.map(\.info).sorted { $0.name < $1.name }
    }

    /// Increase/DecreaseStreamRetentionPeriod.
    /// - Throws: `InvalidArgumentException` outside 24…8760 hours or in the wrong direction.
    public func setRetention(name: String, hours: Int, increase: Bool) throws {
        let runtime = try self.runtime(name)
        let current = runtime.info.retentionHours
        guard (24...8760).contains(hours) else {
            throw TarnError(.invalidArgumentException, "Minimum allowed retention period is 24 hours and maximum is 8760 hours. Requested retention period (\(hours) hours) is out of range.")
        }
        if increase && hours < current {
            throw TarnError(.invalidArgumentException, "Requested retention period (\(hours) hours) for stream \(name) can not be shorter than existing retention period (\(current) hours). Use DecreaseRetentionPeriod API.")
        }
        if !increase && hours > current {
            throw TarnError(.invalidArgumentException, "Requested retention period (\(hours) hours) for stream \(name) can not be longer than existing retention period (\(current) hours). Use IncreaseRetentionPeriod API.")
        }
        try catalog.setRetention(id: runtime.id, hours: hours)
        runtime.state.withLock { $0.info.retentionHours = hours }
    }

    /// AddTagsToStream / RemoveTagsFromStream.
    public func updateTags(name: String, setting: [String: String], removing: [String] = []) throws {
        let runtime = try self.runtime(name)
        var tags = runtime.info.tags
        for (key, value) in setting { tags[key] = value }
        for key in removing { tags.removeValue(forKey: key) }
        guard tags.count <= 50 else {
            throw TarnError(.limitExceededException, "Failed to add tags to stream \(name) under account \(configuration.accountID) because a given stream cannot have more than 50 tags.")
        }
        try catalog.updateTags(id: runtime.id, setting: setting, removing: removing)
        runtime.state.withLock { $0.info.tags = tags }
    }

    /// Deletes expired segments of every shard (run periodically).
    /// - Returns: the number of segments removed.
    @discardableResult
    public func trimExpired() throws -> Int {
        var removed = 0
        for runtime in registry.withLock({ Array($0.values) }) {
            let (cutoff, logs) = runtime.state.withLock { state in
                (nowMilliseconds - Int64(state.info.retentionHours) * 3_600_000, Array(state.logs.values))
            }
            for log in logs { removed += try log.trim(before: cutoff) }
        }
        return removed
    }

    /// The log of a shard, for readers inside the lake (delivery streams, the CLI).
    public func log(stream name: String, shard: Int) throws -> ShardLog? {
        try runtime(name).state.withLock { $0.logs[shard] }
    }
}

/// Timestamps stored in metadata are whole milliseconds, so values read back compare equal.
enum MetadataTime {
    static func truncated(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
}
