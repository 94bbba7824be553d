import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Grouping state for one aggregate node: a `KeyTable` of group keys plus one accumulator per
/// aggregate. Workers each own one and the results are merged, so the same code serves the
/// serial and the parallel aggregate.
final class HashAggregator {
    let groups: [NamedExpr]
    let aggregates: [NamedAggregate]
    let evaluator: ExpressionEvaluator
    let table = KeyTable()
    var keyChunks: [[Column]]
    var accumulators: [any Accumulator]
    let reservation: MemoryReservation
    private var keyBytes = 0
    /// Per group key: the interner that turns its strings into numbers (`StringInterner`), or
    /// nil; decided on the first non-empty batch (`internersDecided`).
    private var interners: [StringInterner?]
    private var internersDecided = false

    init(groups: [NamedExpr], aggregates: [NamedAggregate], inputs: [ColumnRef], budget: MemoryBudget) throws {
        self.groups = groups
        self.aggregates = aggregates
        evaluator = ExpressionEvaluator(inputs: inputs)
        keyChunks = groups.map { _ in [] }
        interners = groups.map { _ in nil }
        accumulators = try aggregates.map { try Accumulators.make($0.call) }
        reservation = MemoryReservation(budget: budget, owner: "HashAggregate")
        if groups.isEmpty {
            // A global aggregate has exactly one group, even over no rows.
            for accumulator in accumulators { accumulator.resize(1) }
        }
    }

    var groupCount: Int { groups.isEmpty ? 1 : table.count }

    func consume(_ batch: RecordBatch) throws {
        let n = batch.rowCount
        let ids: [Int32]
        if groups.isEmpty {
            ids = [Int32](repeating: 0, count: n)
        } else {
            let keys = try groups.map { try evaluator.column($0.expr, batch) }
            ids = assignGroups(keys, count: n)
        }
        for (index, aggregate) in aggregates.enumerated() {
            let call = aggregate.call
            let input = try call.arguments.first.map { try evaluator.column($0, batch) }
            let include = try call.filter.map { try evaluator.selection($0, batch) }
            try accumulators[index].update(ids, input, include: include)
        }
        try account()
    }

    /// Assigns group numbers to the rows of `keys`, storing the key values of new groups.
    private func assignGroups(_ keys: [Column], count n: Int) -> [Int32] {
        guard n > 1 else { return assignGroupsRowWise(keys, count: n) }
        let constant = keys.map { ConstantKeys.isConstant($0, count: n) }
        if constant.allSatisfy({ $0 }) {
            // One key for the whole batch (partition columns): find its group from the first
            // row, encoded exactly as a row of a longer batch would be.
            let group = assignGroupsRowWise(keys.map { $0.slice(0..<1) }, count: 1)[0]
            return [Int32](repeating: group, count: n)
        }
        decideInterners(keys, count: n)
        if let (codes, space) = DictionaryKeys.codes(keys, constant: constant, count: n) {
            // Every varying key is dictionary-encoded (Parquet strings): the indices tell the
            // batch's distinct keys; encode and look up one row per key, spread the groups.
            let (rows, slots) = DictionaryKeys.distinct(codes, space: space)
            let groups = assignGroupsRowWise(keys.map { $0.take(rows) }, count: rows.count)
            return DictionaryKeys.spread(groups, slots: slots)
        }
        let varying = keys.indices.filter { !constant[$0] }
        if varying.count == 1, let interner = interners[varying[0]] {
            // Constant keys plus one numbered string (p01: year, month | category): the string's
            // numbers tell the batch's distinct keys; look those few up and spread their groups.
            // NULL rows carry the number of the interner's NULL entry, so they share one key too.
            let numbers = interner.numbers(keys[varying[0]], count: n).int64Values
            let (rows, slots) = DictionaryKeys.distinct(numbers, space: interner.count)
            let groups = assignGroupsRowWise(keys.map { $0.take(rows) }, count: rows.count)
            return DictionaryKeys.spread(groups, slots: slots)
        }
        return assignGroupsRowWise(keys, count: n)
    }

    /// Encodes and probes every row of `keys`.
    private func assignGroupsRowWise(_ keys: [Column], count n: Int) -> [Int32] {
        let encoded = KeyEncoder.encode(internedKeys(keys, count: n), count: n)
        var newRows: [Int32] = []
        let assigned = table.groups(encoded, insert: true, newGroupRows: &newRows)
        if !newRows.isEmpty {
            for (k, key) in keys.enumerated() {
                // Without the batch's dictionary, which would keep all its entries alive for
                // the few new groups' sake (re-initializing shares the arrays, no copy).
                let taken = key.take(newRows).withoutDictionary
                keyBytes += ColumnSize.bytes(taken)
                keyChunks[k].append(taken)
            }
            for accumulator in accumulators { accumulator.resize(table.count) }
        }
        return assigned
    }

    /// The key columns to encode: low-cardinality strings among several keys replaced by their
    /// value numbers. A single string key is left alone (its encoding already copies nothing).
    private func internedKeys(_ keys: [Column], count n: Int) -> [Column] {
        guard keys.count > 1, n > 0 else { return keys }
        decideInterners(keys, count: n)
        return keys.enumerated().map { k, key in
            // Every batch of a key takes the same encoding once decided, or the groups would split.
            guard let interner = interners[k] else { return key }
            return interner.numbers(key, count: n)
        }
    }

