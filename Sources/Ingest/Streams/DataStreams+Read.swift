import Foundation
import TarnCore

/// Where a new shard iterator starts (`ShardIteratorType`).
public enum IteratorStart: Sendable, Equatable {
    /// The oldest record still retained.
    case trimHorizon
    /// Just after the newest record.
    case latest
    /// At the record with this sequence number.
    case atSequenceNumber(String)
    /// Just after the record with this sequence number.
    case afterSequenceNumber(String)
    /// At the first record that arrived at or after this time.
    case atTimestamp(Date)
}

/// A shard iterator together with the stream it reads (`DataStreams.resolve(iterator:)`).
public struct ResolvedShardIterator: Sendable {
    /// The decoded position.
    public let position: ShardIterator
    /// The name of the stream the iterator reads.
    public let streamName: String
    let runtime: StreamRuntime
}

/// A GetRecords answer.
public struct GetRecordsOutput: Sendable {
    /// The records and their bytes.
    public var result: LogReadResult
    /// The shard read.
    public var shard: Int
    /// The iterator for the next call; nil once a closed shard has been read to its end.
    public var nextIterator: String?
    /// How far behind the newest record of the shard this answer is (0 when caught up).
    public var millisBehindLatest: Int64
    /// When the shard is closed and read to the end: the shards that replaced it.
    public var childShards: [ShardInfo]?
}

extension DataStreams {
    /// GetShardIterator.
    /// - Throws: `ResourceNotFoundException` for an unknown stream or shard,
    ///   `InvalidArgumentException` for a sequence number from another shard or beyond the end.
    public func shardIterator(stream name: String, shardID: String, start: IteratorStart) throws -> String {
        let runtime = try self.runtime(name)
        let index = try ShardID.parse(shardID)
        let (shard, log) = runtime.state.withLock { state in (state.info.shards.first { $0.index == index }, state.logs[index]) }
        guard let shard else {
            throw TarnError(.resourceNotFound, "Shard \(shardID) in stream \(name) under account \(configuration.accountID) does not exist")
        }
        let end = log?.nextOrdinal ?? shard.closedCount ?? 0
        func position(_ text: String) throws -> UInt64 {
            let number = try SequenceNumber(parsing: text)
            guard number.shard == index else {
                throw TarnError(.invalidArgumentException, "Invalid StartingSequenceNumber. It encodes \(ShardID.format(number.shard)), while it was used in a call to a shard with \(shard.id)")
            }
            guard number.ordinal < max(end, 1) else {
                throw TarnError(.invalidArgumentException, "StartingSequenceNumber \(text) used in GetShardIterator on shard \(shard.id) in stream \(name) under account \(configuration.accountID) is invalid because it did not come from this stream.")
            }
            return number.ordinal
        }
        let ordinal: UInt64
        switch start {
        case .trimHorizon: ordinal = log?.firstStoredOrdinal ?? 0
        case .latest: ordinal = end
        case .atSequenceNumber(let text): ordinal = try position(text)
        case .afterSequenceNumber(let text): ordinal = try position(text) + 1
        case .atTimestamp(let date): ordinal = try log?.ordinal(atOrAfter: Self.milliseconds(date)) ?? 0
        }
        return ShardIterator(streamID: runtime.id, shard: index, ordinal: ordinal, issuedAt: nowMilliseconds).token(secret: iteratorSecret)
    }

    /// GetRecords: up to `limit` records (and 10 MiB) from the iterator's position.
    /// - Throws: `ExpiredIteratorException` after five minutes, `InvalidArgumentException` for a
    ///   token this lake did not issue, `ResourceNotFoundException` when the stream is gone.
    public func getRecords(iterator token: String, limit: Int = 10_000) throws -> GetRecordsOutput {
        try getRecords(try resolve(iterator: token), limit: limit)
    }

    /// Decodes a shard iterator and finds the stream it reads, so that GetRecords, which names
    /// no stream, can be authorized against the stream's ARN before anything is read.
    /// - Throws: `InvalidArgumentException` for a token this lake did not issue,
    ///   `ResourceNotFoundException` when its stream was deleted.
    public func resolve(iterator token: String) throws -> ResolvedShardIterator {
        let iterator = try ShardIterator(token: token, secret: iteratorSecret)
        guard let runtime = runtime(id: iterator.streamID) else {
            throw TarnError(.resourceNotFound, "The stream of this shard iterator does not exist (it was deleted).")
        }
        return ResolvedShardIterator(position: iterator, streamName: runtime.state.withLock { $0.info.name }, runtime: runtime)
    }

    /// GetRecords from an iterator `resolve(iterator:)` decoded.
    /// - Throws: `ExpiredIteratorException` after five minutes, `ResourceNotFoundException` when
    ///   the shard is gone.
    public func getRecords(_ resolved: ResolvedShardIterator, limit: Int = 10_000) throws -> GetRecordsOutput {
        let iterator = resolved.position, runtime = resolved.runtime
        let now = nowMilliseconds
        if iterator.isExpired(now: now) {
            throw TarnError(
                .expiredIterator,
                "Iterator expired. The iterator was created at time \(Self.httpDate(iterator.issuedAt)) while right now it is \(Self.httpDate(now)) which is further in the future than the tolerated delay of \(ShardIterator.lifetimeMilliseconds) milliseconds.")
        }
        let (info, log) = runtime.state.withLock { ($0.info, $0.logs[iterator.shard]) }
        guard let shard = info.shards.first(where: { $0.index == iterator.shard }) else {
            throw TarnError(.resourceNotFound, "Shard \(ShardID.format(iterator.shard)) in stream \(info.name) under account \(configuration.accountID) does not exist")
        }
        let cutoff = now - Int64(info.retentionHours) * 3_600_000
        let result = try log?.read(from: iterator.ordinal, maxRecords: limit, maxBytes: Self.maxBytesPerGet, notBefore: cutoff, now: now)
            ?? LogReadResult(buffer: [], records: [], nextOrdinal: iterator.ordinal, durableEnd: 0, tipArrival: 0)
        let caughtUp = result.nextOrdinal >= result.durableEnd
        var output = GetRecordsOutput(result: result, shard: iterator.shard, nextIterator: nil, millisBehindLatest: 0, childShards: nil)
        if !caughtUp { output.millisBehindLatest = max(0, now - (result.records.last?.arrival ?? now)) }
        if let closed = shard.closedCount, result.nextOrdinal >= closed {
            // The end of a closed shard: no next iterator; the consumer moves to the children.
            output.childShards = info.shards.filter { $0.parent == shard.index || $0.adjacentParent == shard.index }
        } else {
            output.nextIterator = ShardIterator(streamID: runtime.id, shard: iterator.shard, ordinal: result.nextOrdinal, issuedAt: now).token(secret: iteratorSecret)
        }
        return output
    }

    /// The most data one GetRecords call returns (10 MiB, API_GetRecords).
    public static let maxBytesPerGet = 10 << 20

    static func httpDate(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
