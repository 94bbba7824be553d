import Columnar
import Foundation
import Parquet
import Query
import TarnTesting
import Testing

@testable import Query

/// 1…1000 in order, without UNNEST: three cross-joined digit lists.
let numbersSQL = """
    SELECT a.d * 100 + b.d * 10 + c.d + 1 AS n
    FROM (VALUES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9) AS a(d) CROSS JOIN (VALUES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9) AS b(d)
    CROSS JOIN (VALUES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9) AS c(d) ORDER BY n
    """

@Suite struct ParquetTableTests {
    /// sales_raw (CSV) → `sales` (Parquet, partitioned by year/month/day via CTAS).
    func salesLake(rowGroupRows: Int? = nil) async throws -> TestLake {
        var options = QueryServiceOptions(allowLocalFiles: true)
        if let rowGroupRows { options.parquet.rowGroupRows = rowGroupRows }
        let lake = try await TestLake(options: options)
        try await lake.put("raw/sales/sales.csv", SalesFixture.csv)
        try await lake.run(SalesFixture.ddl)
        let ctas = try await lake.run("""
            CREATE TABLE sales WITH (format = 'PARQUET', external_location = 's3://lake/curated/sales/',
                                     partitioned_by = ARRAY['year', 'month', 'day'])
            AS SELECT order_id, line_no, region, quantity, total, customer_id, sold_at,
                      year(sold_at) AS year, month(sold_at) AS month, day(sold_at) AS day
            FROM sales_raw
            """)
        #expect(ctas.result.textRows == [["7"]])
        #expect(ctas.bytesWritten > 0)
        return lake
    }

