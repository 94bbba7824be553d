import Columnar
import Foundation
import QueryPlanner
import SQLParser
import TarnCore
import Testing
@testable import QueryExecution

/// A table whose batches are generated: `k` = row number, `g` = row % groups, `s` = "s<row % 7>".
func generatedTable(rows: Int, batchRows: Int = 1000, groups: Int = 10) -> InMemoryTable {
    let schema = Schema([Field("k", .int64), Field("g", .int32), Field("s", .string), Field("x", .float64)])
    var batches: [RecordBatch] = []
    var start = 0
    while start < rows {
        let end = min(rows, start + batchRows)
        var s = ColumnBuilder(.string)
        for i in start..<end { s.append(string: "s\(i % 7)") }
        batches.append(RecordBatch(schema: schema, columns: [
            Column(type: .int64, storage: .int64((start..<end).map { Int64($0) })),
            Column(type: .int32, storage: .int32((start..<end).map { Int32($0 % groups) })),
            s.build(),
            Column(type: .float64, storage: .float64((start..<end).map { Double($0) * 0.5 })),
        ]))
        start = end
    }
    return InMemoryTable(name: "gen", schema: schema, batches: batches)
}

@Suite struct EngineTests {
    func engine(_ tables: [String: any TableProvider], _ options: EngineOptions = EngineOptions()) -> QueryEngine {
        QueryEngine(catalog: StaticCatalog(tables: tables), options: options)
    }

    @Test func parallelAggregateMatchesSerial() throws {
        let table = generatedTable(rows: 50_000, batchRows: 997)
        let sql = "SELECT g, s, count(*), sum(k), min(x), max(s), count(DISTINCT k % 13), avg(x) FROM t GROUP BY g, s ORDER BY g, s"
        let parallel = try engine(["t": table], EngineOptions(parallelism: 2)).execute(sql)
        let serial = try engine(["t": table], EngineOptions(parallelism: 1)).execute(sql)
        #expect(parallel.textRows == serial.textRows)
        #expect(parallel.rowCount == 70)
        #expect(parallel.textRows.first?[2] == "715")
    }

    @Test func explainAnalyzeReportsWorkersAndRows() throws {
        let table = generatedTable(rows: 10_000)
        let result = try engine(["t": table], EngineOptions(parallelism: 2)).execute("EXPLAIN ANALYZE SELECT g, count(*) FROM t WHERE k > 100 GROUP BY g")
        let text = result.textRows.map { $0[0] }.joined(separator: "\n")
        #expect(text.contains("Aggregate"))
        #expect(text.contains("workers=2"))
        #expect(text.contains("rows=9899"))
        #expect(text.contains("bytes_scanned="))
    }

    @Test func statisticsCountBytesAndFiles() throws {
        let table = generatedTable(rows: 4000, batchRows: 1000)
        let result = try engine(["t": table]).execute("SELECT count(*) FROM t")
        #expect(result.statistics.filesRead == 4)
        #expect(result.statistics.rows == 1)
        // Only the row count is needed: no column is read.
        #expect(result.statistics.bytesScanned == 0)
        let withColumn = try engine(["t": table]).execute("SELECT sum(k) FROM t")
        #expect(withColumn.statistics.bytesScanned == 4000 * 8)
    }

    @Test func limitStopsReadingEarly() throws {
        let table = generatedTable(rows: 100_000, batchRows: 1000)
        let result = try engine(["t": table]).execute("SELECT k FROM t LIMIT 5")
        #expect(result.rowCount == 5)
        #expect(result.statistics.filesRead == 1)
    }

    @Test func partitionPruningSkipsPartitions() throws {
        let schema = Schema([Field("v", .int64)])
        var partitions: [InMemoryTable.Partition] = []
        for month in 1...3 {
            for day in 1...4 {
                let value = Int64(month * 100 + day)
                let batch = RecordBatch(schema: schema, columns: [Column(type: .int64, storage: .int64([value]))])
                partitions.append(InMemoryTable.Partition(values: [.int(2024), .int(Int64(month)), .int(Int64(day))], batches: [batch]))
            }
        }
        let table = InMemoryTable(
            name: "p", columns: schema.fields, partitionColumns: [Field("year", .int32), Field("month", .int32), Field("day", .int32)],
            partitions: partitions)
        let result = try engine(["p": table]).execute("SELECT sum(v) FROM p WHERE year = 2024 AND month = 3 AND day BETWEEN 2 AND 3")
        #expect(result.textRows == [["605"]])
        #expect(result.statistics.filesRead == 2)
        #expect(result.statistics.filesSkipped == 10)
    }

