import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Window functions: materializes the input, sorts it by each function's PARTITION BY and
/// ORDER BY, and computes ranking, navigation (lag/lead/first/last/nth) and frame aggregates
/// per partition. ROWS frames use offsets from the current row; RANGE frames treat rows with
/// equal ORDER BY keys (peers) alike.
final class WindowOperator: Operator {
    let input: any Operator
    let functions: [NamedWindow]
    let outputs: [ColumnRef]
    let stats = OperatorStats()
    let reservation: MemoryReservation
    private var result: RecordBatch?
    private var position = 0

    init(input: any Operator, functions: [NamedWindow], budget: MemoryBudget) {
        self.input = input
        self.functions = functions
        outputs = input.outputs + functions.map(\.ref)
        reservation = MemoryReservation(budget: budget, owner: "Window")
    }

    func next() throws -> RecordBatch? {
        try timed(stats) {
            if result == nil { result = try compute() }
            guard let result, position < result.rowCount else { return nil }
            let end = min(result.rowCount, position + targetBatchRows)
            defer { position = end }
            return result.slice(position..<end)
        }
    }

    private func compute() throws -> RecordBatch {
        var batches: [RecordBatch] = []
        var bytes = 0
        while let batch = try input.next() {
            batches.append(batch)
            bytes += ColumnSize.bytes(batch)
            try reservation.resize(to: bytes)
        }
        var data = RecordBatch.concatenate(batches, schema: schema(of: input.outputs))
        var refs = input.outputs
        for function in functions {
            let evaluator = ExpressionEvaluator(inputs: refs)
            let call = function.call
            let keys = call.partitionBy.map { SortKey($0, ascending: true, nullsFirst: true) } + call.orderBy
            let order = try Sorting.permutation(data, keys: keys, evaluator: evaluator)
            data = data.take(order)
            let n = data.rowCount
            // Partition and peer boundaries over the sorted rows.
            let partitionColumns = try call.partitionBy.map { SortColumn(try evaluator.column($0, data), ascending: true, nullsFirst: true) }
            let orderColumns = try call.orderBy.map { SortColumn(try evaluator.column($0.expr, data), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
            var partitionStart = [Int](repeating: 0, count: n)
            var partitionEnd = [Int](repeating: n, count: n)
            var peerStart = [Int](repeating: 0, count: n)
            var peerEnd = [Int](repeating: n, count: n)
            var start = 0
            for i in 0..<n {
                if i > 0 && partitionColumns.contains(where: { $0.compare(i - 1, i) != 0 }) { start = i }
                partitionStart[i] = start
                if i > 0 && start != i && !orderColumns.contains(where: { $0.compare(i - 1, i) != 0 }) {
                    peerStart[i] = peerStart[i - 1]
                } else {
                    peerStart[i] = i
                }
            }
            var end = n
            var pEnd = n
            for i in stride(from: n - 1, through: 0, by: -1) {
                if i < n - 1 && partitionStart[i + 1] != partitionStart[i] { end = i + 1 }
                partitionEnd[i] = end
                if i < n - 1 && peerStart[i + 1] == peerStart[i] { peerEnd[i] = pEnd } else { pEnd = i + 1; peerEnd[i] = pEnd }
            }
            let args = try call.arguments.map { try evaluator.column($0, data) }
            let frame = Frame(rows: call.frame.rows, start: call.frame.start, end: call.frame.end)
            let ctx = WindowPartitions(
                count: n, partitionStart: partitionStart, partitionEnd: partitionEnd, peerStart: peerStart, peerEnd: peerEnd, frame: frame,
                ordered: !call.orderBy.isEmpty)
            var column = try WindowFunctions.compute(call, args: args, ctx)
            if column.type != function.ref.type {
                column = column.type.physical == function.ref.type.physical
                    ? Column(type: function.ref.type, storage: column.storage, validity: column.validity)
                    : try CastKernels.cast(column, to: function.ref.type, safe: false)
            }
            refs.append(function.ref)
            data = RecordBatch(schema: schema(of: refs), columns: data.columns + [column], rowCount: n)
        }
        try reservation.resize(to: ColumnSize.bytes(data))
        return data
    }
}

/// Partition and peer boundaries of the sorted rows: row `i` belongs to partition
/// `partitionStart[i] ..< partitionEnd[i]` and peer group `peerStart[i] ..< peerEnd[i]`.
struct WindowPartitions {
    let count: Int
    let partitionStart: [Int]
    let partitionEnd: [Int]
    let peerStart: [Int]
    let peerEnd: [Int]
    let frame: Frame
    let ordered: Bool

    /// The frame of row `i` as a half-open row range (possibly empty).
    func frameRange(_ i: Int) -> Range<Int> {
        let ps = partitionStart[i], pe = partitionEnd[i]
        var lo: Int, hi: Int
        switch frame.start {
        case .unboundedPreceding: lo = ps
        case .preceding(let k): lo = frame.rows ? i - k : peerStart[i]
        case .currentRow: lo = frame.rows ? i : peerStart[i]
        case .following(let k): lo = frame.rows ? i + k : peerEnd[i]
        case .unboundedFollowing: lo = pe
        }
        switch frame.end {
        case .unboundedPreceding: hi = ps
        case .preceding(let k): hi = frame.rows ? i - k + 1 : peerStart[i]
        case .currentRow: hi = frame.rows ? i + 1 : peerEnd[i]
        case .following(let k): hi = frame.rows ? i + k + 1 : peerEnd[i]
        case .unboundedFollowing: hi = pe
        }
        lo = max(lo, ps)
        hi = min(hi, pe)
        return lo < hi ? lo..<hi : lo..<lo
    }
}

enum WindowFunctions {
    /// Rows `indices` of `column`, NULL where the index is -1.
    static func gather(_ column: Column, _ indices: [Int32]) -> Column {
        let safe = indices.map { max(0, $0) }
        var taken = column.count == 0 ? ConstantColumn.make(.null, type: column.type, count: indices.count) : column.take(safe)
        if indices.contains(-1) {
            var validity = taken.validityArray
            for (k, index) in indices.enumerated() where index < 0 { validity[k] = false }
            taken = Column(type: taken.type, storage: taken.storage, validity: Validity.compact(validity))
        }
        return taken
    }

    static func compute(_ call: WindowCall, args: [Column], _ w: WindowPartitions) throws -> Column {
        let n = w.count
        switch call.function {
        case .rowNumber:
            return Column(type: .int64, storage: .int64((0..<n).map { Int64($0 - w.partitionStart[$0] + 1) }))
        case .rank:
            return Column(type: .int64, storage: .int64((0..<n).map { Int64(w.peerStart[$0] - w.partitionStart[$0] + 1) }))
        case .denseRank:
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                if i == w.partitionStart[i] { out[i] = 1 } else { out[i] = out[i - 1] + (w.peerStart[i] == i ? 1 : 0) }
            }
            return Column(type: .int64, storage: .int64(out))
        case .percentRank:
            let out = (0..<n).map { i -> Double in
                let size = w.partitionEnd[i] - w.partitionStart[i]
                return size <= 1 ? 0 : Double(w.peerStart[i] - w.partitionStart[i]) / Double(size - 1)
            }
            return Column(type: .float64, storage: .float64(out))
        case .cumeDist:
            let out = (0..<n).map { i in Double(w.peerEnd[i] - w.partitionStart[i]) / Double(w.partitionEnd[i] - w.partitionStart[i]) }
            return Column(type: .float64, storage: .float64(out))
        case .ntile:
            let buckets = args[0].int64Values
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                let size = Int64(w.partitionEnd[i] - w.partitionStart[i])
                let b = max(1, buckets[i])
                let position = Int64(i - w.partitionStart[i])
                // First (size % b) buckets get one extra row.
                let small = size / b, extra = size % b
                let boundary = extra * (small + 1)
                out[i] = position < boundary ? position / (small + 1) + 1 : (small == 0 ? position + 1 : extra + (position - boundary) / small + 1)
            }
            return Column(type: .int64, storage: .int64(out))
        case .lag, .lead:
            let offsets = args.count > 1 ? args[1].int64Values : [Int64](repeating: 1, count: n)
            var indices = [Int32](repeating: -1, count: n)
            var useDefault = [Bool](repeating: false, count: n)
            for i in 0..<n {
                let target = call.function == .lag ? i - Int(offsets[i]) : i + Int(offsets[i])
                if target >= w.partitionStart[i] && target < w.partitionEnd[i] { indices[i] = Int32(target) } else { useDefault[i] = true }
            }
            let values = gather(args[0], indices)
            guard args.count > 2 else { return values }
            // Rows outside the partition take the default value.
            var source = [Int32](repeating: 0, count: n)
            for i in 0..<n { source[i] = useDefault[i] ? Int32(n + i) : Int32(i) }
            return Column.concatenate([values, args[2]]).take(source)
        case .firstValue, .lastValue, .nthValue:
            var indices = [Int32](repeating: -1, count: n)
            let nth = call.function == .nthValue ? args[1].int64Values : nil
            let validity = args[0].validity
            for i in 0..<n {
                let range = w.frameRange(i)
                if range.isEmpty { continue }
                switch call.function {
                case .firstValue:
                    if call.ignoreNulls, let validity {
                        if let k = range.first(where: { validity[$0] }) { indices[i] = Int32(k) }
                    } else {
                        indices[i] = Int32(range.lowerBound)
                    }
                case .lastValue:
                    if call.ignoreNulls, let validity {
                        if let k = range.reversed().first(where: { validity[$0] }) { indices[i] = Int32(k) }
                    } else {
                        indices[i] = Int32(range.upperBound - 1)
                    }
                default:
                    let k = range.lowerBound + Int(nth![i]) - 1
                    if nth![i] >= 1 && k < range.upperBound { indices[i] = Int32(k) }
                }
            }
            return gather(args[0], indices)
        case .aggregate(let function):
            return try aggregate(function, call, args, w)
        }
    }

