import Foundation
import Logging
import Storage
import Synchronization
import TarnCore

/// The background worker of one delivery stream: reads its source from the delivered
/// checkpoints on, buffers by Firehose's hints, and writes each batch to S3 as a plan →
/// objects → checkpoint sequence (see `DeliveryCatalog`). Restartable from durable state alone.
final class Deliverer: Sendable {
    let id: Int64
    let name: String
    let configuration: DeliveryStreamConfiguration
    let builder: DeliveryBatchBuilder
    let catalog: DeliveryCatalog
    let store: ObjectStore
    let source: any DeliverySource
    let clock: any WallClock
    let logger: Logger
    let pollInterval: UInt64
    /// Makes the role sessions of a stream with a `RoleARN` (destination or source).
    let accessProvider: (any DeliveryAccessProvider)?
    /// The ARN of the Kinesis source stream (nil for DirectPut), which the source role's reads
    /// are authorized against.
    let sourceStreamARN: String?
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Objects and records delivered since start-up, and the last delivery failure.
    let statistics = Mutex(DeliveryStatistics())
    /// When the source role was last found allowed to read, and under which IAM generation.
    private let sourceReadsAllowed = Mutex<(generation: UInt64, at: Int64)?>(nil)
    /// How long a source role's permission is kept without an IAM change, in milliseconds: a
    /// policy condition on `aws:CurrentTime` (a grant that ends at a date) takes effect within it.
    static let sourceReadsAllowedFor: Int64 = 1_000

    init(
        id: Int64, name: String, configuration: DeliveryStreamConfiguration, catalog: DeliveryCatalog, store: ObjectStore, source: any DeliverySource,
        clock: any WallClock, logger: Logger, pollMilliseconds: UInt64 = 50, resolver: (any DeliverySchemaResolver)? = nil,
        access: (any DeliveryAccessProvider)? = nil, sourceStreamARN: String? = nil
    ) throws {
        self.accessProvider = access
        self.sourceStreamARN = sourceStreamARN
        self.id = id
        self.name = name
        self.configuration = configuration
        self.builder = try DeliveryBatchBuilder(name: name, configuration: configuration, resolver: resolver)
        self.catalog = catalog
        self.store = store
        self.source = source
        self.clock = clock
        self.logger = logger
        self.pollInterval = pollMilliseconds * 1_000_000
    }

    /// The STS session name the deliveries of `stream` use (`firehose-NAME`, at most 64 characters).
    static func sessionName(stream: String) -> String { RoleSessionName.cleaned("firehose-\(stream)") }

    /// Who this stream's deliveries act as: a fresh session of its role (so a changed role
    /// policy, or a deleted role, applies from the next delivery on), or Tarn itself.
    /// - Throws: `AccessDenied` when the stream has a role but no IAM to act as it;
    ///   `NoSuchEntity` when the role was deleted.
    func objectAccess() throws -> any ObjectAccess {
        guard let role = configuration.roleName else { return TarnObjectAccess() }
        guard let accessProvider else {
            throw TarnError(.accessDenied, "delivery stream \(name) acts as role \(role), but there is no IAM to act as it")
        }
        return try accessProvider.access(role: role, session: Self.sessionName(stream: name))
    }

