import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Evaluates bound expressions over record batches, one vectorized kernel per expression node.
///
/// `layout` maps each `ColumnRef.id` to its position in the batches the evaluator will see.
/// CASE and COALESCE evaluate each branch only on the rows that reach it, so `CASE WHEN x <> 0
/// THEN 1 / x END` never divides by zero.
public final class ExpressionEvaluator {
    let layout: [Int: Int]
    let context = EvaluationContext()

    /// Creates an evaluator for batches whose columns are `inputs`, in order.
    public init(inputs: [ColumnRef]) {
        var layout: [Int: Int] = [:]
        for (index, ref) in inputs.enumerated() where layout[ref.id] == nil { layout[ref.id] = index }
        self.layout = layout
    }

    /// Evaluates `expr` over `batch` into a column of `batch.rowCount` rows.
    public func column(_ expr: Expr, _ batch: RecordBatch) throws -> Column {
        if let mapped = try evaluateViaDictionary(expr, batch) { return mapped }
        return try evaluate(expr, batch).column(count: batch.rowCount)
    }

    /// The rows of `batch` where `predicate` is TRUE.
    public func selection(_ predicate: Expr, _ batch: RecordBatch) throws -> [Bool] {
        if let mapped = try evaluateViaDictionary(predicate, batch) { return BooleanKernels.selection(mapped) }
        switch try evaluate(predicate, batch) {
        case .scalar(.bool(let b), _): return [Bool](repeating: b, count: batch.rowCount)
        case .scalar: return [Bool](repeating: false, count: batch.rowCount)
        case .column(let c): return BooleanKernels.selection(c)
        }
    }

    /// Evaluates an expression that refers to no columns.
    public func constant(_ expr: Expr) throws -> Value {
        let batch = RecordBatch(schema: Schema([]), columns: [], rowCount: 1)
        switch try evaluate(expr, batch) {
        case .scalar(let value, _): return value
        case .column(let c): return c.value(at: 0)
        }
    }

    func evaluate(_ expr: Expr, _ batch: RecordBatch) throws -> Vector {
        let n = batch.rowCount
        switch expr {
        case .column(let ref):
            guard let index = layout[ref.id] else { throw TarnError(.internal, "column \(ref) is not in the operator's input") }
            return .column(batch.columns[index])
        case .literal(let value, let type):
            return .scalar(value, type)
        case .cast(let inner, let type, let safe):
            return try CastKernels.cast(try evaluate(inner, batch), to: type, safe: safe, count: n)
        case .and(let items), .or(let items):
            var columns: [Column] = []
            let isAnd: Bool
            if case .and = expr { isAnd = true } else { isAnd = false }
            for item in items {
                let v = try evaluate(item, batch)
                if case .scalar(.bool(let b), _) = v {
                    if b != isAnd { return .scalar(.bool(b), .boolean) }  // FALSE in AND, TRUE in OR decides
                    continue
                }
                columns.append(v.column(count: n))
            }
            if columns.isEmpty { return .scalar(.bool(isAnd), .boolean) }
            return .column(isAnd ? BooleanKernels.and(columns, count: n) : BooleanKernels.or(columns, count: n))
        case .not(let inner):
            switch try evaluate(inner, batch) {
            case .scalar(.bool(let b), _): return .scalar(.bool(!b), .boolean)
            case .scalar: return .scalar(.null, .boolean)
            case .column(let c): return .column(BooleanKernels.not(c))
            }
        case .compare(let op, let a, let b):
            return try CompareKernels.compare(op, try evaluate(a, batch), try evaluate(b, batch), count: n)
        case .arithmetic(let op, let a, let b, let type):
            return try ArithmeticKernels.evaluate(op, try evaluate(a, batch), try evaluate(b, batch), type: type, count: n)
        case .isNull(let inner):
            switch try evaluate(inner, batch) {
            case .scalar(let v, _): return .scalar(.bool(v.isNull), .boolean)
            case .column(let c):
                guard let validity = c.validity else { return .scalar(.bool(false), .boolean) }
                return .column(Column(type: .boolean, storage: .bool(validity.map { !$0 })))
            }
        case .isDistinctFrom(let a, let b):
            let x = try evaluate(a, batch).column(count: n), y = try evaluate(b, batch).column(count: n)
            let stripped = try CompareKernels.compareColumns(
                .notEqual, Column(type: x.type, storage: x.storage), Column(type: y.type, storage: y.storage)).boolValues
            let vx = x.validityArray, vy = y.validityArray
            let out = (0..<n).map { i in vx[i] != vy[i] || (vx[i] && stripped[i]) }
            return .column(Column(type: .boolean, storage: .bool(out)))
        case .inList(let value, let items):
            return try inList(value, items, batch)
        case .like(let value, let pattern, let escape):
            return try like(value, pattern, escape, batch)
        case .caseWhen(let conditions, let results, let otherwise, let type):
            return .column(try caseWhen(conditions, results, otherwise, type, batch))
        case .coalesce(let items, let type):
            return .column(try coalesce(items, type, batch))
        case .call(let function, let args, let type):
            let values = try args.map { try evaluate($0, batch) }
            return try FunctionKernels.evaluate(function, values, type: type, count: n, context: context)
        case .subquery:
            throw TarnError(.unsupported, "subquery was not decorrelated (is subquery_decorrelation disabled?)")
        }
    }

