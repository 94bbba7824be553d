import Foundation

/// Sums the query history of a period into `QueryCosts`, one statement at a time.
///
/// Athena's billing (aws.amazon.com/athena/pricing): a price per TB of data scanned, each query
/// rounded up to the megabyte with a 10 MB minimum; DDL and failed queries are free; a
/// cancelled query pays for what it scanned. Bytes scanned are counted for every statement,
/// billed or not, so the report shows what the lake read as well as what AWS would charge.
public struct QueryCostBuilder: Sendable {
    /// Prices.
    public let prices: PriceTable
    /// The period's first moment.
    public let from: Date
    /// The period's last moment.
    public let to: Date

    private var workgroups: [String: WorkgroupQueryCost] = [:]
    private var tables: [String: TableQueryCost] = [:]

    /// The name the by-table rows give statements that read no table.
    public static let noTable = "(no table)"

    /// Starts a period.
    /// - Parameter cutoffs: the configured workgroups and their `BytesScannedCutoffPerQuery`
    ///   (nil: none); they are listed even when they ran nothing.
    public init(prices: PriceTable, from: Date, to: Date, cutoffs: [String: Int64?] = [:]) {
        self.prices = prices
        self.from = from
        self.to = to
        for (name, cutoff) in cutoffs { workgroups[name] = Self.emptyWorkgroup(name, cutoff: cutoff) }
    }

    private static func emptyWorkgroup(_ name: String, cutoff: Int64?) -> WorkgroupQueryCost {
        WorkgroupQueryCost(workgroup: name, queries: 0, billedQueries: 0, failed: 0, cancelled: 0, bytesScanned: 0, billedBytes: 0, usd: 0, bytesScannedCutoffPerQuery: cutoff)
    }

    /// Adds one statement.
    public mutating func add(_ charge: QueryCharge) {
        var group = workgroups[charge.workgroup] ?? Self.emptyWorkgroup(charge.workgroup, cutoff: nil)
        group.queries += 1
        group.bytesScanned += charge.bytesScanned
        if charge.outcome == .failed { group.failed += 1 }
        if charge.outcome == .cancelled { group.cancelled += 1 }
        let usd = charge.isBilled ? prices.athenaQuery(scannedBytes: charge.bytesScanned) : 0
        if charge.isBilled {
            group.billedQueries += 1
            group.billedBytes += prices.athenaBilledBytes(scannedBytes: charge.bytesScanned)
            group.usd += usd
        }
        workgroups[charge.workgroup] = group

        let read = charge.tables.reduce(Int64(0)) { $0 + $1.bytes }
        if charge.tables.isEmpty {
            // `SELECT 1` and the like: billed the minimum, charged to no table.
            if charge.isBilled { addTable(database: nil, table: Self.noTable, bytes: 0, usd: usd) }
            return
        }
        for table in charge.tables {
            let share = read > 0 ? Double(table.bytes) / Double(read) : 1 / Double(charge.tables.count)
            addTable(database: table.database, table: table.table, bytes: table.bytes, usd: usd * share)
        }
    }

    private mutating func addTable(database: String?, table: String, bytes: Int64, usd: Double) {
        let key = "\(database ?? "")\u{0}\(table)"
        var row = tables[key] ?? TableQueryCost(database: database, table: table, queries: 0, bytesScanned: 0, usd: 0)
        row.queries += 1
        row.bytesScanned += bytes
        row.usd += usd
        tables[key] = row
    }

    /// The period's costs.
    public func build() -> QueryCosts {
        QueryCosts(
            from: from, to: to, byWorkgroup: workgroups.values.sorted { $0.workgroup < $1.workgroup },
            byTable: tables.values.sorted { ($1.bytesScanned, $0.database ?? "", $0.table) < ($0.bytesScanned, $1.database ?? "", $1.table) })
    }
}
