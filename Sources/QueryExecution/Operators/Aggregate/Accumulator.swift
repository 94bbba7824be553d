import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Per-group state of one aggregate function in flat arrays indexed by group number.
protocol Accumulator: AnyObject {
    /// Makes room for `groups` groups (new groups start empty).
    func resize(_ groups: Int)
    /// Adds the rows of `input` to their groups; rows with `include[i] == false` are skipped.
    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws
    /// Adds another accumulator's groups: its group `g` is this one's `mapping[g]`.
    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws
    /// The result per group.
    func finish() throws -> Column
    /// Approximate bytes held.
    var memoryBytes: Int { get }
}

enum Accumulators {
    /// The accumulator for an aggregate call (DISTINCT ones defer to a distinct set).
    static func make(_ call: AggregateCall) throws -> any Accumulator {
        let inputType = call.arguments.first?.type ?? .int64
        let base: any Accumulator
        switch call.function {
        case .countStar: base = CountAccumulator(countNulls: true, onlyTrue: false)
        case .count: base = CountAccumulator(countNulls: false, onlyTrue: false)
        case .countIf: base = CountAccumulator(countNulls: false, onlyTrue: true)
        case .sum: base = SumAccumulator(resultType: call.type)
        case .avg: base = AverageAccumulator(resultType: call.type, inputType: inputType)
        case .min, .arbitrary: base = ExtremeAccumulator(type: call.type, keepGreater: false)
        case .max: base = ExtremeAccumulator(type: call.type, keepGreater: true)
        case .boolAnd: base = BooleanAccumulator(isAnd: true)
        case .boolOr: base = BooleanAccumulator(isAnd: false)
        case .stddevSamp, .stddevPop, .varianceSamp, .variancePop: base = VarianceAccumulator(function: call.function)
        case .approxDistinct:
            // Exact distinct count (a hash set of values per group), a valid approx_distinct answer.
            return DistinctAccumulator(base: CountAccumulator(countNulls: false, onlyTrue: false))
        }
        return call.distinct ? DistinctAccumulator(base: base) : base
    }
}

@inline(__always) func included(_ include: [Bool]?, _ validity: [Bool]?, _ i: Int) -> Bool {
    (include?[i] ?? true) && (validity?[i] ?? true)
}

/// count(*), count(x), count_if(x).
final class CountAccumulator: Accumulator {
    let countNulls: Bool
    let onlyTrue: Bool
    var counts: [Int64] = []

    init(countNulls: Bool, onlyTrue: Bool) {
        self.countNulls = countNulls
        self.onlyTrue = onlyTrue
    }

    func resize(_ groups: Int) {
        if groups > counts.count { counts.append(contentsOf: repeatElement(0, count: groups - counts.count)) }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        let validity = countNulls ? nil : input?.validity
        let truth = onlyTrue ? input?.boolValues : nil
        counts.withUnsafeMutableBufferPointer { c in
            groupIDs.withUnsafeBufferPointer { g in
                if validity == nil && include == nil && truth == nil {
                    for i in 0..<g.count { c[Int(g[i])] += 1 }
                } else {
                    for i in 0..<g.count where included(include, validity, i) && (truth?[i] ?? true) { c[Int(g[i])] += 1 }
                }
            }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! CountAccumulator
        for (g, value) in o.counts.enumerated() { counts[Int(mapping[g])] += value }
    }

    func finish() throws -> Column { Column(type: .int64, storage: .int64(counts)) }
    var memoryBytes: Int { counts.count * 8 }
}

/// sum(x): bigint sums fail on overflow (Trino), decimals sum exactly, floats in double.
final class SumAccumulator: Accumulator {
    let resultType: DataType
    var ints: [Int64] = []
    var wide: [Int128] = []
    var doubles: [Double] = []
    var seen: [Bool] = []

    init(resultType: DataType) { self.resultType = resultType }

