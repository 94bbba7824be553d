import Codecs
import Columnar
import Foundation
import TarnCore
import TextFormats

/// The schema of gen_retail's `sales.csv` (see /work/shared/bench/README.md), with money as exact
/// decimals and `sold_at` as a UTC timestamp — the typed load an ETL job does.
let salesSchema = Schema([
    Field("order_id", .string), Field("line_no", .int64), Field("store_id", .string), Field("region", .string),
    Field("product_id", .string), Field("category", .string), Field("quantity", .int64),
    Field("unit_price", .decimal(precision: 12, scale: 2)), Field("discount", .decimal(precision: 12, scale: 2)),
    Field("total", .decimal(precision: 12, scale: 2)), Field("payment_type", .string), Field("customer_id", .string),
    Field("sold_at", .timestamp(.microseconds, utc: true)),
])

/// The schema of gen_retail's `clickstream.jsonl`.
let clickstreamSchema = Schema([
    Field("event_id", .string), Field("session_id", .string), Field("user_id", .string), Field("event_type", .string),
    Field("url", .string), Field("product_id", .string), Field("ts", .timestamp(.microseconds, utc: true)),
    Field("device", .string), Field("referrer", .string), Field("region", .string),
])

/// CPU time of this process so far, in seconds (less sensitive than wall time to other work on a
/// shared machine; the peers report the same measure).
func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Runs `body` `repeats` times; returns the best wall and best CPU seconds.
func bestOf(_ repeats: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    var wall = Double.infinity, cpu = Double.infinity
    for _ in 0..<max(1, repeats) {
        let cpuStart = processCPUSeconds()
        let seconds = try measure(body)
        wall = min(wall, seconds)
        cpu = min(cpu, processCPUSeconds() - cpuStart)
    }
    return (wall, cpu)
}

/// `--repeat N` from the arguments (default 3).
func repeatCount(_ arguments: [String]) -> Int {
    guard let index = arguments.firstIndex(of: "--repeat"), index + 1 < arguments.count else { return 3 }
    return Int(arguments[index + 1]) ?? 3
}

/// Streams a file through `body` in `chunkSize` pieces (gunzipping `.gz` files on the way).
func streamFile(_ path: String, chunkSize: Int = 4 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
    let file = try PosixFile(path: path, mode: .read)
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var offset: Int64 = 0
    let gunzip = path.hasSuffix(".gz") ? try GzipDecompressor() : nil
    var plain: [UInt8] = []
    while true {
        let count = try chunk.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
        if count == 0 { break }
        offset += Int64(count)
        try chunk.withUnsafeBytes { raw in
            let piece = UnsafeRawBufferPointer(rebasing: raw[0..<count])
            if let gunzip {
                plain.removeAll(keepingCapacity: true)
                try gunzip.decompress(piece, appendingTo: &plain)
                try plain.withUnsafeBytes { try body($0) }
            } else {
                try body(piece)
            }
        }
    }
    try gunzip?.finish()
    return Int(offset)
}

/// `TarnBench textformats-csv PATH [typed|strings] [--repeat N]`: CSV → typed record batches,
/// single thread; best of N runs.
@Sendable func textFormatsCSVBenchmark(_ arguments: [String]) async throws {
    guard let path = arguments.first else { throw TarnError(.invalidArgument, "usage: textformats-csv PATH [typed|strings] [--repeat N]") }
    let mode = arguments.count > 1 && !arguments[1].hasPrefix("--") ? arguments[1] : "typed"
    let schema: Schema = mode == "strings"
        ? Schema(salesSchema.fields.map { Field($0.name, .string) })
        : salesSchema
    var rows = 0, rejected = 0, bytes = 0
    let (seconds, cpu) = try bestOf(repeatCount(arguments)) {
        rows = 0
        rejected = 0
        let reader = try CSVReader(schema: schema)
        func drain() throws {
            while let result = try reader.nextBatch() {
                rows += result.batch.rowCount
                rejected += result.rejected.count
            }
        }
        bytes = try streamFile(path) { chunk in
            reader.push(chunk)
            try drain()
        }
        reader.finish()
        try drain()
    }
    report("csv_\(mode)_seconds", seconds, "s")
    report("csv_\(mode)_cpu_seconds", cpu, "s")
    report("csv_\(mode)_MBps", Double(bytes) / seconds / 1e6, "MB/s")
    report("csv_\(mode)_rows", Double(rows), "rows")
    report("csv_\(mode)_rejected", Double(rejected), "rows")
    report("csv_\(mode)_peak_rss", Double(peakRSS()) / 1e6, "MB")
}

/// `TarnBench textformats-json PATH [--repeat N]`: JSON Lines → typed record batches, single
/// thread; best of N runs.
@Sendable func textFormatsJSONBenchmark(_ arguments: [String]) async throws {
    guard let path = arguments.first else { throw TarnError(.invalidArgument, "usage: textformats-json PATH [--repeat N]") }
    var rows = 0, rejected = 0, bytes = 0
    let (seconds, cpu) = try bestOf(repeatCount(arguments)) {
        rows = 0
        rejected = 0
        let reader = try JSONLinesReader(schema: clickstreamSchema)
        func drain() throws {
            while let result = try reader.nextBatch() {
                rows += result.batch.rowCount
                rejected += result.rejected.count
            }
        }
        bytes = try streamFile(path) { chunk in
            reader.push(chunk)
            try drain()
        }
        reader.finish()
        try drain()
    }
    report("json_seconds", seconds, "s")
    report("json_cpu_seconds", cpu, "s")
    report("json_MBps", Double(bytes) / seconds / 1e6, "MB/s")
    report("json_rows", Double(rows), "rows")
    report("json_rejected", Double(rejected), "rows")
    report("json_peak_rss", Double(peakRSS()) / 1e6, "MB")
}
