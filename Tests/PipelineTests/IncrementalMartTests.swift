import Catalog
import Foundation
import Jobs
import Pipeline
import Query
import Storage
import TarnCore
import TarnTesting
import Testing

/// Marts rebuilt by partition after job runs that touch some partitions, on a real lake.
@Suite struct IncrementalMartTests {
    static let yaml = """
        version: 1
        environments:
          dev: { bucket: shop-dev, database: shop_dev }
        tables:
          orders:
            format: csv
            columns:
              - { name: order_id, type: string, rules: { required: true } }
              - { name: store, type: string }
              - { name: amount, type: "decimal(10,2)" }
              - { name: at, type: timestamp, rules: { required: true } }
              - { name: year, type: int, derived: { function: year, column: at } }
              - { name: month, type: int, derived: { function: month, column: at } }
              - { name: day, type: int, derived: { function: day, column: at } }
            partitionKeys: [year, month, day]
            dedupe: { keys: [order_id] }
          stores:
            format: csv
            columns:
              - { name: store, type: string, rules: { required: true } }
              - { name: region, type: string }
            dedupe: { keys: [store], scope: table }
        marts:
          monthly_by_store:
            dependsOn: [orders, stores]
            partitionedBy: [year, month]
            sql: |
              SELECT o.store, s.region, count(*) AS orders, sum(o.amount) AS revenue, o.year, o.month
              FROM orders o LEFT JOIN stores s ON s.store = o.store
              GROUP BY o.store, s.region, o.year, o.month
          orders_by_store:
            dependsOn: [orders]
            partitionedBy: [store]
            sql: SELECT year, month, count(*) AS orders, store FROM orders GROUP BY year, month, store
        """

    static let monthlySQL = """
        SELECT o.store, s.region, count(*), sum(o.amount), o.year, o.month
        FROM orders o LEFT JOIN stores s ON s.store = o.store
        GROUP BY o.store, s.region, o.year, o.month ORDER BY o.year, o.month, o.store
        """

    /// A lake with the file applied, stores loaded, and orders on days 1–2 of March and April 2024.
    static func lake() async throws -> PipelineFixture {
        let fixture = try PipelineFixture()
        _ = try await fixture.pipeline.apply(try PipelineConfigParser.parse(yaml, source: "shop.yaml"), text: yaml)
        try await fixture.store.put(bucket: "shop-dev", key: "raw/stores/stores.csv", bytes: Array("store,region\neast,north\nwest,south\n".utf8))
        #expect(try await fixture.jobs.run("dev.stores").status == .succeeded)
        var csv = "order_id,store,amount,at\n"
        for (index, (month, day, store)) in [(3, 1, "east"), (3, 2, "west"), (3, 2, "east"), (4, 1, "west"), (4, 2, "east")].enumerated() {
            csv += "A\(index),\(store),\(index + 1).50,2024-0\(month)-0\(day)T10:00:00Z\n"
        }
        try await fixture.store.put(bucket: "shop-dev", key: "raw/orders/first.csv", bytes: Array(csv.utf8))
        #expect(try await fixture.jobs.run("dev.orders").status == .succeeded)
        return fixture
    }

