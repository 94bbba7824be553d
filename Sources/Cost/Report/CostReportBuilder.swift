import Foundation
import Storage

/// Builds a `CostReport` from objects fed one at a time (so a lake of millions of objects is
/// costed in one pass over its metadata, without holding it in memory).
///
/// Billing rules applied (S3 pricing page):
/// - storage is prorated per day over GB-months (2^30 bytes);
/// - Standard-IA, One Zone-IA and Glacier Instant Retrieval bill at least 128 KB per object;
/// - Glacier Flexible Retrieval and Deep Archive add 8 KB at the Standard rate and 32 KB at
///   their own rate per object;
/// - an object deleted, overwritten or transitioned before its class's minimum duration (30,
///   90 or 180 days) is billed for the remaining days ("early deletion");
/// - each lifecycle transition is a request priced by its target class;
/// - a restored archive copy is billed at the Standard rate while it exists.
public struct CostReportBuilder: Sendable {
    /// Prices.
    public let prices: PriceTable
    /// The report's moment.
    public let asOf: Date
    /// Years projected.
    public let years: Int

    private var rows: [String: FootprintRow] = [:]
    private var monthly = CostBreakdown()
    private var withLifecycle: [CostBreakdown]
    private var withoutLifecycle: [CostBreakdown]
    private var transitions = 0
    private var expirations = 0

    /// Starts a report.
    public init(prices: PriceTable, asOf: Date, years: Int = 5) {
        self.prices = prices
        self.asOf = asOf
        self.years = years
        withLifecycle = Array(repeating: CostBreakdown(), count: years)
        withoutLifecycle = Array(repeating: CostBreakdown(), count: years)
    }

    /// Bytes an object of `size` is billed for in `storageClass`, split into the part at the
    /// Standard rate (archive overhead) and the part at the class's own rate.
    public static func billable(size: Int64, storageClass: StorageClass) -> (standardRate: Int64, classRate: Int64) {
        let overhead = storageClass.archiveOverhead
        return (overhead.standardBytes, max(size, storageClass.minimumBillableBytes) + overhead.archiveBytes)
    }

    /// Cost of keeping an object of `size` in `storageClass` for `days`.
    func storageCost(size: Int64, storageClass: StorageClass, days: Double) -> Double {
        let bytes = Self.billable(size: size, storageClass: storageClass)
        let gbMonths = days / PriceTable.daysPerMonth / PriceTable.bytesPerGB
        return gbMonths * (Double(bytes.standardRate) * prices.storage(.standard) + Double(bytes.classRate) * prices.storage(storageClass))
    }

    /// Adds one object.
    /// - Parameter lifecycle: its bucket's rules, if any.
    public mutating func add(_ object: ObjectInfo, lifecycle: LifecycleEvaluator?) {
        let storageClass = StorageClass(rawValue: object.attributes.storageClass) ?? .standard
        let zone = LakeZone.of(bucket: object.bucket, key: object.key)
        let rowKey = "\(object.bucket)\u{0}\(zone)\u{0}\(storageClass.rawValue)"
        let bytes = Self.billable(size: object.size, storageClass: storageClass)
        let monthlyStorage = storageCost(size: object.size, storageClass: storageClass, days: PriceTable.daysPerMonth)
        var row = rows[rowKey] ?? FootprintRow(bucket: object.bucket, zone: zone, storageClass: storageClass.rawValue, objects: 0, bytes: 0, billableBytes: 0, monthlyStorageUSD: 0)
        row.objects += 1
        row.bytes += object.size
        row.billableBytes += bytes.standardRate + bytes.classRate
        row.monthlyStorageUSD += monthlyStorage
        rows[rowKey] = row
        monthly.storageUSD += monthlyStorage
        if storageClass == .intelligentTiering && object.size >= TransitionMinimumSize.threshold {
            monthly.storageUSD += prices.intelligentTieringMonitoringPer1000 / 1000
        }
        // Written in the last 30 days: its PUT (or its parts' PUTs) falls in this month.
        if asOf.timeIntervalSince(object.lastModified) < Double(Self.monthDays) * UTCDays.secondsPerDay {
            monthly.requestsUSD += Double(object.attributes.partSizes?.count ?? 1) * prices.putRequest(storageClass)
        }
        if let restore = object.attributes.restore {
            if asOf.timeIntervalSince(restore.requested) < Double(Self.monthDays) * UTCDays.secondsPerDay {
                let price = prices.restore(storageClass, tier: restore.tier)
                monthly.retrievalUSD += price.perRequest + Double(object.size) / PriceTable.bytesPerGB * price.perGB
            }
            if restore.isReadable(at: asOf) {
                monthly.storageUSD += storageCost(size: object.size, storageClass: .standard, days: PriceTable.daysPerMonth)
            }
        }
        project(object, storageClass: storageClass, lifecycle: lifecycle)
    }

