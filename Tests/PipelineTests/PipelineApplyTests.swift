import Catalog
import Foundation
import Jobs
import Pipeline
import Query
import Storage
import TarnCore
import TarnTesting
import Testing

/// A real lake in a temporary directory: object store, catalog, job runner, query service.
struct PipelineFixture {
    let directory: TemporaryDirectory
    let store: ObjectStore
    let catalog: CatalogStore
    let jobs: JobRunner
    let query: QueryService
    let pipeline: LakePipeline

    init() throws {
        directory = try TemporaryDirectory()
        store = try ObjectStore(directory: directory.path + "/storage")
        try FileSystem.createDirectory(directory.path + "/catalog")
        query = try QueryService(directory: directory.path, objects: store)
        catalog = query.catalog
        jobs = try JobRunner(store: store, catalog: catalog, directory: directory.path + "/jobs")
        pipeline = try LakePipeline(store: store, catalog: catalog, jobs: jobs, query: query, directory: directory.path + "/pipeline")
    }

    func rows(_ sql: String, database: String = "shop_dev") async throws -> [[String]] {
        var context = QueryContext(database: database)
        return try await query.execute(sql, context: &context).result.textRows
    }
}

@Suite struct PipelineApplyTests {
    static let yaml = """
        version: 1
        environments:
          dev: { bucket: shop-dev, database: shop_dev }
        tables:
          orders:
            format: csv
            columns:
              - { name: order_id, type: string, rules: { required: true } }
              - { name: store, type: string, transforms: [trim, lower] }
              - { name: amount, type: "decimal(10,2)", rules: { minimum: "0" } }
              - { name: at, type: timestamp, rules: { required: true } }
              - { name: year, type: int, derived: { function: year, column: at } }
              - { name: month, type: int, derived: { function: month, column: at } }
              - { name: day, type: int, derived: { function: day, column: at } }
            partitionKeys: [year, month, day]
            dedupe: { keys: [order_id] }
        marts:
          revenue_by_store:
            dependsOn: [orders]
            sql: |
              SELECT store, count(*) AS orders, sum(amount) AS revenue
              FROM orders GROUP BY store
          daily_revenue:
            dependsOn: [orders]
            partitionedBy: [year, month]
            sql: SELECT day, sum(amount) AS revenue, year, month FROM orders GROUP BY year, month, day
        """

    @Test func applyIsIdempotentAndMartsMatchTheirSQL() async throws {
        let fixture = try PipelineFixture()
        defer { fixture.directory.remove() }
        let config = try PipelineConfigParser.parse(Self.yaml, source: "shop.yaml")
        let first = try await fixture.pipeline.apply(config, text: Self.yaml)
        #expect(first.map(\.description) == ["+ bucket shop-dev", "+ database shop_dev", "+ job dev.orders", "+ mart shop_dev.revenue_by_store", "+ mart shop_dev.daily_revenue"])
        #expect(try await fixture.pipeline.apply(config, text: Self.yaml).isEmpty, "a second apply changes nothing")

        let csv = "order_id,store,amount,at\nA1, East ,10.50,2024-03-01T10:00:00Z\nA2,west,4.00,2024-03-01T11:00:00Z\nA1, East ,10.50,2024-03-01T10:00:00Z\nA3,east,oops,2024-03-02T09:00:00Z\nA4,east,7.25,2024-03-02T12:00:00Z\n"
        try await fixture.store.put(bucket: "shop-dev", key: "raw/orders/day1.csv", bytes: Array(csv.utf8))
        let run = try await fixture.jobs.run("dev.orders")
        #expect(run.status == .succeeded)
        #expect(run.manifest?.totals.rowsWritten == 3 && run.manifest?.totals.rowsDuplicate == 1 && run.manifest?.totals.rowsQuarantined == 1)

        let refreshes = try await fixture.pipeline.refreshMarts(in: "dev")
        #expect(refreshes.map(\.mart) == ["shop_dev.revenue_by_store", "shop_dev.daily_revenue"])
        let mart = try await fixture.rows("SELECT store, orders, revenue FROM revenue_by_store ORDER BY store")
        let direct = try await fixture.rows("SELECT store, count(*), sum(amount) FROM orders GROUP BY store ORDER BY store")
        #expect(mart == direct)
        #expect(mart == [["east", "2", "17.75"], ["west", "1", "4.00"]])
        #expect(try fixture.catalog.partitions(database: "shop_dev", table: "daily_revenue").count == 1)
        #expect(try await fixture.rows("SELECT day, revenue FROM daily_revenue ORDER BY day") == [["1", "14.50"], ["2", "7.25"]])

        // A refresh replaces the previous version: one version's files remain, no staged tables.
        try await fixture.store.put(bucket: "shop-dev", key: "raw/orders/day2.csv", bytes: Array("order_id,store,amount,at\nA9,north,1.00,2024-03-03T08:00:00Z\n".utf8))
        _ = try await fixture.jobs.run("dev.orders")
        _ = try await fixture.pipeline.refreshMarts(in: "dev", after: ["orders"])
        #expect(try await fixture.rows("SELECT count(*) FROM revenue_by_store") == [["3"]])
        let files = try fixture.store.list(bucket: "shop-dev", prefix: "analytics/revenue_by_store/").objects.map(\.key)
        #expect(Set(files.map { $0.split(separator: "/")[2] }).count == 1, "\(files)")
        #expect(try fixture.catalog.tables(database: "shop_dev").map(\.name).sorted() == ["daily_revenue", "orders", "revenue_by_store"])

        // Removing a mart from the file drops it and its files.
        let smaller = Self.yaml.components(separatedBy: "  daily_revenue:")[0]
        let changes = try await fixture.pipeline.apply(try PipelineConfigParser.parse(smaller, source: "shop.yaml"), text: smaller)
        #expect(changes.map(\.description) == ["- mart shop_dev.daily_revenue"])
        #expect(try fixture.catalog.table(database: "shop_dev", name: "daily_revenue") == nil)
        #expect(try fixture.store.list(bucket: "shop-dev", prefix: "analytics/daily_revenue/").objects.isEmpty)
    }

    @Test func changedJobsAreUpdated() async throws {
        let fixture = try PipelineFixture()
        defer { fixture.directory.remove() }
        _ = try await fixture.pipeline.apply(try PipelineConfigParser.parse(Self.yaml, source: "a"), text: Self.yaml)
        let changed = Self.yaml.replacingOccurrences(of: "dedupe: { keys: [order_id] }", with: "dedupe: { keys: [order_id, store] }")
        let changes = try await fixture.pipeline.apply(try PipelineConfigParser.parse(changed, source: "a"), text: changed)
        #expect(changes.map(\.description) == ["~ job dev.orders (dedupe)"])
        #expect(try fixture.jobs.definition("dev.orders").dedupe?.keys == ["order_id", "store"])
    }
}
