import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Scalar functions over columns. Every function returns NULL for a row where any argument is
/// NULL (Trino's "null on null input"), except where noted.
enum FunctionKernels {
    static func evaluate(_ function: ScalarFunction, _ args: [Vector], type: DataType, count: Int, context: EvaluationContext) throws -> Vector {
        // Constant arguments give a constant result: evaluate once on one row.
        if !args.isEmpty, args.allSatisfy({ if case .scalar = $0 { true } else { false } }), function.isDeterministic {
            let columns = args.map { $0.column(count: 1) }
            let result = try evaluateColumns(function, columns, type: type, count: 1, context: context)
            return .scalar(result.value(at: 0), type)
        }
        let columns = args.map { $0.column(count: count) }
        return .column(try evaluateColumns(function, columns, type: type, count: count, context: context))
    }

    static func nullMask(_ columns: [Column]) -> [Bool]? {
        var validity: [Bool]? = nil
        for column in columns { validity = Validity.and(validity, column.validity) }
        return validity
    }

    static func evaluateColumns(_ function: ScalarFunction, _ args: [Column], type: DataType, count n: Int, context: EvaluationContext) throws -> Column {
        let validity = nullMask(args)
        @inline(__always) func valid(_ i: Int) -> Bool { validity?[i] ?? true }
        switch function {
        // MARK: Math
        case .negate:
            let x = args[0]
            switch x.type {
            case .float32, .float64: return Column.fromDouble(x.doubleValues.map { -$0 }, type: type, validity: validity)
            case .decimal: return Column.fromInt128(x.int128Values.map { -$0 }, type: type, validity: validity)
            default:
                let (low, _) = ArithmeticKernels.bounds(type)
                let values = x.int64Values
                for i in 0..<n where valid(i) && values[i] == low {
                    throw TarnError(.invalidValue, "\(SQLTypes.name(type)) negation overflow: \(values[i])")
                }
                return Column.fromInt64(values.map { $0 == low ? 0 : -$0 }, type: type, validity: validity)
            }
        case .abs:
            let x = args[0]
            switch x.type {
            case .float32, .float64: return Column.fromDouble(x.doubleValues.map { Swift.abs($0) }, type: type, validity: validity)
            case .decimal: return Column.fromInt128(x.int128Values.map { $0 < 0 ? -$0 : $0 }, type: type, validity: validity)
            default:
                let (low, _) = ArithmeticKernels.bounds(type)
                let values = x.int64Values
                for i in 0..<n where valid(i) && values[i] == low {
                    throw TarnError(.invalidValue, "Value -\(values[i]) is out of range for abs(\(SQLTypes.name(type)))")
                }
                return Column.fromInt64(values.map { $0 == low ? 0 : Swift.abs($0) }, type: type, validity: validity)
            }
        case .sign:
            let x = args[0]
            switch x.type {
            case .float32, .float64: return Column.fromDouble(x.doubleValues.map { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 }, type: type, validity: validity)
            case .decimal:
                let scale = DecimalText.power(ArithmeticKernels.scaleOf(x.type))
                return Column.fromInt128(x.int128Values.map { $0 > 0 ? scale : $0 < 0 ? -scale : 0 }, type: type, validity: validity)
            default: return Column.fromInt64(x.int64Values.map { $0.signum() }, type: type, validity: validity)
            }
        case .round:
            return try MathKernels.round(args, type: type, validity: validity)
        case .floor, .ceil:
            return MathKernels.floorCeil(args[0], up: function == .ceil, type: type, validity: validity)
        case .truncate:
            return Column.fromDouble(args[0].doubleValues.map { $0.rounded(.towardZero) }, type: type, validity: validity)
        case .power:
            let a = args[0].doubleValues, b = args[1].doubleValues
            return Column.fromDouble((0..<n).map { Foundation.pow(a[$0], b[$0]) }, type: type, validity: validity)
        case .sqrt: return Column.fromDouble(args[0].doubleValues.map { $0.squareRoot() }, type: type, validity: validity)
        case .exp: return Column.fromDouble(args[0].doubleValues.map { Foundation.exp($0) }, type: type, validity: validity)
        case .ln: return Column.fromDouble(args[0].doubleValues.map { Foundation.log($0) }, type: type, validity: validity)
        case .log10: return Column.fromDouble(args[0].doubleValues.map { Foundation.log10($0) }, type: type, validity: validity)
        case .log2: return Column.fromDouble(args[0].doubleValues.map { Foundation.log2($0) }, type: type, validity: validity)
        case .mod:
            throw TarnError(.internal, "mod is bound as arithmetic")
        case .greatest, .least:
            return try MathKernels.extreme(args, greatest: function == .greatest, type: type, validity: validity, count: n)
        case .random:
            return Column.fromDouble((0..<n).map { _ in Double.random(in: 0..<1) }, type: .float64, validity: nil)

        // MARK: Strings
        case .concat:
            let views = args.map(StringView.init)
            var builder = StringColumnBuilder(capacity: n)
            for i in 0..<n {
                guard valid(i) else { builder.appendNull(); continue }
                var bytes: [UInt8] = []
                for view in views { bytes.append(contentsOf: view.data[view.range(i)]) }
                builder.append(bytes: bytes)
            }
            return builder.build()
        case .lower, .upper:
            let upper = function == .upper
            return StringKernels.map(args[0], validity: validity) { bytes, out in
                if bytes.allSatisfy({ $0 < 0x80 }) {
                    for b in bytes {
                        if upper { out.append(b >= 97 && b <= 122 ? b - 32 : b) } else { out.append(b >= 65 && b <= 90 ? b + 32 : b) }
                    }
                } else {
                    let s = String(decoding: bytes, as: UTF8.self)
                    out.append(contentsOf: (upper ? s.uppercased() : s.lowercased()).utf8)
                }
            }
        case .trim, .ltrim, .rtrim:
            return StringKernels.map(args[0], validity: validity) { bytes, out in
                var start = 0, end = bytes.count
                func space(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
                if function != .rtrim { while start < end && space(bytes[start]) { start += 1 } }
                if function != .ltrim { while end > start && space(bytes[end - 1]) { end -= 1 } }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
        case .reverse:
            return StringKernels.map(args[0], validity: validity) { bytes, out in
                let s = String(decoding: bytes, as: UTF8.self)
                out.append(contentsOf: String(String.UnicodeScalarView(s.unicodeScalars.reversed())).utf8)
            }
        case .length:
            let view = StringView(args[0])
            var out = [Int64](repeating: 0, count: n)
            view.data.withUnsafeBufferPointer { d in
                for i in 0..<n where valid(i) {
                    var characters: Int64 = 0
                    for j in view.range(i) where d[j] & 0xC0 != 0x80 { characters += 1 }
                    out[i] = characters
                }
            }
            return Column(type: .int64, storage: .int64(out), validity: validity)
        case .substr:
            return try StringKernels.substr(args, validity: validity, count: n)
        case .replace:
            return StringKernels.replace(args, validity: validity, count: n)
        case .splitPart:
            return try StringKernels.splitPart(args, validity: validity, count: n)
        case .strpos:
            return StringKernels.strpos(args, validity: validity, count: n)
        case .lpad, .rpad:
            return try StringKernels.pad(args, left: function == .lpad, validity: validity, count: n)
        case .startsWith:
            let s = StringView(args[0]), p = StringView(args[1])
            var out = [Bool](repeating: false, count: n)
            for i in 0..<n where valid(i) {
                let sr = s.range(i), pr = p.range(i)
                out[i] = sr.count >= pr.count && s.data[sr.lowerBound..<(sr.lowerBound + pr.count)].elementsEqual(p.data[pr])
            }
            return Column(type: .boolean, storage: .bool(out), validity: validity)
        case .regexpLike, .regexpExtract, .regexpReplace:
            return try RegexKernels.evaluate(function, args, validity: validity, count: n, context: context)

        // MARK: Dates and times
        case .year, .quarter, .month, .week, .day, .dayOfWeek, .dayOfYear, .hour, .minute, .second, .millisecond:
            return DateKernels.extract(function, args[0], validity: validity)
        case .dateTrunc:
            return try DateKernels.truncate(args, type: type, validity: validity, count: n)
        case .dateAdd:
            return try DateKernels.add(args, type: type, validity: validity, count: n)
        case .dateDiff:
            return try DateKernels.diff(args, validity: validity, count: n)
        case .currentDate, .currentTimestamp:
            throw TarnError(.internal, "\(function.rawValue) is folded by the binder")
        case .fromISO8601Timestamp, .fromISO8601Date:
            let view = StringView(args[0])
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n where valid(i) {
                let text = view.string(i)
                guard let micros = CivilTime.parseTimestamp(text) else {
                    throw TarnError(.invalidValue, "Invalid format: \"\(text)\"")
                }
                out[i] = micros
            }
            if function == .fromISO8601Date {
                return Column(type: .date, storage: .int32(out.map { Int32(CivilTime.floorDiv($0, CivilTime.microsPerDay)) }), validity: validity)
            }
            return Column(type: type, storage: .int64(out), validity: validity)
        case .formatDatetime, .dateFormat:
            return try DateFormatting.format(args, mysql: function == .dateFormat, validity: validity, count: n)
        case .dateParse:
            return try DateFormatting.parse(args, validity: validity, count: n)
        case .toUnixtime:
            return Column.fromDouble(args[0].int64Values.map { Double($0) / 1_000_000 }, type: .float64, validity: validity)
        case .fromUnixtime:
            return Column(type: type, storage: .int64(args[0].doubleValues.map { Int64(($0 * 1_000_000).rounded()) }), validity: validity)
        }
    }
}
