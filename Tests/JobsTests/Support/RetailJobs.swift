import Jobs

/// The five ETL jobs of the retail example lake, with exactly the columns `gen_retail.py` writes
/// (see /work/shared/bench/README.md), as Swift values. `examples/retail/lake.yaml` maps onto these
/// one to one; `Fixtures/retail-jobs.json` is their JSON form (checked by `RetailDefinitionTests`).
enum RetailJobs {
    static let regions = ["northeast", "southeast", "midwest", "southwest", "west", "northwest", "central", "mountain"]
    static let categories = [
        "electronics", "grocery", "apparel", "home", "beauty", "toys", "sports", "books", "garden", "automotive", "pet", "office",
        "jewelry", "shoes", "baby", "health", "furniture", "music", "tools", "kitchen",
    ]
    static let payments = ["credit_card", "debit_card", "cash", "mobile_wallet", "gift_card"]
    static let eventTypes = ["page_view", "search", "add_to_cart", "checkout", "purchase"]
    static let devices = ["mobile", "desktop", "tablet"]

    /// year/month/day of `column`, the partition columns of the time-series tables.
    static func calendar(of column: String) -> [JobColumn] {
        [JobColumn("year", "int", derived: .year(of: column)), JobColumn("month", "int", derived: .month(of: column)),
         JobColumn("day", "int", derived: .day(of: column))]
    }

    static func sales(bucket: String = "retail") -> JobDefinition {
        JobDefinition(
            name: "sales",
            source: JobSource(bucket: bucket, prefix: "raw/sales/", format: .csv),
            target: JobTarget(
                database: "retail", table: "sales", bucket: bucket, prefix: "cleansed/sales/",
                columns: [
                    JobColumn("order_id", "string", rules: ColumnRules(required: true, pattern: "O[0-9]{9}")),
                    JobColumn("line_no", "int", rules: ColumnRules(required: true, minimum: "1")),
                    JobColumn("store_id", "string", rules: ColumnRules(required: true, pattern: "S[0-9]{4}")),
                    JobColumn("region", "string", transforms: [.trim, .lower], rules: ColumnRules(required: true, allowedValues: regions)),
                    JobColumn("product_id", "string", rules: ColumnRules(required: true, pattern: "P[0-9]{6}")),
                    JobColumn("category", "string", transforms: [.trim, .lower], rules: ColumnRules(allowedValues: categories)),
                    JobColumn("quantity", "int", rules: ColumnRules(required: true, minimum: "1", maximum: "1000")),
                    JobColumn("unit_price", "decimal(10,2)", rules: ColumnRules(required: true, minimum: "0")),
                    JobColumn("discount", "decimal(4,2)", rules: ColumnRules(minimum: "0", maximum: "1")),
                    JobColumn("total", "decimal(12,2)", rules: ColumnRules(required: true, minimum: "0")),
                    JobColumn("payment_type", "string", transforms: [.trim, .lower], rules: ColumnRules(allowedValues: payments)),
                    JobColumn("customer_id", "string", rules: ColumnRules(pattern: "C[0-9]{7}")),
                    JobColumn("sold_at", "timestamp", rules: ColumnRules(required: true, minimum: "2000-01-01", maximum: "2100-01-01")),
                ] + calendar(of: "sold_at"),
                partitionKeys: ["year", "month", "day"]),
            dedupe: DedupeSpec(keys: ["order_id", "line_no"]),
            quarantine: ObjectLocation(bucket: bucket, prefix: "quarantine/sales/"),
            triggers: TriggerSpec(onObjectCreated: true),
            description: "POS line items: validated, deduplicated on (order_id, line_no), partitioned by sale date")
    }

