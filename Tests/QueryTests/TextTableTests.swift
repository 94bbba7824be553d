import Codecs
import Columnar
import Foundation
import QueryExecution
import QueryPlanner
import Testing

@testable import Query

@Suite struct TextTableTests {
    @Test func csvTableSkipsHeaderAndReadsBadValuesAsNull() async throws {
        let lake = try await TestLake()
        try await lake.put("raw/sales/sales.csv", SalesFixture.csv)
        try await lake.run(SalesFixture.ddl)
        let rows = try await lake.rows("SELECT order_id, quantity, total, customer_id, sold_at FROM sales_raw ORDER BY order_id, total")
        #expect(rows.count == 7)
        #expect(rows[0] == ["O1", "1", "3.25", "C1", "2024-01-01 09:00:00.000"])
        // Hive's LazySimpleSerDe: a value that does not parse is NULL, the row stays.
        #expect(rows[3] == ["O3", "NULL", "7.00", "C2", "2024-01-02 11:00:00.000"])
        // An empty string field is the empty string (NULL is \N).
        #expect(rows[2][3] == "")
        let result = try await lake.run("SELECT count(*) FROM sales_raw")
        #expect(result.result.textRows == [["7"]])
        #expect(result.statistics.bytesScanned == Int64(SalesFixture.csv.utf8.count))
        #expect(result.statistics.filesRead == 1)
    }

    @Test func gzipTextIsReadAndChargedCompressed() async throws {
        let lake = try await TestLake()
        let compressed = try GzipCompressor.compress(Array(SalesFixture.csv.utf8))
        try await lake.put("raw/sales/sales.csv.gz", bytes: compressed)
        // Gzip by magic even without the extension.
        try await lake.put("raw/sales/more", bytes: compressed)
        try await lake.run(SalesFixture.ddl)
        let result = try await lake.run("SELECT sum(total) FROM sales_raw")
        #expect(result.result.textRows == [["310.28"]])
        #expect(result.statistics.bytesScanned == Int64(compressed.count * 2))
    }

    @Test func largeFilesSplitAtLineEndsWithoutLosingRows() async throws {
        // 8 splits over one file; every line must be read exactly once whatever the cut points.
        var lines = ["id,value"]
        for i in 0..<20_000 { lines.append("\(i),\(i % 7)") }
        let text = lines.joined(separator: "\n") + "\n"
        let lake = try await TestLake()
        try await lake.put("raw/big/big.csv", text)
        try await lake.run("""
            CREATE EXTERNAL TABLE big (id bigint, value int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
            LOCATION 's3://lake/raw/big/' TBLPROPERTIES ('skip.header.line.count'='1')
            """)
        let source = try #require(try LakeCatalog(defaultDatabase: "default", store: lake.service.catalog, files: lake.service.files, ledger: ScanLedger()).table(database: "default", name: "big") as? TextSource)
        for cut in [1, 2, 3, 7, 100, 1234] {
            let pieces = try TextReadCheck.readAll(source, piece: Int64(text.utf8.count / cut + 1))
            #expect(pieces.count == 20_000, "cut into ~\(cut) pieces")
            #expect(Set(pieces).count == 20_000)
        }
        let result = try await lake.run("SELECT count(*), sum(id), count(DISTINCT id) FROM big")
        #expect(result.result.textRows == [["20000", "199990000", "20000"]])
    }

