import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// The build side of a hash join: all right-side rows in one batch, their distinct keys in a
/// `KeyTable`, and per key the chain of rows holding it (`heads` / `nexts`). Read-only once
/// built, so parallel probe pipelines share one.
final class JoinBuildSide: @unchecked Sendable {
    let batch: RecordBatch
    let table = KeyTable()
    private(set) var heads: [Int32] = []
    private(set) var nexts: [Int32] = []
    /// Some build row has a NULL key (matters for NOT IN).
    private(set) var hasNullKey = false
    /// Some key occurs on more than one build row.
    private(set) var hasDuplicateKeys = false
    let reservation: MemoryReservation

    init(input: any Operator, keys: [Expr], nullsEqual: Bool, budget: MemoryBudget) throws {
        reservation = MemoryReservation(budget: budget, owner: "HashJoin build side")
        var batches: [RecordBatch] = []
        var bytes = 0
        while let next = try input.next() {
            batches.append(next)
            bytes += ColumnSize.bytes(next)
            try reservation.resize(to: bytes)
        }
        batch = RecordBatch.concatenate(batches, schema: schema(of: input.outputs))
        guard !keys.isEmpty, batch.rowCount > 0 else { return }
        let evaluator = ExpressionEvaluator(inputs: input.outputs)
        let keyColumns = try keys.map { try evaluator.column($0, batch) }
        let encoded = KeyEncoder.encode(keyColumns, count: batch.rowCount)
        hasNullKey = encoded.nullRows?.contains(true) ?? false
        var newRows: [Int32] = []
        let groups = table.groups(encoded, insert: true, skip: nullsEqual ? nil : encoded.nullRows, newGroupRows: &newRows)
        heads = [Int32](repeating: -1, count: table.count)
        nexts = [Int32](repeating: -1, count: batch.rowCount)
        // Insert in reverse so each chain lists rows in input order.
        for row in stride(from: batch.rowCount - 1, through: 0, by: -1) {
            let g = Int(groups[row])
            if g < 0 { continue }
            if heads[g] >= 0 { hasDuplicateKeys = true }
            nexts[row] = heads[g]
            heads[g] = Int32(row)
        }
        try reservation.resize(to: bytes + table.memoryBytes + nexts.count * 4 + heads.count * 4)
    }
}

/// Builds a join's right side once, on first use, for one or many probing operators.
final class LazyBuild: @unchecked Sendable {
    private let lock = NSLock()
    private var built: JoinBuildSide?
    private let input: any Operator
    private let node: JoinNode
    private let budget: MemoryBudget

    init(input: any Operator, node: JoinNode, budget: MemoryBudget) {
        self.input = input
        self.node = node
        self.budget = budget
    }

    var outputs: [ColumnRef] { input.outputs }

    func get() throws -> JoinBuildSide {
        try lock.withLock {
            if let built { return built }
            let side = try JoinBuildSide(input: input, keys: node.rightKeys, nullsEqual: node.nullsEqual, budget: budget)
            if node.enforceSingleRow {
                if node.rightKeys.isEmpty ? side.batch.rowCount > 1 : side.hasDuplicateKeys {
                    throw TarnError(.invalidValue, "Scalar sub-query has returned multiple rows")
                }
            }
            built = side
            return side
        }
    }
}

/// Hash join: builds the right input once, then streams the left input through it. Handles
/// inner, left, right, full, cross, semi and anti joins; NULL keys never match unless
/// `nullsEqual` (INTERSECT/EXCEPT); a residual condition filters candidate pairs.
final class HashJoinOperator: Operator {
    let node: JoinNode
    let left: any Operator
    let lazyBuild: LazyBuild
    private var build: JoinBuildSide?
    let leftOutputs: [ColumnRef]
    let rightOutputs: [ColumnRef]
    let outputs: [ColumnRef]
    let outputSchema: Schema
    let stats = OperatorStats()
    let budget: MemoryBudget
    let probeEvaluator: ExpressionEvaluator
    let residualEvaluator: ExpressionEvaluator?
    private var matchedBuild: [Bool] = []
    private var emittedUnmatched = false