    /// On the first non-empty batch of a multi-column key: which string keys to number.
    private func decideInterners(_ keys: [Column], count n: Int) {
        guard !internersDecided, keys.count > 1, n > 0 else { return }
        internersDecided = true
        for (k, key) in keys.enumerated() {
            guard case .bytes = key.storage else { continue }
            let trial = StringInterner()
            _ = trial.numbers(key, count: n)
            if StringInterner.worthwhile(distinct: trial.count, rows: n) { interners[k] = trial }
        }
    }

    private func account() throws {
        let interned = interners.reduce(0) { $0 + ($1?.memoryBytes ?? 0) }
        try reservation.resize(to: table.memoryBytes + keyBytes + interned + accumulators.reduce(0) { $0 + $1.memoryBytes })
    }

    /// Adds another aggregator's groups and states into this one.
    func merge(_ other: HashAggregator) throws {
        var mapping: [Int32]
        if groups.isEmpty {
            mapping = [0]
        } else {
            guard other.table.count > 0 else { return }
            let otherKeys = other.keyChunks.map { Column.concatenate($0) }
            mapping = assignGroups(otherKeys, count: other.table.count)
        }
        for (mine, theirs) in zip(accumulators, other.accumulators) { try mine.merge(theirs, mapping) }
        try account()
    }

    /// The result rows: group keys then aggregates, in batches.
    func finish(outputs: [ColumnRef]) throws -> [RecordBatch] {
        let count = groupCount
        if !groups.isEmpty && count == 0 { return [] }
        var columns: [Column] = []
        for (k, group) in groups.enumerated() {
            let key = keyChunks[k].isEmpty ? Column.empty(group.ref.type) : Column.concatenate(keyChunks[k])
            columns.append(key.type == group.ref.type ? key : Column(type: group.ref.type, storage: key.storage, validity: key.validity))
        }
        for (index, aggregate) in aggregates.enumerated() {
            var column = try accumulators[index].finish()
            if column.count > count { column = column.slice(0..<count) }
            if column.type != aggregate.ref.type {
                column = column.type.physical == aggregate.ref.type.physical
                    ? Column(type: aggregate.ref.type, storage: column.storage, validity: column.validity)
                    : try CastKernels.cast(column, to: aggregate.ref.type, safe: false)
            }
            columns.append(column)
        }
        let whole = RecordBatch(schema: schema(of: outputs), columns: columns, rowCount: count)
        var batches: [RecordBatch] = []
        var start = 0
        while start < count {
            let end = min(count, start + targetBatchRows)
            batches.append(whole.slice(start..<end))
            start = end
        }
        return batches
    }
}

/// Hash aggregation: consumes its whole input, then emits one row per group.
final class HashAggregateOperator: Operator {
    let outputs: [ColumnRef]
    let stats = OperatorStats()
    private var pending: [RecordBatch]? = nil
    private let produce: () throws -> [RecordBatch]

    /// Serial: one aggregator over one input.
    init(input: any Operator, node: AggregateNode, budget: MemoryBudget) throws {
        outputs = node.groups.map(\.ref) + node.aggregates.map(\.ref)
        let aggregator = try HashAggregator(groups: node.groups, aggregates: node.aggregates, inputs: input.outputs, budget: budget)
        let outputs = self.outputs
        produce = {
            while let batch = try input.next() { try aggregator.consume(batch) }
            return try aggregator.finish(outputs: outputs)
        }
    }

    /// Parallel: one pipeline and aggregator per worker, run on their own threads, then merged.
    init(workers: [any Operator], node: AggregateNode, budget: MemoryBudget) throws {
        outputs = node.groups.map(\.ref) + node.aggregates.map(\.ref)
        let aggregators = try workers.map {
            try HashAggregator(groups: node.groups, aggregates: node.aggregates, inputs: $0.outputs, budget: budget)
        }
        let outputs = self.outputs
        produce = {
            let failures = ParallelFailures()
            let jobs = UncheckedSendable(Array(zip(workers, aggregators)))
            DispatchQueue.concurrentPerform(iterations: jobs.value.count) { index in
                let (pipeline, aggregator) = jobs.value[index]
                do {
                    while failures.first == nil, let batch = try pipeline.next() { try aggregator.consume(batch) }
                } catch {
                    failures.record(error)
                }
            }
            if let error = failures.first { throw error }
            for other in aggregators.dropFirst() { try aggregators[0].merge(other) }
            return try aggregators[0].finish(outputs: outputs)
        }
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            if pending == nil { pending = try produce().reversed() }
            return pending?.popLast()
        }
    }
}

/// The first error raised by any worker.
final class ParallelFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?

    func record(_ error: Error) { lock.withLock { if self.error == nil { self.error = error } } }
    var first: Error? { lock.withLock { error } }
}

/// Hands non-Sendable per-worker state to `concurrentPerform`; each worker touches only its own
/// element, so there is no sharing.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