    func resize(_ groups: Int) {
        guard groups > seen.count else { return }
        let extra = groups - seen.count
        seen.append(contentsOf: repeatElement(false, count: extra))
        switch resultType {
        case .decimal: wide.append(contentsOf: repeatElement(0, count: extra))
        case .float32, .float64: doubles.append(contentsOf: repeatElement(0, count: extra))
        default: ints.append(contentsOf: repeatElement(0, count: extra))
        }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let validity = input.validity
        let n = groupIDs.count
        switch resultType {
        case .decimal:
            let values = input.int128Values
            for i in 0..<n where included(include, validity, i) {
                let g = Int(groupIDs[i])
                let (r, o) = wide[g].addingReportingOverflow(values[i])
                if o { throw TarnError(.invalidValue, "Decimal overflow in sum") }
                wide[g] = r
                seen[g] = true
            }
        case .float32, .float64:
            let values = input.doubleValues
            doubles.withUnsafeMutableBufferPointer { d in
                seen.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n where included(include, validity, i) {
                        let g = Int(groupIDs[i])
                        d[g] += values[i]
                        s[g] = true
                    }
                }
            }
        default:
            let values = input.int64Values
            var overflow = false
            ints.withUnsafeMutableBufferPointer { d in
                seen.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n where included(include, validity, i) {
                        let g = Int(groupIDs[i])
                        let (r, o) = d[g].addingReportingOverflow(values[i])
                        overflow = overflow || o
                        d[g] = r
                        s[g] = true
                    }
                }
            }
            if overflow { throw TarnError(.invalidValue, "bigint addition overflow in sum") }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! SumAccumulator
        for g in 0..<o.seen.count where o.seen[g] {
            let t = Int(mapping[g])
            seen[t] = true
            switch resultType {
            case .decimal: wide[t] += o.wide[g]
            case .float32, .float64: doubles[t] += o.doubles[g]
            default:
                let (r, overflow) = ints[t].addingReportingOverflow(o.ints[g])
                if overflow { throw TarnError(.invalidValue, "bigint addition overflow in sum") }
                ints[t] = r
            }
        }
    }

    func finish() throws -> Column {
        let validity = Validity.compact(seen)
        switch resultType {
        case .decimal: return Column.fromInt128(wide, type: resultType, validity: validity)
        case .float32, .float64: return Column.fromDouble(doubles, type: resultType, validity: validity)
        default: return Column.fromInt64(ints, type: resultType, validity: validity)
        }
    }

    var memoryBytes: Int { seen.count * 17 }
}

/// avg(x): double average, or a decimal average rounded half up to the input scale.
final class AverageAccumulator: Accumulator {
    let resultType: DataType
    let decimal: Bool
    var sums: [Double] = []
    var wide: [Int128] = []
    var counts: [Int64] = []

    init(resultType: DataType, inputType: DataType) {
        self.resultType = resultType
        if case .decimal = resultType { decimal = true } else { decimal = false }
    }

    func resize(_ groups: Int) {
        guard groups > counts.count else { return }
        let extra = groups - counts.count
        counts.append(contentsOf: repeatElement(0, count: extra))
        if decimal { wide.append(contentsOf: repeatElement(0, count: extra)) } else { sums.append(contentsOf: repeatElement(0, count: extra)) }
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let validity = input.validity
        if decimal {
            let values = input.int128Values
            for i in 0..<groupIDs.count where included(include, validity, i) {
                let g = Int(groupIDs[i])
                wide[g] += values[i]
                counts[g] += 1
            }
        } else {
            let values = input.doubleValues
            for i in 0..<groupIDs.count where included(include, validity, i) {
                let g = Int(groupIDs[i])
                sums[g] += values[i]
                counts[g] += 1
            }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! AverageAccumulator
        for g in 0..<o.counts.count where o.counts[g] > 0 {
            let t = Int(mapping[g])
            counts[t] += o.counts[g]
            if decimal { wide[t] += o.wide[g] } else { sums[t] += o.sums[g] }
        }
    }

    func finish() throws -> Column {
        let validity = Validity.compact(counts.map { $0 > 0 })
        if decimal {
            let values = (0..<counts.count).map { counts[$0] > 0 ? ArithmeticKernels.roundDiv(wide[$0], Int128(counts[$0])) : 0 }
            return Column.fromInt128(values, type: resultType, validity: validity)
        }
        let values = (0..<counts.count).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 0 }
        return Column.fromDouble(values, type: resultType, validity: validity)
    }

    var memoryBytes: Int { counts.count * 24 }
}

/// min / max for any orderable type (integers, dates and timestamps as Int64; floats; wide
/// decimals; strings as byte arrays; booleans).
final class ExtremeAccumulator: Accumulator {
    let type: DataType
    let keepGreater: Bool
    var ints: [Int64] = []
    var doubles: [Double] = []
    var wide: [Int128] = []
    var strings: [[UInt8]] = []
    var stringBytes = 0
    var seen: [Bool] = []

    init(type: DataType, keepGreater: Bool) {
        self.type = type
        self.keepGreater = keepGreater
    }

    enum Kind { case int, double, wide, bytes }
    var kind: Kind {
        switch type.physical {
        case .float32, .float64: .double
        case .int128: .wide
        case .bytes, .fixedBytes: .bytes
        default: .int
        }
    }