    /// Ages one object over the projection horizon, with and without its lifecycle rules.
    private mutating func project(_ object: ObjectInfo, storageClass: StorageClass, lifecycle: LifecycleEvaluator?) {
        let horizonDays = Double(years) * 365.25
        let end = asOf.addingTimeInterval(horizonDays * UTCDays.secondsPerDay)
        addStorage(&withoutLifecycle, size: object.size, storageClass: storageClass, from: asOf, to: end)
        var current = storageClass
        // Without a record of when it arrived in its class, the object counts from its creation.
        var enteredClass = object.lastModified
        var from = asOf
        let events = lifecycle?.schedule(for: LifecycleSubject(object), after: asOf).filter { $0.due < end } ?? []
        for event in events {
            addStorage(&withLifecycle, size: object.size, storageClass: current, from: from, to: event.due)
            addEarlyDeletion(size: object.size, storageClass: current, entered: enteredClass, left: event.due)
            from = event.due
            switch event.action {
            case .expire:
                expirations += 1
                return
            case .transition(let target, _):
                transitions += 1
                withLifecycle[year(of: event.due)].transitionsUSD += prices.transitionRequest(target)
                current = target
                enteredClass = event.due
            }
        }
        addStorage(&withLifecycle, size: object.size, storageClass: current, from: from, to: end)
    }

    /// The projected year (0-based) a date falls in.
    private func year(of date: Date) -> Int {
        min(years - 1, max(0, Int(date.timeIntervalSince(asOf) / (365.25 * UTCDays.secondsPerDay))))
    }

    /// Adds storage from `from` to `to`, split across projected years.
    private func addStorage(_ breakdown: inout [CostBreakdown], size: Int64, storageClass: StorageClass, from: Date, to: Date) {
        var start = from
        while start < to {
            let index = year(of: start)
            let yearEnd = asOf.addingTimeInterval(Double(index + 1) * 365.25 * UTCDays.secondsPerDay)
            let stop = min(to, yearEnd)
            breakdown[index].storageUSD += storageCost(size: size, storageClass: storageClass, days: stop.timeIntervalSince(start) / UTCDays.secondsPerDay)
            if stop <= start { break }
            start = stop
        }
    }

    /// Charges the rest of a class's minimum duration when an object leaves it early.
    private mutating func addEarlyDeletion(size: Int64, storageClass: StorageClass, entered: Date, left: Date) {
        let held = left.timeIntervalSince(entered) / UTCDays.secondsPerDay
        let missing = Double(storageClass.minimumStorageDays) - held
        guard missing > 0 else { return }
        withLifecycle[year(of: left)].earlyDeletionUSD += storageCost(size: size, storageClass: storageClass, days: missing)
    }

    /// Days before `asOf` that "this month" covers (PUTs, restores, queries).
    public static let monthDays = 30

    /// The first moment of the report's month: `monthDays` before `asOf`.
    public var monthStart: Date { asOf.addingTimeInterval(-Double(Self.monthDays) * UTCDays.secondsPerDay) }

    /// The finished report.
    /// - Parameters:
    ///   - queries: the month's query costs (`QueryCostBuilder` over `monthStart`…`asOf`); none
    ///     when nil.
    ///   - unavailable: sections this report could not fill, with the reason.
    public func build(queries: QueryCosts? = nil, unavailable: [String] = []) -> CostReport {
        let footprint = rows.values.sorted { ($0.bucket, $0.zone, $0.storageClass) < ($1.bucket, $1.zone, $1.storageClass) }
        let projection = LifecycleProjection(
            years: years, withLifecycle: withLifecycle, withoutLifecycle: withoutLifecycle, transitions: transitions, expirations: expirations,
            assumptions: [
                "only the objects stored today, aged under each bucket's current lifecycle rules; no new data",
                "us-east-1 list prices from the price table; storage prorated per day over GB-months of 2^30 bytes",
                "objects already in a non-Standard class are taken to have entered it when created (for minimum-duration charges)",
            ])
        let queries = queries ?? .empty(from: monthStart, to: asOf)
        var monthly = self.monthly
        monthly.queriesUSD = queries.usd
        return CostReport(
            asOf: asOf, footprint: footprint, monthly: monthly, queries: queries, projection: projection, prices: prices, unavailable: unavailable)
    }
}
