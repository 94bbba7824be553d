import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// round, floor, ceil and greatest/least.
enum MathKernels {
    /// `round(x [, d])`, half away from zero for every type (Trino: `Math.round` on the
    /// magnitude for doubles, `HALF_UP` for decimals).
    static func round(_ args: [Column], type: DataType, validity: [Bool]?) throws -> Column {
        let x = args[0]
        let n = x.count
        let digits = args.count > 1 ? args[1].int64Values : [Int64](repeating: 0, count: n)
        switch x.type {
        case .float32, .float64:
            let values = x.doubleValues
            var out = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let v = values[i]
                if !v.isFinite { out[i] = v; continue }
                let d = digits[i]
                if d == 0 {
                    out[i] = v.rounded(.toNearestOrAwayFromZero)
                    continue
                }
                let factor = Foundation.pow(10.0, Double(d))
                let scaled = Swift.abs(v) * factor
                let rounded = (scaled + 0.5).rounded(.down) / factor
                out[i] = rounded.isFinite ? (v < 0 ? -rounded : rounded) : v
            }
            return Column.fromDouble(out, type: type, validity: validity)
        case .decimal(_, let s):
            let values = x.int128Values
            var out = [Int128](repeating: 0, count: n)
            for i in 0..<n {
                if args.count == 1 {
                    out[i] = ArithmeticKernels.roundDiv(values[i], DecimalText.power(s))
                } else {
                    let d = Int(digits[i])
                    if d >= s { out[i] = values[i]; continue }
                    let drop = min(38, s - d)
                    let unit = DecimalText.power(drop)
                    out[i] = ArithmeticKernels.roundDiv(values[i], unit) * unit
                }
            }
            return Column.fromInt128(out, type: type, validity: validity)
        default:
            let values = x.int64Values
            var out = values
            for i in 0..<n where digits[i] < 0 {
                let d = Int(-digits[i])
                if d >= 19 { out[i] = 0; continue }
                let unit = Int128(DecimalText.power(d))
                let r = ArithmeticKernels.roundDiv(Int128(values[i]), unit) * unit
                guard let narrowed = Int64(exactly: r) else { throw TarnError(.invalidValue, "round overflow: \(values[i])") }
                out[i] = narrowed
            }
            return Column.fromInt64(out, type: type, validity: validity)
        }
    }

    static func floorCeil(_ x: Column, up: Bool, type: DataType, validity: [Bool]?) -> Column {
        switch x.type {
        case .float32, .float64:
            return Column.fromDouble(x.doubleValues.map { up ? $0.rounded(.up) : $0.rounded(.down) }, type: type, validity: validity)
        case .decimal(_, let s):
            let unit = DecimalText.power(s)
            let out = x.int128Values.map { v -> Int128 in
                var q = v / unit
                let r = v % unit
                if up && r > 0 { q += 1 }
                if !up && r < 0 { q -= 1 }
                return q
            }
            return Column.fromInt128(out, type: type, validity: validity)
        default:
            return x
        }
    }

    /// greatest / least: the best argument per row (compared by the compare kernel), NULL when
    /// any argument is NULL (Trino).
    static func extreme(_ args: [Column], greatest: Bool, type: DataType, validity: [Bool]?, count n: Int) throws -> Column {
        let all = Column.concatenate(args)
        var chosen = [Int](repeating: 0, count: n)
        for k in 1..<max(1, args.count) {
            let best = all.take(chosen.enumerated().map { Int32($0.element * n + $0.offset) })
            let better = try CompareKernels.compareColumns(greatest ? .greater : .less, args[k], best).boolValues
            for i in 0..<n where better[i] { chosen[i] = k }
        }
        let result = all.take(chosen.enumerated().map { Int32($0.element * n + $0.offset) })
        return Column(type: type, storage: result.storage, validity: validity)
    }
}