    static func clickstream(bucket: String = "retail") -> JobDefinition {
        JobDefinition(
            name: "clickstream",
            source: JobSource(bucket: bucket, prefix: "raw/clickstream/", format: .json),
            target: JobTarget(
                database: "retail", table: "clickstream", bucket: bucket, prefix: "cleansed/clickstream/",
                columns: [
                    JobColumn("event_id", "string", rules: ColumnRules(required: true, pattern: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
                    JobColumn("session_id", "string", rules: ColumnRules(required: true, pattern: "[0-9a-f]{16}")),
                    JobColumn("user_id", "string", rules: ColumnRules(pattern: "u[0-9]{7}")),
                    JobColumn("event_type", "string", transforms: [.trim, .lower], rules: ColumnRules(required: true, allowedValues: eventTypes)),
                    JobColumn("url", "string", rules: ColumnRules(maxLength: 2048)),
                    JobColumn("product_id", "string", rules: ColumnRules(pattern: "P[0-9]{6}")),
                    JobColumn("ts", "timestamp", rules: ColumnRules(required: true)),
                    JobColumn("device", "string", transforms: [.lower], rules: ColumnRules(allowedValues: devices)),
                    JobColumn("referrer", "string", rules: ColumnRules(maxLength: 2048)),
                    JobColumn("region", "string", transforms: [.lower], rules: ColumnRules(allowedValues: regions)),
                ] + calendar(of: "ts"),
                partitionKeys: ["year", "month", "day"]),
            dedupe: DedupeSpec(keys: ["event_id"]),
            quarantine: ObjectLocation(bucket: bucket, prefix: "quarantine/clickstream/"),
            triggers: TriggerSpec(onObjectCreated: true),
            description: "Web events from the Firehose delivery stream, partitioned by event date")
    }

    static func inventory(bucket: String = "retail") -> JobDefinition {
        JobDefinition(
            name: "inventory",
            source: JobSource(bucket: bucket, prefix: "raw/inventory/", format: .csv),
            target: JobTarget(
                database: "retail", table: "inventory", bucket: bucket, prefix: "cleansed/inventory/",
                columns: [
                    JobColumn("snapshot_date", "date", rules: ColumnRules(required: true)),
                    JobColumn("store_id", "string", rules: ColumnRules(required: true, pattern: "S[0-9]{4}")),
                    JobColumn("product_id", "string", rules: ColumnRules(required: true, pattern: "P[0-9]{6}")),
                    JobColumn("on_hand", "int", rules: ColumnRules(required: true, minimum: "0")),
                    JobColumn("on_order", "int", rules: ColumnRules(required: true, minimum: "0")),
                ] + calendar(of: "snapshot_date"),
                partitionKeys: ["year", "month", "day"]),
            dedupe: DedupeSpec(keys: ["snapshot_date", "store_id", "product_id"]),
            quarantine: ObjectLocation(bucket: bucket, prefix: "quarantine/inventory/"),
            triggers: TriggerSpec(schedule: "15 2 * * *"),
            description: "Daily stock snapshots per store and product")
    }

    static func products(bucket: String = "retail") -> JobDefinition {
        JobDefinition(
            name: "products",
            source: JobSource(bucket: bucket, prefix: "raw/products/", format: .csv),
            target: JobTarget(
                database: "retail", table: "products", bucket: bucket, prefix: "cleansed/products/",
                columns: [
                    JobColumn("product_id", "string", rules: ColumnRules(required: true, pattern: "P[0-9]{6}")),
                    JobColumn("product_name", "string", transforms: [.trim], rules: ColumnRules(required: true, maxLength: 200)),
                    JobColumn("category", "string", transforms: [.trim, .lower], rules: ColumnRules(required: true, allowedValues: categories)),
                    JobColumn("brand", "string", transforms: [.trim], rules: ColumnRules(required: true)),
                    JobColumn("list_price", "decimal(10,2)", rules: ColumnRules(required: true, minimum: "0")),
                    JobColumn("unit_cost", "decimal(10,2)", rules: ColumnRules(required: true, minimum: "0")),
                ]),
            dedupe: DedupeSpec(keys: ["product_id"], scope: .table),
            quarantine: ObjectLocation(bucket: bucket, prefix: "quarantine/products/"),
            description: "Product dimension")
    }

    static func stores(bucket: String = "retail") -> JobDefinition {
        JobDefinition(
            name: "stores",
            source: JobSource(bucket: bucket, prefix: "raw/stores/", format: .csv),
            target: JobTarget(
                database: "retail", table: "stores", bucket: bucket, prefix: "cleansed/stores/",
                columns: [
                    JobColumn("store_id", "string", rules: ColumnRules(required: true, pattern: "S[0-9]{4}")),
                    JobColumn("store_name", "string", transforms: [.trim], rules: ColumnRules(required: true)),
                    JobColumn("region", "string", transforms: [.trim, .lower], rules: ColumnRules(required: true, allowedValues: regions)),
                    JobColumn("city", "string", transforms: [.trim], rules: ColumnRules(required: true)),
                    JobColumn("opened_on", "date", rules: ColumnRules(required: true)),
                    JobColumn("sq_ft", "int", rules: ColumnRules(required: true, minimum: "0")),
                ]),
            dedupe: DedupeSpec(keys: ["store_id"], scope: .table),
            quarantine: ObjectLocation(bucket: bucket, prefix: "quarantine/stores/"),
            description: "Store dimension")
    }

    static func all(bucket: String = "retail") -> [JobDefinition] {
        [sales(bucket: bucket), clickstream(bucket: bucket), inventory(bucket: bucket), products(bucket: bucket), stores(bucket: bucket)]
    }
}