    @Test func jsonTableMatchesKeysCaseInsensitively() async throws {
        let lake = try await TestLake()
        try await lake.put("raw/events/a.json", """
            {"Event_ID":"e1","ts":"2024-01-01T01:00:00.000Z","n":1,"tags":["a","b"]}
            {"event_id":"e2","ts":"2024-01-02T01:00:00.500Z","n":"oops"}
            {"event_id":"e3","n":3}

            """)
        try await lake.run("""
            CREATE EXTERNAL TABLE events (event_id string, ts timestamp, n int, tags array<string>)
            ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://lake/raw/events/'
            """)
        let rows = try await lake.rows("SELECT event_id, ts, n, tags FROM events ORDER BY event_id")
        #expect(rows == [
            ["e1", "2024-01-01 01:00:00.000", "1", "[a, b]"],
            ["e2", "2024-01-02 01:00:00.500", "NULL", "NULL"],
            ["e3", "NULL", "3", "NULL"],
        ])
    }

    @Test func malformedJsonFailsUnlessIgnored() async throws {
        let lake = try await TestLake()
        try await lake.put("raw/bad/a.json", "{\"a\":1}\n{not json\n{\"a\":3}\n")
        try await lake.run("CREATE EXTERNAL TABLE bad (a int) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://lake/raw/bad/'")
        await #expect(throws: (any Error).self) { try await lake.run("SELECT sum(a) FROM bad") }
        try await lake.run("""
            CREATE EXTERNAL TABLE bad2 (a int) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
            WITH SERDEPROPERTIES ('ignore.malformed.json'='true') LOCATION 's3://lake/raw/bad/'
            """)
        #expect(try await lake.rows("SELECT count(*), sum(a) FROM bad2") == [["3", "4"]])
    }

    @Test func readCSVAndReadJSONOverLocalFilesInferTypes() async throws {
        let lake = try await TestLake()
        let dir = lake.directory.path + "/local"
        try FileManager.default.createDirectory(atPath: dir + "/region=east", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/region=west", withIntermediateDirectories: true)
        try "id,amount\n1,2.5\n2,\n".write(toFile: dir + "/region=east/a.csv", atomically: true, encoding: .utf8)
        try "id,amount\n3,4.5\n".write(toFile: dir + "/region=west/b.csv", atomically: true, encoding: .utf8)
        let all = try await lake.run("SELECT region, id, amount FROM read_csv('\(dir)/*/*.csv') ORDER BY id")
        // The inference sample is read once: bytes scanned are exactly the two files.
        #expect(all.statistics.bytesScanned == Int64("id,amount\n1,2.5\n2,\n".utf8.count + "id,amount\n3,4.5\n".utf8.count))
        let rows = all.result.textRows
        #expect(rows == [["east", "1", "2.5"], ["east", "2", "NULL"], ["west", "3", "4.5"]])
        let filtered = try await lake.run("SELECT count(*) FROM read_csv('\(dir)/', hive_partitioning => true) WHERE region = 'west'")
        #expect(filtered.result.textRows == [["1"]])
        #expect(filtered.statistics.filesSkipped == 1)
        try "{\"k\":\"a\",\"v\":1}\n{\"k\":\"b\",\"v\":2.5}\n".write(toFile: dir + "/x.jsonl", atomically: true, encoding: .utf8)
        #expect(try await lake.rows("SELECT k, v FROM read_json('\(dir)/x.jsonl') ORDER BY k") == [["a", "1.0"], ["b", "2.5"]])
        #expect(try await lake.rows("SELECT k FROM read_json('\(dir)/x.jsonl', columns => 'k varchar, v double') WHERE v > 2") == [["b"]])
    }

    @Test func localFilesAreRefusedUnlessAllowed() async throws {
        let lake = try await TestLake(options: QueryServiceOptions(allowLocalFiles: false))
        await #expect(throws: (any Error).self) { try await lake.run("SELECT * FROM read_csv('/etc/passwd')") }
    }
}

/// Reads a text source split into pieces of `piece` bytes and returns every id read.
enum TextReadCheck {
    static func readAll(_ source: TextSource, piece: Int64) throws -> [Int64] {
        let files = try source.files.files()
        let request = ScanRequest(columns: ["id"], columnRefs: [ColumnRef(id: 1, name: "id", type: .int64)])
        let context = TextScanContext(
            store: source.files.store, table: "t", ledger: nil,
            columns: try ScanColumns(request, dataColumns: source.columns, partitionColumns: [], table: "t"), dataColumns: source.columns,
            layout: source.layout)
        var ids: [Int64] = []
        for file in files {
            var start: Int64 = 0
            while start < file.file.size {
                let end = min(file.file.size, start + piece)
                let stream = try TextSplit(context: context, file: file, range: start..<end, countsFile: start == 0).open()
                while let batch = try stream.next() {
                    for row in 0..<batch.rowCount { if case .int(let id) = batch.columns[0].value(at: row) { ids.append(id) } }
                }
                start = end
            }
        }
        return ids
    }
}
