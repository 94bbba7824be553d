import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Ingest

@Suite struct ShardLogTests {
    func batch(_ records: [(String, String)]) -> LogBatch {
        var batch = LogBatch()
        for (key, data) in records { batch.append(partitionKey: Array(key.utf8), data: Array(data.utf8)) }
        return batch
    }

    func contents(_ result: LogReadResult) -> [String] { result.records.map { String(decoding: result.data($0), as: UTF8.self) } }

    @Test func appendSyncRead() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = DurabilityScheduler()
        let log = try ShardLog(directory: dir.path + "/0", shard: 0)
        var first = batch([("a", "one"), ("b", "two")])
        #expect(try log.append(&first, now: 1000) == 0)
        // Written but not yet synced: invisible to readers.
        #expect(try log.read(from: 0, maxRecords: 10, maxBytes: 1 << 20).records.isEmpty)
        try await scheduler.waitDurable([log])
        var second = batch([("c", "three")])
        #expect(try log.append(&second, now: 900) == 2)
        try await scheduler.waitDurable([log])
        let result = try log.read(from: 0, maxRecords: 10, maxBytes: 1 << 20)
        #expect(contents(result) == ["one", "two", "three"])
        #expect(result.records.map(\.ordinal) == [0, 1, 2])
        // Arrival times never go backwards within a shard.
        #expect(result.records.map(\.arrival) == [1000, 1000, 1000])
        #expect(result.partitionKey(result.records[2]) == "c")
        #expect(contents(try log.read(from: 1, maxRecords: 1, maxBytes: 1 << 20)) == ["two"])
        #expect(try log.read(from: 1, maxRecords: 1, maxBytes: 1 << 20).nextOrdinal == 2)
    }

    @Test func rollsSegmentsAndRecovers() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = DurabilityScheduler()
        do {
            let log = try ShardLog(directory: dir.path, shard: 0, segmentBytes: 200)
            for index in 0..<20 {
                var one = batch([("key", "record-\(index)-" + String(repeating: "x", count: 40))])
                _ = try log.append(&one, now: Int64(1000 + index))
            }
            try await scheduler.waitDurable([log])
        }
        let segments = try FileSystem.listDirectory(dir.path).filter { $0.hasSuffix(".seg") }
        #expect(segments.count > 5)
        let reopened = try ShardLog(directory: dir.path, shard: 0, segmentBytes: 200)
        #expect(reopened.nextOrdinal == 20 && reopened.durableEnd == 20)
        let all = try reopened.read(from: 0, maxRecords: 100, maxBytes: 1 << 20)
        #expect(all.records.count == 20)
        #expect(contents(all)[13].hasPrefix("record-13-"))
        #expect(try reopened.ordinal(atOrAfter: 1013) == 13)
        #expect(try reopened.ordinal(atOrAfter: 0) == 0)
        #expect(try reopened.ordinal(atOrAfter: 5000) == 20)
        // maxBytes stops early but always returns at least one record.
        #expect(try reopened.read(from: 3, maxRecords: 100, maxBytes: 1).records.count == 1)
        // Retention removes whole old segments, never the newest.
        #expect(try reopened.trim(before: 1010) > 0)
        #expect(reopened.firstStoredOrdinal > 0 && reopened.firstStoredOrdinal <= 10)
        let trimmed = try reopened.read(from: 0, maxRecords: 100, maxBytes: 1 << 20)
        #expect(trimmed.records.first?.ordinal == reopened.firstStoredOrdinal && trimmed.records.last?.ordinal == 19)
    }

    /// A crash can leave the newest segment ending in a torn, unacknowledged batch: recovery cuts
    /// it at the first frame whose checksums fail, and appends continue from there.
    @Test(arguments: [1, 7, 29, 31, 45])
    func recoveryCutsATornTail(cut: Int) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = DurabilityScheduler()
        let path: String
        let fullSize: Int64
        do {
            let log = try ShardLog(directory: dir.path, shard: 0)
            var good = batch([("k", "durable")])
            _ = try log.append(&good, now: 1)
            try await scheduler.waitDurable([log])
            var torn = batch([("k", "torn-away-record")])
            _ = try log.append(&torn, now: 2)
            path = dir.path + "/" + ShardLog.segmentName(0)
            fullSize = try PosixFile(path: path, mode: .read).size()
        }
        // Simulate the crash: the second frame only partly reached the disk.
        let file = try PosixFile(path: path, mode: .readWrite)
        let firstFrame = Int64(LogFrame.headerSize + 1 + 7)
        try file.truncate(to: min(fullSize - 1, firstFrame + Int64(cut)))
        let reopened = try ShardLog(directory: dir.path, shard: 0)
        #expect(reopened.nextOrdinal == 1)
        #expect(try file.size() == firstFrame)
        var next = batch([("k", "after")])
        #expect(try reopened.append(&next, now: 3) == 1)
        try await scheduler.waitDurable([reopened])
        #expect(contents(try reopened.read(from: 0, maxRecords: 10, maxBytes: 1 << 20)) == ["durable", "after"])
    }

    @Test func corruptPayloadIsDetectedOnRead() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let log = try ShardLog(directory: dir.path, shard: 0)
        var one = batch([("k", "payload")])
        _ = try log.append(&one, now: 1)
        try await DurabilityScheduler().waitDurable([log])
        let file = try PosixFile(path: dir.path + "/" + ShardLog.segmentName(0), mode: .readWrite)
        try [UInt8(ascii: "X")].withUnsafeBytes { try file.write($0, at: Int64(LogFrame.headerSize + 2)) }
        #expect(throws: TarnError.self) { try log.read(from: 0, maxRecords: 1, maxBytes: 100) }
    }

    @Test func closedShardRejectsAppends() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let log = try ShardLog(directory: dir.path, shard: 0)
        var one = batch([("k", "v")])
        _ = try log.append(&one, now: 1)
        #expect(log.close() == 1)
        var two = batch([("k", "w")])
        #expect(throws: TarnError.self) { try log.append(&two, now: 2) }
    }

    /// Many concurrent producers share sync rounds instead of paying one each.
    @Test func concurrentProducersShareSyncs() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scheduler = DurabilityScheduler()
        let log = try ShardLog(directory: dir.path, shard: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<32 {
                group.addTask {
                    for index in 0..<10 {
                        var one = LogBatch()
                        one.append(partitionKey: Array("p\(producer)".utf8), data: Array("\(index)".utf8))
                        _ = try log.append(&one, now: 1)
                        try await scheduler.waitDurable([log])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(log.durableEnd == 320)
        #expect(scheduler.statistics.rounds < 320)
        let result = try log.read(from: 0, maxRecords: 1000, maxBytes: 1 << 30)
        for producer in 0..<32 {
            let mine = result.records.filter { result.partitionKey($0) == "p\(producer)" }.map { String(decoding: result.data($0), as: UTF8.self) }
            #expect(mine == (0..<10).map(String.init))
        }
    }
}