    func resize(_ groups: Int) {
        guard groups > seen.count else { return }
        let extra = groups - seen.count
        seen.append(contentsOf: repeatElement(false, count: extra))
        switch kind {
        case .int: ints.append(contentsOf: repeatElement(0, count: extra))
        case .double: doubles.append(contentsOf: repeatElement(0, count: extra))
        case .wide: wide.append(contentsOf: repeatElement(0, count: extra))
        case .bytes: strings.append(contentsOf: repeatElement([], count: extra))
        }
    }

    @inline(__always) func better<T: Comparable>(_ candidate: T, _ current: T) -> Bool {
        keepGreater ? candidate > current : candidate < current
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let validity = input.validity
        let n = groupIDs.count
        switch kind {
        case .int:
            let values = input.int64Values
            ints.withUnsafeMutableBufferPointer { d in
                seen.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n where included(include, validity, i) {
                        let g = Int(groupIDs[i])
                        if !s[g] || better(values[i], d[g]) {
                            d[g] = values[i]
                            s[g] = true
                        }
                    }
                }
            }
        case .double:
            let values = input.doubleValues
            for i in 0..<n where included(include, validity, i) {
                let g = Int(groupIDs[i])
                if !seen[g] || better(values[i], doubles[g]) {
                    doubles[g] = values[i]
                    seen[g] = true
                }
            }
        case .wide:
            let values = input.int128Values
            for i in 0..<n where included(include, validity, i) {
                let g = Int(groupIDs[i])
                if !seen[g] || better(values[i], wide[g]) {
                    wide[g] = values[i]
                    seen[g] = true
                }
            }
        case .bytes:
            let view = StringView(input)
            view.data.withUnsafeBytes { d in
                for i in 0..<n where included(include, validity, i) {
                    let g = Int(groupIDs[i])
                    let candidate = UnsafeRawBufferPointer(rebasing: d[view.range(i)])
                    let replace: Bool
                    if !seen[g] {
                        replace = true
                    } else {
                        let c = strings[g].withUnsafeBytes { ByteCompare.compare(candidate, $0) }
                        replace = keepGreater ? c > 0 : c < 0
                    }
                    if replace {
                        stringBytes += candidate.count - strings[g].count
                        strings[g] = Array(candidate)
                        seen[g] = true
                    }
                }
            }
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! ExtremeAccumulator
        for g in 0..<o.seen.count where o.seen[g] {
            let t = Int(mapping[g])
            switch kind {
            case .int: if !seen[t] || better(o.ints[g], ints[t]) { ints[t] = o.ints[g] }
            case .double: if !seen[t] || better(o.doubles[g], doubles[t]) { doubles[t] = o.doubles[g] }
            case .wide: if !seen[t] || better(o.wide[g], wide[t]) { wide[t] = o.wide[g] }
            case .bytes:
                let c = o.strings[g].withUnsafeBytes { a in strings[t].withUnsafeBytes { ByteCompare.compare(a, $0) } }
                if !seen[t] || (keepGreater ? c > 0 : c < 0) {
                    stringBytes += o.strings[g].count - strings[t].count
                    strings[t] = o.strings[g]
                }
            }
            seen[t] = true
        }
    }

    func finish() throws -> Column {
        let validity = Validity.compact(seen)
        switch kind {
        case .int: return Column.fromInt64(ints, type: type, validity: validity)
        case .double: return Column.fromDouble(doubles, type: type, validity: validity)
        case .wide: return Column.fromInt128(wide, type: type, validity: validity)
        case .bytes:
            var builder = StringColumnBuilder(capacity: seen.count)
            for g in 0..<seen.count {
                if seen[g] { builder.append(bytes: strings[g]) } else { builder.appendNull() }
            }
            return builder.build(type: type == .binary ? .binary : .string)
        }
    }

    var memoryBytes: Int { seen.count * 17 + strings.count * 24 + stringBytes }
}

/// bool_and / bool_or.
final class BooleanAccumulator: Accumulator {
    let isAnd: Bool
    var state: [Int8] = []  // -1 none, 0 false, 1 true

    init(isAnd: Bool) { self.isAnd = isAnd }

    func resize(_ groups: Int) {
        if groups > state.count { state.append(contentsOf: repeatElement(-1, count: groups - state.count)) }
    }

