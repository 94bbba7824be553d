import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// One sort key's values in a form that compares fast (no `Value` per row).
struct SortColumn {
    enum Values {
        case ints([Int64])
        case doubles([Double])
        case wide([Int128])
        case bytes(StringView)
    }
    let values: Values
    let validity: [Bool]?
    let ascending: Bool
    let nullsFirst: Bool

    init(_ column: Column, ascending: Bool, nullsFirst: Bool) {
        switch column.storage {
        case .float32, .float64: values = .doubles(column.doubleValues)
        case .int128: values = .wide(column.int128Values)
        case .bytes, .fixedBytes: values = .bytes(StringView(column))
        default: values = .ints(column.int64Values)
        }
        validity = column.validity
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    /// Negative when row `a` sorts before row `b`.
    @inline(__always) func compare(_ a: Int, _ b: Int) -> Int {
        if let validity {
            let na = !validity[a], nb = !validity[b]
            if na || nb {
                if na && nb { return 0 }
                return na == nullsFirst ? -1 : 1
            }
        }
        let c: Int
        switch values {
        case .ints(let v): c = v[a] < v[b] ? -1 : (v[a] > v[b] ? 1 : 0)
        case .doubles(let v):
            // NaN sorts after every number (Trino: NaN is largest).
            if v[a].isNaN || v[b].isNaN { c = v[a].isNaN ? (v[b].isNaN ? 0 : 1) : -1 } else { c = v[a] < v[b] ? -1 : (v[a] > v[b] ? 1 : 0) }
        case .wide(let v): c = v[a] < v[b] ? -1 : (v[a] > v[b] ? 1 : 0)
        case .bytes(let view):
            c = view.data.withUnsafeBytes { d in
                ByteCompare.compare(UnsafeRawBufferPointer(rebasing: d[view.range(a)]), UnsafeRawBufferPointer(rebasing: d[view.range(b)]))
            }
        }
        return ascending ? c : -c
    }
}

enum Sorting {
    /// Row order of `batch` under `keys` (stable: ties keep input order).
    static func permutation(_ batch: RecordBatch, keys: [SortKey], evaluator: ExpressionEvaluator) throws -> [Int32] {
        let columns = try keys.map { key in
            SortColumn(try evaluator.column(key.expr, batch), ascending: key.ascending, nullsFirst: key.nullsFirst)
        }
        return permutation(count: batch.rowCount, columns: columns)
    }

    static func permutation(count: Int, columns: [SortColumn]) -> [Int32] {
        var order = (0..<count).map { Int32($0) }
        order.sort { a, b in
            for column in columns {
                let c = column.compare(Int(a), Int(b))
                if c != 0 { return c < 0 }
            }
            return a < b
        }
        return order
    }
}

/// ORDER BY: materializes its input (reserving memory), sorts, and emits in batches. With a
/// limit it keeps only the best `limit` rows as it goes (top-N), so memory stays bounded.
final class SortOperator: Operator {
    let input: any Operator
    let keys: [SortKey]
    let limit: Int?
    let evaluator: ExpressionEvaluator
    let stats = OperatorStats()
    let reservation: MemoryReservation
    var outputs: [ColumnRef] { input.outputs }
    private var sorted: RecordBatch?
    private var position = 0

    init(input: any Operator, keys: [SortKey], limit: Int?, budget: MemoryBudget) {
        self.input = input
        self.keys = keys
        self.limit = limit
        evaluator = ExpressionEvaluator(inputs: input.outputs)
        reservation = MemoryReservation(budget: budget, owner: limit == nil ? "Sort" : "TopN")
    }

    private func sortAll(_ batches: [RecordBatch]) throws -> RecordBatch {
        let all = RecordBatch.concatenate(batches, schema: schema(of: outputs))
        var order = try Sorting.permutation(all, keys: keys, evaluator: evaluator)
        if let limit, order.count > limit { order = Array(order.prefix(limit)) }
        return all.take(order)
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            if sorted == nil {
                var batches: [RecordBatch] = []
                var rows = 0, bytes = 0
                while let batch = try input.next() {
                    batches.append(batch)
                    rows += batch.rowCount
                    bytes += ColumnSize.bytes(batch)
                    if let limit, rows > max(2 * limit, 16_384) {
                        let kept = try sortAll(batches)
                        batches = [kept]
                        rows = kept.rowCount
                        bytes = ColumnSize.bytes(kept)
                    }
                    try reservation.resize(to: bytes)
                }
                sorted = try sortAll(batches)
            }
            guard let sorted, position < sorted.rowCount else { return nil }
            let end = min(sorted.rowCount, position + targetBatchRows)
            defer { position = end }
            return sorted.slice(position..<end)
        }
    }
}