    /// `x IN (a, b, …)`: TRUE on a match; otherwise NULL when x or any item is NULL; else FALSE.
    private func inList(_ value: Expr, _ items: [Expr], _ batch: RecordBatch) throws -> Vector {
        let n = batch.rowCount
        let x = try evaluate(value, batch)
        let evaluatedItems = try items.map { try evaluate($0, batch) }
        if let fast = Self.stringInList(x, evaluatedItems, count: n) { return fast }
        var matched = [Bool](repeating: false, count: n)
        var sawNull = [Bool](repeating: false, count: n)
        var itemNull = false
        for v in evaluatedItems {
            if v.isNullScalar { itemNull = true; continue }
            let eq = try CompareKernels.compare(.equal, x, v, count: n).column(count: n)
            let values = eq.boolValues
            let validity = eq.validity
            for i in 0..<n {
                if let validity, !validity[i] { sawNull[i] = true } else if values[i] { matched[i] = true }
            }
        }
        var validity = [Bool](repeating: true, count: n)
        for i in 0..<n where !matched[i] && (sawNull[i] || itemNull) { validity[i] = false }
        if case .column(let c) = x, let xv = c.validity {
            for i in 0..<n where !xv[i] { validity[i] = false }
        } else if x.isNullScalar {
            return .scalar(.null, .boolean)
        }
        return .column(Column(type: .boolean, storage: .bool(matched), validity: Validity.compact(validity)))
    }

    /// `string_column IN ('a', 'b', …)` with no NULL among the items, in one pass over the
    /// column (a compare column per item and a merge pass per item before: 13 % of the lake's
    /// p10). nil when the shape differs; the general path then answers.
    static func stringInList(_ x: Vector, _ items: [Vector], count n: Int) -> Vector? {
        guard case .column(let column) = x, column.type == .string, case .bytes(let offsets, let data) = column.storage, !items.isEmpty else { return nil }
        var needles: [[UInt8]] = []
        for item in items {
            guard case .scalar(.string(let text), _) = item else { return nil }
            needles.append(Array(text.utf8))
        }
        let validity = column.validity
        let matched = n == 0 ? [] : [Bool](unsafeUninitializedCapacity: n) { out, initialized in
            offsets.withUnsafeBufferPointer { o in
                data.withUnsafeBytes { d in
                    for i in 0..<n {
                        let start = Int(o[i]), length = Int(o[i + 1]) - start
                        var hit = false
                        if validity?[i] ?? true {
                            for needle in needles where needle.count == length {
                                if length == 0 || needle.withUnsafeBytes({ memcmp($0.baseAddress!, d.baseAddress! + start, length) }) == 0 {
                                    hit = true
                                    break
                                }
                            }
                        }
                        out[i] = hit
                    }
                }
            }
            initialized = n
        }
        return .column(Column(type: .boolean, storage: .bool(matched), validity: validity))
    }

    private func like(_ value: Expr, _ pattern: Expr, _ escape: Expr?, _ batch: RecordBatch) throws -> Vector {
        let n = batch.rowCount
        let input = try evaluate(value, batch)
        if input.isNullScalar { return .scalar(.null, .boolean) }
        let patternVector = try evaluate(pattern, batch)
        let escapeVector = try escape.map { try evaluate($0, batch) }
        if case .scalar(.string(let p), _) = patternVector {
            var escapeText: String? = nil
            if let escapeVector {
                guard case .scalar(let e, _) = escapeVector else { return try likeRows(input, patternVector, escapeVector, n) }
                if case .string(let s) = e { escapeText = s } else { return .scalar(.null, .boolean) }
            }
            let compiled = try context.like(p, escape: escapeText)
            let column = input.column(count: n)
            let view = StringView(column)
            let out = n == 0 ? [] : [Bool](unsafeUninitializedCapacity: n) { buffer, initialized in
                view.data.withUnsafeBytes { d in
                    for i in 0..<n { buffer[i] = compiled.matches(UnsafeRawBufferPointer(rebasing: d[view.range(i)])) }
                }
                initialized = n
            }
            return .column(Column(type: .boolean, storage: .bool(out), validity: column.validity))
        }
        if patternVector.isNullScalar { return .scalar(.null, .boolean) }
        return try likeRows(input, patternVector, escapeVector, n)
    }

