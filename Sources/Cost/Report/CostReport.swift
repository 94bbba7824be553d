import Foundation
import Storage

/// One row of the footprint: objects of one class in one zone of one bucket.
public struct FootprintRow: Sendable, Codable, Equatable {
    /// Bucket.
    public var bucket: String
    /// Lake zone (`LakeZone`).
    public var zone: String
    /// Storage class.
    public var storageClass: String
    /// Object count.
    public var objects: Int
    /// Bytes stored (object sizes).
    public var bytes: Int64
    /// Bytes billed: IA minimum object size and archive per-object overhead included.
    public var billableBytes: Int64
    /// Monthly storage cost of these objects at list price, USD.
    public var monthlyStorageUSD: Double
}

/// Costs of a period, split by kind.
public struct CostBreakdown: Sendable, Codable, Equatable {
    /// Storage (GB-months), including minimum sizes and overheads.
    public var storageUSD = 0.0
    /// PUT requests of newly written objects.
    public var requestsUSD = 0.0
    /// Lifecycle transition requests.
    public var transitionsUSD = 0.0
    /// Early-deletion (minimum storage duration) charges.
    public var earlyDeletionUSD = 0.0
    /// Retrievals and restores.
    public var retrievalUSD = 0.0
    /// Athena queries.
    public var queriesUSD = 0.0

    /// Creates an empty breakdown.
    public init() {}

    /// The sum.
    public var totalUSD: Double { storageUSD + requestsUSD + transitionsUSD + earlyDeletionUSD + retrievalUSD + queriesUSD }
}

/// The footprint under its lifecycle rules, aged `years` ahead.
public struct LifecycleProjection: Sendable, Codable, Equatable {
    /// Years projected.
    public var years: Int
    /// Cost per projected year with each bucket's lifecycle rules applied.
    public var withLifecycle: [CostBreakdown]
    /// Cost per projected year if every object stayed in its current class.
    public var withoutLifecycle: [CostBreakdown]
    /// Transitions the rules would make.
    public var transitions: Int
    /// Objects the rules would expire.
    public var expirations: Int
    /// What the projection assumes.
    public var assumptions: [String]

    /// Total with lifecycle.
    public var totalWithLifecycleUSD: Double { withLifecycle.reduce(0) { $0 + $1.totalUSD } }
    /// Total without lifecycle.
    public var totalWithoutLifecycleUSD: Double { withoutLifecycle.reduce(0) { $0 + $1.totalUSD } }
}

/// `tarn cost`: the lake's footprint and what it would cost on AWS.
public struct CostReport: Sendable, Codable, Equatable {
    /// When the report was made.
    public var asOf: Date
    /// Footprint rows, sorted by bucket, zone and class.
    public var footprint: [FootprintRow]
    /// This month's cost at list prices: storage of the footprint, PUTs of the objects written in
    /// the last 30 days, restores requested in the last 30 days, restored copies, and the Athena
    /// cost of the queries of the last 30 days (`queries`).
    public var monthly: CostBreakdown
    /// Queries of the last 30 days from the query history: bytes scanned and Athena cost per
    /// workgroup and per table.
    public var queries: QueryCosts
    /// The lifecycle projection.
    public var projection: LifecycleProjection
    /// The prices used.
    public var prices: PriceTable
    /// Sections not available in this build, with the reason.
    public var unavailable: [String]

    /// Objects in the lake.
    public var totalObjects: Int { footprint.reduce(0) { $0 + $1.objects } }
    /// Bytes in the lake.
    public var totalBytes: Int64 { footprint.reduce(0) { $0 + $1.bytes } }
}
