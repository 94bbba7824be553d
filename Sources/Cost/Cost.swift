/// # Cost
///
/// What the lake's footprint would cost on AWS, and the Well-Architected review of the live lake.
/// Pure logic over snapshots the `Lake` takes; nothing here reads disks or talks HTTP.
///
/// ```
///  PriceTable (us-east-1 list prices, overridable in DIR/tarn.yaml)
///     │
///  Footprint ── objects per bucket · zone · class, billable bytes (IA minimum size, archive overhead)
///     ├── MonthlyCost: storage per class, this month's requests and retrievals
///     └── LifecycleProjection: the same objects aged under their bucket's rules for 5 years,
///                              with transition requests and early-deletion charges
///  QueryCosts ── the query history's last 30 days (QueryCharge per statement) → bytes scanned
///                and Athena cost per workgroup and per table (10 MB minimum, DDL/failed free)
///  Review ── checks over a LakeSnapshot → findings by pillar (evidence, effect, fix, severity)
/// ```
public enum CostModule {}