    /// The mart's files, key → ETag.
    static func files(_ fixture: PipelineFixture, mart: String) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try fixture.store.list(bucket: "shop-dev", prefix: "analytics/\(mart)/").objects.map { ($0.key, $0.etag) })
    }

    @Test func aRunOnOneDayRebuildsOnlyItsMonth() async throws {
        let fixture = try await Self.lake()
        defer { fixture.directory.remove() }
        let first = try await fixture.pipeline.refreshMarts(in: "dev")
        #expect(first.map(\.incremental) == [false, false])
        let before = try Self.files(fixture, mart: "monthly_by_store")
        let march = before.filter { $0.key.contains("/month=3/") }, april = before.filter { $0.key.contains("/month=4/") }
        #expect(!march.isEmpty && !april.isEmpty)

        try await fixture.store.put(
            bucket: "shop-dev", key: "raw/orders/second.csv", bytes: Array("order_id,store,amount,at\nB1,west,100.00,2024-04-03T09:00:00Z\n".utf8))
        let run = try await fixture.jobs.run("dev.orders")
        #expect(run.manifest?.partitions == ["year=2024/month=4/day=3"])
        let refreshes = try await fixture.pipeline.refreshMarts(in: "dev", changes: ["orders": .partitions(Set(run.manifest?.partitions ?? []))])
        #expect(refreshes.map(\.mart) == ["shop_dev.monthly_by_store", "shop_dev.orders_by_store"])
        let monthly = try #require(refreshes.first)
        #expect(monthly.incremental && monthly.partitions == ["year=2024/month=4"])
        // `store` is no partition key of orders: a change on any day may touch every store.
        #expect(refreshes.last?.incremental == false && refreshes.last?.partitions == nil)

        let after = try Self.files(fixture, mart: "monthly_by_store")
        #expect(after.filter { $0.key.contains("/month=3/") } == march, "March keeps its files, keys and ETags")
        let newApril = after.filter { $0.key.contains("/month=4/") }
        #expect(!newApril.isEmpty && Set(newApril.keys).isDisjoint(with: april.keys), "April is rewritten and its old files are gone")
        #expect(after.count == march.count + newApril.count)
        let partitions = try fixture.catalog.partitions(database: "shop_dev", table: "monthly_by_store")
        #expect(partitions.map(\.values) == [["2024", "3"], ["2024", "4"]])
        #expect(try fixture.catalog.tables(database: "shop_dev").map(\.name).sorted() == ["monthly_by_store", "orders", "orders_by_store", "stores"])

        let mart = try await fixture.rows("SELECT store, region, orders, revenue, year, month FROM monthly_by_store ORDER BY year, month, store")
        #expect(mart == (try await fixture.rows(Self.monthlySQL)))
        #expect(mart.filter { $0[5] == "4" }.map { Array($0[0..<4]) } == [["east", "north", "1", "5.50"], ["west", "south", "2", "104.50"]])
        #expect(try await fixture.rows("SELECT year, month, orders, store FROM orders_by_store ORDER BY store, year, month")
            == (try await fixture.rows("SELECT year, month, count(*), store FROM orders GROUP BY year, month, store ORDER BY store, year, month")))

        // What the partition filter saves in reading: the same mart rebuilt in full.
        let full = try await fixture.pipeline.refreshMarts(in: "dev", after: ["orders"])
        #expect(full.first?.incremental == false)
        let scannedFull = full.first?.bytesScanned ?? 0
        #expect(monthly.bytesScanned < scannedFull, "the partition filter reaches the orders scan")
        print("monthly_by_store bytes scanned: incremental \(monthly.bytesScanned), full \(scannedFull); written: incremental \(monthly.bytes), full \(full.first?.bytes ?? 0)")
        #expect(try await fixture.rows("SELECT store, region, orders, revenue, year, month FROM monthly_by_store ORDER BY year, month, store") == mart)
    }

    @Test func aChangedDimensionOrNoMartTableRebuildsInFull() async throws {
        let fixture = try await Self.lake()
        defer { fixture.directory.remove() }
        // No mart table yet: full, even with partition information.
        let initial = try await fixture.pipeline.refreshMarts(in: "dev", changes: ["orders": .partitions(["year=2024/month=3/day=1"])])
        #expect(initial.map(\.incremental) == [false, false])
        #expect(try fixture.catalog.partitions(database: "shop_dev", table: "monthly_by_store").count == 2)

        // The unpartitioned stores table changed: every month may see another region.
        try await fixture.store.put(bucket: "shop-dev", key: "raw/stores/more.csv", bytes: Array("store,region\nnorth,east\n".utf8))
        _ = try await fixture.jobs.run("dev.stores")
        let refreshes = try await fixture.pipeline.refreshMarts(
            in: "dev", changes: ["stores": .whole, "orders": .partitions(["year=2024/month=4/day=3"])])
        #expect(refreshes.map(\.mart) == ["shop_dev.monthly_by_store", "shop_dev.orders_by_store"])
        #expect(refreshes.map(\.incremental) == [false, false])
        #expect(try await fixture.rows("SELECT store, region, orders, revenue, year, month FROM monthly_by_store ORDER BY year, month, store")
            == (try await fixture.rows(Self.monthlySQL)))
    }

    @Test func theServiceReadsManifestsForPartitions() async throws {
        let fixture = try await Self.lake()
        defer { fixture.directory.remove() }
        _ = try await fixture.pipeline.refreshMarts(in: "dev")
        let service = MartService(pipeline: fixture.pipeline, debounce: .milliseconds(50))
        await service.start()
        defer { Task { await service.stop() } }

        try await fixture.store.put(
            bucket: "shop-dev", key: "raw/orders/second.csv", bytes: Array("order_id,store,amount,at\nB1,west,100.00,2024-04-03T09:00:00Z\n".utf8))
        _ = try await fixture.jobs.run("dev.orders")
        let afterOrders = try await Self.history(service, count: 2)
        #expect(afterOrders.map(\.mart) == ["shop_dev.monthly_by_store", "shop_dev.orders_by_store"])
        #expect(afterOrders.first?.incremental == true && afterOrders.first?.partitions == ["year=2024/month=4"])

        // A stores run's manifest lists no partitions: the mart reading stores is rebuilt in full.
        try await fixture.store.put(bucket: "shop-dev", key: "raw/stores/more.csv", bytes: Array("store,region\nnorth,east\n".utf8))
        _ = try await fixture.jobs.run("dev.stores")
        let afterStores = try await Self.history(service, count: 3)
        #expect(afterStores.last?.mart == "shop_dev.monthly_by_store" && afterStores.last?.incremental == false)
        #expect(await service.failures.isEmpty)
    }

    /// The service's history once it holds `count` refreshes and is idle (at most 20 s).
    static func history(_ service: MartService, count: Int) async throws -> [MartRefresh] {
        for _ in 0..<400 {
            if await service.history.count >= count, await !service.isBusy { return await service.history }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the mart service did \(await service.history.count) refreshes, expected \(count)")
        return await service.history
    }

    @Test func refreshFullOptsOutAndIsValidated() throws {
        let optedOut = Self.yaml.replacingOccurrences(of: "    partitionedBy: [year, month]\n", with: "    partitionedBy: [year, month]\n    refresh: full\n")
        let config = try PipelineConfigParser.parse(optedOut, source: "shop.yaml")
        #expect(config.marts.first?.refresh == .full && config.marts.last?.refresh == .automatic)
        let wrong = Self.yaml.replacingOccurrences(of: "    partitionedBy: [year, month]\n", with: "    partitionedBy: [year, month]\n    refresh: sometimes\n")
        #expect {
            try PipelineConfigParser.parse(wrong, source: "shop.yaml")
        } throws: { error in
            "\(error)".contains("shop.yaml:line 27: marts.monthly_by_store.refresh: 'sometimes' is not one of auto, full")
        }
    }

    @Test func optedOutMartsAreRebuiltInFull() async throws {
        let fixture = try PipelineFixture()
        defer { fixture.directory.remove() }
        let yaml = Self.yaml.replacingOccurrences(of: "    partitionedBy: [year, month]\n", with: "    partitionedBy: [year, month]\n    refresh: full\n")
        _ = try await fixture.pipeline.apply(try PipelineConfigParser.parse(yaml, source: "shop.yaml"), text: yaml)
        try await fixture.store.put(bucket: "shop-dev", key: "raw/orders/a.csv", bytes: Array("order_id,store,amount,at\nA1,east,1.00,2024-03-01T10:00:00Z\n".utf8))
        _ = try await fixture.jobs.run("dev.orders")
        _ = try await fixture.pipeline.refreshMarts(in: "dev")
        let again = try await fixture.pipeline.refreshMarts(in: "dev", changes: ["orders": .partitions(["year=2024/month=3/day=1"])])
        #expect(again.first?.mart == "shop_dev.monthly_by_store" && again.first?.incremental == false)
    }
}
