import Dispatch
import Foundation
import Ingest
import Synchronization
import TarnCore

/// Durable ingest in-process (no HTTP, no JSON): `DataStreams.put` of 500 × 1 KiB records per
/// call from 1, 8 and 64 concurrent producers, each call returning only once its records are
/// fdatasync'ed. Isolates the log, the routing and the group commit from the server.
///
/// `TarnBench ingest [seconds] [shards] [directory]`.
@Sendable func ingestBenchmark(_ arguments: [String]) async throws {
    let seconds = arguments.first.flatMap(Double.init) ?? 5
    let shards = arguments.dropFirst().first.flatMap(Int.init) ?? 4
    let base = arguments.dropFirst(2).first ?? FileManager.default.currentDirectoryPath + "/bench-data"
    var input = PutRecordsInput()
    var generator = SystemRandomNumberGenerator()
    for index in 0..<500 {
        input.append(partitionKey: "user-\(index)-\(generator.next() as UInt32)", data: (0..<1024).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
    let batch = input
    for producers in [1, 8, 64] {
        let directory = base + "/ingest-\(producers)-\(Identifiers.randomHex(byteCount: 4, uppercase: false))"
        defer { try? FileSystem.removeTree(directory) }
        let streams = try DataStreams(directory: directory)
        try streams.createStream(name: "bench", shardCount: shards, mode: .provisioned)
        let latencies = LatencyLog()
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<producers {
                group.addTask {
                    var mine: [Double] = []
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        _ = try await streams.put(stream: "bench", batch)
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
                    }
                    latencies.values.withLock { $0 += mine }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let sorted = latencies.values.withLock { $0 }.sorted()
        let records = Double(sorted.count * 500)
        let stats = streams.scheduler.statistics
        report("ingest_inprocess_p\(producers)_records_per_s", records / elapsed, "records/s")
        report("ingest_inprocess_p\(producers)_mb_per_s", records * 1024 / elapsed / 1e6, "MB/s")
        report("ingest_inprocess_p\(producers)_ack_p50", sorted[sorted.count / 2], "ms")
        report("ingest_inprocess_p\(producers)_ack_p99", sorted[min(sorted.count - 1, sorted.count * 99 / 100)], "ms")
        report("ingest_inprocess_p\(producers)_sync_rounds_per_s", Double(stats.rounds) / elapsed, "rounds/s")
    }
}

/// Latencies collected from concurrent producers.
final class LatencyLog: Sendable {
    let values = Mutex<[Double]>([])
}