    @Test func memoryLimitFailsClearly() throws {
        let table = generatedTable(rows: 200_000, batchRows: 10_000, groups: 100_000)
        let small = engine(["t": table], EngineOptions(memoryLimit: 1 << 20))
        do {
            _ = try small.execute("SELECT k, count(*) FROM t GROUP BY k")
            Issue.record("expected the memory limit to be exceeded")
        } catch let error as TarnError {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("per-query memory limit of 1.0MB"))
        }
        do {
            _ = try small.execute("SELECT k FROM t ORDER BY s, k")
            Issue.record("expected the memory limit to be exceeded")
        } catch let error as TarnError {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test func topNKeepsMemoryBounded() throws {
        let table = generatedTable(rows: 200_000, batchRows: 10_000)
        let result = try engine(["t": table], EngineOptions(memoryLimit: 4 << 20)).execute("SELECT k, x FROM t ORDER BY x DESC LIMIT 3")
        #expect(result.textRows == [["199999", "99999.5"], ["199998", "99999.0"], ["199997", "99998.5"]])
    }

    @Test func joinBuildsTheSmallSideAndHandlesDuplicates() throws {
        let big = generatedTable(rows: 20_000, batchRows: 2000, groups: 10)
        let small = generatedTable(rows: 20, batchRows: 20, groups: 10)
        let result = try engine(["big": big, "small": small]).execute(
            "SELECT count(*), sum(b.k) FROM big b JOIN small s ON b.g = s.g")
        // Each big row matches the two small rows with the same g.
        #expect(result.textRows == [["40000", "399980000"]])
    }

    @Test func explainWithoutRunning() throws {
        let text = try engine(["t": generatedTable(rows: 10)]).explain("SELECT g FROM t WHERE k = 1")
        #expect(text.contains("Filter"))
        #expect(text.contains("Scan[gen]"))
    }

    @Test func ddlIsLeftToTheFacade() throws {
        #expect(throws: TarnError.self) { try engine([:]).execute("MSCK REPAIR TABLE t") }
    }

    @Test func disablingDecorrelationIsReported() throws {
        let e = engine(["t": generatedTable(rows: 10)], EngineOptions(disabledRules: ["subquery_decorrelation"]))
        do {
            _ = try e.execute("SELECT k FROM t WHERE k IN (SELECT g FROM t)")
            Issue.record("expected an error")
        } catch let error as TarnError {
            #expect(error.code == .unsupported)
        }
    }
}

@Suite struct StatisticsPruningTests {
    let k = ColumnRef(id: 1, name: "k", type: .int64)
    let s = ColumnRef(id: 2, name: "s", type: .string)

    func request(_ filters: [Expr]) -> ScanRequest {
        ScanRequest(columns: ["k", "s"], columnRefs: [k, s], filters: filters)
    }

    func int(_ v: Int64) -> Expr { .literal(.int(v), .int64) }

