import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Turns an optimized `LogicalPlan` into operators.
///
/// An aggregate whose input is a chain of filters, projections and hash-join probes (inner,
/// left, semi, anti) over one scan with at least two splits runs as `parallelism` pipelines
/// that share the scan's split queue and the join build sides, each feeding its own partial
/// hash table; the partial tables are merged at the end.
final class PhysicalPlanner {
    let budget: MemoryBudget
    let parallelism: Int
    /// Every scan's split queue, for the query's byte and file counts.
    private(set) var scans: [SplitQueue] = []
    /// Operator statistics by plan path (several when a node runs in parallel).
    private(set) var stats: [[Int]: [OperatorStats]] = [:]
    /// Parallel pipelines, cancelled when the query ends.
    private(set) var pipelines: [ParallelPipelineOperator] = []

    init(budget: MemoryBudget, parallelism: Int) {
        self.budget = budget
        self.parallelism = max(1, parallelism)
    }

    private func register(_ op: any Operator, _ path: [Int]) -> any Operator {
        stats[path, default: []].append(op.stats)
        return op
    }

    /// Stops every parallel pipeline (the query has all the rows it needs, or failed).
    func cancelAll() {
        for pipeline in pipelines { pipeline.cancel() }
    }

    func build(_ plan: LogicalPlan, path: [Int] = []) throws -> any Operator {
        // A row-wise chain over a scan runs as parallel pipelines when it has splits to share.
        if parallelism > 1, let chain = try parallelChain(plan, path: path) {
            let count = min(parallelism, chain.queue.count)
            if count <= 1 { return try chain.make() }
            let pipeline = ParallelPipelineOperator(workers: try (0..<count).map { _ in try chain.make() })
            pipelines.append(pipeline)
            return register(pipeline, path + [-1])
        }
        switch plan {
        case .scan(let n):
            let queue = try scanQueue(n)
            return register(ScanOperator(queue: queue, outputs: n.columns.map(\.ref), limit: n.limit), path)
        case .values(let n):
            return register(try ValuesOperator(node: n), path)
        case .filter(let n):
            return register(FilterOperator(input: try build(n.input, path: path + [0]), predicate: n.predicate), path)
        case .project(let n):
            return register(ProjectOperator(input: try build(n.input, path: path + [0]), items: n.items), path)
        case .aggregate(let n):
            if parallelism > 1, let chain = try parallelChain(n.input, path: path + [0]) {
                let count = min(parallelism, chain.queue.count)
                if count <= 1 {
                    return register(try HashAggregateOperator(input: try chain.make(), node: n, budget: budget), path)
                }
                let workers = try (0..<count).map { _ in try chain.make() }
                return register(try HashAggregateOperator(workers: workers, node: n, budget: budget), path)
            }
            return register(try HashAggregateOperator(input: try build(n.input, path: path + [0]), node: n, budget: budget), path)
        case .join(let n):
            let left = try build(n.left, path: path + [0])
            let right = try build(n.right, path: path + [1])
            let lazy = LazyBuild(input: right, node: n, budget: budget)
            return register(HashJoinOperator(node: n, left: left, build: lazy, budget: budget), path)
        case .sort(let n):
            return register(SortOperator(input: try build(n.input, path: path + [0]), keys: n.keys, limit: n.limit, budget: budget), path)
        case .limit(let n):
            return register(LimitOperator(input: try build(n.input, path: path + [0]), limit: n.limit, offset: n.offset), path)
        case .window(let n):
            return register(WindowOperator(input: try build(n.input, path: path + [0]), functions: n.functions, budget: budget), path)
        case .union(let n):
            let inputs = try n.inputs.enumerated().map { try build($1, path: path + [$0]) }
            return register(UnionOperator(inputs: inputs, outputs: n.columns), path)
        }
    }

    private func scanQueue(_ n: ScanNode) throws -> SplitQueue {
        guard let source = n.table.provider as? any TableSource else {
            throw TarnError(.internal, "table \(n.table.provider.displayName) cannot be scanned (its provider is not a TableSource)")
        }
        let request = ScanRequest(
            columns: n.columns.map(\.sourceName), columnRefs: n.columns.map(\.ref), filters: n.filters, limit: n.limit)
        let queue = SplitQueue(plan: try source.scan(request))
        scans.append(queue)
        return queue
    }

    /// A pipeline that can be instantiated once per worker over one shared scan.
    struct Chain {
        let queue: SplitQueue
        let make: () throws -> any Operator
    }

    private func parallelChain(_ plan: LogicalPlan, path: [Int]) throws -> Chain? {
        switch plan {
        case .scan(let n):
            guard n.limit == nil else { return nil }
            let queue = try scanQueue(n)
            let outputs = n.columns.map(\.ref)
            return Chain(queue: queue) { [unowned self] in self.register(ScanOperator(queue: queue, outputs: outputs, limit: nil), path) }
        case .filter(let n):
            guard let inner = try parallelChain(n.input, path: path + [0]) else { return nil }
            return Chain(queue: inner.queue) { [unowned self] in
                self.register(FilterOperator(input: try inner.make(), predicate: n.predicate), path)
            }
        case .project(let n):
            guard let inner = try parallelChain(n.input, path: path + [0]) else { return nil }
            return Chain(queue: inner.queue) { [unowned self] in
                self.register(ProjectOperator(input: try inner.make(), items: n.items), path)
            }
        case .join(let n) where [.inner, .left, .semi, .anti].contains(n.kind):
            guard let inner = try parallelChain(n.left, path: path + [0]) else { return nil }
            let right = try build(n.right, path: path + [1])
            let lazy = LazyBuild(input: right, node: n, budget: budget)
            return Chain(queue: inner.queue) { [unowned self] in
                self.register(HashJoinOperator(node: n, left: try inner.make(), build: lazy, budget: self.budget), path)
            }
        default:
            return nil
        }
    }
}
