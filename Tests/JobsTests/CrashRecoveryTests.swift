import Catalog
import Foundation
import Storage
import TarnCore
import Testing

@testable import Jobs

/// The commit protocol under injected crashes: a run killed at any step and recovered leaves
/// exactly the cleansed data (same keys, same bytes) an uninterrupted run leaves, never shows
/// half of a run, and loses and duplicates nothing.
@Suite(.serialized) struct CrashRecoveryTests {
    /// Everything a reader could observe about a lake's job output.
    struct Snapshot: Equatable {
        var cleansed: [String]
        var quarantine: [String]
        var rows: [String]
        var partitions: [String]
        var committed: [String]
    }

    static func snapshot(_ lake: LakeFixture, job: String = "events") throws -> Snapshot {
        Snapshot(
            cleansed: try lake.listing("cleansed/\(job)/").map { "\($0.key) \($0.etag) \($0.size)" },
            quarantine: try lake.listing("quarantine/\(job)/").map { "\($0.key) \($0.etag)" },
            rows: try lake.rows(under: "cleansed/\(job)/"),
            partitions: try lake.catalog.partitions(database: "test", table: job).map(\.location),
            committed: try lake.runner.committedFiles(job: job).map { "\($0.key) \($0.rows)" })
    }

    static func prepare(objects: Range<Int>) async throws -> LakeFixture {
        let lake = try await LakeFixture(prefix: "tarn-jobs-crash")
        try await lake.runner.define(SyntheticEvents.job())
        for index in objects { try await lake.put("raw/events/part-\(index).csv", SyntheticEvents.object(index)) }
        return lake
    }

    static let crashPoints: [(JobStep, Int)] = [
        (.planned, 1), (.batchProcessed, 1), (.batchProcessed, 3), (.fileStaged, 1), (.fileStaged, 5), (.keysWritten, 1),
        (.manifestStaged, 1), (.committed, 1), (.published, 1), (.partitionsRegistered, 1), (.finished, 1),
    ]

    @Test(arguments: crashPoints)
    func crashedRunRecoversToTheUninterruptedResult(step: JobStep, occurrence: Int) async throws {
        let reference = try await Self.prepare(objects: 0..<3)
        defer { reference.remove() }
        let uninterrupted = try await reference.runner.run("events")
        #expect(uninterrupted.status == .succeeded)
        let expected = try Self.snapshot(reference)
        #expect(expected.rows.count == Int(uninterrupted.manifest!.totals.rowsWritten))
        #expect(!expected.quarantine.isEmpty)

        let lake = try await Self.prepare(objects: 0..<3)
        defer { lake.remove() }
        await #expect(throws: InjectedCrash.self) {
            try await lake.runner.run("events", faults: .crash(at: step, occurrence: occurrence))
        }
        // Until the publish transaction, nothing of the run is visible; after it, all of it.
        let visible = try lake.listing("cleansed/events/")
        let published = [.published, .partitionsRegistered, .finished].contains(step)
        #expect(published ? visible.count == expected.cleansed.count : visible.isEmpty, "after a crash at \(step)")
        let quarantined = try lake.listing("quarantine/events/")
        #expect(published || quarantined.isEmpty)

        try await lake.reopen()
        let retried = try await lake.runner.run("events")
        #expect(retried.status == .succeeded)
        #expect(try Self.snapshot(lake) == expected, "crash at \(step) #\(occurrence)")
        #expect(try lake.pendingUploads().isEmpty, "staged uploads of the crashed run are aborted")

        // History: the crashed attempt is failed (before the commit) or succeeded (after it).
        let history = try lake.runner.history(job: "events")
        let crashed = try #require(history.last)
        let committedBeforeCrash = [.committed, .published, .partitionsRegistered, .finished].contains(step)
        #expect(crashed.status == (committedBeforeCrash ? .succeeded : .failed))
        #expect(retried.sources.isEmpty == committedBeforeCrash)
        // And the next run has nothing left to do.
        let next = try await lake.runner.run("events")
        #expect(next.sources.isEmpty)
        #expect(try Self.snapshot(lake) == expected)
    }

    @Test func crashInASecondRunKeepsTheFirstAndDeduplicatesAgainstIt() async throws {
        let reference = try await Self.prepare(objects: 0..<2)
        defer { reference.remove() }
        _ = try await reference.runner.run("events")
        try await reference.put("raw/events/part-2.csv", SyntheticEvents.object(2))
        // The re-sent object repeats rows of the first run: all of them must count as duplicates.
        try await reference.put("raw/events/part-3-resend.csv", SyntheticEvents.object(0))
        let second = try await reference.runner.run("events")
        #expect(second.manifest?.sources.last?.counts.rowsWritten == 0)
        let expected = try Self.snapshot(reference)

        let lake = try await Self.prepare(objects: 0..<2)
        defer { lake.remove() }
        _ = try await lake.runner.run("events")
        let afterFirst = try Self.snapshot(lake)
        try await lake.put("raw/events/part-2.csv", SyntheticEvents.object(2))
        try await lake.put("raw/events/part-3-resend.csv", SyntheticEvents.object(0))
        await #expect(throws: InjectedCrash.self) {
            try await lake.runner.run("events", faults: .crash(at: .keysWritten))
        }
        #expect(try Self.snapshot(lake) == afterFirst, "the first run is untouched by the crashed second one")
        try await lake.reopen()
        _ = try await lake.runner.run("events")
        #expect(try Self.snapshot(lake) == expected)
    }

    @Test func failedRunIsRolledBackAndRetriedWholly() async throws {
        let lake = try await Self.prepare(objects: 0..<2)
        defer { lake.remove() }
        // An object whose header lacks a column fails the run; nothing of it may show.
        try await lake.put("raw/events/part-9.csv", "id,seq,amount,at\nE999999,1,1.00,2024-03-01T00:00:00\n")
        await #expect(throws: TarnError.self) { try await lake.runner.run("events") }
        #expect(try lake.listing("cleansed/").isEmpty)
        #expect(try lake.pendingUploads().isEmpty)
        let failed = try #require(try lake.runner.history(job: "events").first)
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("has no column 'kind'") == true)
        // Once the bad object is gone, the next run takes everything else.
        try await lake.store.delete(bucket: "retail", key: "raw/events/part-9.csv")
        let run = try await lake.runner.run("events")
        #expect(run.status == .succeeded)
        #expect(run.sources.count == 2)
    }
}