    @Test func ctasWritesHiveLayoutAndRegistersPartitions() async throws {
        let lake = try await salesLake()
        let keys = try lake.keys("curated/sales/")
        #expect(keys.count == 3)
        #expect(keys.allSatisfy { $0.hasPrefix("curated/sales/year=2024/month=1/day=") && $0.hasSuffix(".parquet") })
        #expect(try await lake.rows("SHOW PARTITIONS sales") == [
            ["year=2024/month=1/day=1"], ["year=2024/month=1/day=2"], ["year=2024/month=1/day=3"],
        ])
        #expect(try await lake.rows("SELECT count(*), sum(total), count(quantity) FROM sales") == [["7", "155.14", "6"]])
        // The written files are real Snappy Parquet with statistics.
        let file = try lake.objects.get(bucket: "lake", key: keys[0])
        let footer = try #require(try ParquetMetadata.decode(tail: file, fileSize: Int64(file.count), name: keys[0]).metadata)
        #expect(try footer.codec(rowGroup: 0, leaf: 0) == .snappy)
        #expect(footer.statistics(rowGroup: 0, column: "total")?.min != nil)
        // CTAS into a location that has files is refused, as Athena refuses it.
        await #expect(throws: (any Error).self) {
            try await lake.run("CREATE TABLE again WITH (external_location = 's3://lake/curated/sales/') AS SELECT 1 AS x")
        }
    }

    @Test func partitionPruningSkipsFilesAndBytes() async throws {
        let lake = try await salesLake()
        let all = try await lake.run("SELECT sum(total) FROM sales")
        let one = try await lake.run("SELECT sum(total) FROM sales WHERE year = 2024 AND month = 1 AND day = 2")
        #expect(one.result.textRows == [["37.00"]])
        #expect(one.statistics.filesRead == 1)
        #expect(one.statistics.filesSkipped == 2)
        #expect(one.statistics.bytesScanned > 0 && one.statistics.bytesScanned < all.statistics.bytesScanned)
        // A date derived from the partition columns prunes too.
        let derived = try await lake.run("""
            SELECT count(*) FROM sales
            WHERE date_parse(concat(CAST(year AS varchar), '-', CAST(month AS varchar), '-', CAST(day AS varchar)), '%Y-%c-%e')
                  >= TIMESTAMP '2024-01-02 00:00:00'
            """)
        #expect(derived.result.textRows == [["4"]])
        #expect(derived.statistics.filesSkipped == 1)
    }

    @Test func rowGroupsAreSkippedByStatistics() async throws {
        let lake = try await TestLake(options: { var o = QueryServiceOptions(); o.parquet.rowGroupRows = 100; return o }())
        try await lake.run("CREATE TABLE nums WITH (external_location = 's3://lake/nums/') AS \(numbersSQL)")
        let full = try await lake.run("SELECT count(*) FROM nums WHERE n > 0")
        #expect(full.statistics.rowGroupsRead == 10)
        let few = try await lake.run("SELECT count(*), min(n), max(n) FROM nums WHERE n BETWEEN 250 AND 260")
        #expect(few.result.textRows == [["11", "250", "260"]])
        #expect(few.statistics.rowGroupsRead == 1)
        #expect(few.statistics.rowGroupsSkipped == 9)
        #expect(few.statistics.bytesScanned < full.statistics.bytesScanned)
        let none = try await lake.run("SELECT count(*) FROM nums WHERE n > 5000")
        #expect(none.result.textRows == [["0"]])
        #expect(none.statistics.rowGroupsRead == 0)
        #expect(none.statistics.filesSkipped == 1)
    }

    @Test func countStarReadsOnlyFootersAndLimitStopsEarly() async throws {
        let lake = try await TestLake(options: { var o = QueryServiceOptions(); o.parquet.rowGroupRows = 100; return o }())
        try await lake.run("CREATE TABLE nums WITH (external_location = 's3://lake/nums/') AS SELECT n, CAST(n AS varchar) AS s FROM (\(numbersSQL)) AS t ORDER BY n")
        let size = try lake.objects.list(bucket: "lake", prefix: "nums/").objects.reduce(Int64(0)) { $0 + $1.size }
        let count = try await lake.run("SELECT count(*) FROM nums")
        #expect(count.result.textRows == [["1000"]])
        #expect(count.statistics.bytesScanned < 2_000)
        let all = try await lake.run("SELECT * FROM nums")
        #expect(all.statistics.bytesScanned <= size)
        let limited = try await lake.run("SELECT * FROM nums LIMIT 5")
        #expect(limited.result.rowCount == 5)
        #expect(limited.statistics.rowGroupsRead < 10)
        #expect(limited.statistics.bytesScanned < all.statistics.bytesScanned)
    }

    @Test func readParquetWithHivePartitioningOverTheLake() async throws {
        let lake = try await salesLake()
        let rows = try await lake.rows("""
            SELECT day, count(*) FROM read_parquet('s3://lake/curated/sales/*/*/*/*.parquet') GROUP BY day ORDER BY day
            """)
        #expect(rows == [["1", "3"], ["2", "2"], ["3", "2"]])
        let pruned = try await lake.run("SELECT count(*) FROM read_parquet('s3://lake/curated/sales/') WHERE day = 3")
        #expect(pruned.result.textRows == [["2"]])
        #expect(pruned.statistics.filesSkipped == 2)
    }

    @Test func readParquetOfAnotherWritersFile() async throws {
        let lake = try await TestLake()
        let path = Fixtures.path("QueryTests", "alltypes_plain.parquet")
        let rows = try await lake.rows("SELECT id, bool_col, int_col, double_col, timestamp_col FROM read_parquet('\(path)') ORDER BY id LIMIT 2")
        #expect(rows == [["0", "true", "0", "0.0", "2009-01-01 00:00:00.000"], ["1", "false", "1", "10.1", "2009-01-01 00:01:00.000"]])
    }

    @Test func explainAnalyzeReportsTheFigures() async throws {
        let lake = try await salesLake()
        let plan = try await lake.rows("EXPLAIN SELECT region, sum(total) FROM sales WHERE day = 1 GROUP BY region").map { $0[0] }.joined(separator: "\n")
        #expect(plan.contains("default.sales"))
        let analyzed = try await lake.rows("EXPLAIN ANALYZE SELECT region, sum(total) FROM sales WHERE day = 1 GROUP BY region").map { $0[0] }
        let summary = try #require(analyzed.last)
        #expect(summary.contains("bytes_scanned="))
        #expect(summary.contains("files=1 read/2 skipped"))
        // EXPLAIN of a CTAS shows the write above the plan.
        let ctas = try await lake.rows("EXPLAIN CREATE TABLE t2 WITH (partitioned_by = ARRAY['day']) AS SELECT total, day FROM sales")
        #expect(ctas[0][0].contains("TableWriter[create t2, PARQUET, partitioned_by=[day]]"))
    }
}