    @Test func minMaxRulesOutRowGroups() {
        let stats = ["k": ColumnStatistics(min: .int(10), max: .int(20), nullCount: 0, valueCount: 100),
                     "s": ColumnStatistics(min: .string("apple"), max: .string("melon"), nullCount: 5, valueCount: 100)]
        func may(_ e: Expr) -> Bool { StatisticsPruning.mayMatch(request([e]), statistics: stats) }
        #expect(may(.compare(.equal, .column(k), int(15))))
        #expect(!may(.compare(.equal, .column(k), int(25))))
        #expect(!may(.compare(.greater, .column(k), int(20))))
        #expect(may(.compare(.greaterOrEqual, .column(k), int(20))))
        #expect(!may(.compare(.less, int(20), .column(k))))  // 20 < k
        #expect(!may(.compare(.less, .column(k), int(10))))
        #expect(may(.compare(.lessOrEqual, .column(k), int(10))))
        #expect(!may(.inList(.column(k), [int(1), int(2), int(30)])))
        #expect(may(.inList(.column(k), [int(1), int(12)])))
        #expect(!may(.compare(.equal, .column(s), .literal(.string("zebra"), .string))))
        #expect(may(.compare(.equal, .column(s), .literal(.string("kiwi"), .string))))
        #expect(!may(.isNull(.column(k))))
        #expect(may(.isNull(.column(s))))
        #expect(!may(.and([.compare(.greaterOrEqual, .column(k), int(0)), .compare(.lessOrEqual, .column(k), int(5))])))
        // Unknown shapes never prune.
        #expect(may(.compare(.equal, .arithmetic(.add, .column(k), int(1), .int64), int(100))))
    }
}

@Suite struct DerivedPartitionPruningTests {
    /// A predicate on a date built from year/month/day partition columns prunes partitions too:
    /// the source evaluates any conjunct over partition columns with each partition's values.
    @Test func dateFromPartitionColumns() throws {
        let schema = Schema([Field("v", .int64)])
        var partitions: [InMemoryTable.Partition] = []
        for day in 1...31 {
            let batch = RecordBatch(schema: schema, columns: [Column(type: .int64, storage: .int64([Int64(day)]))])
            // Hive paths carry text: year=2024/month=03/day=07.
            partitions.append(InMemoryTable.Partition(
                values: [.string("2024"), .string("03"), .string(String(format: "%02d", day))], batches: [batch]))
        }
        let table = InMemoryTable(
            name: "p", columns: schema.fields, partitionColumns: [Field("year", .string), Field("month", .string), Field("day", .string)],
            partitions: partitions)
        let engine = QueryEngine(catalog: StaticCatalog(tables: ["p": table]))
        let result = try engine.execute(
            "SELECT sum(v) FROM p WHERE CAST(year || '-' || month || '-' || day AS date) BETWEEN DATE '2024-03-25' AND DATE '2024-03-27'")
        #expect(result.textRows == [["78"]])
        #expect(result.statistics.filesRead == 3)
        #expect(result.statistics.filesSkipped == 28)
    }
}

@Suite struct DiagnosticsTests {
    @Test func binderErrorsRenderWithACaret() throws {
        let engine = QueryEngine(catalog: try FixtureTables.catalog())
        let sql = "SELECT order_id,\n       frobnicate(qty)\nFROM orders"
        do {
            _ = try engine.execute(sql)
            Issue.record("expected an error")
        } catch let error as TarnError {
            #expect(error.code == .semanticError)
            #expect(SQLDiagnostics.render(error, sql: sql) == """
                line 2:8: Function 'frobnicate' not registered
                       frobnicate(qty)
                       ^
                """)
        }
    }

    @Test func explainPrintsTheOptimizedPlan() throws {
        let engine = QueryEngine(catalog: try FixtureTables.catalog())
        let result = try engine.execute("EXPLAIN SELECT customer, sum(qty) FROM orders WHERE region = 'east' GROUP BY customer ORDER BY 2 DESC LIMIT 2")
        let lines = result.textRows.map { $0[0] }
        #expect(lines.first?.hasPrefix("- Limit 2") == true)
        #expect(lines.contains { $0.contains("Sort [") && $0.contains("top=2") })
        #expect(lines.contains { $0.contains("Aggregate keys=[") })
        #expect(lines.contains { $0.contains("Scan[orders]") && $0.contains("filters=[(region#") })
    }
}

@Suite struct HivePartitionPathTests {
    @Test func readsKeyValueDirectories() {
        let values = HivePartitionPath.values(in: "s3://lake/sales/year=2024/month=03/day=__HIVE_DEFAULT_PARTITION__/part=x%3Dy/file=1.parquet")
        #expect(values.map(\.name) == ["year", "month", "day", "part"])
        #expect(values.map(\.value) == ["2024", "03", nil, "x=y"])
        #expect(HivePartitionPath.values(in: "/data/plain/file.csv").isEmpty)
        #expect(HivePartitionPath.unescape("10%3A00%3a30%2") == "10:00:30%2")
        // Writing and reading agree (one escaper for the engine's writes and the ETL jobs').
        for text in ["a/b=c", "10:00", "100%", "plain", "tab\tand\u{7F}", "é"] {
            #expect(HivePartitionPath.unescape(HivePartitionPath.escape(text)[...]) == text)
        }
        #expect(HivePartitionPath.escape("a/b") == "a%2Fb")
        #expect(HivePartitionPath.pathValue(nil) == HivePartitionPath.nullMarker)
        #expect(HivePartitionPath.pathValue("") == HivePartitionPath.nullMarker)
    }
}
