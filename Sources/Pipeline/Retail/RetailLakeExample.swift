/// The retail lake of `examples/retail/lake.yaml`, built into the binary so `tarn demo` needs no
/// files; `PipelineTests` checks the two are identical (regenerate with
/// `scripts/embed-retail-example.py`).
public enum RetailLakeExample {
    /// The file's name in the repository.
    public static let path = "examples/retail/lake.yaml"

    /// Its text.
    public static let yaml = ##"""
# The retail lake of the AWS data-lake design, for Tarn.
#
#   tarn validate examples/retail/lake.yaml      # every mistake, with its line
#   tarn apply examples/retail/lake.yaml --data ./tarn-data
#
# One bucket per environment; zones are prefixes of it. Every table below becomes, in each
# environment, an ETL job `<env>.<table>` (raw/<table>/ -> cleansed/<table>/, Snappy Parquet,
# partitioned by event date) registered as `<database>.<table>`; every mart becomes a Parquet
# table in analytics/<mart>/ refreshed after the jobs it depends on. Column names and types are
# exactly those of the shared generator (bench/gen_retail.py) and of `tarn generate retail`.
version: 1

# Security per environment (docs/SECURITY.md, "lake.yaml"): SSE-KMS with the environment's own
# customer managed key (created with rotation on), a key policy that lets only the account's
# root user (Tarn's own workers without a role, e.g. Firehose) and the environment's roles use the key, a bucket policy that
# denies every request not made over TLS, and Block Public Access on.
environments:
  dev:
    bucket: retail-dev-data
    database: retail_dev
    encryption: { kmsKey: alias/retail-dev, bucketKey: true, keyPolicy: environment }
    tlsOnly: true
    blockPublicAccess: true
  prod:
    bucket: retail-prod-data
    database: retail_prod
    encryption: { kmsKey: alias/retail-prod, bucketKey: true, keyPolicy: environment }
    tlsOnly: true
    blockPublicAccess: true

zones:
  raw: raw/
  cleansed: cleansed/
  analytics: analytics/
  quarantine: quarantine/
  manifests: manifests/

# Least-privilege roles, created in every environment as <env>-<role> (dev-etl, prod-etl, …),
# each scoped to its environment's bucket prefixes and key.
roles:
  etl:             # the jobs run as <env>-etl (compaction reads and replaces cleansed files)
    description: "ETL jobs: read the raw zone, write cleansed data, rejected rows and run manifests"
    read: [raw, cleansed]
    write: [cleansed, quarantine, manifests]
    delete: [cleansed]
  marts:           # mart refreshes run as <env>-marts
    description: "Mart refreshes: read cleansed tables and marts, write and replace mart versions"
    read: [cleansed, analytics]
    write: [analytics]
    delete: [analytics]
  ingest:
    description: "Store exports and delivery streams: put files in the raw zone, nothing else"
    write: [raw]
  analyst:
    description: "Analysts and BI: read cleansed tables and marts"
    read: [cleansed, analytics]

# Lifecycle rules of every environment's bucket (they replace the bucket's lifecycle configuration).
lifecycle:
  abortIncompleteMultipartUploadDays: 7
  zones:
    raw:
      transitions: [{ days: 180, storageClass: STANDARD_IA }, { days: 730, storageClass: GLACIER }]
      expireDays: 1825
    quarantine:
      expireDays: 90
    manifests:
      transitions: [{ days: 90, storageClass: STANDARD_IA }]

tables:
  sales:
    description: "POS line items: validated, deduplicated on (order_id, line_no), partitioned by sale date"
    format: csv
    source: sales/
    columns:
      - { name: order_id, type: string, rules: { pattern: "O[0-9]{9}", required: true } }
      - { name: line_no, type: int, rules: { minimum: "1", required: true } }
      - { name: store_id, type: string, rules: { pattern: "S[0-9]{4}", required: true } }
      - { name: region, type: string, transforms: [trim, lower], rules: { allowedValues: [northeast, southeast, midwest, southwest, west, northwest, central, mountain], required: true } }
      - { name: product_id, type: string, rules: { pattern: "P[0-9]{6}", required: true } }
      - { name: category, type: string, transforms: [trim, lower], rules: { allowedValues: [electronics, grocery, apparel, home, beauty, toys, sports, books, garden, automotive, pet, office, jewelry, shoes, baby, health, furniture, music, tools, kitchen] } }
      - { name: quantity, type: int, rules: { maximum: "1000", minimum: "1", required: true } }
      - { name: unit_price, type: "decimal(10,2)", rules: { minimum: "0", required: true } }
      - { name: discount, type: "decimal(4,2)", rules: { maximum: "1", minimum: "0" } }
      - { name: total, type: "decimal(12,2)", rules: { minimum: "0", required: true } }
      - { name: payment_type, type: string, transforms: [trim, lower], rules: { allowedValues: [credit_card, debit_card, cash, mobile_wallet, gift_card] } }
      - { name: customer_id, type: string, rules: { pattern: "C[0-9]{7}" } }
      - { name: sold_at, type: timestamp, rules: { maximum: "2100-01-01", minimum: "2000-01-01", required: true } }
      - { name: year, type: int, derived: { function: year, column: sold_at } }
      - { name: month, type: int, derived: { function: month, column: sold_at } }
      - { name: day, type: int, derived: { function: day, column: sold_at } }
    partitionKeys: [year, month, day]
    dedupe: { keys: [order_id, line_no], scope: partition }
    triggers: { debounceSeconds: 1, onObjectCreated: true }
  clickstream:
    description: "Web events from the Firehose delivery stream, partitioned by event date"
    format: json
    source: clickstream/
    columns:
      - { name: event_id, type: string, rules: { pattern: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", required: true } }
      - { name: session_id, type: string, rules: { pattern: "[0-9a-f]{16}", required: true } }
      - { name: user_id, type: string, rules: { pattern: "u[0-9]{7}" } }
      - { name: event_type, type: string, transforms: [trim, lower], rules: { allowedValues: [page_view, search, add_to_cart, checkout, purchase], required: true } }
      - { name: url, type: string, rules: { maxLength: 2048 } }
      - { name: product_id, type: string, rules: { pattern: "P[0-9]{6}" } }
      - { name: ts, type: timestamp, rules: { required: true } }
      - { name: device, type: string, transforms: [lower], rules: { allowedValues: [mobile, desktop, tablet] } }
      - { name: referrer, type: string, rules: { maxLength: 2048 } }
      - { name: region, type: string, transforms: [lower], rules: { allowedValues: [northeast, southeast, midwest, southwest, west, northwest, central, mountain] } }
      - { name: year, type: int, derived: { function: year, column: ts } }
      - { name: month, type: int, derived: { function: month, column: ts } }
      - { name: day, type: int, derived: { function: day, column: ts } }
    partitionKeys: [year, month, day]
    dedupe: { keys: [event_id], scope: partition }
    triggers: { debounceSeconds: 1, onObjectCreated: true }
  inventory:
    description: Daily stock snapshots per store and product
    format: csv
    source: inventory/
    columns:
      - { name: snapshot_date, type: date, rules: { required: true } }
      - { name: store_id, type: string, rules: { pattern: "S[0-9]{4}", required: true } }
      - { name: product_id, type: string, rules: { pattern: "P[0-9]{6}", required: true } }
      - { name: on_hand, type: int, rules: { minimum: "0", required: true } }
      - { name: on_order, type: int, rules: { minimum: "0", required: true } }
      - { name: year, type: int, derived: { function: year, column: snapshot_date } }
      - { name: month, type: int, derived: { function: month, column: snapshot_date } }
      - { name: day, type: int, derived: { function: day, column: snapshot_date } }
    partitionKeys: [year, month, day]
    dedupe: { keys: [snapshot_date, store_id, product_id], scope: partition }
    triggers: { debounceSeconds: 1, onObjectCreated: true, schedule: "15 2 * * *" }
  products:
    description: Product dimension
    format: csv
    source: products/
    columns:
      - { name: product_id, type: string, rules: { pattern: "P[0-9]{6}", required: true } }
      - { name: product_name, type: string, transforms: [trim], rules: { maxLength: 200, required: true } }
      - { name: category, type: string, transforms: [trim, lower], rules: { allowedValues: [electronics, grocery, apparel, home, beauty, toys, sports, books, garden, automotive, pet, office, jewelry, shoes, baby, health, furniture, music, tools, kitchen], required: true } }
      - { name: brand, type: string, transforms: [trim], rules: { required: true } }
      - { name: list_price, type: "decimal(10,2)", rules: { minimum: "0", required: true } }
      - { name: unit_cost, type: "decimal(10,2)", rules: { minimum: "0", required: true } }
    dedupe: { keys: [product_id], scope: table }
    triggers: { debounceSeconds: 1, onObjectCreated: true }
  stores:
    description: Store dimension
    format: csv
    source: stores/
    columns:
      - { name: store_id, type: string, rules: { pattern: "S[0-9]{4}", required: true } }
      - { name: store_name, type: string, transforms: [trim], rules: { required: true } }
      - { name: region, type: string, transforms: [trim, lower], rules: { allowedValues: [northeast, southeast, midwest, southwest, west, northwest, central, mountain], required: true } }
      - { name: city, type: string, transforms: [trim], rules: { required: true } }
      - { name: opened_on, type: date, rules: { required: true } }
      - { name: sq_ft, type: int, rules: { minimum: "0", required: true } }
    dedupe: { keys: [store_id], scope: table }
    triggers: { debounceSeconds: 1, onObjectCreated: true }

# Marts (the Redshift role): SQL over the cleansed tables of the same environment, materialized
# as Parquet under analytics/<mart>/ and rebuilt after the jobs of the tables they depend on.
marts:
  daily_sales_by_store:
    description: Revenue, orders and units per store and day, with the store's region
    dependsOn: [sales, stores]
    partitionedBy: [year, month]
    sql: |
      SELECT CAST(s.sold_at AS DATE) AS sales_date, s.store_id, st.store_name, st.region,
             count(DISTINCT s.order_id) AS orders, sum(s.quantity) AS units, sum(s.total) AS revenue,
             s.year, s.month
      FROM sales s
      LEFT JOIN stores st ON st.store_id = s.store_id
      GROUP BY CAST(s.sold_at AS DATE), s.store_id, st.store_name, st.region, s.year, s.month

  top_products_by_month:
    description: The ten products with the most revenue in each month
    dependsOn: [sales, products]
    sql: |
      WITH monthly AS (
        SELECT s.year, s.month, s.product_id, p.product_name, p.category,
               sum(s.quantity) AS units, sum(s.total) AS revenue
        FROM sales s
        LEFT JOIN products p ON p.product_id = s.product_id
        GROUP BY s.year, s.month, s.product_id, p.product_name, p.category
      ), ranked AS (
        SELECT year, month, product_id, product_name, category, units, revenue,
               row_number() OVER (PARTITION BY year, month ORDER BY revenue DESC, product_id) AS revenue_rank
        FROM monthly
      )
      SELECT year, month, revenue_rank, product_id, product_name, category, units, revenue
      FROM ranked
      WHERE revenue_rank <= 10

  clickstream_funnel_daily:
    description: Sessions reaching each step (page_view → add_to_cart → checkout → purchase) per day
    dependsOn: [clickstream]
    sql: |
      WITH steps AS (
        SELECT CAST(ts AS DATE) AS event_date,
               count(DISTINCT CASE WHEN event_type = 'page_view' THEN session_id END) AS page_view_sessions,
               count(DISTINCT CASE WHEN event_type = 'add_to_cart' THEN session_id END) AS add_to_cart_sessions,
               count(DISTINCT CASE WHEN event_type = 'checkout' THEN session_id END) AS checkout_sessions,
               count(DISTINCT CASE WHEN event_type = 'purchase' THEN session_id END) AS purchase_sessions
        FROM clickstream
        GROUP BY CAST(ts AS DATE)
      )
      SELECT event_date, page_view_sessions, add_to_cart_sessions, checkout_sessions, purchase_sessions,
             round(CAST(purchase_sessions AS DOUBLE) / nullif(page_view_sessions, 0), 4) AS conversion_rate
      FROM steps

  inventory_stockouts:
    description: Store/product pairs with nothing on hand, with what sold there in the 7 days up to the snapshot
    dependsOn: [inventory, sales]
    sql: |
      WITH stockouts AS (
        SELECT snapshot_date, store_id, product_id, on_order
        FROM inventory
        WHERE on_hand = 0
      ), demand AS (
        SELECT o.snapshot_date, o.store_id, o.product_id, sum(s.quantity) AS units, sum(s.total) AS revenue
        FROM stockouts o
        JOIN sales s ON s.store_id = o.store_id AND s.product_id = o.product_id
        WHERE CAST(s.sold_at AS DATE) BETWEEN o.snapshot_date - INTERVAL '6' DAY AND o.snapshot_date
        GROUP BY o.snapshot_date, o.store_id, o.product_id
      )
      SELECT o.snapshot_date, o.store_id, o.product_id, o.on_order,
             coalesce(d.units, 0) AS units_sold_last_7_days, coalesce(d.revenue, 0) AS revenue_last_7_days
      FROM stockouts o
      LEFT JOIN demand d ON d.snapshot_date = o.snapshot_date AND d.store_id = o.store_id AND d.product_id = o.product_id

"""##
}