    private func likeRows(_ input: Vector, _ pattern: Vector, _ escape: Vector?, _ n: Int) throws -> Vector {
        let s = input.column(count: n), p = pattern.column(count: n), e = escape?.column(count: n)
        let validity = Validity.and(Validity.and(s.validity, p.validity), e?.validity)
        var out = [Bool](repeating: false, count: n)
        let sv = StringView(s)
        for i in 0..<n where validity?[i] ?? true {
            let compiled = try context.like(p.string(at: i) ?? "", escape: e?.string(at: i))
            out[i] = sv.withBytes(i) { compiled.matches($0) }
        }
        return .column(Column(type: .boolean, storage: .bool(out), validity: validity))
    }

    /// Evaluates `expr` only on the rows where `mask` is true; returns the values for those rows.
    private func evaluateOn(_ expr: Expr, _ batch: RecordBatch, _ mask: [Bool], _ count: Int) throws -> Column {
        try column(expr, subBatch(batch, mask, count, for: expr))
    }

    /// The rows of `batch` where `mask` is true, gathering only the columns `expr` reads (the
    /// others become cheap placeholders) — CASE branches and COALESCE fallbacks touch few columns.
    private func subBatch(_ batch: RecordBatch, _ mask: [Bool], _ count: Int, for expr: Expr) -> RecordBatch {
        if count == batch.rowCount { return batch }
        let used = Set(expr.columns.compactMap { layout[$0.id] })
        if used.isEmpty { return RecordBatch(schema: Schema([]), columns: [], rowCount: count) }
        var indices: [Int32] = []
        indices.reserveCapacity(count)
        for (i, keep) in mask.enumerated() where keep { indices.append(Int32(i)) }
        let placeholder = Column(type: .boolean, storage: .bool([Bool](repeating: false, count: count)))
        let columns = batch.columns.enumerated().map { used.contains($0.offset) ? $0.element.take(indices) : placeholder }
        return RecordBatch(schema: batch.schema, columns: columns, rowCount: count)
    }

    private func caseWhen(_ conditions: [Expr], _ results: [Expr], _ otherwise: Expr?, _ type: DataType, _ batch: RecordBatch) throws -> Column {
        let n = batch.rowCount
        if n == 0 { return Column.empty(type) }
        var remaining = [Bool](repeating: true, count: n)
        var remainingCount = n
        var pieces: [Column] = []
        var source = [Int32](repeating: -1, count: n)  // position in the concatenated pieces
        var offset: Int32 = 0
        for (condition, result) in zip(conditions, results) where remainingCount > 0 {
            let active = subBatch(batch, remaining, remainingCount, for: condition)
            let chosen = try selection(condition, active)
            // Map the active rows back to batch rows.
            var rows: [Int] = []
            rows.reserveCapacity(active.rowCount)
            for i in 0..<n where remaining[i] { rows.append(i) }
            var take = [Bool](repeating: false, count: n)
            var count = 0
            for (k, row) in rows.enumerated() where chosen[k] {
                take[row] = true
                count += 1
            }
            if count == 0 { continue }
            let values = try cast(try evaluateOn(result, batch, take, count), type)
            var position = offset
            for i in 0..<n where take[i] {
                source[i] = position
                position += 1
                remaining[i] = false
            }
            remainingCount -= count
            pieces.append(values)
            offset = position
        }
        if remainingCount > 0 {
            let values: Column
            if let otherwise {
                values = try cast(try evaluateOn(otherwise, batch, remaining, remainingCount), type)
            } else {
                values = ConstantColumn.make(.null, type: type, count: remainingCount)
            }
            var position = offset
            for i in 0..<n where remaining[i] {
                source[i] = position
                position += 1
            }
            pieces.append(values)
        }
        if pieces.count == 1 && pieces[0].count == n && source.enumerated().allSatisfy({ Int32($0.offset) == $0.element }) {
            return pieces[0]
        }
        return Column.concatenate(pieces).take(source)
    }

    /// Branch results may come out as a scalar of a narrower storage; align to the CASE type.
    private func cast(_ column: Column, _ type: DataType) throws -> Column {
        if column.type == type { return column }
        if column.type.physical == type.physical { return Column(type: type, storage: column.storage, validity: column.validity) }
        return try CastKernels.cast(column, to: type, safe: false)
    }

    private func coalesce(_ items: [Expr], _ type: DataType, _ batch: RecordBatch) throws -> Column {
        let n = batch.rowCount
        var result = try cast(try column(items[0], batch), type)
        for item in items.dropFirst() {
            guard let validity = result.validity else { break }
            let missing = validity.map { !$0 }
            let count = missing.filter { $0 }.count
            if count == 0 { break }
            let values = try cast(try evaluateOn(item, batch, missing, count), type)
            // Merge: present rows from result, missing rows from values (in order).
            var source = [Int32](repeating: 0, count: n)
            var next: Int32 = Int32(n)
            for i in 0..<n {
                if missing[i] {
                    source[i] = next
                    next += 1
                } else {
                    source[i] = Int32(i)
                }
            }
            result = Column.concatenate([result, values]).take(source)
        }
        return result
    }
}
