import Foundation
import Lake
import Query
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Cost

/// The query part of `tarn cost`: Athena's billing rules, and a real lake whose query service
/// writes the history the report reads.
@Suite struct QueryCostTests {
    let prices = PriceTable.usEast1
    let start = UTCDays.parse("2025-05-02")!
    let end = UTCDays.parse("2025-06-01")!

    @Test func athenaBillingRules() {
        var builder = QueryCostBuilder(prices: prices, from: start, to: end, cutoffs: ["analysts": 10_000_000_000, "idle": nil])
        let sales = QueryCharge.TableBytes(database: "retail", table: "sales", bytes: 30_000_000)
        let stores = QueryCharge.TableBytes(database: "retail", table: "stores", bytes: 10_000_000)
        // A join: 40 MB billed, three quarters charged to sales.
        builder.add(QueryCharge(workgroup: "analysts", statementType: "DML", outcome: .succeeded, bytesScanned: 40_000_000, tables: [sales, stores]))
        // A small query: billed the 10 MB minimum.
        builder.add(QueryCharge(workgroup: "analysts", statementType: "DML", outcome: .succeeded, bytesScanned: 1_500, tables: [.init(database: "retail", table: "stores", bytes: 1_500)]))
        // Cancelled by the cutoff: billed what it read, rounded up to the MB.
        builder.add(QueryCharge(workgroup: "analysts", statementType: "DML", outcome: .cancelled, bytesScanned: 12_345_678, tables: [.init(database: "retail", table: "sales", bytes: 12_345_678)]))
        // Failed and DDL: free, though the failed one read bytes.
        builder.add(QueryCharge(workgroup: "primary", statementType: "DML", outcome: .failed, bytesScanned: 5_000_000, tables: [.init(database: "retail", table: "sales", bytes: 5_000_000)]))
        builder.add(QueryCharge(workgroup: "primary", statementType: "DDL", outcome: .succeeded, bytesScanned: 0, tables: []))
        builder.add(QueryCharge(workgroup: "primary", statementType: "UTILITY", outcome: .succeeded, bytesScanned: 0, tables: []))
        // SELECT 1: the minimum, charged to no table.
        builder.add(QueryCharge(workgroup: "primary", statementType: "DML", outcome: .succeeded, bytesScanned: 0, tables: []))
        let costs = builder.build()
        #expect(costs.byWorkgroup.map { $0.workgroup } == ["analysts", "idle", "primary"])
        let analysts = costs.byWorkgroup[0]
        #expect(analysts.queries == 3 && analysts.billedQueries == 3 && analysts.cancelled == 1 && analysts.failed == 0)
        #expect(analysts.bytesScanned == 40_000_000 + 1_500 + 12_345_678)
        #expect(analysts.billedBytes == 40_000_000 + 10_000_000 + 13_000_000)
        let analystsUSD: Double = 63e6 / 1e12 * 5
        #expect(abs(analysts.usd - analystsUSD) < 1e-12)
        #expect(analysts.bytesScannedCutoffPerQuery == 10_000_000_000)
        #expect(costs.byWorkgroup[1].queries == 0 && costs.byWorkgroup[1].bytesScannedCutoffPerQuery == nil)
        let primary = costs.byWorkgroup[2]
        #expect(primary.queries == 4 && primary.billedQueries == 1 && primary.failed == 1)
        #expect(primary.bytesScanned == 5_000_000 && primary.billedBytes == 10_000_000)
        #expect(costs.byTable.map { $0.table } == ["sales", "stores", QueryCostBuilder.noTable])
        let salesRow = costs.byTable[0]
        #expect(salesRow.queries == 3 && salesRow.bytesScanned == 30_000_000 + 12_345_678 + 5_000_000)
        let salesUSD: Double = (30e6 + 13e6) / 1e12 * 5
        let storesUSD: Double = (10e6 + 10e6) / 1e12 * 5
        #expect(abs(salesRow.usd - salesUSD) < 1e-12)
        #expect(abs(costs.byTable[1].usd - storesUSD) < 1e-12)
        // Every billed dollar lands on a table row.
        let tableUSD = costs.byTable.reduce(0.0) { $0 + $1.usd }
        #expect(abs(tableUSD - costs.usd) < 1e-12)
        #expect(costs.queries == 7)
    }

