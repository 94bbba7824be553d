import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Jobs

/// The cleansed sales table equals, row for row, what DuckDB makes of the same raw file with
/// the same rules (`COPY (SELECT DISTINCT … WHERE <rules>) TO … PARTITION_BY (year, month, day)`,
/// the SQL the benchmark driver generates from the job definition).
@Suite(.enabled(if: RetailData.available && DuckDB.available, "needs python3 with numpy, pyarrow and duckdb"), .serialized)
struct DuckDBDifferentialTests {
    @Test func salesTableEqualsDuckDBsResult() async throws {
        let lake = try await LakeFixture(prefix: "tarn-jobs-duckdb")
        defer { lake.remove() }
        try await lake.put("raw/sales/sales.csv", try RetailData.bytes("csv/sales.csv"))
        try await lake.runner.define(RetailJobs.sales())
        let run = try await lake.runner.run("sales")
        #expect(run.status == .succeeded)

        // Export the cleansed files with their Hive paths, for DuckDB to read.
        let export = try TemporaryDirectory(prefix: "tarn-jobs-export")
        defer { export.remove() }
        for (key, _, _) in try lake.listing("cleansed/sales/") {
            let path = export.path + "/" + key.dropFirst("cleansed/sales/".count)
            try FileSystem.createDirectory(FileSystem.parentDirectory(of: path))
            try FileSystem.writeAtomically(try lake.store.get(bucket: "retail", key: key), to: path)
        }
        let script = """
            import json, sys, shutil, tempfile, duckdb
            sys.path.insert(0, sys.argv[1])
            import jobs_peers
            job = next(j for j in json.load(open(jobs_peers.DEFINITIONS)) if j["name"] == "sales")
            out = tempfile.mkdtemp(); shutil.rmtree(out)
            con = duckdb.connect()
            con.execute(jobs_peers.duckdb_sql(job, sys.argv[2], out))
            tarn = f"read_parquet('{sys.argv[3]}/*/*/*/*.parquet', hive_partitioning=true)"
            duck = f"read_parquet('{out}/*/*/*/*.parquet', hive_partitioning=true)"
            cols = "order_id, line_no, store_id, region, product_id, category, quantity, unit_price, discount, total, payment_type, customer_id, sold_at, year, month, day"
            only_tarn = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {tarn} EXCEPT ALL SELECT {cols} FROM {duck})").fetchone()[0]
            only_duck = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {duck} EXCEPT ALL SELECT {cols} FROM {tarn})").fetchone()[0]
            rows = con.execute(f"SELECT count(*) FROM {tarn}").fetchone()[0]
            print(json.dumps({"only_tarn": only_tarn, "only_duckdb": only_duck, "rows": rows}))
            shutil.rmtree(out, ignore_errors=True)
            """
        let output = try DuckDB.python(script, arguments: [
            Fixtures.packageRoot + "/Benchmarks/peers", RetailData.directory! + "/csv/sales.csv", export.path,
        ])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Int])
        #expect(result["only_tarn"] == 0)
        #expect(result["only_duckdb"] == 0)
        #expect(result["rows"] == Int(run.manifest?.totals.rowsWritten ?? -1))
    }
}

/// python3 with duckdb, for differential checks.
enum DuckDB {
    static let available: Bool = (try? python("import duckdb, numpy, pyarrow", arguments: [])) != nil

    /// Runs `script` with python3 and returns the last line of its standard output.
    static func python(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TarnError(.internal, "python3 exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    }
}
