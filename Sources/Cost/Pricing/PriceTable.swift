import Storage

/// AWS list prices the cost figures use: S3 storage, requests, lifecycle transitions and
/// retrievals per storage class, and Athena's per-TB scan price with its per-query minimum.
///
/// The defaults are us-east-1 list prices (aws.amazon.com/s3/pricing, aws.amazon.com/athena/pricing;
/// first storage tier, i.e. the first 50 TB per month for Standard). Every figure can be
/// overridden in the `prices` section of `DIR/tarn.yaml`, by class name.
public struct PriceTable: Sendable, Codable, Equatable {
    /// USD per GB-month of storage, by class.
    public var storagePerGBMonth: [String: Double]
    /// USD per 1,000 PUT, COPY, POST or LIST requests, by class.
    public var putPer1000: [String: Double]
    /// USD per 1,000 GET and other read requests, by class.
    public var getPer1000: [String: Double]
    /// USD per 1,000 lifecycle transition requests, by target class.
    public var transitionPer1000: [String: Double]
    /// USD per GB retrieved, by class (IA classes and Glacier Instant Retrieval).
    public var retrievalPerGB: [String: Double]
    /// USD per GB restored from GLACIER, by tier (`Expedited`, `Standard`, `Bulk`).
    public var glacierRestorePerGB: [String: Double]
    /// USD per 1,000 GLACIER restore requests, by tier.
    public var glacierRestorePer1000: [String: Double]
    /// USD per GB restored from DEEP_ARCHIVE, by tier.
    public var deepArchiveRestorePerGB: [String: Double]
    /// USD per 1,000 DEEP_ARCHIVE restore requests, by tier.
    public var deepArchiveRestorePer1000: [String: Double]
    /// USD per 1,000 objects per month that Intelligent-Tiering monitors (objects ≥ 128 KB).
    public var intelligentTieringMonitoringPer1000: Double
    /// Athena: USD per TB scanned.
    public var athenaPerTB: Double
    /// Athena: the least a query is billed for, in bytes (10 MB).
    public var athenaMinimumBytesPerQuery: Int64

    /// us-east-1 list prices.
    public static let usEast1 = PriceTable(
        storagePerGBMonth: [
            "STANDARD": 0.023, "REDUCED_REDUNDANCY": 0.023, "INTELLIGENT_TIERING": 0.023, "STANDARD_IA": 0.0125, "ONEZONE_IA": 0.01,
            "GLACIER_IR": 0.004, "GLACIER": 0.0036, "DEEP_ARCHIVE": 0.00099,
        ],
        putPer1000: [
            "STANDARD": 0.005, "REDUCED_REDUNDANCY": 0.005, "INTELLIGENT_TIERING": 0.005, "STANDARD_IA": 0.01, "ONEZONE_IA": 0.01,
            "GLACIER_IR": 0.02, "GLACIER": 0.03, "DEEP_ARCHIVE": 0.05,
        ],
        getPer1000: [
            "STANDARD": 0.0004, "REDUCED_REDUNDANCY": 0.0004, "INTELLIGENT_TIERING": 0.0004, "STANDARD_IA": 0.001, "ONEZONE_IA": 0.001,
            "GLACIER_IR": 0.01, "GLACIER": 0.0004, "DEEP_ARCHIVE": 0.0004,
        ],
        transitionPer1000: [
            "STANDARD_IA": 0.01, "ONEZONE_IA": 0.01, "INTELLIGENT_TIERING": 0.01, "GLACIER_IR": 0.02, "GLACIER": 0.03, "DEEP_ARCHIVE": 0.05,
        ],
        retrievalPerGB: ["STANDARD_IA": 0.01, "ONEZONE_IA": 0.01, "GLACIER_IR": 0.03],
        glacierRestorePerGB: ["Expedited": 0.03, "Standard": 0.01, "Bulk": 0],
        glacierRestorePer1000: ["Expedited": 10, "Standard": 0.05, "Bulk": 0],
        deepArchiveRestorePerGB: ["Standard": 0.02, "Bulk": 0.0025],
        deepArchiveRestorePer1000: ["Standard": 0.10, "Bulk": 0.025],
        intelligentTieringMonitoringPer1000: 0.0025,
        athenaPerTB: 5,
        athenaMinimumBytesPerQuery: 10 * 1_000_000)

    /// Bytes per GB in AWS billing (binary gigabytes: S3 bills GB-months of 2^30 bytes).
    public static let bytesPerGB = Double(1 << 30)
    /// Bytes per TB for Athena (binary, as the scanned-bytes figure is billed).
    public static let bytesPerTB = Double(1 << 40)
    /// Days in an average month, for prorating GB-months.
    public static let daysPerMonth = 365.25 / 12

