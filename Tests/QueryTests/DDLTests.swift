import Foundation
import Testing

@testable import Query

@Suite struct DDLTests {
    @Test func databasesTablesAndDescribe() async throws {
        let lake = try await TestLake()
        try await lake.run("CREATE DATABASE retail COMMENT 'shop data'")
        try await lake.run("CREATE DATABASE IF NOT EXISTS retail")
        await #expect(throws: (any Error).self) { try await lake.run("CREATE DATABASE retail") }
        try await lake.run("""
            CREATE EXTERNAL TABLE retail.clicks (event_id string, n int COMMENT 'count', tags array<string>)
            PARTITIONED BY (dt date, hour int)
            STORED AS PARQUET LOCATION 's3://lake/clicks/' TBLPROPERTIES ('parquet.compression'='SNAPPY')
            """)
        #expect(try await lake.rows("SHOW DATABASES") == [["default"], ["retail"]])
        #expect(try await lake.rows("SHOW DATABASES LIKE 'ret*'") == [["retail"]])
        #expect(try await lake.rows("SHOW TABLES IN retail") == [["clicks"]])
        #expect(try await lake.rows("SHOW TABLES", database: "retail") == [["clicks"]])
        #expect(try await lake.rows("SHOW COLUMNS FROM retail.clicks") == [["event_id"], ["n"], ["tags"], ["dt"], ["hour"]])
        let describe = try await lake.rows("DESCRIBE retail.clicks")
        #expect(describe[0] == ["event_id", "string", ""])
        #expect(describe[1] == ["n", "int", "count"])
        #expect(describe[2] == ["tags", "array<string>", ""])
        #expect(describe.contains(["# Partition Information", "", ""]))
        let ddl = try await lake.rows("SHOW CREATE TABLE retail.clicks").map { $0[0] }.joined(separator: "\n")
        #expect(ddl.contains("PARTITIONED BY ("))
        #expect(ddl.contains("STORED AS PARQUET"))
        #expect(ddl.contains("LOCATION\n  's3://lake/clicks/'"))
        await #expect(throws: (any Error).self) { try await lake.run("CREATE EXTERNAL TABLE x (a int) STORED AS ORC LOCATION 's3://lake/x/'") }
        await #expect(throws: (any Error).self) { try await lake.run("CREATE EXTERNAL TABLE x (a int) STORED AS PARQUET") }
        await #expect(throws: (any Error).self) { try await lake.run("DROP DATABASE retail") }
        try await lake.run("DROP TABLE retail.clicks")
        try await lake.run("DROP TABLE IF EXISTS retail.clicks")
        try await lake.run("DROP DATABASE retail")
        #expect(try await lake.rows("SHOW DATABASES") == [["default"]])
    }

    @Test func msckRepairAndAlterPartitions() async throws {
        let lake = try await TestLake()
        for (path, rows) in [("year=2024/month=01", "1,a\n2,b\n"), ("year=2024/month=02", "3,c\n"), ("year=2025/month=01", "4,d\n")] {
            try await lake.put("data/t/\(path)/part-0.csv", rows)
        }
        try await lake.put("data/t/year=2024/month=02/_SUCCESS", "")
        try await lake.put("data/t/not-a-partition/x.csv", "9,z\n")
        try await lake.run("""
            CREATE EXTERNAL TABLE t (id int, name string) PARTITIONED BY (year int, month int)
            ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://lake/data/t/'
            """)
        // Nothing is read before partitions are registered (Athena's behaviour).
        #expect(try await lake.rows("SELECT count(*) FROM t") == [["0"]])
        let repair = try await lake.rows("MSCK REPAIR TABLE t").map { $0[0] }
        #expect(repair.filter { $0.hasPrefix("Repair: Added partition") }.count == 3)
        #expect(try await lake.rows("SHOW PARTITIONS t") == [["year=2024/month=01"], ["year=2024/month=02"], ["year=2025/month=01"]])
        #expect(try await lake.rows("MSCK REPAIR TABLE t").isEmpty)
        #expect(try await lake.rows("SELECT year, month, count(*) FROM t GROUP BY 1, 2 ORDER BY 1, 2") == [["2024", "1", "2"], ["2024", "2", "1"], ["2025", "1", "1"]])
        // Typed comparison: month = 2 matches the partition registered as '02'.
        try await lake.run("ALTER TABLE t DROP PARTITION (year = 2024, month = 2)")
        #expect(try await lake.rows("SELECT sum(id) FROM t") == [["7"]])
        await #expect(throws: (any Error).self) { try await lake.run("ALTER TABLE t DROP PARTITION (year = 1999, month = 1)") }
        try await lake.run("ALTER TABLE t DROP IF EXISTS PARTITION (year = 1999, month = 1)")
        // ADD PARTITION with an explicit location anywhere in the bucket.
        try await lake.put("elsewhere/p/part.csv", "10,x\n")
        try await lake.run("ALTER TABLE t ADD PARTITION (year = 2030, month = 12) LOCATION 's3://lake/elsewhere/p/' PARTITION (year = 2024, month = '02')")
        #expect(try await lake.rows("SELECT year, sum(id) FROM t GROUP BY year ORDER BY year") == [["2024", "6"], ["2025", "4"], ["2030", "10"]])
        await #expect(throws: (any Error).self) { try await lake.run("ALTER TABLE t ADD PARTITION (year = 2030, month = 12)") }
        try await lake.run("ALTER TABLE t ADD IF NOT EXISTS PARTITION (year = 2030, month = 12)")
        // A partial spec drops every matching partition.
        try await lake.run("ALTER TABLE t DROP PARTITION (year = 2024)")
        #expect(try await lake.rows("SHOW PARTITIONS t") == [["year=2025/month=01"], ["year=2030/month=12"]])
    }

    @Test func useChangesTheSessionDatabase() async throws {
        let lake = try await TestLake()
        try await lake.run("CREATE DATABASE other")
        var context = QueryContext()
        _ = try await lake.service.execute("USE other", context: &context)
        #expect(context.database == "other")
        await #expect(throws: (any Error).self) { _ = try await lake.service.execute("USE missing", context: &context) }
    }
}