    func combine(_ a: Int8, _ b: Bool) -> Int8 {
        if a < 0 { return b ? 1 : 0 }
        return isAnd ? (a == 1 && b ? 1 : 0) : (a == 1 || b ? 1 : 0)
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let values = input.boolValues
        for i in 0..<groupIDs.count where included(include, input.validity, i) {
            let g = Int(groupIDs[i])
            state[g] = combine(state[g], values[i])
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! BooleanAccumulator
        for g in 0..<o.state.count where o.state[g] >= 0 {
            let t = Int(mapping[g])
            state[t] = combine(state[t], o.state[g] == 1)
        }
    }

    func finish() throws -> Column {
        Column(type: .boolean, storage: .bool(state.map { $0 == 1 }), validity: Validity.compact(state.map { $0 >= 0 }))
    }

    var memoryBytes: Int { state.count }
}

/// stddev / variance with Welford's update and Chan's parallel merge.
final class VarianceAccumulator: Accumulator {
    let function: AggregateFunction
    var counts: [Double] = []
    var means: [Double] = []
    var m2: [Double] = []

    init(function: AggregateFunction) { self.function = function }

    func resize(_ groups: Int) {
        guard groups > counts.count else { return }
        let extra = groups - counts.count
        counts.append(contentsOf: repeatElement(0, count: extra))
        means.append(contentsOf: repeatElement(0, count: extra))
        m2.append(contentsOf: repeatElement(0, count: extra))
    }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard let input else { return }
        let values = input.doubleValues
        for i in 0..<groupIDs.count where included(include, input.validity, i) {
            let g = Int(groupIDs[i])
            counts[g] += 1
            let delta = values[i] - means[g]
            means[g] += delta / counts[g]
            m2[g] += delta * (values[i] - means[g])
        }
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! VarianceAccumulator
        for g in 0..<o.counts.count where o.counts[g] > 0 {
            let t = Int(mapping[g])
            let n = counts[t] + o.counts[g]
            let delta = o.means[g] - means[t]
            m2[t] += o.m2[g] + delta * delta * counts[t] * o.counts[g] / n
            means[t] += delta * o.counts[g] / n
            counts[t] = n
        }
    }

    func finish() throws -> Column {
        var values = [Double](repeating: 0, count: counts.count)
        var validity = [Bool](repeating: true, count: counts.count)
        let sample = function == .stddevSamp || function == .varianceSamp
        for g in 0..<counts.count {
            let n = counts[g]
            if n == 0 || (sample && n < 2) { validity[g] = false; continue }
            let variance = m2[g] / (sample ? n - 1 : n)
            values[g] = function == .stddevSamp || function == .stddevPop ? variance.squareRoot() : variance
        }
        return Column(type: .float64, storage: .float64(values), validity: Validity.compact(validity))
    }

    var memoryBytes: Int { counts.count * 24 }
}

/// DISTINCT aggregates (and approx_distinct, computed exactly): collects distinct
/// (group, value) pairs in a hash table and feeds them to the base accumulator at the end, so
/// partial tables from parallel workers merge without double counting.
final class DistinctAccumulator: Accumulator {
    let base: any Accumulator
    let table = KeyTable()
    var pairGroups: [Int32] = []
    var values: [Column] = []
    var groupCount = 0

    init(base: any Accumulator) { self.base = base }

    func resize(_ groups: Int) { groupCount = max(groupCount, groups) }

    func update(_ groupIDs: [Int32], _ input: Column?, include: [Bool]?) throws {
        guard var input else { return }
        var ids = groupIDs
        if let include {
            var indices: [Int32] = []
            for i in 0..<include.count where include[i] { indices.append(Int32(i)) }
            input = input.take(indices)
            ids = indices.map { groupIDs[Int($0)] }
        }
        let groupColumn = Column(type: .int64, storage: .int64(ids.map { Int64($0) }))
        let keys = KeyEncoder.encode([groupColumn, input], count: ids.count)
        var newRows: [Int32] = []
        _ = table.groups(keys, insert: true, newGroupRows: &newRows)
        if newRows.isEmpty { return }
        for row in newRows { pairGroups.append(ids[Int(row)]) }
        values.append(input.take(newRows))
    }

    func merge(_ other: any Accumulator, _ mapping: [Int32]) throws {
        let o = other as! DistinctAccumulator
        guard !o.values.isEmpty else { return }
        let otherValues = Column.concatenate(o.values)
        try update(o.pairGroups.map { mapping[Int($0)] }, otherValues, include: nil)
    }

    func finish() throws -> Column {
        base.resize(groupCount)
        if !values.isEmpty {
            try base.update(pairGroups, Column.concatenate(values), include: nil)
        }
        return try base.finish()
    }

    var memoryBytes: Int { table.memoryBytes + values.reduce(0) { $0 + ColumnSize.bytes($1) } + pairGroups.count * 4 }
}
