import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// `+ - * / %` with Trino's semantics per result type:
/// - integers: exact, overflow of the result type is an error, `/` truncates toward zero,
///   division by zero is an error;
/// - decimals: exact on unscaled values rescaled to the result scale, division rounds half up
///   (away from zero), results beyond the precision are an error;
/// - double / real: IEEE arithmetic (x/0 gives ±Infinity or NaN).
enum ArithmeticKernels {
    static func evaluate(_ op: ArithmeticOperator, _ a: Vector, _ b: Vector, type: DataType, count: Int) throws -> Vector {
        if a.isNullScalar || b.isNullScalar { return .scalar(.null, type) }
        let scalarResult: Bool
        if case .scalar = a, case .scalar = b { scalarResult = true } else { scalarResult = false }
        let n = scalarResult ? 1 : count
        let x = a.column(count: n), y = b.column(count: n)
        let validity = Validity.and(x.validity, y.validity)
        let result: Column
        switch type {
        case .int8, .int16, .int32, .int64:
            result = try integer(op, x, y, type: type, validity: validity)
        case .decimal(let precision, let scale):
            result = try decimal(op, x, y, precision: precision, scale: scale, type: type, validity: validity)
        case .float32, .float64:
            result = floating(op, x.doubleValues, y.doubleValues, type: type, validity: validity)
        default:
            throw TarnError(.internal, "arithmetic on \(type)")
        }
        return scalarResult ? .scalar(result.value(at: 0), type) : .column(result)
    }

    static func bounds(_ type: DataType) -> (Int64, Int64) {
        switch type {
        case .int8: (Int64(Int8.min), Int64(Int8.max))
        case .int16: (Int64(Int16.min), Int64(Int16.max))
        case .int32: (Int64(Int32.min), Int64(Int32.max))
        default: (Int64.min, Int64.max)
        }
    }

    static func typeName(_ type: DataType) -> String { SQLTypes.name(type) }

