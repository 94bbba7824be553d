import Catalog
import Foundation
import Jobs
import Storage
import TarnCore

/// `TarnBench jobs-sales SALES.csv DEFINITIONS.json [--work DIR] [--expect-rows N]`: the whole
/// sales ETL job (validate, standardize, deduplicate, partition, Snappy Parquet, quarantine,
/// commit, publish, catalog) over a raw sales CSV in a fresh lake.
///
/// The CSV is first uploaded into the lake's object store (streamed, not timed), then
/// `JobRunner.run("sales")` is timed. Prints wall and CPU seconds, rows/s and MB/s of raw input,
/// the row accounting and the process's peak RSS.
func jobsSalesBenchmark(_ arguments: [String]) async throws {
    var positional: [String] = []
    var index = 0
    while index < arguments.count {
        if arguments[index].hasPrefix("--") { index += 2 } else { positional.append(arguments[index]); index += 1 }
    }
    guard positional.count >= 2 else {
        print("usage: TarnBench jobs-sales SALES.csv DEFINITIONS.json [--work DIR] [--expect-rows N]")
        exit(2)
    }
    let csvPath = positional[0], definitionsPath = positional[1]
    func option(_ name: String) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }
    let base = option("--work") ?? (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")
    let work = "\(base)/tarnbench-jobs-\(getpid())"
    try FileSystem.createDirectory(work)
    defer { try? FileSystem.removeTree(work) }

    let definitions = try JSONDecoder().decode([JobDefinition].self, from: Data(try FileSystem.readFile(definitionsPath)))
    guard let sales = definitions.first(where: { $0.name == "sales" }) else { throw TarnError(.notFound, "\(definitionsPath) has no job named sales") }
    let store = try ObjectStore(directory: work + "/storage")
    try FileSystem.createDirectory(work + "/catalog")
    let catalog = try CatalogStore(path: work + "/catalog/catalog.db")
    let runner = try JobRunner(store: store, catalog: catalog, directory: work + "/jobs")
    try await store.createBucket(sales.source.bucket)

    // Stream the CSV into the raw zone (not timed).
    let upload = try store.beginUpload(bucket: sales.source.bucket)
    let bytes = try streamFile(csvPath) { chunk in try upload.write(chunk) }
    _ = try await upload.commit(key: sales.source.prefix + "sales.csv", attributes: ObjectAttributes())
    try await runner.define(sales)

    let cpuStart = processCPUSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    let run = try await runner.run("sales")
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = processCPUSeconds() - cpuStart
    guard let manifest = run.manifest, run.status == .succeeded else { throw TarnError(.internal, "run ended \(run.status): \(run.error ?? "")") }
    let totals = manifest.totals
    let dataFiles = manifest.files.filter { $0.kind == .data }
    report("jobs_sales_wall", wall, "s")
    report("jobs_sales_cpu", cpu, "s")
    report("jobs_sales_rows_per_second", Double(totals.rowsRead) / wall, "rows/s")
    report("jobs_sales_mb_per_second", Double(bytes) / 1e6 / wall, "MB/s")
    report("jobs_sales_rows_read", Double(totals.rowsRead), "rows")
    report("jobs_sales_rows_written", Double(totals.rowsWritten), "rows")
    report("jobs_sales_rows_quarantined", Double(totals.rowsQuarantined), "rows")
    report("jobs_sales_rows_duplicate", Double(totals.rowsDuplicate), "rows")
    report("jobs_sales_files", Double(dataFiles.count), "files")
    report("jobs_sales_parquet_bytes", Double(dataFiles.reduce(0) { $0 + $1.bytes }), "bytes")
    report("jobs_sales_processing", manifest.durations.processing, "s")
    report("jobs_sales_peak_rss", Double(peakRSS()), "bytes")
    if let expected = option("--expect-rows").flatMap(Int64.init), expected != totals.rowsWritten {
        throw TarnError(.internal, "wrote \(totals.rowsWritten) rows, expected \(expected)")
    }
}
