import Foundation
import Synchronization
import TarnCore
import TarnTesting
import Testing

@testable import Ingest

/// A clock tests move by hand.
final class TestClock: WallClock {
    let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

@Suite struct DataStreamsTests {
    func input(_ records: [(String, String)]) -> PutRecordsInput {
        var input = PutRecordsInput()
        for (key, data) in records { input.append(partitionKey: key, data: Array(data.utf8)) }
        return input
    }

    func readShard(_ streams: DataStreams, _ name: String, _ shard: Int) throws -> [String] {
        var iterator: String? = try streams.shardIterator(stream: name, shardID: ShardID.format(shard), start: .trimHorizon)
        var out: [String] = []
        while let current = iterator {
            let page = try streams.getRecords(iterator: current, limit: 7)
            out += page.result.records.map { String(decoding: page.result.data($0), as: UTF8.self) }
            iterator = page.nextIterator
            if page.result.records.isEmpty && page.millisBehindLatest == 0 { break }
        }
        return out
    }

    @Test func putRoutesByHashAndSurvivesReopen() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var stored: [PutRecordOutcome] = []
        do {
            let streams = try DataStreams(directory: dir.path)
            try streams.createStream(name: "clicks", shardCount: 4, mode: .provisioned)
            stored = try await streams.put(stream: "clicks", input((0..<100).map { ("user-\($0 % 10)", "event-\($0)") }))
        }
        let streams = try DataStreams(directory: dir.path)
        let ranges = try streams.describe("clicks").openShards
        var total = 0
        for (index, outcome) in stored.enumerated() {
            guard case .stored(let number) = outcome else { Issue.record("record \(index) failed"); continue }
            let key = HashKey.of(partitionKey: "user-\(index % 10)")
            #expect(ranges.first { $0.hashRange.contains(key) }?.index == number.shard)
        }
        for shard in 0..<4 {
            let events = try readShard(streams, "clicks", shard)
            total += events.count
            // Per partition key, order is preserved.
            let numbers = events.map { Int($0.dropFirst(6))! }
            for user in 0..<10 {
                let mine = numbers.filter { $0 % 10 == user }
                #expect(mine == mine.sorted())
            }
        }
        #expect(total == 100)
    }

    @Test func iteratorsExpireAfterFiveMinutes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = TestClock()
        let streams = try DataStreams(directory: dir.path, clock: clock)
        try streams.createStream(name: "s", shardCount: 1, mode: .provisioned)
        let iterator = try streams.shardIterator(stream: "s", shardID: "shardId-000000000000", start: .latest)
        clock.advance(299)
        _ = try streams.getRecords(iterator: iterator)
        clock.advance(2)
        do {
            _ = try streams.getRecords(iterator: iterator)
            Issue.record("expected ExpiredIteratorException")
        } catch let error as TarnError {
            #expect(error.code == .expiredIterator)
        }
    }

    @Test func retentionHidesExpiredRecords() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = TestClock()
        let streams = try DataStreams(directory: dir.path, clock: clock)
        try streams.createStream(name: "s", shardCount: 1, mode: .provisioned)
        _ = try await streams.put(stream: "s", input([("k", "old")]))
        clock.advance(23 * 3600)
        _ = try await streams.put(stream: "s", input([("k", "new")]))
        #expect(try readShard(streams, "s", 0) == ["old", "new"])
        clock.advance(2 * 3600)
        #expect(try readShard(streams, "s", 0) == ["new"])
    }

    @Test func reshardKeepsEveryRecordAndLineage() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let streams = try DataStreams(directory: dir.path)
        try streams.createStream(name: "s", shardCount: 2, mode: .provisioned)
        _ = try await streams.put(stream: "s", input((0..<50).map { ("k\($0)", "a\($0)") }))
        try await streams.updateShardCount(name: "s", target: 3)
        _ = try await streams.put(stream: "s", input((0..<50).map { ("k\($0)", "b\($0)") }))
        let info = try streams.describe("s")
        #expect(info.openShards.count == 3)
        #expect(info.openShards.map(\.hashRange) == HashKey.uniformRanges(count: 3))
        for shard in info.shards {
            // Binary lineage, and every parent is closed.
            for parent in [shard.parent, shard.adjacentParent].compactMap({ $0 }) {
                #expect(info.shards.first { $0.index == parent }?.isOpen == false)
            }
        }
        var all: [String] = []
        for shard in info.shards { all += try readShard(streams, "s", shard.index) }
        #expect(all.count == 100 && Set(all).count == 100)
        // A closed shard read to its end names its children and gives no next iterator.
        let closed = try #require(info.shards.first { !$0.isOpen && ($0.closedCount ?? 0) > 0 })
        let end = try streams.shardIterator(stream: "s", shardID: closed.id, start: .atSequenceNumber(closed.endingSequenceNumber!.description))
        let page = try streams.getRecords(iterator: end)
        #expect(page.nextIterator == nil && page.childShards?.isEmpty == false)
        // Reopened from disk, the layout is the same.
        let reopened = try DataStreams(directory: dir.path)
        #expect(try reopened.describe("s").shards == info.shards)
    }

    @Test func uniformPlansStayBinary() {
        for (from, to) in [(1, 2), (2, 3), (3, 5), (4, 2), (5, 3), (8, 16), (7, 4)] {
            let open = HashKey.uniformRanges(count: from).enumerated().map { ShardInfo(index: $0.offset, hashRange: $0.element) }
            let plan = ReshardPlan.uniform(open: open, target: to, nextIndex: from)
            let kept = open.filter { !plan.closing.contains($0.index) }
            let resulting = (kept + plan.adding.filter(\.isOpen)).sorted { $0.hashRange.lowerBound < $1.hashRange.lowerBound }
            #expect(resulting.map(\.hashRange) == HashKey.uniformRanges(count: to), "\(from) → \(to)")
            #expect(Set(plan.closing).count == plan.closing.count)
        }
    }

    @Test func throughputLimitFailsRecordsIndividually() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var configuration = StreamsConfiguration()
        configuration.shardRecordsPerSecond = 5
        let streams = try DataStreams(directory: dir.path, configuration: configuration, clock: TestClock())
        try streams.createStream(name: "s", shardCount: 1, mode: .provisioned)
        let outcomes = try await streams.put(stream: "s", input((0..<8).map { ("k", "\($0)") }))
        let failed = outcomes.filter { if case .failed = $0 { true } else { false } }
        #expect(failed.count == 3)
        #expect(failed.first == .failed(code: "ProvisionedThroughputExceededException", message: "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000."))
    }

    @Test func errorsUseKinesisCodes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let streams = try DataStreams(directory: dir.path)
        try streams.createStream(name: "s", shardCount: 1, mode: .provisioned)
        #expect(throws: TarnError.self) { try streams.createStream(name: "s", shardCount: 1, mode: .provisioned) }
        do {
            _ = try await streams.put(stream: "missing", input([("k", "v")]))
            Issue.record("expected ResourceNotFoundException")
        } catch let error as TarnError {
            #expect(error.code == .resourceNotFound)
        }
        do {
            try await streams.updateShardCount(name: "s", target: 3)
            Issue.record("expected LimitExceededException")
        } catch let error as TarnError {
            #expect(error.code == .limitExceededException)
        }
        #expect(throws: TarnError.self) { try streams.setRetention(name: "s", hours: 12, increase: false) }
        #expect(throws: TarnError.self) { try DataStreams.validate(name: "bad name") }
    }
}
