import Foundation
import TarnCore
import Testing

@testable import Query

/// Athena's per-query data usage control: a workgroup's `BytesScannedCutoffPerQuery` cancels a
/// query while it scans, and the history keeps it as CANCELLED with the bytes read until then.
@Suite struct WorkgroupLimitTests {
    /// Twelve CSV files of about 40 KB each under `s3://lake/raw/events/`, one table over them.
    static func eventsLake(workgroups: [String: WorkgroupConfiguration]) async throws -> (TestLake, total: Int64) {
        let lake = try await TestLake(options: QueryServiceOptions(allowLocalFiles: true, workgroups: workgroups))
        var total: Int64 = 0
        for file in 0..<12 {
            var text = ""
            var row = 0
            while text.utf8.count < 40_000 {
                text += "\(file * 10_000 + row),store-\(row % 17),\(row % 9),\(Double(row % 1000) / 10)\n"
                row += 1
            }
            total += Int64(text.utf8.count)
            try await lake.put("raw/events/part-\(file).csv", text)
        }
        try await lake.run("""
            CREATE EXTERNAL TABLE events (id bigint, store string, hour int, amount double)
            ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://lake/raw/events/'
            """)
        return (lake, total)
    }

    func run(_ lake: TestLake, _ sql: String, workgroup: String) async throws -> StatementResult {
        var context = QueryContext(workgroup: workgroup)
        return try await lake.service.execute(sql, context: &context)
    }

    @Test func underTheLimitSucceeds() async throws {
        let (lake, total) = try await Self.eventsLake(workgroups: ["roomy": WorkgroupConfiguration(bytesScannedCutoffPerQuery: 1_000_000)])
        #expect(total < 1_000_000)
        let result = try await run(lake, "SELECT count(*), sum(amount) FROM events", workgroup: "roomy")
        #expect(result.statistics.bytesScanned == total)
        let record = try #require(try lake.service.history?.record(id: result.queryID))
        #expect(record.state == .succeeded)
        #expect(record.workgroup == "roomy")
    }

    @Test func overTheLimitIsCancelledBeforeReadingEverything() async throws {
        let cutoff: Int64 = 100_000
        let (lake, total) = try await Self.eventsLake(workgroups: ["capped": WorkgroupConfiguration(bytesScannedCutoffPerQuery: cutoff)])
        var context = QueryContext(workgroup: "capped")
        let sql = "SELECT store, sum(amount) FROM events GROUP BY store"
        do {
            _ = try await lake.service.execute(sql, context: &context)
            Issue.record("a query over the cutoff ran to the end")
        } catch let error as TarnError {
            #expect(error.code == .limitExceeded)
            #expect(error.message.hasPrefix("Query cancelled! : Bytes scanned limit was exceeded"), "\(error.message)")
            #expect(error.message.contains("capped") && error.message.contains("\(cutoff)"), "\(error.message)")
        }
        let history = try #require(lake.service.history)
        let record = try #require(try history.recent(workgroup: "capped").first)
        #expect(record.state == .cancelled)
        #expect(record.errorCode == "LimitExceeded")
        #expect(record.query == sql)
        // Over the cutoff (the read that crossed it counts) but far from the whole table: the
        // scan stopped at the file that crossed the limit, give or take the other worker's file.
        #expect(record.bytesScanned > cutoff)
        #expect(record.bytesScanned < total / 2, "scanned \(record.bytesScanned) of \(total)")
        #expect(record.tables == [QueryRecord.TableScan(database: "default", table: "events", bytesScanned: record.bytesScanned)])
        // The same query without a limit reads everything.
        let free = try await run(lake, sql, workgroup: "primary")
        #expect(free.statistics.bytesScanned == total)
        #expect(free.result.rowCount == 17)
    }

    @Test func parquetScansStopAtTheLimit() async throws {
        let (lake, _) = try await Self.eventsLake(workgroups: ["capped": WorkgroupConfiguration(bytesScannedCutoffPerQuery: 30_000)])
        // One Parquet file per hour partition: nine files, a split per file.
        try await lake.run("""
            CREATE TABLE events_pq WITH (format = 'PARQUET', external_location = 's3://lake/curated/events/', partitioned_by = ARRAY['hour'])
            AS SELECT id, store, amount, hour FROM events
            """)
        let files = try lake.objects.list(bucket: "lake", prefix: "curated/events/").objects
        #expect(files.count == 9)
        let parquetBytes = files.reduce(Int64(0)) { $0 + $1.size }
        let full = try await run(lake, "SELECT sum(amount), max(store), max(id) FROM events_pq", workgroup: "primary")
        #expect(full.statistics.bytesScanned > 30_000 * 2, "the test needs a table well over the cutoff: \(full.statistics.bytesScanned) of \(parquetBytes)")
        await #expect(throws: TarnError.self) {
            _ = try await run(lake, "SELECT sum(amount), max(store), max(id) FROM events_pq", workgroup: "capped")
        }
        let record = try #require(try lake.service.history?.recent(workgroup: "capped").first)
        #expect(record.state == .cancelled)
        #expect(record.bytesScanned > 30_000)
        #expect(record.bytesScanned < full.statistics.bytesScanned, "scanned \(record.bytesScanned), the whole scan reads \(full.statistics.bytesScanned)")
    }

    @Test func ledgerCountsTheCrossingReadAndKeepsRefusing() throws {
        let ledger = ScanLedger(bytesScannedCutoff: 100, workgroup: "w")
        try ledger.add("t", 60)
        try ledger.add("t", 40)
        #expect(!ledger.cancelledByCutoff)
        #expect(throws: TarnError.self) { try ledger.add("t", 1) }
        #expect(ledger.cancelledByCutoff)
        #expect(ledger.total == 101)
        #expect(throws: TarnError.self) { try ledger.add("u", 5) }
        #expect(ledger.byTable == ["t": 101, "u": 5])
        let unlimited = ScanLedger()
        try unlimited.add("t", Int64.max / 2)
        #expect(!unlimited.cancelledByCutoff)
    }
}