    /// Frame aggregates: running frames (start UNBOUNDED PRECEDING) accumulate as they go; other
    /// frames recompute per row over the frame (bounded by the frame size).
    static func aggregate(_ function: AggregateFunction, _ call: WindowCall, _ args: [Column], _ w: WindowPartitions) throws -> Column {
        let n = w.count
        switch function {
        case .min, .max, .arbitrary:
            let column = args[0]
            let sortColumn = SortColumn(column, ascending: true, nullsFirst: false)
            var indices = [Int32](repeating: -1, count: n)
            let validity = column.validity
            for i in 0..<n {
                var best = -1
                for k in w.frameRange(i) where validity?[k] ?? true {
                    if best < 0 { best = k; continue }
                    let c = sortColumn.compare(k, best)
                    if function == .max ? c > 0 : c < 0 { best = k }
                }
                indices[i] = Int32(best)
            }
            return gather(column, indices)
        default:
            break
        }
        // Numeric frame aggregates through prefix sums per partition.
        let input = args.first
        let validity = input?.validity
        var counts = [Int64](repeating: 0, count: n + 1)  // prefix counts of included rows
        var doubleSums = [Double](repeating: 0, count: n + 1)
        var intSums = [Int64](repeating: 0, count: n + 1)
        var wideSums = [Int128](repeating: 0, count: n + 1)
        let kind: Int  // 0 double, 1 int, 2 decimal
        switch call.type {
        case .decimal: kind = 2
        case .float32, .float64: kind = 0
        default: kind = function == .avg ? 0 : 1
        }
        let doubles = kind == 0 ? input?.doubleValues : nil
        let ints = kind == 1 ? input?.int64Values : nil
        let wides = kind == 2 ? input?.int128Values : nil
        let truth = function == .countIf ? input?.boolValues : nil
        for i in 0..<n {
            let include = (validity?[i] ?? true) && (truth?[i] ?? true)
            counts[i + 1] = counts[i] + (include ? 1 : 0)
            switch kind {
            case 0: doubleSums[i + 1] = doubleSums[i] + (include ? doubles?[i] ?? 0 : 0)
            case 1:
                let (r, o) = intSums[i].addingReportingOverflow(include ? ints?[i] ?? 0 : 0)
                if o { throw TarnError(.invalidValue, "bigint addition overflow in window sum") }
                intSums[i + 1] = r
            default: wideSums[i + 1] = wideSums[i] + (include ? wides?[i] ?? 0 : 0)
            }
        }
        var outDoubles = [Double](repeating: 0, count: n)
        var outInts = [Int64](repeating: 0, count: n)
        var outWide = [Int128](repeating: 0, count: n)
        var present = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let r = w.frameRange(i)
            let c = counts[r.upperBound] - counts[r.lowerBound]
            switch function {
            case .count, .countStar, .countIf:
                outInts[i] = function == .countStar ? Int64(r.count) : c
            case .sum:
                if c == 0 { present[i] = false; continue }
                switch kind {
                case 0: outDoubles[i] = doubleSums[r.upperBound] - doubleSums[r.lowerBound]
                case 1: outInts[i] = intSums[r.upperBound] - intSums[r.lowerBound]
                default: outWide[i] = wideSums[r.upperBound] - wideSums[r.lowerBound]
                }
            case .avg:
                if c == 0 { present[i] = false; continue }
                if kind == 2 {
                    outWide[i] = ArithmeticKernels.roundDiv(wideSums[r.upperBound] - wideSums[r.lowerBound], Int128(c))
                } else {
                    outDoubles[i] = (doubleSums[r.upperBound] - doubleSums[r.lowerBound]) / Double(c)
                }
            default:
                // Variance, bool_and/or, approx_distinct over frames: evaluate per frame.
                return try perRowFallback(function, call, args, w)
            }
        }
        let validityOut = Validity.compact(present)
        switch function {
        case .count, .countStar, .countIf: return Column(type: .int64, storage: .int64(outInts))
        default:
            switch kind {
            case 0: return Column.fromDouble(outDoubles, type: call.type, validity: validityOut)
            case 1: return Column.fromInt64(outInts, type: call.type, validity: validityOut)
            default: return Column.fromInt128(outWide, type: call.type, validity: validityOut)
            }
        }
    }

    /// Any aggregate over arbitrary frames, one accumulator run per row.
    static func perRowFallback(_ function: AggregateFunction, _ call: WindowCall, _ args: [Column], _ w: WindowPartitions) throws -> Column {
        var pieces: [Column] = []
        for i in 0..<w.count {
            let accumulator = try Accumulators.make(AggregateCall(function: function, arguments: call.arguments, type: call.type))
            accumulator.resize(1)
            let rows = w.frameRange(i).map { Int32($0) }
            try accumulator.update([Int32](repeating: 0, count: rows.count), args.first?.take(rows), include: nil)
            pieces.append(try accumulator.finish())
        }
        return pieces.isEmpty ? Column.empty(call.type) : Column.concatenate(pieces)
    }
}
