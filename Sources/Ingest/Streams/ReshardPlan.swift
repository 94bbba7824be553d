/// The shards a reshard closes and creates, with Kinesis lineage: every new shard has at most a
/// `parent` and an `adjacentParent`, so a consumer can always finish a shard's parents before
/// reading it (docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html).
public struct ReshardPlan: Sendable, Equatable {
    /// Open shards to close.
    public var closing: [Int]
    /// New shards; intermediate ones (made only to keep lineage binary) are created closed and empty.
    public var adding: [ShardInfo]

    /// Splits one shard at `startingHashKey`: two children, each with the shard as parent.
    /// (API_SplitShard: "NewStartingHashKey … must be within the hash key range of the shard".)
    public static func split(_ shard: ShardInfo, at startingHashKey: UInt128, nextIndex: Int) -> ReshardPlan? {
        guard startingHashKey > shard.hashRange.lowerBound, startingHashKey <= shard.hashRange.upperBound else { return nil }
        return ReshardPlan(
            closing: [shard.index],
            adding: [
                ShardInfo(index: nextIndex, parent: shard.index, hashRange: shard.hashRange.lowerBound...(startingHashKey - 1)),
                ShardInfo(index: nextIndex + 1, parent: shard.index, hashRange: startingHashKey...shard.hashRange.upperBound),
            ])
    }

    /// Merges two shards whose ranges touch into one child (parent `shard`, adjacent parent `adjacent`).
    public static func merge(_ shard: ShardInfo, _ adjacent: ShardInfo, nextIndex: Int) -> ReshardPlan? {
        let low = min(shard.hashRange.lowerBound, adjacent.hashRange.lowerBound)
        let high = max(shard.hashRange.upperBound, adjacent.hashRange.upperBound)
        let touching =
            (shard.hashRange.upperBound != .max && shard.hashRange.upperBound + 1 == adjacent.hashRange.lowerBound)
            || (adjacent.hashRange.upperBound != .max && adjacent.hashRange.upperBound + 1 == shard.hashRange.lowerBound)
        guard touching else { return nil }
        return ReshardPlan(
            closing: [shard.index, adjacent.index],
            adding: [ShardInfo(index: nextIndex, parent: shard.index, adjacentParent: adjacent.index, hashRange: low...high)])
    }

    /// UpdateShardCount with `UNIFORM_SCALING`: ends with `target` open shards of equal width.
    ///
    /// Splits each open shard at the target boundaries inside it, then merges the pieces of
    /// each target range left to right; a shard already equal to a target range is kept. The
    /// pieces that are split off only to be merged again are created closed and empty.
    /// - Parameters:
    ///   - open: the open shards (covering the key space).
    ///   - target: the shard count wanted.
    ///   - nextIndex: the first free shard index.
    public static func uniform(open: [ShardInfo], target: Int, nextIndex: Int) -> ReshardPlan {
        let shards = open.sorted { $0.hashRange.lowerBound < $1.hashRange.lowerBound }
        let targets = HashKey.uniformRanges(count: target)
        var plan = ReshardPlan(closing: [], adding: [])
        var next = nextIndex
        // Pieces per target range: (shard index, range, whether it is a new shard).
        var pieces: [[(index: Int, range: ClosedRange<UInt128>, isNew: Bool)]] = Array(repeating: [], count: targets.count)
        for shard in shards {
            let covering = targets.indices.filter { targets[$0].overlaps(shard.hashRange) }
            if covering.count == 1 {
                pieces[covering[0]].append((shard.index, shard.hashRange, false))
                continue
            }
            plan.closing.append(shard.index)
            for target in covering {
                let range = max(targets[target].lowerBound, shard.hashRange.lowerBound)...min(targets[target].upperBound, shard.hashRange.upperBound)
                plan.adding.append(ShardInfo(index: next, parent: shard.index, hashRange: range))
                pieces[target].append((next, range, true))
                next += 1
            }
        }
        for (target, group) in pieces.enumerated() {
            if group.count == 1 {
                // Already exactly the target range (a kept shard or a fresh split child).
                continue
            }
            var accumulated = group[0]
            for piece in group.dropFirst() {
                for merged in [accumulated, piece] {
                    if merged.isNew {
                        if let position = plan.adding.firstIndex(where: { $0.index == merged.index }) { plan.adding[position].closedCount = 0 }
                    } else {
                        plan.closing.append(merged.index)
                    }
                }
                let range = accumulated.range.lowerBound...piece.range.upperBound
                plan.adding.append(ShardInfo(index: next, parent: accumulated.index, adjacentParent: piece.index, hashRange: range))
                accumulated = (next, range, true)
                next += 1
            }
            _ = target
        }
        return plan
    }
}
