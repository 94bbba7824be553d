import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// A physical operator: pulls batches from its inputs and returns its own, one at a time.
/// Batches hold the operator's `outputs` in order.
protocol Operator: AnyObject {
    /// The columns of every returned batch.
    var outputs: [ColumnRef] { get }
    /// The next batch, or nil when done. Empty batches are never returned.
    func next() throws -> RecordBatch?
    /// Rows and time, for EXPLAIN ANALYZE.
    var stats: OperatorStats { get }
}

/// What one operator did: rows and batches out, and wall time spent in it and below it.
final class OperatorStats: @unchecked Sendable {
    var rows = 0
    var batches = 0
    var nanoseconds: UInt64 = 0
    /// Extra facts (bytes scanned, build rows).
    var notes: [String] = []
    private let lock = NSLock()

    func record(_ batch: RecordBatch?, since start: UInt64) {
        lock.withLock {
            nanoseconds += DispatchTime.now().uptimeNanoseconds - start
            if let batch {
                rows += batch.rowCount
                batches += 1
            }
        }
    }

    func merge(_ other: OperatorStats) {
        lock.withLock {
            rows += other.rows
            batches += other.batches
            nanoseconds += other.nanoseconds
        }
    }
}

/// The schema of batches carrying `refs`.
func schema(of refs: [ColumnRef]) -> Schema {
    Schema(refs.map { Field($0.name, $0.type) })
}

/// Timing helper: runs `body` and records its batch in `stats`.
@inline(__always) func timed(_ stats: OperatorStats, _ body: () throws -> RecordBatch?) rethrows -> RecordBatch? {
    let start = DispatchTime.now().uptimeNanoseconds
    let batch = try body()
    stats.record(batch, since: start)
    return batch
}

/// Target batch size for operators that assemble their own output (a few thousand rows keeps
/// columns in cache while amortising per-batch work).
let targetBatchRows = 4096

/// Filters rows by a predicate.
///
/// A conjunct over columns that hold one value in every row of a batch (hive partition columns:
/// `year = 2024 AND month = 3`) is decided once per batch, on its first row: true drops the
/// conjunct for that batch, false (or NULL) drops the batch. Partition pruning has usually
/// proved such conjuncts for whole files already, and evaluating them per row was a tenth of
/// the small lake queries (p07, p09). Only conjuncts without function calls or subqueries are
/// decided this way, so nothing non-deterministic is evaluated once for many rows.
final class FilterOperator: Operator {
    let input: any Operator
    let predicate: Expr
    let evaluator: ExpressionEvaluator
    let stats = OperatorStats()
    var outputs: [ColumnRef] { input.outputs }
    /// The predicate's conjuncts, each with the input positions of its columns when it may be
    /// decided once per batch (nil: always evaluated per row).
    private let conjuncts: [(expr: Expr, columns: [Int]?)]

    init(input: any Operator, predicate: Expr) {
        self.input = input
        self.predicate = predicate
        evaluator = ExpressionEvaluator(inputs: input.outputs)
        let outputs = input.outputs
        conjuncts = predicate.conjuncts.map { conjunct in
            let simple = !conjunct.contains {
                switch $0 {
                case .call, .subquery: true
                default: false
                }
            }
            let positions = conjunct.columns.map { outputs.firstIndex(of: $0) }
            guard simple, !positions.isEmpty, positions.allSatisfy({ $0 != nil }) else { return (conjunct, nil) }
            return (conjunct, positions.map { $0! })
        }
    }

    /// The conjuncts `batch` must still be checked against row by row, or nil when some conjunct
    /// is false for the whole batch.
    private func rowConjuncts(_ batch: RecordBatch) throws -> [Expr]? {
        var remaining: [Expr] = []
        var first: RecordBatch? = nil
        for (expr, columns) in conjuncts {
            guard let columns, batch.rowCount > 1,
                  columns.allSatisfy({ ConstantKeys.isConstant(batch.columns[$0], count: batch.rowCount) })
            else {
                remaining.append(expr)
                continue
            }
            if first == nil { first = batch.slice(0..<1) }
            if !(try evaluator.selection(expr, first!)[0]) { return nil }
        }
        return remaining
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            while let batch = try input.next() {
                guard let remaining = try rowConjuncts(batch) else { continue }
                if remaining.isEmpty { return batch }
                let mask = try evaluator.selection(remaining.count == conjuncts.count ? predicate : Expr.conjunction(remaining), batch)
                var kept = 0
                for keep in mask where keep { kept += 1 }
                if kept == 0 { continue }
                if kept == batch.rowCount { return batch }
                return batch.filter(mask)
            }
            return nil
        }
    }
}

