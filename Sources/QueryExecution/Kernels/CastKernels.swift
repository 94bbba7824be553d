import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// CAST and TRY_CAST between the engine's scalar types. A value that does not convert
/// (unparsable text, out of range) fails the query for CAST and becomes NULL for TRY_CAST.
/// Doubles and decimals round half away from zero when they lose digits, as Trino does.
enum CastKernels {
    static func cast(_ vector: Vector, to type: DataType, safe: Bool, count: Int) throws -> Vector {
        switch vector {
        case .scalar(.null, _): return .scalar(.null, type)
        case .scalar(let value, let from):
            let column = try cast(ConstantColumn.make(value, type: from, count: 1), to: type, safe: safe)
            return .scalar(column.value(at: 0), type)
        case .column(let column):
            return .column(try cast(column, to: type, safe: safe))
        }
    }

    static func failure(_ text: String, _ type: DataType) -> TarnError {
        TarnError(.invalidValue, "Cannot cast '\(text)' to \(SQLTypes.name(type))")
    }

    static func cast(_ column: Column, to type: DataType, safe: Bool) throws -> Column {
        let from = column.type
        if from == type { return column }
        let n = column.count
        var validity = column.validityArray
        var failed = false
        func fail(_ i: Int, _ text: @autoclosure () -> String) throws {
            if safe {
                validity[i] = false
                failed = true
            } else {
                throw failure(text(), type)
            }
        }
        func finish(_ storage: ColumnStorage) -> Column {
            Column(type: type, storage: storage, validity: (column.validity != nil || failed) ? Validity.compact(validity) : nil)
        }

        // To text.
        if type == .string || type == .binary {
            if from == .string || from == .binary { return Column(type: type, storage: column.storage, validity: column.validity) }
            var builder = StringColumnBuilder(capacity: n)
            for i in 0..<n {
                if !validity[i] { builder.appendNull(); continue }
                builder.append(string: ValueFormatting.text(column, i))
            }
            return builder.build(type: type)
        }

        // From text.
        if from == .string {
            let view = StringView(column)
            switch type {
            case .boolean:
                var out = [Bool](repeating: false, count: n)
                for i in 0..<n where validity[i] {
                    switch view.string(i).trimmingCharacters(in: .whitespaces).lowercased() {
                    case "true", "t", "1": out[i] = true
                    case "false", "f", "0": out[i] = false
                    default: try fail(i, view.string(i))
                    }
                }
                return finish(.bool(out))
            case .int8, .int16, .int32, .int64:
                let (low, high) = ArithmeticKernels.bounds(type)
                var out = [Int64](repeating: 0, count: n)
                for i in 0..<n where validity[i] {
                    if let v = view.withBytes(i, { ByteParsing.int64($0) }), v >= low, v <= high { out[i] = v } else { try fail(i, view.string(i)) }
                }
                return Column.fromInt64(out, type: type, validity: Validity.compact(validity))
            case .float32, .float64:
                var out = [Double](repeating: 0, count: n)
                for i in 0..<n where validity[i] {
                    let text = view.string(i).trimmingCharacters(in: .whitespaces)
                    if let v = Double(text) { out[i] = v } else if text.lowercased() == "nan" { out[i] = .nan } else { try fail(i, text) }
                }
                return Column.fromDouble(out, type: type, validity: Validity.compact(validity))
            case .decimal(let p, let s):
                var out = [Int128](repeating: 0, count: n)
                let limit = DecimalText.power(p)
                for i in 0..<n where validity[i] {
                    if let v = DecimalText.parse(view.string(i), scale: s), v < limit, v > -limit { out[i] = v } else { try fail(i, view.string(i)) }
                }
                return Column.fromInt128(out, type: type, validity: Validity.compact(validity))
            case .date:
                var out = [Int32](repeating: 0, count: n)
                for i in 0..<n where validity[i] {
                    if let d = CivilTime.parseDate(view.string(i)) { out[i] = d } else { try fail(i, view.string(i)) }
                }
                return finish(.int32(out))
            case .timestamp:
                var out = [Int64](repeating: 0, count: n)
                for i in 0..<n where validity[i] {
                    if let t = CivilTime.parseTimestamp(view.string(i)) { out[i] = t } else { try fail(i, view.string(i)) }
                }
                return finish(.int64(out))
            default:
                throw TarnError(.unsupported, "CAST from varchar to \(SQLTypes.name(type)) is not supported")
            }
        }

        switch (from, type) {
        case (.date, .timestamp):
            return finish(.int64(column.int64Values.map { $0 * CivilTime.microsPerDay }))
        case (.timestamp, .date):
            return finish(.int32(column.int64Values.map { Int32(truncatingIfNeeded: CivilTime.floorDiv($0, CivilTime.microsPerDay)) }))
        case (.timestamp, .timestamp):
            return finish(column.storage)
        case (.boolean, _) where type.isNumeric:
            let ints = column.boolValues.map { $0 ? Int64(1) : 0 }
            return try cast(Column.fromInt64(ints, type: .int64, validity: column.validity), to: type, safe: safe)
        case (_, .boolean) where from.isNumeric:
            return finish(.bool(column.doubleValues.map { $0 != 0 }))
        default:
            break
        }

        guard from.isNumeric, type.isNumeric else {
            throw TarnError(.unsupported, "CAST from \(SQLTypes.name(from)) to \(SQLTypes.name(type)) is not supported")
        }
        switch type {
        case .int8, .int16, .int32, .int64:
            let (low, high) = ArithmeticKernels.bounds(type)
            var out = [Int64](repeating: 0, count: n)
            switch from {
            case .float32, .float64:
                let values = column.doubleValues
                for i in 0..<n where validity[i] {
                    let r = values[i].rounded()
                    if r.isFinite, r >= Double(low), r <= Double(high), let v = Int64(exactly: r) { out[i] = v } else { try fail(i, "\(values[i])") }
                }
            case .decimal(_, let s):
                let values = column.int128Values
                let divisor = DecimalText.power(s)
                for i in 0..<n where validity[i] {
                    let r = ArithmeticKernels.roundDiv(values[i], divisor)
                    if r >= Int128(low), r <= Int128(high) { out[i] = Int64(r) } else { try fail(i, DecimalText.format(values[i], scale: s)) }
                }
            default:
                let values = column.int64Values
                for i in 0..<n where validity[i] {
                    if values[i] >= low && values[i] <= high { out[i] = values[i] } else { try fail(i, "\(values[i])") }
                }
            }
            return Column.fromInt64(out, type: type, validity: Validity.compact(validity))
        case .float32, .float64:
            return Column.fromDouble(column.doubleValues, type: type, validity: column.validity)
        case .decimal(let p, let s):
            var out = [Int128](repeating: 0, count: n)
            let limit = DecimalText.power(p)
            switch from {
            case .float32, .float64:
                let values = column.doubleValues
                let scale = ValueConversion.pow10(s)
                for i in 0..<n where validity[i] {
                    let r = (values[i] * scale).rounded()
                    if r.isFinite, abs(r) < 1e38, Int128(r) < limit, Int128(r) > -limit { out[i] = Int128(r) } else { try fail(i, "\(values[i])") }
                }
            default:
                let fromScale = ArithmeticKernels.scaleOf(from)
                let values = column.int128Values
                for i in 0..<n where validity[i] {
                    let v: Int128
                    if s >= fromScale {
                        let (m, o) = values[i].multipliedReportingOverflow(by: DecimalText.power(s - fromScale))
                        if o { try fail(i, DecimalText.format(values[i], scale: fromScale)); continue }
                        v = m
                    } else {
                        v = ArithmeticKernels.roundDiv(values[i], DecimalText.power(fromScale - s))
                    }
                    if v < limit && v > -limit { out[i] = v } else { try fail(i, DecimalText.format(values[i], scale: fromScale)) }
                }
            }
            return Column.fromInt128(out, type: type, validity: Validity.compact(validity))
        default:
            throw TarnError(.unsupported, "CAST from \(SQLTypes.name(from)) to \(SQLTypes.name(type)) is not supported")
        }
    }
}

