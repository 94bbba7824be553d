import Cost
import Foundation
import Query
import Storage

extension Lake {
    /// `tarn cost`: the footprint by bucket, zone and class, its monthly cost at the configured
    /// prices, the 5-year projection under each bucket's lifecycle rules — one pass over the
    /// object metadata — and the Athena cost of the last 30 days' queries from the query history,
    /// per workgroup and per table.
    public func costReport(asOf: Date? = nil, years: Int = 5) throws -> CostReport {
        var builder = CostReportBuilder(prices: configuration.prices, asOf: asOf ?? store.clock.now(), years: years)
        for bucket in try store.buckets() {
            let evaluator = try store.lifecycleConfiguration(bucket: bucket.name).map(LifecycleEvaluator.init)
            try store.forEachObject(bucket: bucket.name) { builder.add($0, lifecycle: evaluator) }
        }
        guard let history = query.history else {
            return builder.build(unavailable: ["queries: the query service keeps no history"])
        }
        return builder.build(queries: try queryCosts(history, from: builder.monthStart, to: builder.asOf))
    }

    /// The Athena cost of the statements submitted in `from`…`to`, with the configured
    /// workgroups' per-query limits.
    func queryCosts(_ history: QueryHistory, from: Date, to: Date) throws -> QueryCosts {
        var costs = QueryCostBuilder(
            prices: configuration.prices, from: from, to: to, cutoffs: query.options.workgroups.mapValues(\.bytesScannedCutoffPerQuery))
        for statement in try history.usage(from: from, to: to) {
            let outcome: QueryCharge.Outcome
            switch statement.state {
            case .succeeded: outcome = .succeeded
            case .failed: outcome = .failed
            case .cancelled: outcome = .cancelled
            }
            costs.add(
                QueryCharge(
                    workgroup: statement.workgroup, statementType: statement.statementType?.rawValue, outcome: outcome, bytesScanned: statement.bytesScanned,
                    tables: statement.tables.map { QueryCharge.TableBytes(database: $0.database, table: $0.table, bytes: $0.bytesScanned) }))
        }
        return costs.build()
    }
}