/// Computes expressions.
final class ProjectOperator: Operator {
    let input: any Operator
    let items: [NamedExpr]
    let evaluator: ExpressionEvaluator
    let stats = OperatorStats()
    let outputs: [ColumnRef]
    let outputSchema: Schema

    init(input: any Operator, items: [NamedExpr]) {
        self.input = input
        self.items = items
        evaluator = ExpressionEvaluator(inputs: input.outputs)
        outputs = items.map(\.ref)
        outputSchema = schema(of: outputs)
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            guard let batch = try input.next() else { return nil }
            let columns = try items.map { item -> Column in
                var column = try evaluator.column(item.expr, batch)
                if column.type != item.ref.type {
                    column = column.type.physical == item.ref.type.physical
                        ? Column(type: item.ref.type, storage: column.storage, validity: column.validity)
                        : try CastKernels.cast(column, to: item.ref.type, safe: false)
                }
                return column
            }
            return RecordBatch(schema: outputSchema, columns: columns, rowCount: batch.rowCount)
        }
    }
}

/// OFFSET / LIMIT; stops pulling from its input as soon as it has enough rows.
final class LimitOperator: Operator {
    let input: any Operator
    var remaining: Int?
    var toSkip: Int
    let stats = OperatorStats()
    var outputs: [ColumnRef] { input.outputs }

    init(input: any Operator, limit: Int?, offset: Int) {
        self.input = input
        remaining = limit
        toSkip = offset
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            while true {
                if let remaining, remaining <= 0 { return nil }
                guard var batch = try input.next() else { return nil }
                if toSkip > 0 {
                    if batch.rowCount <= toSkip {
                        toSkip -= batch.rowCount
                        continue
                    }
                    batch = batch.slice(toSkip..<batch.rowCount)
                    toSkip = 0
                }
                if let r = remaining {
                    if batch.rowCount > r { batch = batch.slice(0..<r) }
                    remaining = r - batch.rowCount
                }
                return batch
            }
        }
    }
}

/// UNION ALL: the inputs one after another, relabelled with the union's columns.
final class UnionOperator: Operator {
    let inputs: [any Operator]
    var index = 0
    let outputs: [ColumnRef]
    let outputSchema: Schema
    let stats = OperatorStats()

    init(inputs: [any Operator], outputs: [ColumnRef]) {
        self.inputs = inputs
        self.outputs = outputs
        outputSchema = schema(of: outputs)
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            while index < inputs.count {
                if let batch = try inputs[index].next() {
                    return RecordBatch(schema: outputSchema, columns: batch.columns, rowCount: batch.rowCount)
                }
                index += 1
            }
            return nil
        }
    }
}

/// Literal rows.
final class ValuesOperator: Operator {
    let outputs: [ColumnRef]
    var batch: RecordBatch?
    let stats = OperatorStats()

    init(node: ValuesNode) throws {
        outputs = node.columns
        let evaluator = ExpressionEvaluator(inputs: [])
        var builders = node.columns.map { ColumnBuilder($0.type, capacity: node.rows.count) }
        for row in node.rows {
            for (index, expr) in row.enumerated() {
                let value = try evaluator.constant(expr)
                builders[index].append(value)
            }
        }
        let columns = builders.map { $0.build() }
        batch = RecordBatch(schema: schema(of: node.columns), columns: columns, rowCount: node.rows.count)
        if node.rows.isEmpty { batch = nil }
    }

    func next() throws -> RecordBatch? {
        timed(stats) {
            defer { batch = nil }
            return batch
        }
    }
}

/// Operator over already materialized batches (build sides, tests).
final class BatchesOperator: Operator {
    let outputs: [ColumnRef]
    var batches: [RecordBatch]
    var index = 0
    let stats = OperatorStats()

    init(outputs: [ColumnRef], batches: [RecordBatch]) {
        self.outputs = outputs
        self.batches = batches.filter { $0.rowCount > 0 }
    }

    func next() throws -> RecordBatch? {
        timed(stats) {
            guard index < batches.count else { return nil }
            defer { index += 1 }
            return batches[index]
        }
    }
}
