import Foundation
import Storage
import TarnCore
import Testing

@testable import Jobs

/// Compaction merges small files without changing a single row, swaps them atomically, and
/// survives crashes like any run.
@Suite(.serialized) struct CompactionTests {
    /// A lake where three runs left three small files in each of six partitions.
    static func fragmented() async throws -> LakeFixture {
        let lake = try await LakeFixture(prefix: "tarn-jobs-compact")
        try await lake.runner.define(SyntheticEvents.job())
        for index in 0..<3 {
            try await lake.put("raw/events/part-\(index).csv", SyntheticEvents.object(index, rows: 2400))
            _ = try await lake.runner.run("events")
        }
        return lake
    }

    @Test func mergesSmallFilesPerPartitionKeepingEveryRow() async throws {
        let lake = try await Self.fragmented()
        defer { lake.remove() }
        let before = try lake.listing("cleansed/events/")
        let rowsBefore = try lake.rows(under: "cleansed/events/")
        #expect(before.count == 18)

        let run = try await lake.runner.compact("events")
        #expect(run.kind == .compaction)
        #expect(run.status == .succeeded)
        let manifest = try #require(run.manifest)
        #expect(manifest.replacedFiles.count == 18)
        #expect(manifest.files.filter { $0.kind == .data }.count == 6)
        #expect(manifest.totals.rowsRead == manifest.totals.rowsWritten)

        let after = try lake.listing("cleansed/events/")
        #expect(after.count == 6)
        #expect(Set(after.map(\.key)).isDisjoint(with: before.map(\.key)))
        #expect(try lake.rows(under: "cleansed/events/") == rowsBefore)
        #expect(try lake.runner.committedFiles(job: "events").map(\.key) == after.map(\.key))
        #expect(try lake.pendingUploads().isEmpty)

        // The merged key index still knows every key: a re-sent object is all duplicates.
        try await lake.put("raw/events/resend.csv", SyntheticEvents.object(1, rows: 2400))
        let resend = try await lake.runner.run("events")
        #expect(resend.manifest?.totals.rowsWritten == 0)
        #expect(try lake.rows(under: "cleansed/events/") == rowsBefore)

        // Nothing left to merge.
        let again = try await lake.runner.compact("events")
        #expect(again.sources.isEmpty)
    }

    @Test func onlyTheNamedPartitions() async throws {
        let lake = try await Self.fragmented()
        defer { lake.remove() }
        let run = try await lake.runner.compact("events", partitions: ["year=2024/month=3/day=2"])
        #expect(run.manifest?.replacedFiles.count == 3)
        #expect(try lake.listing("cleansed/events/year=2024/month=3/day=2/").count == 1)
        #expect(try lake.listing("cleansed/events/year=2024/month=3/day=3/").count == 3)
    }

    @Test(arguments: [JobStep.fileStaged, .manifestStaged, .committed, .published])
    func crashDuringCompactionLosesNothing(step: JobStep) async throws {
        let lake = try await Self.fragmented()
        defer { lake.remove() }
        let rowsBefore = try lake.rows(under: "cleansed/events/")
        await #expect(throws: InjectedCrash.self) { try await lake.runner.compact("events", faults: .crash(at: step)) }
        // Either the old files or the new ones, never a mix with missing or doubled rows.
        #expect(try lake.rows(under: "cleansed/events/") == rowsBefore)
        try await lake.reopen()
        #expect(try lake.rows(under: "cleansed/events/") == rowsBefore)
        #expect(try lake.pendingUploads().isEmpty)
        let count = try lake.listing("cleansed/events/").count
        #expect(count == ([.committed, .published].contains(step) ? 6 : 18))
        _ = try await lake.runner.compact("events")
        #expect(try lake.listing("cleansed/events/").count == 6)
        #expect(try lake.rows(under: "cleansed/events/") == rowsBefore)
    }

    @Test func manyRunsMergeAPartitionsKeyFiles() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-keyfiles")
        defer { lake.remove() }
        try await lake.runner.define(SyntheticEvents.job())
        func keyFiles() throws -> [String] {
            try lake.runner.state.keyFiles(table: "test.events", partition: "year=2024/month=3/day=1").map(\.path)
        }
        for index in 0..<RunWriter.keyFileMergeThreshold {
            try await lake.put("raw/events/part-\(index).csv", SyntheticEvents.object(index, rows: 2400))
            _ = try await lake.runner.run("events")
        }
        #expect(try keyFiles().count == RunWriter.keyFileMergeThreshold)
        try await lake.put("raw/events/part-next.csv", SyntheticEvents.object(100, rows: 2400))
        _ = try await lake.runner.run("events")
        let merged = try keyFiles()
        #expect(merged.count == 1, "the ninth run wrote all of the partition's keys into one file")
        let onDisk = try FileSystem.listDirectory(lake.directory.path + "/jobs/keys/test.events/year=2024/month=3/day=1")
        #expect(onDisk == [String(merged[0].split(separator: "/").last!)], "replaced key files are deleted")
        // Every earlier key is still known.
        try await lake.put("raw/events/resend.csv", SyntheticEvents.object(3, rows: 2400))
        #expect(try await lake.runner.run("events").manifest?.totals.rowsWritten == 0)
    }

    @Test func groupingRespectsTheTargetSize() {
        func file(_ key: String, _ size: Int64) -> CommittedFile { CommittedFile(partition: "p", bucket: "b", key: key, size: size, rows: 1, runID: "r") }
        let files = [file("a", 40), file("b", 40), file("c", 40), file("d", 10), file("e", 90), file("f", 30)]
        let groups = JobRunner.compactionGroups(files, target: 100, only: nil)
        // e (90) is not small (≥ target/2); a+b fit, c+d+f fit (80).
        #expect(groups.map { $0.files.map(\.key) } == [["a", "b"], ["c", "d", "f"]])
        #expect(JobRunner.compactionGroups([file("a", 10)], target: 100, only: nil).isEmpty)
    }
}
