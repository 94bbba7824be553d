import Catalog
import Codecs
import Foundation
import Storage
import TarnCore
import Testing

@testable import Jobs

/// The retail example end to end on generated data (sf 0.01): every raw row is accounted for,
/// the counts match what the generator injected, partitions are registered, and a re-run adds
/// nothing.
@Suite(.enabled(if: RetailData.available, "needs python3 with numpy and pyarrow to generate the retail data"), .serialized)
struct RetailPipelineTests {
    @Test func salesRowsAreAllAccountedFor() async throws {
        let lake = try await LakeFixture()
        defer { lake.remove() }
        let sales = try RetailData.bytes("csv/sales.csv")
        // Three objects: two plain halves split at a line end, the second one also gzipped.
        let lines = sales.split(separator: 0x0A, omittingEmptySubsequences: false)
        let header = Array(lines[0]) + [0x0A]
        let middle = lines.count / 2
        let first = Array(lines[0..<middle].joined(separator: [0x0A])) + [0x0A]
        let second = header + Array(lines[middle...].joined(separator: [0x0A]))
        try await lake.put("raw/sales/2024/part-1.csv", first)
        try await lake.put("raw/sales/2024/part-2.csv.gz", try GzipCompressor.compress(second))
        try await lake.runner.define(RetailJobs.sales())

        let run = try await lake.runner.run("sales")
        #expect(run.status == .succeeded)
        let manifest = try #require(run.manifest)
        let totals = manifest.totals
        #expect(totals.rowsRead == Int64(try RetailData.count("sales", "rows")))
        #expect(totals.rowsWritten == Int64(try RetailData.count("sales", "clean_distinct_rows")))
        #expect(totals.rowsQuarantined == Int64(try RetailData.count("sales", "dirty_rows_total")))
        #expect(totals.rowsRead == totals.rowsWritten + totals.rowsQuarantined + totals.rowsDuplicate)
        #expect(manifest.sources.count == 2)
        #expect(manifest.sources.allSatisfy { $0.counts.balanced })
        #expect(manifest.sources[1].counts.gzip)

        // What is listed is exactly what the manifest says was written.
        let dataFiles = try lake.listing("cleansed/sales/")
        #expect(Set(dataFiles.map(\.key)) == Set(manifest.files.filter { $0.kind == .data }.map { String($0.uri.dropFirst("s3://retail/".count)) }))
        #expect(manifest.files.filter { $0.kind == .data }.reduce(0) { $0 + $1.rows } == totals.rowsWritten)
        #expect(try lake.rows(under: "cleansed/sales/").count == Int(totals.rowsWritten))
        #expect(try lake.pendingUploads().isEmpty)

        // 91 days of sales: 91 partitions, registered with their locations.
        let partitions = try lake.catalog.partitions(database: "retail", table: "sales")
        #expect(partitions.count == 91)
        #expect(partitions.first?.values == ["2024", "1", "1"])
        #expect(partitions.first?.location == "s3://retail/cleansed/sales/year=2024/month=1/day=1/")
        #expect(Set(manifest.partitions) == Set(partitions.map { "year=\($0.values[0])/month=\($0.values[1])/day=\($0.values[2])" }))

        // Every dirty row is in quarantine with its source object, line and reason.
        let quarantine = try lake.quarantineLines("quarantine/sales/")
        #expect(quarantine.count == Int(totals.rowsQuarantined))
        for line in quarantine.prefix(50) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((record["source"] as? String)?.hasPrefix("s3://retail/raw/sales/2024/part-") == true)
            #expect((record["line"] as? Int ?? 0) > 1)
            #expect(!(record["reason"] as? String ?? "").isEmpty)
        }
        // The manifest is in the lake too.
        let manifestObject = try lake.store.get(bucket: "retail", key: "manifests/sales/\(run.runID).json")
        #expect(String(decoding: manifestObject, as: UTF8.self).contains("\"rowsWritten\" : \(totals.rowsWritten)"))

        // A re-run finds nothing new and changes nothing.
        let before = try lake.listing("")
        let again = try await lake.runner.run("sales")
        #expect(again.status == .succeeded)
        #expect(again.sources.isEmpty)
        #expect(again.manifest?.totals.rowsRead == 0)
        #expect(try lake.listing("").map(\.key) == before.map(\.key))

        // The same rows uploaded again under a new name are all duplicates (or quarantined again).
        try await lake.put("raw/sales/2024/part-1-resent.csv", first)
        let resent = try await lake.runner.run("sales")
        let counts = try #require(resent.manifest?.totals)
        #expect(counts.rowsWritten == 0)
        #expect(counts.rowsDuplicate + counts.rowsQuarantined == counts.rowsRead)
        #expect(try lake.rows(under: "cleansed/sales/").count == Int(totals.rowsWritten))
    }
}
