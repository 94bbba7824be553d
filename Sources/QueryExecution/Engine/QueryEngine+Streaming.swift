import Columnar
import Foundation
import QueryPlanner
import TarnCore

extension QueryEngine {
    /// The result schema of an optimized plan: its output types under the user-visible names.
    public static func resultSchema(_ plan: LogicalPlan, names: [String]) -> Schema {
        Schema(zip(names, plan.outputs).map { Field($0, $1.type) })
    }

    /// Runs an optimized plan and hands each result batch to `consume` as it is produced,
    /// instead of collecting them: writers (CTAS, INSERT INTO) stream results of any size
    /// through bounded memory.
    /// - Parameters:
    ///   - plan: from `optimizedPlan`.
    ///   - names: the result column names.
    ///   - consume: called with every non-empty batch, in result order; a throw stops the query.
    /// - Returns: the statistics (rows = rows handed to `consume`).
    /// - Throws: execution errors and whatever `consume` throws.
    public func stream(_ plan: LogicalPlan, names: [String], consume: (RecordBatch) throws -> Void) throws -> QueryStatistics {
        let start = DispatchTime.now().uptimeNanoseconds
        let budget = MemoryBudget(limit: options.memoryLimit)
        let planner = PhysicalPlanner(budget: budget, parallelism: options.parallelism)
        defer { planner.cancelAll() }
        let root = try planner.build(plan)
        let schema = Self.resultSchema(plan, names: names)
        var rows = 0
        while let batch = try root.next() {
            if batch.rowCount == 0 { continue }
            rows += batch.rowCount
            try consume(RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount))
        }
        var statistics = QueryStatistics()
        for queue in planner.scans {
            let s = queue.total
            statistics.bytesScanned += s.bytesScanned
            statistics.filesRead += s.filesRead
            statistics.filesSkipped += s.filesSkipped
            statistics.rowGroupsRead += s.rowGroupsRead
            statistics.rowGroupsSkipped += s.rowGroupsSkipped
        }
        statistics.rows = rows
        statistics.wallTime = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        statistics.peakMemory = budget.peakReserved
        return statistics
    }
}