    static func integer(_ op: ArithmeticOperator, _ x: Column, _ y: Column, type: DataType, validity: [Bool]?) throws -> Column {
        let a = x.int64Values, b = y.int64Values
        let n = a.count
        var out = [Int64](repeating: 0, count: n)
        let (low, high) = bounds(type)
        var failed = -1
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    switch op {
                    case .add, .subtract, .multiply:
                        var overflow = false
                        for i in 0..<n {
                            let (r, o): (Int64, Bool)
                            switch op {
                            case .add: (r, o) = pa[i].addingReportingOverflow(pb[i])
                            case .subtract: (r, o) = pa[i].subtractingReportingOverflow(pb[i])
                            default: (r, o) = pa[i].multipliedReportingOverflow(by: pb[i])
                            }
                            po[i] = r
                            overflow = overflow || o || r < low || r > high
                        }
                        if overflow {
                            for i in 0..<n where validity?[i] ?? true {
                                let (r, o): (Int64, Bool)
                                switch op {
                                case .add: (r, o) = pa[i].addingReportingOverflow(pb[i])
                                case .subtract: (r, o) = pa[i].subtractingReportingOverflow(pb[i])
                                default: (r, o) = pa[i].multipliedReportingOverflow(by: pb[i])
                                }
                                if o || r < low || r > high { failed = i; break }
                            }
                        }
                    case .divide, .modulo:
                        for i in 0..<n {
                            if let validity, !validity[i] { continue }
                            if pb[i] == 0 { failed = i; break }
                            if pa[i] == Int64.min && pb[i] == -1 {
                                if op == .modulo { po[i] = 0; continue }
                                failed = i; break
                            }
                            let r = op == .divide ? pa[i] / pb[i] : pa[i] % pb[i]
                            if r < low || r > high { failed = i; break }
                            po[i] = r
                        }
                    }
                }
            }
        }
        if failed >= 0 {
            if (op == .divide || op == .modulo) && b[failed] == 0 { throw TarnError(.invalidValue, "Division by zero") }
            let verb: String
            switch op {
            case .add: verb = "addition"
            case .subtract: verb = "subtraction"
            case .multiply: verb = "multiplication"
            case .divide: verb = "division"
            case .modulo: verb = "modulus"
            }
            throw TarnError(.invalidValue, "\(typeName(type)) \(verb) overflow: \(a[failed]) \(op.rawValue) \(b[failed])")
        }
        return Column.fromInt64(out, type: type, validity: validity)
    }

    static func floating(_ op: ArithmeticOperator, _ a: [Double], _ b: [Double], type: DataType, validity: [Bool]?) -> Column {
        let n = a.count
        // (Capacity 0 would write into the shared empty-array singleton: see Column+Take.)
        let out = n == 0 ? [] : [Double](unsafeUninitializedCapacity: n) { po, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    switch op {
                    case .add: for i in 0..<n { po[i] = pa[i] + pb[i] }
                    case .subtract: for i in 0..<n { po[i] = pa[i] - pb[i] }
                    case .multiply: for i in 0..<n { po[i] = pa[i] * pb[i] }
                    case .divide: for i in 0..<n { po[i] = pa[i] / pb[i] }
                    case .modulo: for i in 0..<n { po[i] = pa[i].truncatingRemainder(dividingBy: pb[i]) }
                    }
                }
            }
            initialized = n
        }
        return Column.fromDouble(out, type: type, validity: validity)
    }

    static func scaleOf(_ type: DataType) -> Int {
        if case .decimal(_, let s) = type { return s }
        return 0
    }

    static func decimal(_ op: ArithmeticOperator, _ x: Column, _ y: Column, precision: Int, scale: Int, type: DataType, validity: [Bool]?) throws -> Column {
        let s1 = scaleOf(x.type), s2 = scaleOf(y.type)
        let a = x.int128Values, b = y.int128Values
        let n = a.count
        var out = [Int128](repeating: 0, count: n)
        let limit = DecimalText.power(precision)
        for i in 0..<n {
            if let validity, !validity[i] { continue }
            var r: Int128
            var overflow = false
            switch op {
            case .add, .subtract:
                let (ra, o1) = a[i].multipliedReportingOverflow(by: DecimalText.power(scale - s1))
                let (rb, o2) = b[i].multipliedReportingOverflow(by: DecimalText.power(scale - s2))
                let (sum, o3) = op == .add ? ra.addingReportingOverflow(rb) : ra.subtractingReportingOverflow(rb)
                r = sum
                overflow = o1 || o2 || o3
            case .multiply:
                let (p, o) = a[i].multipliedReportingOverflow(by: b[i])
                r = p
                overflow = o
                // The product's scale is s1 + s2; the result type may have capped it.
                if s1 + s2 > scale { r = roundDiv(r, DecimalText.power(s1 + s2 - scale)) }
            case .divide:
                guard b[i] != 0 else { throw TarnError(.invalidValue, "Division by zero") }
                let shift = scale + s2 - s1
                if shift >= 0 {
                    let (scaled, o) = a[i].multipliedReportingOverflow(by: DecimalText.power(shift))
                    overflow = o
                    r = overflow ? 0 : roundDiv(scaled, b[i])
                } else {
                    r = roundDiv(a[i], b[i] * DecimalText.power(-shift))
                }
            case .modulo:
                guard b[i] != 0 else { throw TarnError(.invalidValue, "Division by zero") }
                let ra = a[i] * DecimalText.power(scale - s1)
                let rb = b[i] * DecimalText.power(scale - s2)
                r = ra % rb
            }
            if overflow || r >= limit || r <= -limit {
                throw TarnError(.invalidValue, "Decimal overflow: result exceeds decimal(\(precision), \(scale))")
            }
            out[i] = r
        }
        return Column.fromInt128(out, type: type, validity: validity)
    }

    /// Division rounding half away from zero.
    @inline(__always) static func roundDiv(_ a: Int128, _ b: Int128) -> Int128 {
        let q = a / b
        let r = a % b
        if r == 0 { return q }
        let twice = (r < 0 ? -r : r) * 2
        let divisor = b < 0 ? -b : b
        if twice >= divisor { return (a < 0) != (b < 0) ? q - 1 : q + 1 }
        return q
    }
}