    /// Throws unless the source's `RoleARN` may read the Kinesis source stream (the four
    /// actions Firehose needs), called before every read pass. The role is asked with a fresh
    /// session unless it was allowed under the same IAM generation
    /// (`DeliveryAccessProvider.policyGeneration`) less than `sourceReadsAllowedFor` ago, so an
    /// idle stream's 50 ms polls do not re-evaluate its policies, and a changed role policy
    /// still applies at the next poll. A refusal is never kept: a role that may not read is
    /// asked again at every retry. Nothing has been read when it throws: the records stay in the
    /// source stream (from the delivered checkpoints on) until the role may read them.
    /// DirectPut streams, and Kinesis sources without a source role (created through the Swift
    /// API without one), read as Tarn itself.
    func authorizeSourceReads() throws {
        guard let sourceStreamARN, let roleARN = configuration.sourceRoleARN, let role = DeliveryStreamConfiguration.roleName(of: roleARN) else { return }
        // The generation is read before deciding: a change made while deciding moves it, and
        // the next poll asks again.
        let generation = accessProvider?.policyGeneration
        let now = self.now
        if let generation, let allowed = sourceReadsAllowed.withLock({ $0 }), allowed.generation == generation,
            (allowed.at..<allowed.at + Self.sourceReadsAllowedFor).contains(now)
        {
            return
        }
        sourceReadsAllowed.withLock { $0 = nil }
        do {
            guard let accessProvider else {
                throw TarnError(.accessDenied, "delivery stream \(name) reads its source as role \(role), but there is no IAM to act as it")
            }
            let reader = try accessProvider.sourceAccess(role: role, session: Self.sessionName(stream: name))
            for action in SourceStreamAction.allCases {
                do { try reader.authorize(action, stream: sourceStreamARN) } catch let error as TarnError {
                    throw TarnError(
                        error.code,
                        "delivery stream \(name) reads source stream \(sourceStreamARN) as \(reader.principal): \(error.message); the records stay in the source stream and delivery is retried")
                }
            }
        } catch {
            statistics.withLock { $0.sourceReadFailing = true }
            throw error
        }
        if let generation { sourceReadsAllowed.withLock { $0 = (generation, now) } }
        // The role may read again: a source-read failure shown so far is over.
        statistics.withLock { statistics in
            guard statistics.sourceReadFailing else { return }
            statistics.sourceReadFailing = false
            statistics.lastError = nil
        }
    }

    var now: Int64 { DataStreams.milliseconds(clock.now()) }

    func start() {
        task.withLock { task in
            guard task == nil else { return }
            task = Task.detached(executorPreference: BackgroundExecutor.shared) { [self] in await run() }
        }
    }

    func stop() async {
        let running = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }

    /// Delivers until cancelled; failures (a missing bucket, a full disk) are retried with
    /// backoff from the durable state, so nothing acknowledged is lost.
    private func run() async {
        var backoff: UInt64 = 100_000_000
        while !Task.isCancelled {
            do {
                try await deliverLoop()
            } catch is CancellationError {
                return
            } catch {
                statistics.withLock { $0.lastError = "\(error)" }
                logger.warning("delivery stream \(name): delivery failed, retrying: \(error)")
                try? await Task.sleep(nanoseconds: backoff)
                backoff = min(backoff * 2, 5_000_000_000)
            }
        }
    }

    private struct Chunk {
        let shard: Int
        let result: LogReadResult
    }

    private func deliverLoop() async throws {
        var checkpoints = try catalog.checkpoints(id: id)
        if let plan = try catalog.plan(id: id) {
            try authorizeSourceReads()
            // A batch was being delivered when the process stopped: deliver exactly it again.
            let shards = try source.shards(checkpoints: checkpoints)
            var chunks: [Chunk] = []
            for (shard, range) in plan.sorted(by: { $0.key < $1.key }) where !range.isEmpty {
                guard let log = shards.first(where: { $0.shard == shard })?.log else { continue }
                var position = range.lowerBound
                while position < range.upperBound {
                    let result = try log.read(from: position, maxRecords: Int(range.upperBound - position), maxBytes: 64 << 20, now: now)
                    if result.records.isEmpty { break }
                    chunks.append(Chunk(shard: shard, result: result))
                    position = result.nextOrdinal
                }
            }
            try await deliver(chunks, ranges: plan, shards: shards)
            checkpoints = try catalog.checkpoints(id: id)
        }
        var positions = checkpoints.mapValues(\.next)
        var buffer = DeliveryBuffer(sizeMiB: configuration.bufferSizeMiB, intervalSeconds: configuration.bufferIntervalSeconds)
        var chunks: [Chunk] = []
        var ranges: [Int: Range<UInt64>] = [:]
        while !Task.isCancelled {
            try authorizeSourceReads()
            let shards = try source.shards(checkpoints: checkpoints)
            var readSomething = false
            var finished: Set<Int> = []
            for shard in shards {
                let position = positions[shard.shard] ?? 0
                if let log = shard.log, buffer.remainingBytes > 0 {
                    let result = try log.read(from: position, maxRecords: 10_000, maxBytes: buffer.remainingBytes, now: now)
                    if !result.records.isEmpty {
                        let first = ranges[shard.shard]?.lowerBound ?? result.records[0].ordinal
                        ranges[shard.shard] = first..<result.nextOrdinal
                        let bytes = result.records.reduce(0) { $0 + $1.data.count }
                        buffer.add(count: result.records.count, bytes: bytes, oldestArrival: result.records[0].arrival)
                        chunks.append(Chunk(shard: shard.shard, result: result))
                        readSomething = true
                    }
                    positions[shard.shard] = result.nextOrdinal
                }
                if let closed = shard.closedCount, (positions[shard.shard] ?? 0) >= closed, ranges[shard.shard] == nil {
                    finished.insert(shard.shard)
                }
            }
            if !finished.isEmpty {
                // Closed shards read to their end with nothing buffered: their children may start.
                try catalog.commit(id: id, ranges: [:], finished: finished)
                checkpoints = try catalog.checkpoints(id: id)
                continue
            }
            switch buffer.next(now: now) {
            case .flush:
                try await deliver(chunks, ranges: ranges, shards: shards)
                checkpoints = try catalog.checkpoints(id: id)
                chunks = []
                ranges = [:]
                buffer.reset()
            case .wait(let until):
                if !readSomething || buffer.remainingBytes == 0 {
                    let wait = until.map { UInt64(max(1, min(Int64(pollInterval / 1_000_000), $0 - now))) * 1_000_000 } ?? pollInterval
                    try await Task.sleep(nanoseconds: wait)
                }
            }
        }
        throw CancellationError()
    }

