import Columnar
import Foundation
import Testing

@testable import Query

@Suite struct WriteTests {
    @Test func insertIntoAddsFilesAndPartitions() async throws {
        let lake = try await TestLake()
        try await lake.put("raw/sales/sales.csv", SalesFixture.csv)
        try await lake.run(SalesFixture.ddl)
        try await lake.run("""
            CREATE TABLE daily WITH (external_location = 's3://lake/daily/', partitioned_by = ARRAY['day'])
            AS SELECT region, sum(total) AS revenue, day(sold_at) AS day FROM sales_raw WHERE day(sold_at) < 3 GROUP BY region, day(sold_at)
            """)
        #expect(try await lake.rows("SHOW PARTITIONS daily") == [["day=1"], ["day=2"]])
        let insert = try await lake.run("INSERT INTO daily SELECT region, sum(total), day(sold_at) FROM sales_raw WHERE day(sold_at) >= 2 GROUP BY 1, 3")
        #expect(insert.result.textRows == [["4"]])
        #expect(try await lake.rows("SHOW PARTITIONS daily") == [["day=1"], ["day=2"], ["day=3"]])
        #expect(try await lake.rows("SELECT day, count(*), sum(revenue) FROM daily GROUP BY day ORDER BY day") == [
            ["1", "2", "63.75"], ["2", "4", "74.00"], ["3", "2", "54.39"],
        ])
        // Named columns; the others are NULL.
        try await lake.run("INSERT INTO daily (day, region) VALUES (9, 'north')")
        #expect(try await lake.rows("SELECT region, revenue FROM daily WHERE day = 9") == [["north", "NULL"]])
        await #expect(throws: (any Error).self) { try await lake.run("INSERT INTO daily SELECT region FROM sales_raw") }
        await #expect(throws: (any Error).self) { try await lake.run("INSERT INTO sales_raw SELECT * FROM sales_raw") }
    }

    @Test func aFailedWriteLeavesNothingVisible() async throws {
        let lake = try await TestLake()
        try await lake.put("raw/sales/sales.csv", SalesFixture.csv)
        try await lake.run(SalesFixture.ddl)
        try await lake.run("CREATE TABLE daily WITH (external_location = 's3://lake/daily/', partitioned_by = ARRAY['day']) AS SELECT order_id, day(sold_at) AS day FROM sales_raw WHERE day(sold_at) = 1")
        let before = try lake.keys("daily/")
        // The cast fails on the third day's rows, after the first days' files were started.
        await #expect(throws: (any Error).self) {
            try await lake.run("INSERT INTO daily SELECT CAST(CAST(1 / (3 - day(sold_at)) AS varchar) AS varchar), day(sold_at) FROM sales_raw ORDER BY day(sold_at)")
        }
        #expect(try lake.keys("daily/") == before)
        #expect(try await lake.rows("SHOW PARTITIONS daily") == [["day=1"]])
        // A failed CTAS creates no table and no files.
        await #expect(throws: (any Error).self) {
            try await lake.run("CREATE TABLE broken WITH (external_location = 's3://lake/broken/') AS SELECT 1 / (3 - day(sold_at)) AS x FROM sales_raw")
        }
        #expect(try lake.keys("broken/").isEmpty)
        #expect(try await lake.rows("SHOW TABLES LIKE 'broken'").isEmpty)
    }

    @Test func ctasDefaultsToTheWarehouseAndChecksColumns() async throws {
        let lake = try await TestLake()
        let result = try await lake.run("CREATE TABLE t AS SELECT 1 AS a, 'x' AS b")
        #expect(result.result.textRows == [["1"]])
        #expect(try lake.keys("default/t/", bucket: "tarn-warehouse").count == 1)
        #expect(try await lake.rows("SELECT a, b FROM t") == [["1", "x"]])
        await #expect(throws: (any Error).self) { try await lake.run("CREATE TABLE t AS SELECT 1 AS a") }
        #expect(try await lake.run("CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS a").result.textRows == [["0"]])
        await #expect(throws: (any Error).self) { try await lake.run("CREATE TABLE u WITH (partitioned_by = ARRAY['a']) AS SELECT 1 AS a, 2 AS b") }
        await #expect(throws: (any Error).self) { try await lake.run("CREATE TABLE u AS SELECT 1 AS a, 2 AS a") }
        await #expect(throws: (any Error).self) { try await lake.run("CREATE TABLE u WITH (format = 'ORC') AS SELECT 1 AS a") }
        try await lake.run("CREATE TABLE empty WITH (partitioned_by = ARRAY['b']) AS (SELECT 1 AS a, 2 AS b) WITH NO DATA")
        #expect(try await lake.rows("SELECT count(*) FROM empty") == [["0"]])
        #expect(try await lake.rows("DESCRIBE empty").prefix(2).map { $0 } == [["a", "int", ""], ["b", "int", ""]])
    }
}

@Suite struct PartitionGroupingTests {
    @Test func groupsRowsByTupleInFirstAppearanceOrder() {
        let year = Column(type: .int64, storage: .int64([2024, 2024, 2025, 2024, 2025, 2024]))
        let month = Column(type: .int32, storage: .int32([1, 2, 1, 1, 1, 0]), validity: [true, true, true, true, true, false])
        let (ids, first) = PartitionGrouping.groups([year, month], rowCount: 6)
        #expect(ids == [0, 1, 2, 0, 2, 3])
        #expect(first == [0, 1, 2, 5])
        var names = ColumnBuilder(.string)
        for name in ["a", "b", "a"] { names.append(string: name) }
        let (stringIDs, stringFirst) = PartitionGrouping.groups([names.build()], rowCount: 3)
        #expect(stringIDs == [0, 1, 0])
        #expect(stringFirst == [0, 1])
    }
}
