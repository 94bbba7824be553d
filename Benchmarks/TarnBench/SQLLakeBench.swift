import Foundation
import Lake
import Query

/// The public retail queries over the lake that `Benchmarks/sql/lake_bench.py` loads, run
/// in-process through the same `Lake` → `QueryService` path as `tarn query` (encrypted objects,
/// catalog, hive partitions), without a full server build: the quick loop for work on the scan
/// and the operators. Per query it prints the best wall time and the least CPU time of this
/// process (both workers included) of the runs and the scan summary, and writes
/// each answer as CSV to OUT/pNN.csv. With a BASELINE directory (an earlier OUT), every answer
/// must equal the baseline's byte for byte; a difference is reported and fails the run.
///
/// `TarnBench sql-lake DATA_DIR [--runs N] [--only p01] [--out DIR] [--baseline DIR]`
///
/// DATA_DIR is lake_bench.py's `WORKDIR/tarn-data` (no server may own it while this runs).
@Sendable func sqlLakeBenchmark(_ arguments: [String]) async throws {
    guard let data = arguments.first else {
        print("usage: TarnBench sql-lake DATA_DIR [--runs N] [--only PREFIX] [--out DIR] [--baseline DIR]")
        return
    }
    func option(_ name: String) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }
    let runs = Int(option("--runs") ?? "3") ?? 3
    let only = option("--only") ?? ""
    let out = option("--out")
    let baseline = option("--baseline")
    let queriesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Tests/interop/data/queries").standardized.path
    if let out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
    let lake = try Lake(path: data, queryOptions: QueryServiceOptions(allowLocalFiles: true))
    var context = QueryContext(database: "retail", workgroup: "primary", parseDecimalLiteralsAsDouble: true)
    var differences = 0
    var wallTotal = 0.0
    var cpuTotal = 0.0
    for file in try FileManager.default.contentsOfDirectory(atPath: queriesDir).filter({ $0.hasSuffix(".sql") && $0.hasPrefix(only) }).sorted() {
        let text = try String(contentsOfFile: "\(queriesDir)/\(file)", encoding: .utf8)
        var sql = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n")
        for table in ["sales", "clickstream", "inventory", "products", "stores"] {
            sql = sql.replacingOccurrences(of: "{{\(table)}}", with: "retail.\(table)")
        }
        let key = String(file.prefix(3))
        var bestWall = Double.infinity
        var bestCPU = Double.infinity
        var last: StatementResult? = nil
        for _ in 0..<max(1, runs) {
            let cpuBefore = processCPUSeconds()
            var outcome: StatementResult? = nil
            let wall = try await measureAsync { outcome = try await lake.query.execute(sql, context: &context) }
            bestCPU = min(bestCPU, processCPUSeconds() - cpuBefore)
            bestWall = min(bestWall, wall)
            last = outcome
        }
        guard let last else { continue }
        wallTotal += bestWall
        cpuTotal += bestCPU
        report("sql_lake_\(key)_ms", bestWall * 1000, "ms")
        report("sql_lake_\(key)_cpu_ms", bestCPU * 1000, "ms")
        print("  \(key): \(last.result.statistics.summary)")
        let csv = ResultFormatter.render(last.result, format: .csv)
        if let out { try csv.write(toFile: "\(out)/\(key).csv", atomically: true, encoding: .utf8) }
        if let baseline {
            let expected = try? String(contentsOfFile: "\(baseline)/\(key).csv", encoding: .utf8)
            if expected != csv {
                differences += 1
                print("  \(key): ANSWER DIFFERS from \(baseline)/\(key).csv")
            }
        }
    }
    report("sql_lake_total_ms", wallTotal * 1000, "ms")
    report("sql_lake_total_cpu_ms", cpuTotal * 1000, "ms")
    print("peak RSS \(peakRSS() >> 20) MB")
    if differences > 0 {
        print("\(differences) answer(s) differ from the baseline")
        exit(1)
    }
}

/// Wall time of an async `body` in seconds.
func measureAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
