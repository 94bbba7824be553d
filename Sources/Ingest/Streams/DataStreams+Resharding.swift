import TarnCore

extension DataStreams {
    /// UpdateShardCount (`UNIFORM_SCALING`).
    /// - Returns: the open shard count before and after.
    /// - Throws: `LimitExceededException` beyond double or below half the current count (as
    ///   AWS), `ResourceInUseException` while another reshard runs.
    @discardableResult
    public func updateShardCount(name: String, target: Int) async throws -> (current: Int, target: Int) {
        let runtime = try self.runtime(name)
        let info = runtime.info
        let open = info.openShards
        guard target >= 1, target <= configuration.maxShardsPerStream else {
            throw TarnError(.limitExceededException, "TargetShardCount \(target) is outside 1...\(configuration.maxShardsPerStream).")
        }
        guard target <= open.count * 2 else {
            throw TarnError(.limitExceededException, "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: \(open.count) Target shard count: \(target)")
        }
        guard target * 2 >= open.count else {
            throw TarnError(.limitExceededException, "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: \(open.count) Target shard count: \(target)")
        }
        let plan = ReshardPlan.uniform(open: open, target: target, nextIndex: info.nextShardIndex)
        if !plan.closing.isEmpty { try await apply(plan, to: runtime) }
        return (open.count, target)
    }

    /// SplitShard.
    public func splitShard(name: String, shardID: String, newStartingHashKey: UInt128) async throws {
        let runtime = try self.runtime(name)
        let info = runtime.info
        let index = try ShardID.parse(shardID)
        guard let shard = info.shards.first(where: { $0.index == index }) else {
            throw TarnError(.resourceNotFound, "Could not find shard \(shardID) in stream \(name) under account \(configuration.accountID).")
        }
        guard shard.isOpen else { throw TarnError(.resourceInUse, "Shard \(shardID) in stream \(name) under account \(configuration.accountID) has already been merged or split, and thus is not eligible for merging or splitting.") }
        guard let plan = ReshardPlan.split(shard, at: newStartingHashKey, nextIndex: info.nextShardIndex) else {
            throw TarnError(.invalidArgumentException, "NewStartingHashKey \(newStartingHashKey) used in SplitShard() on shard \(shardID) in stream \(name) under account \(configuration.accountID) is not both greater than one plus the shard's StartingHashKey \(shard.hashRange.lowerBound) and less than the shard's EndingHashKey \(shard.hashRange.upperBound).")
        }
        try await apply(plan, to: runtime)
    }

    /// MergeShards.
    public func mergeShards(name: String, shardID: String, adjacentShardID: String) async throws {
        let runtime = try self.runtime(name)
        let info = runtime.info
        let first = try ShardID.parse(shardID), second = try ShardID.parse(adjacentShardID)
        guard let shard = info.shards.first(where: { $0.index == first }), let adjacent = info.shards.first(where: { $0.index == second }) else {
            throw TarnError(.resourceNotFound, "Could not find shard \(shardID) or \(adjacentShardID) in stream \(name) under account \(configuration.accountID).")
        }
        guard shard.isOpen, adjacent.isOpen else {
            throw TarnError(.resourceInUse, "Shards \(shardID) and \(adjacentShardID) in stream \(name) under account \(configuration.accountID) must both be open to merge.")
        }
        guard let plan = ReshardPlan.merge(shard, adjacent, nextIndex: info.nextShardIndex) else {
            throw TarnError(.invalidArgumentException, "Shards \(shardID) and \(adjacentShardID) in stream \(name) under account \(configuration.accountID) are not an adjacent pair of shards eligible for merging")
        }
        try await apply(plan, to: runtime)
    }

    /// Applies a plan: closes the parents to writes, waits until everything they hold is durable
    /// (so the record counts committed as their ends are exact), commits the new layout, then
    /// opens the children. Producers routed to a closing shard retry against the new layout.
    func apply(_ plan: ReshardPlan, to runtime: StreamRuntime) async throws {
        let closingLogs: [ShardLog] = try runtime.state.withLock { state in
            if state.resharding {
                throw TarnError(.resourceInUse, "Stream \(runtime.name) under account \(configuration.accountID) is being resharded (status UPDATING).")
            }
            state.resharding = true
            state.info.status = "UPDATING"
            return plan.closing.compactMap { state.logs[$0] }
        }
        do {
            var counts: [Int: UInt64] = [:]
            for log in closingLogs { counts[log.shard] = log.close() }
            for index in plan.closing where counts[index] == nil { counts[index] = 0 }
            try await scheduler.waitDurable(closingLogs)
            var newLogs: [Int: ShardLog] = [:]
            for shard in plan.adding where shard.isOpen {
                newLogs[shard.index] = try ShardLog(directory: runtime.directory + "/" + String(shard.index), shard: shard.index, segmentBytes: configuration.segmentBytes, keyring: runtime.keyring)
            }
            let nextIndex = (plan.adding.map(\.index).max() ?? runtime.info.nextShardIndex - 1) + 1
            try catalog.reshard(id: runtime.id, closed: counts, added: plan.adding, nextShardIndex: nextIndex)
            let now = nowMilliseconds
            runtime.state.withLock { state in
                for index in state.info.shards.indices {
                    if let count = counts[state.info.shards[index].index] { state.info.shards[index].closedCount = count }
                }
                state.info.shards += plan.adding
                state.info.nextShardIndex = nextIndex
                for (index, log) in newLogs { state.logs[index] = log }
                StreamRuntime.rebuildRoutes(&state, configuration: configuration, now: now)
                state.resharding = false
                state.info.status = "ACTIVE"
            }
        } catch {
            runtime.state.withLock { state in
                state.resharding = false
                state.info.status = "ACTIVE"
            }
            for log in closingLogs { log.reopen() }
            throw error
        }
    }
}

extension ShardLog {
    /// Undoes `close` after a reshard failed before it was committed.
    func reopen() { state.withLock { $0.closed = false } }
}
