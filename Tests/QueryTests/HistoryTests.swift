import Foundation
import Testing

@testable import Query

@Suite struct HistoryTests {
    @Test func everyStatementIsRecordedWithBytesPerTable() async throws {
        let lake = try await TestLake()
        try await lake.put("raw/sales/sales.csv", SalesFixture.csv)
        try await lake.run(SalesFixture.ddl)
        var context = QueryContext(workgroup: "analysts")
        let result = try await lake.service.execute("SELECT count(*) FROM sales_raw a JOIN sales_raw b ON a.order_id = b.order_id", context: &context)
        _ = try? await lake.service.execute("SELECT * FROM nowhere", context: &context)
        let history = try #require(lake.service.history)
        let record = try #require(try history.record(id: result.queryID))
        #expect(record.workgroup == "analysts")
        #expect(record.state == .succeeded)
        #expect(record.statementType == .dml)
        #expect(record.bytesScanned == result.statistics.bytesScanned)
        #expect(record.bytesScanned == Int64(SalesFixture.csv.utf8.count * 2))
        #expect(record.tables == [QueryRecord.TableScan(database: "default", table: "sales_raw", bytesScanned: record.bytesScanned)])
        let recent = try history.recent(workgroup: "analysts")
        #expect(recent.count == 2)
        #expect(recent[0].state == .failed)
        #expect(recent[0].error?.contains("nowhere") == true)
        #expect(try history.recent(workgroup: "primary").first?.statementType == .ddl)
        let byTable = try history.bytesScannedByTable(workgroup: "analysts")
        #expect(byTable == [QueryRecord.TableScan(database: "default", table: "sales_raw", bytesScanned: record.bytesScanned)])
        let byWorkgroup = try history.bytesScannedByWorkgroup()
        #expect(byWorkgroup.first { $0.workgroup == "analysts" }?.queries == 2)
    }
}