    /// Storage price of a class per GB-month.
    public func storage(_ storageClass: StorageClass) -> Double { storagePerGBMonth[storageClass.rawValue] ?? storagePerGBMonth["STANDARD"] ?? 0 }

    /// Lifecycle transition price into a class, per request.
    public func transitionRequest(_ target: StorageClass) -> Double { (transitionPer1000[target.rawValue] ?? 0) / 1000 }

    /// PUT price of a class, per request.
    public func putRequest(_ storageClass: StorageClass) -> Double { (putPer1000[storageClass.rawValue] ?? 0) / 1000 }

    /// Restore price: per GB and per request, by archive class and tier.
    public func restore(_ storageClass: StorageClass, tier: RestoreTier) -> (perGB: Double, perRequest: Double) {
        let deep = storageClass == .deepArchive
        let perGB = (deep ? deepArchiveRestorePerGB : glacierRestorePerGB)[tier.rawValue] ?? 0
        let per1000 = (deep ? deepArchiveRestorePer1000 : glacierRestorePer1000)[tier.rawValue] ?? 0
        return (perGB, per1000 / 1000)
    }

    /// The bytes Athena bills a query scanning `bytes` for: at least the minimum per query,
    /// rounded up to the megabyte.
    public func athenaBilledBytes(scannedBytes bytes: Int64) -> Int64 {
        let billed = max(bytes, athenaMinimumBytesPerQuery)
        return (billed + 999_999) / 1_000_000 * 1_000_000
    }

    /// What one Athena query scanning `bytes` costs: at least the minimum per query, rounded up
    /// to the megabyte as Athena bills.
    public func athenaQuery(scannedBytes bytes: Int64) -> Double {
        Double(athenaBilledBytes(scannedBytes: bytes)) / 1e12 * athenaPerTB
    }

    /// This table with the entries of `overrides` replacing the defaults (per key).
    public func merging(_ overrides: PriceOverrides) -> PriceTable {
        var table = self
        func merge(_ base: inout [String: Double], _ new: [String: Double]?) { for (key, value) in new ?? [:] { base[key] = value } }
        merge(&table.storagePerGBMonth, overrides.storagePerGBMonth)
        merge(&table.putPer1000, overrides.putPer1000)
        merge(&table.getPer1000, overrides.getPer1000)
        merge(&table.transitionPer1000, overrides.transitionPer1000)
        merge(&table.retrievalPerGB, overrides.retrievalPerGB)
        merge(&table.glacierRestorePerGB, overrides.glacierRestorePerGB)
        merge(&table.glacierRestorePer1000, overrides.glacierRestorePer1000)
        merge(&table.deepArchiveRestorePerGB, overrides.deepArchiveRestorePerGB)
        merge(&table.deepArchiveRestorePer1000, overrides.deepArchiveRestorePer1000)
        if let value = overrides.intelligentTieringMonitoringPer1000 { table.intelligentTieringMonitoringPer1000 = value }
        if let value = overrides.athenaPerTB { table.athenaPerTB = value }
        if let value = overrides.athenaMinimumBytesPerQuery { table.athenaMinimumBytesPerQuery = value }
        return table
    }
}

/// The `prices` section of the configuration file: any subset of `PriceTable`'s figures.
public struct PriceOverrides: Sendable, Codable, Equatable {
    /// Overrides `PriceTable.storagePerGBMonth`.
    public var storagePerGBMonth: [String: Double]?
    /// Overrides `PriceTable.putPer1000`.
    public var putPer1000: [String: Double]?
    /// Overrides `PriceTable.getPer1000`.
    public var getPer1000: [String: Double]?
    /// Overrides `PriceTable.transitionPer1000`.
    public var transitionPer1000: [String: Double]?
    /// Overrides `PriceTable.retrievalPerGB`.
    public var retrievalPerGB: [String: Double]?
    /// Overrides `PriceTable.glacierRestorePerGB`.
    public var glacierRestorePerGB: [String: Double]?
    /// Overrides `PriceTable.glacierRestorePer1000`.
    public var glacierRestorePer1000: [String: Double]?
    /// Overrides `PriceTable.deepArchiveRestorePerGB`.
    public var deepArchiveRestorePerGB: [String: Double]?
    /// Overrides `PriceTable.deepArchiveRestorePer1000`.
    public var deepArchiveRestorePer1000: [String: Double]?
    /// Overrides `PriceTable.intelligentTieringMonitoringPer1000`.
    public var intelligentTieringMonitoringPer1000: Double?
    /// Overrides `PriceTable.athenaPerTB`.
    public var athenaPerTB: Double?
    /// Overrides `PriceTable.athenaMinimumBytesPerQuery`.
    public var athenaMinimumBytesPerQuery: Int64?

    /// No overrides.
    public init() {}
}
