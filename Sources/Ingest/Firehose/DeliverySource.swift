import TarnCore

/// A shard a delivery stream reads.
struct SourceShard: Sendable {
    /// The shard's index.
    var shard: Int
    /// Its log (nil for a shard that closed without ever holding a record).
    var log: ShardLog?
    /// Its record count once closed; nil while open.
    var closedCount: UInt64?
}

/// Where a delivery stream's records come from.
protocol DeliverySource: Sendable {
    /// The shards to read now, given how far each has been delivered.
    func shards(checkpoints: [Int: DeliveryCatalog.Checkpoint]) throws -> [SourceShard]
}

/// DirectPut: the delivery stream's own single-shard log, written by PutRecord(Batch).
struct DirectPutSource: DeliverySource {
    let log: ShardLog
    func shards(checkpoints: [Int: DeliveryCatalog.Checkpoint]) throws -> [SourceShard] { [SourceShard(shard: 0, log: log, closedCount: nil)] }
}

/// KinesisStreamAsSource: the shards of a Tarn data stream, parents before children.
///
/// Shards that existed when the delivery stream was created start at their end (Firehose reads
/// a source stream from LATEST); shards created later start at their beginning once every parent
/// has been delivered to its end, so records of one partition key stay in order across a reshard.
struct KinesisStreamSource: DeliverySource {
    let streams: DataStreams
    let streamName: String

    func shards(checkpoints: [Int: DeliveryCatalog.Checkpoint]) throws -> [SourceShard] {
        let info = try streams.describe(streamName)
        var ready: [SourceShard] = []
        for shard in info.shards.sorted(by: { $0.index < $1.index }) {
            if let checkpoint = checkpoints[shard.index] {
                if checkpoint.done { continue }
            } else {
                let parents = [shard.parent, shard.adjacentParent].compactMap { $0 }
                guard parents.allSatisfy({ checkpoints[$0]?.done == true }) else { continue }
            }
            ready.append(SourceShard(shard: shard.index, log: try streams.log(stream: streamName, shard: shard.index), closedCount: shard.closedCount))
        }
        return ready
    }

    /// Checkpoints at creation: open shards at their current end, closed ones finished.
    static func initialCheckpoints(streams: DataStreams, streamName: String) throws -> [Int: DeliveryCatalog.Checkpoint] {
        var checkpoints: [Int: DeliveryCatalog.Checkpoint] = [:]
        for shard in try streams.describe(streamName).shards {
            let end = try streams.log(stream: streamName, shard: shard.index)?.nextOrdinal ?? 0
            checkpoints[shard.index] = DeliveryCatalog.Checkpoint(next: end, done: !shard.isOpen)
        }
        return checkpoints
    }
}