    /// About `bytes` of CSV sales lines.
    static func salesCSV(bytes: Int, seed: Int) -> String {
        var text = ""
        var index = 0
        while text.utf8.count < bytes {
            text += "\(seed * 100_000 + index),\(index % 40),\(1 + index % 5),\(Double(index % 5000) / 100)\n"
            index += 1
        }
        return text
    }

    @Test func reportChargesTheQueryHistory() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-query-cost")
        defer { directory.remove() }
        try Data("workgroups:\n  analysts:\n    bytesScannedCutoffPerQuery: 10GB\n".utf8).write(to: URL(fileURLWithPath: directory.path + "/tarn.yaml"))
        // `capped` is set in code below Athena's 10 MB minimum so test data can cross it.
        let lake = try Lake(
            path: directory.path, environment: ["TARN_ROOT_ACCESS_KEY_ID": "K", "TARN_ROOT_SECRET_ACCESS_KEY": "S"],
            queryOptions: QueryServiceOptions(workgroups: ["capped": WorkgroupConfiguration(bytesScannedCutoffPerQuery: 50_000)]))
        #expect(lake.query.options.workgroups["analysts"]?.bytesScannedCutoffPerQuery == 10_000_000_000)
        try await lake.store.createBucket("retail-raw")
        for part in 0..<4 {
            try await lake.store.put(bucket: "retail-raw", key: "raw/sales/part-\(part).csv", bytes: Array(Self.salesCSV(bytes: 30_000, seed: part).utf8))
        }
        try await lake.store.put(bucket: "retail-raw", key: "raw/stores/stores.csv", bytes: Array((0..<40).map { "\($0),store \($0)\n" }.joined().utf8))
        var primary = QueryContext()
        for ddl in [
            "CREATE DATABASE retail",
            "CREATE EXTERNAL TABLE retail.sales (sale_id bigint, store_id int, quantity int, price double) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://retail-raw/raw/sales/'",
            "CREATE EXTERNAL TABLE retail.stores (store_id int, name string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://retail-raw/raw/stores/'",
        ] {
            _ = try await lake.query.execute(ddl, context: &primary)
        }
        var analysts = QueryContext(database: "retail", workgroup: "analysts")
        let total = try await lake.query.execute("SELECT sum(price) FROM sales", context: &analysts)
        let join = try await lake.query.execute(
            "SELECT s.name, sum(x.quantity) FROM sales x JOIN stores s ON x.store_id = s.store_id GROUP BY s.name", context: &analysts)
        var capped = QueryContext(database: "retail", workgroup: "capped")
        await #expect(throws: TarnError.self) { _ = try await lake.query.execute("SELECT sum(price) FROM sales", context: &capped) }
        await #expect(throws: TarnError.self) { _ = try await lake.query.execute("SELECT * FROM nowhere", context: &primary) }
        _ = try await lake.query.execute("SELECT 1", context: &primary)

        let history = try #require(lake.query.history)
        let cancelled = try #require(try history.recent(workgroup: "capped").first)
        #expect(cancelled.state == .cancelled)
        let salesBytes = total.statistics.bytesScanned
        #expect(salesBytes > 120_000)
        #expect(cancelled.bytesScanned > 50_000 && cancelled.bytesScanned < salesBytes)
        let storesBytes = try #require(join.tables.first { $0.table == "stores" }).bytesScanned

