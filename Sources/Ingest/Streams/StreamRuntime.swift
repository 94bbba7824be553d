import Synchronization
import TarnCore

/// A live stream: its metadata, the logs of its shards and the routing table of its open shards.
final class StreamRuntime: Sendable {
    struct Route: Sendable {
        let range: ClosedRange<UInt128>
        let index: Int
        let log: ShardLog
    }

    struct State: Sendable {
        /// Shards, retention, tags and status; its `keyID` stays nil (see `info`).
        var info: StreamInfo
        var logs: [Int: ShardLog]
        /// Open shards ordered by hash range (binary-searched per record).
        var routes: [Route]
        var limiters: [Int: ThroughputLimiter]
        var resharding = false
    }

    let id: Int64
    let name: String
    let directory: String
    let configuration: StreamsConfiguration
    /// The stream's data keys (shared by its shard logs).
    let keyring: StreamKeyring
    let state: Mutex<State>

    init(info: StreamInfo, root: String, configuration: StreamsConfiguration, keyring: StreamKeyring, now: Int64) throws {
        id = info.id
        name = info.name
        directory = root
        self.configuration = configuration
        self.keyring = keyring
        var logs: [Int: ShardLog] = [:]
        for shard in info.shards {
            let path = root + "/" + String(shard.index)
            // Closed shards that were only intermediate steps of a reshard never had records.
            if !shard.isOpen && !FileSystem.exists(path) { continue }
            let log = try ShardLog(directory: path, shard: shard.index, segmentBytes: configuration.segmentBytes, keyring: keyring)
            if !shard.isOpen { log.close() }
            logs[shard.index] = log
        }
        state = Mutex(State(info: info, logs: logs, routes: [], limiters: [:]))
        state.withLock { Self.rebuildRoutes(&$0, configuration: configuration, now: now) }
    }

    /// The stream's metadata, with the KMS key of its active data key generation: the keyring
    /// is the one place that knows it (`State.info.keyID` is never set).
    var info: StreamInfo {
        var info = state.withLock { $0.info }
        info.keyID = keyring.active?.keyID
        return info
    }

    static func rebuildRoutes(_ state: inout State, configuration: StreamsConfiguration, now: Int64) {
        state.routes = state.info.openShards.compactMap { shard in state.logs[shard.index].map { Route(range: shard.hashRange, index: shard.index, log: $0) } }
        if configuration.shardRecordsPerSecond != nil || configuration.shardBytesPerSecond != nil {
            for route in state.routes where state.limiters[route.index] == nil {
                state.limiters[route.index] = ThroughputLimiter(
                    recordsPerSecond: configuration.shardRecordsPerSecond, bytesPerSecond: configuration.shardBytesPerSecond, now: now)
            }
        }
    }

    /// The open shard owning `key` (routes cover the key space without gaps).
    static func route(_ key: UInt128, in routes: [Route]) -> Int? {
        var low = 0, high = routes.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if key < routes[middle].range.lowerBound { high = middle - 1 } else if key > routes[middle].range.upperBound { low = middle + 1 } else { return middle }
        }
        return nil
    }

    func destroy() throws {
        let logs = state.withLock { state in
            state.routes = []
            return Array(state.logs.values)
        }
        for log in logs { log.close() }
        try FileSystem.removeTree(directory)
    }
}