/// Parsing numbers straight from bytes (no String allocation on the hot path).
enum ByteParsing {
    /// `[spaces][+-]digits[spaces]` as Int64, nil when malformed or out of range.
    static func int64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var i = 0, end = bytes.count
        while i < end && bytes[i] == 32 { i += 1 }
        while end > i && bytes[end - 1] == 32 { end -= 1 }
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == 45 || bytes[i] == 43 {
            negative = bytes[i] == 45
            i += 1
        }
        guard i < end else { return nil }
        var value: Int64 = 0
        while i < end {
            let d = bytes[i]
            guard d >= 48 && d <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d - 48)) : m.addingReportingOverflow(Int64(d - 48))
            if o1 || o2 { return nil }
            value = a
            i += 1
        }
        return value
    }
}

/// Text renderings of values, as CAST(… AS varchar) and result printing show them.
public enum ValueFormatting {
    /// Row `i` of a column as text (no quoting); "NULL" for null.
    public static func text(_ column: Column, _ i: Int) -> String {
        if column.isNull(i) { return "NULL" }
        return text(column.value(at: i), column.type)
    }

    /// A value as text in Trino's style.
    public static func text(_ value: Value, _ type: DataType) -> String {
        switch value {
        case .null: return "NULL"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d):
            if type == .float32 { return double(Double(Float(d))) }
            return double(d)
        case .decimal(let v, let s): return DecimalText.format(v, scale: s)
        case .string(let s): return s
        case .bytes(let b): return b.map { String(format: "%02x", $0) }.joined()
        case .date(let d): return CivilTime.formatDate(d)
        case .timestamp(let t, let unit):
            let micros: Int64
            switch unit {
            case .seconds: micros = t &* 1_000_000
            case .milliseconds: micros = t &* 1000
            case .microseconds: micros = t
            case .nanoseconds: micros = CivilTime.floorDiv(t, 1000)
            }
            let text = CivilTime.formatTimestamp(micros, unit: .microseconds)
            // Millisecond precision unless there are sub-millisecond digits (Trino prints timestamp(3)).
            let trimmed = micros % 1000 == 0 ? String(text.dropLast(3)) : text
            if case .timestamp(_, true) = type { return trimmed + " UTC" }
            return trimmed
        case .time(let t, _): return String(t)
        case .list(let items): return "[" + items.map { text($0, .string) }.joined(separator: ", ") + "]"
        case .structure(let items): return "{" + items.map { text($0, .string) }.joined(separator: ", ") + "}"
        }
    }

    /// Doubles as Trino's CAST to varchar prints them: plain between 1e-3 and 1e7, else `1.0E10`.
    public static func double(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        let magnitude = abs(d)
        if magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e7) {
            let text = "\(d)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        var exponent = Int(log10(magnitude).rounded(.down))
        var mantissa = d / pow(10, Double(exponent))
        if abs(mantissa) >= 10 {
            mantissa /= 10
            exponent += 1
        }
        var text = "\(mantissa)"
        if !text.contains(".") { text += ".0" }
        return "\(text)E\(exponent)"
    }
}
