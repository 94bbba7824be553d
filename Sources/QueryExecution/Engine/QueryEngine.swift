import Columnar
import Foundation
import QueryPlanner
import SQLParser
import TarnCore

/// Settings of the engine.
public struct EngineOptions: Sendable {
    /// Per-query memory limit for hash tables, sorts and windows (bytes); by default
    /// `MemoryLimits.defaultPerQuery` (80 % of the memory the process may use).
    public var memoryLimit: Int
    /// Worker pipelines per parallel aggregate (cores to use).
    public var parallelism: Int
    /// Binder options (decimal literal typing, the current time).
    public var binder: BinderOptions
    /// Optimizer rules to switch off, by name.
    public var disabledRules: Set<String>

    /// Creates options: 80 % of available memory per query, one worker per core (at most 2 on
    /// this machine class), all rules.
    public init(
        memoryLimit: Int = MemoryLimits.defaultPerQuery, parallelism: Int = min(2, ProcessInfo.processInfo.activeProcessorCount),
        binder: BinderOptions = BinderOptions(), disabledRules: Set<String> = []
    ) {
        self.memoryLimit = memoryLimit
        self.parallelism = parallelism
        self.binder = binder
        self.disabledRules = disabledRules
    }
}

/// The SQL engine: parse → bind → optimize → execute over a catalog whose tables are
/// `TableSource`s.
///
/// ```swift
/// let engine = QueryEngine(catalog: StaticCatalog(tables: ["sales": salesTable]))
/// let result = try engine.execute("SELECT region, sum(total) FROM sales GROUP BY 1")
/// print(result.statistics.summary)
/// ```
/// Queries, `EXPLAIN` and `EXPLAIN ANALYZE` run here; DDL and catalog statements belong to the
/// `Query` facade, which owns the catalog, and are rejected with `.unsupported`.
public final class QueryEngine: Sendable {
    /// The catalog names resolve against.
    public let catalog: any Catalog
    /// The settings.
    public let options: EngineOptions

    /// Creates an engine.
    public init(catalog: any Catalog, options: EngineOptions = EngineOptions()) {
        self.catalog = catalog
        self.options = options
    }

    /// Runs one SQL statement.
    /// - Throws: `TarnError` (`.syntaxError`, `.semanticError`, `.typeMismatch`, `.invalidValue`,
    ///   `.limitExceeded`, `.unsupported`, I/O errors of sources).
    public func execute(_ sql: String) throws -> QueryResult {
        try execute(try SQLParser.parse(sql))
    }

    /// Runs a parsed statement.
    public func execute(_ statement: Statement) throws -> QueryResult {
        let start = DispatchTime.now().uptimeNanoseconds
        switch statement {
        case .query(let query):
            let (plan, names) = try optimizedPlan(query)
            return try run(plan, names: names, start: start)
        case .explain(let inner, let analyze):
            guard case .query(let query) = inner else {
                throw TarnError(.unsupported, "EXPLAIN of \(inner.sql.prefix(40))… is handled by the Query facade")
            }
            let (plan, names) = try optimizedPlan(query)
            var text = plan.explain()
            var statistics = QueryStatistics()
            if analyze {
                let (result, stats) = try runCollecting(plan, names: names, start: start)
                statistics = result.statistics
                text = plan.explain { _, path in
                    guard let list = stats[path], !list.isEmpty else { return nil }
                    let rows = list.reduce(0) { $0 + $1.rows }
                    let nanos = list.reduce(UInt64(0)) { $0 + $1.nanoseconds }
                    var notes: [String] = []
                    for note in list.flatMap(\.notes) where !notes.contains(note) { notes.append(note) }
                    return "(rows=\(rows) time=\(String(format: "%.3f", Double(nanos) / 1e9))s\(list.count > 1 ? " workers=\(list.count)" : "")"
                        + (notes.isEmpty ? "" : " " + notes.joined(separator: " ")) + ")"
                }
                text += "\n" + result.statistics.summary
            }
            var builder = ColumnBuilder(.string)
            for line in text.split(separator: "\n") { builder.append(string: String(line)) }
            let column = builder.build()
            let schema = Schema([Field("Query Plan", .string)])
            statistics.rows = column.count
            return QueryResult(schema: schema, batches: [RecordBatch(schema: schema, columns: [column])], statistics: statistics)
        default:
            throw TarnError(.unsupported, "\(statement.sql.prefix(60)) is a catalog statement; run it through the Query facade")
        }
    }

    /// Binds and optimizes a query; returns the plan and the result column names.
    public func optimizedPlan(_ query: Query) throws -> (LogicalPlan, [String]) {
        let bound = try Binder(catalog: catalog, options: options.binder).bind(query)
        let optimizer = Optimizer(disabled: options.disabledRules)
        let plan = try optimizer.optimize(bound.plan) { expr in try ExpressionEvaluator(inputs: []).constant(expr) }
        return (plan, bound.names)
    }

    /// The optimized plan of a SQL query, as EXPLAIN prints it.
    public func explain(_ sql: String) throws -> String {
        guard case .query(let query) = try SQLParser.parse(sql) else { throw TarnError(.invalidArgument, "not a query") }
        return try optimizedPlan(query).0.explain()
    }

    private func run(_ plan: LogicalPlan, names: [String], start: UInt64) throws -> QueryResult {
        try runCollecting(plan, names: names, start: start).0
    }

    private func runCollecting(_ plan: LogicalPlan, names: [String], start: UInt64) throws -> (QueryResult, [[Int]: [OperatorStats]]) {
        let budget = MemoryBudget(limit: options.memoryLimit)
        let planner = PhysicalPlanner(budget: budget, parallelism: options.parallelism)
        defer { planner.cancelAll() }
        let root = try planner.build(plan)
        let schema = Schema(zip(names, plan.outputs).map { Field($0, $1.type) })
        var batches: [RecordBatch] = []
        while let batch = try root.next() {
            batches.append(RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount))
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
        statistics.rows = batches.reduce(0) { $0 + $1.rowCount }
        statistics.wallTime = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        statistics.peakMemory = budget.peakReserved
        return (QueryResult(schema: schema, batches: batches, statistics: statistics), planner.stats)
    }
}