        let report = try lake.costReport()
        #expect(report.unavailable.isEmpty)
        let queries = report.queries
        #expect(queries.to == report.asOf)
        #expect(abs(queries.from.timeIntervalSince(report.asOf) + 30 * 86_400) < 1e-3)
        let byName = Dictionary(uniqueKeysWithValues: queries.byWorkgroup.map { ($0.workgroup, $0) })
        #expect(Set(byName.keys) == ["analysts", "capped", "primary"])
        let analystsRow = try #require(byName["analysts"])
        #expect(analystsRow.queries == 2 && analystsRow.billedQueries == 2)
        #expect(analystsRow.bytesScanned == salesBytes + join.statistics.bytesScanned)
        #expect(analystsRow.billedBytes == 20_000_000, "two small queries: the 10 MB minimum each")
        #expect(analystsRow.bytesScannedCutoffPerQuery == 10_000_000_000)
        let cappedRow = try #require(byName["capped"])
        #expect(cappedRow.cancelled == 1 && cappedRow.billedQueries == 1 && cappedRow.bytesScanned == cancelled.bytesScanned)
        #expect(cappedRow.bytesScannedCutoffPerQuery == 50_000)
        let primaryRow = try #require(byName["primary"])
        #expect(primaryRow.queries == 5 && primaryRow.failed == 1 && primaryRow.billedQueries == 1, "3 DDL free, 1 failed free, SELECT 1 billed")
        #expect(abs(queries.usd - 4 * prices.athenaQuery(scannedBytes: 0)) < 1e-12)
        #expect(report.monthly.queriesUSD == queries.usd)
        let sales = try #require(queries.byTable.first { $0.table == "sales" })
        #expect(sales.database == "retail" && sales.queries == 3)
        let joinSales = try #require(join.tables.first { $0.table == "sales" }).bytesScanned
        #expect(sales.bytesScanned == salesBytes + joinSales + cancelled.bytesScanned)
        #expect(queries.byTable.first { $0.table == "stores" }?.bytesScanned == storesBytes)
        let tableUSD = queries.byTable.reduce(0.0) { $0 + $1.usd }
        #expect(abs(tableUSD - queries.usd) < 1e-12)

        // The period: a report as of 31 days ago sees none of today's queries.
        let old = try lake.costReport(asOf: Date().addingTimeInterval(-31 * 86_400))
        #expect(old.queries.queries == 0 && old.monthly.queriesUSD == 0)
        #expect(old.queries.byWorkgroup.map { $0.workgroup } == ["analysts", "capped"], "configured workgroups are listed without queries")
        // The JSON the server sends keeps the section.
        let decoded = try JSONDecoder().decode(CostReport.self, from: try JSONEncoder().encode(report))
        #expect(decoded.queries == report.queries)
    }

    @Test func workgroupsInTheConfigurationFile() throws {
        let configuration = try LakeConfiguration.parse("""
            workgroups:
              analysts: { bytesScannedCutoffPerQuery: 10GB }
              etl: { bytesScannedCutoffPerQuery: 1.5 TiB }
              exact: { bytesScannedCutoffPerQuery: 20000000 }
              open: {}
            """)
        #expect(configuration.workgroups["analysts"]?.bytesScannedCutoffPerQuery == 10_000_000_000)
        #expect(configuration.workgroups["etl"]?.bytesScannedCutoffPerQuery == Int64(1.5 * Double(1 << 40)))
        #expect(configuration.workgroups["exact"]?.bytesScannedCutoffPerQuery == 20_000_000)
        #expect(configuration.workgroups["open"] == WorkgroupConfiguration())
        #expect(throws: TarnError.self) { try LakeConfiguration.parse("workgroups: { small: { bytesScannedCutoffPerQuery: 5MB } }") }
        #expect(throws: TarnError.self) { try LakeConfiguration.parse("workgroups: { odd: { bytesScannedCutoffPerQuery: ten gigs } }") }
        #expect(throws: TarnError.self) { try LakeConfiguration.parse("workgroups: { odd: { bytesScannedCutoffPerQuery: -20GB } }") }
    }
}