    private func deliver(_ chunks: [Chunk], ranges: [Int: Range<UInt64>], shards: [SourceShard]) async throws {
        try catalog.savePlan(id: id, ranges: ranges)
        var records: [DeliveryRecord] = []
        records.reserveCapacity(chunks.reduce(0) { $0 + $1.result.records.count })
        for chunk in chunks {
            for record in chunk.result.records {
                records.append(DeliveryRecord(shard: chunk.shard, ordinal: record.ordinal, arrival: record.arrival, data: chunk.result.buffer[record.data]))
            }
        }
        let objects = try builder.build(records, batchID: "\(id)/" + DeliveryCatalog.encode(ranges), now: now)
        // Every object is authorized before the first is written, so a denied batch writes
        // nothing; the plan stays saved and the records buffered until a retry is allowed.
        let access = try objectAccess()
        for object in objects {
            do { try access.authorize(.write, bucket: configuration.bucket, key: object.key) } catch let error as TarnError {
                throw TarnError(
                    error.code, "delivery stream \(name) as \(access.principal): \(error.message); \(records.count) records stay buffered and delivery is retried")
            }
        }
        for object in objects {
            var attributes = ObjectAttributes()
            attributes.headers.contentType = object.isError ? "application/x-ndjson" : configuration.formatConversion != nil ? "application/vnd.apache.parquet" : "application/octet-stream"
            try await store.put(bucket: configuration.bucket, key: object.key, bytes: object.body, attributes: attributes, caller: access.keyCaller)
        }
        var finished: Set<Int> = []
        for (shard, range) in ranges {
            if let closed = shards.first(where: { $0.shard == shard })?.closedCount, range.upperBound >= closed { finished.insert(shard) }
        }
        try catalog.commit(id: id, ranges: ranges, finished: finished)
        if case let direct as DirectPutSource = source, let end = ranges[0]?.upperBound { try direct.log.trim(below: end) }
        statistics.withLock {
            $0.objects += objects.count
            $0.records += records.count
            $0.lastError = nil
        }
    }
}

/// What DescribeDeliveryStream reports about a deliverer's progress since start-up.
struct DeliveryStatistics: Sendable {
    /// Objects written.
    var objects = 0
    /// Records delivered.
    var records = 0
    /// The last delivery failure, until a delivery (or, for a source-read failure, a read) succeeds.
    var lastError: String?
    /// Whether the source role's reads are being refused (cleared as soon as they are allowed,
    /// even before there is something to deliver).
    var sourceReadFailing = false
}