    init(node: JoinNode, left: any Operator, build: LazyBuild, budget: MemoryBudget) {
        self.node = node
        self.left = left
        lazyBuild = build
        leftOutputs = left.outputs
        rightOutputs = build.outputs
        switch node.kind {
        case .semi, .anti: outputs = left.outputs
        default: outputs = left.outputs + build.outputs
        }
        outputSchema = schema(of: outputs)
        self.budget = budget
        probeEvaluator = ExpressionEvaluator(inputs: left.outputs)
        residualEvaluator = node.residual.map { _ in ExpressionEvaluator(inputs: left.outputs + build.outputs) }
    }

    private func ensureBuilt() throws -> JoinBuildSide {
        if let build { return build }
        let built = try lazyBuild.get()
        stats.notes.append("build rows=\(built.batch.rowCount)")
        build = built
        matchedBuild = [Bool](repeating: false, count: built.batch.rowCount)
        return built
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            let build = try ensureBuilt()
            while let batch = try left.next() {
                if let out = try probe(batch, build), out.rowCount > 0 { return out }
            }
            if !emittedUnmatched && (node.kind == .right || node.kind == .full) {
                emittedUnmatched = true
                var rows: [Int32] = []
                for (row, matched) in matchedBuild.enumerated() where !matched { rows.append(Int32(row)) }
                if !rows.isEmpty {
                    let rightPart = build.batch.take(rows).columns
                    let leftPart = leftOutputs.map { ConstantColumn.make(.null, type: $0.type, count: rows.count) }
                    return RecordBatch(schema: outputSchema, columns: leftPart + rightPart, rowCount: rows.count)
                }
            }
            return nil
        }
    }

    /// Candidate pairs (probe row, build row) for a probe batch.
    private func pairs(_ batch: RecordBatch, _ build: JoinBuildSide) throws -> (probe: [Int32], build: [Int32], probeNull: [Bool]?) {
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        let n = batch.rowCount
        if node.leftKeys.isEmpty {
            let m = build.batch.rowCount
            probeRows.reserveCapacity(n * m)
            buildRows.reserveCapacity(n * m)
            for i in 0..<n {
                for j in 0..<m {
                    probeRows.append(Int32(i))
                    buildRows.append(Int32(j))
                }
            }
            return (probeRows, buildRows, nil)
        }
        let keyColumns = try node.leftKeys.map { try probeEvaluator.column($0, batch) }
        var unused: [Int32] = []
        let groups: [Int32]
        let nullRows: [Bool]?
        if keyColumns.count == 1, let found = build.table.groups(dictionaryKey: keyColumns[0], count: n, insert: false, newGroupRows: &unused) {
            // A dictionary-encoded probe key (a Parquet string column) probes each distinct value
            // once. NULL keys find nothing unless the build side holds a NULL key, which it
            // does only when `nullsEqual` (it skips them otherwise), as on the row-wise path.
            groups = found
            nullRows = keyColumns[0].validity.map { $0.map { !$0 } }
        } else {
            let encoded = KeyEncoder.encode(keyColumns, count: n)
            groups = build.table.groups(encoded, insert: false, skip: node.nullsEqual ? nil : encoded.nullRows, newGroupRows: &unused)
            nullRows = encoded.nullRows
        }
        probeRows.reserveCapacity(n)
        buildRows.reserveCapacity(n)
        build.heads.withUnsafeBufferPointer { heads in
            build.nexts.withUnsafeBufferPointer { nexts in
                groups.withUnsafeBufferPointer { groups in
                    for i in 0..<n {
                        let g = Int(groups[i])
                        if g < 0 { continue }
                        var row = heads[g]
                        while row >= 0 {
                            probeRows.append(Int32(i))
                            buildRows.append(row)
                            row = nexts[Int(row)]
                        }
                    }
                }
            }
        }
        return (probeRows, buildRows, node.nullsEqual ? nil : nullRows)
    }

    /// The probe rows' columns then the build rows' columns of matched pairs.
    ///
    /// Two shortcuts, both measured on the lake's joins (a fact table against a small dimension):
    /// when every probe row matches exactly one build row in order (a foreign key into a primary
    /// key), the probe columns are used as they are instead of copied. And a string column of a
    /// build side smaller than the output gets a dictionary: the build column is the dictionary
    /// and the build rows are the indices, so grouping on it (`GROUP BY p.brand`) looks up each
    /// build row once per batch (`DictionaryKeys`) instead of hashing every output row.
    private func joinedColumns(_ batch: RecordBatch, _ probeRows: [Int32], _ build: JoinBuildSide, _ buildRows: [Int32]) throws -> [Column] {
        let probeColumns = Self.isIdentity(probeRows, count: batch.rowCount) ? batch.columns : batch.take(probeRows).columns
        let dictionaryWorthwhile = build.batch.rowCount <= buildRows.count
        let buildColumns = try build.batch.columns.map { column in
            let taken = column.take(buildRows)
            guard dictionaryWorthwhile, column.validity == nil, case .bytes = column.storage else { return taken }
            return try taken.attachingDictionary(column, indices: buildRows, context: "join build side")
        }
        return probeColumns + buildColumns
    }

    /// Whether `rows` is exactly 0, 1, …, count - 1.
    static func isIdentity(_ rows: [Int32], count: Int) -> Bool {
        guard rows.count == count else { return false }
        return rows.withUnsafeBufferPointer { rows in
            var differ = false
            for i in 0..<count { differ = differ || rows[i] != Int32(truncatingIfNeeded: i) }
            return !differ
        }
    }

    private func probe(_ batch: RecordBatch, _ build: JoinBuildSide) throws -> RecordBatch? {
        let n = batch.rowCount
        var (probeRows, buildRows, probeNull) = try pairs(batch, build)
        var joined: RecordBatch? = nil
        if let residual = node.residual, !probeRows.isEmpty {
            let candidate = RecordBatch(
                schema: schema(of: leftOutputs + rightOutputs),
                columns: try joinedColumns(batch, probeRows, build, buildRows), rowCount: probeRows.count)
            let keep = try residualEvaluator!.selection(residual, candidate)
            var p: [Int32] = [], b: [Int32] = []
            for k in 0..<keep.count where keep[k] {
                p.append(probeRows[k])
                b.append(buildRows[k])
            }
            probeRows = p
            buildRows = b
            if node.kind == .inner || node.kind == .cross || node.kind == .left || node.kind == .right || node.kind == .full {
                joined = candidate.filter(keep)
            }
        }
        switch node.kind {
        case .semi, .anti:
            var matched = [Bool](repeating: false, count: n)
            for p in probeRows { matched[Int(p)] = true }
            var keep: [Int32] = []
            if node.kind == .semi {
                for i in 0..<n where matched[i] { keep.append(Int32(i)) }
            } else if node.nullAware && build.batch.rowCount > 0 {
                // NOT IN: a NULL in the subquery or in the probe value makes the row not qualify.
                if build.hasNullKey { return nil }
                for i in 0..<n where !matched[i] && !(probeNull?[i] ?? false) { keep.append(Int32(i)) }
            } else {
                for i in 0..<n where !matched[i] { keep.append(Int32(i)) }
            }
            if keep.count == n { return RecordBatch(schema: outputSchema, columns: batch.columns, rowCount: n) }
            return RecordBatch(schema: outputSchema, columns: batch.take(keep).columns, rowCount: keep.count)
        default:
            if node.kind == .right || node.kind == .full {
                for b in buildRows { matchedBuild[Int(b)] = true }
            }
            var columns: [Column]
            var rowCount: Int
            if let joined {
                columns = joined.columns
                rowCount = joined.rowCount
            } else {
                columns = try joinedColumns(batch, probeRows, build, buildRows)
                rowCount = probeRows.count
            }
            if node.kind == .left || node.kind == .full {
                var matched = [Bool](repeating: false, count: n)
                for p in probeRows { matched[Int(p)] = true }
                var unmatched: [Int32] = []
                for i in 0..<n where !matched[i] { unmatched.append(Int32(i)) }
                if !unmatched.isEmpty {
                    let leftPart = batch.take(unmatched).columns
                    let rightPart = rightOutputs.map { ConstantColumn.make(.null, type: $0.type, count: unmatched.count) }
                    let extra = leftPart + rightPart
                    columns = zip(columns, extra).map { Column.concatenate([$0, $1]) }
                    rowCount += unmatched.count
                }
            }
            return RecordBatch(schema: outputSchema, columns: columns, rowCount: rowCount)
        }
    }
}
