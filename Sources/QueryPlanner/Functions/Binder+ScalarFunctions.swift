import Columnar
import SQLParser
import TarnCore

/// Signatures of the scalar functions (Trino's argument and result types).
extension Binder {
    func resolveScalar(_ function: ScalarFunction, _ args: [Expr], _ name: String, _ location: SourceLocation) throws -> Expr {
        func fail() -> TarnError { arityError(name, args, location) }
        func count(_ allowed: ClosedRange<Int>) throws {
            guard allowed.contains(args.count) else { throw fail() }
        }
        func string(_ i: Int) throws -> Expr {
            guard args[i].type == .string || isNullLiteral(args[i]) else { throw fail() }
            return coerce(args[i], to: .string)
        }
        func integer(_ i: Int) throws -> Expr {
            guard args[i].type.isInteger || isNullLiteral(args[i]) else { throw fail() }
            return coerce(args[i], to: .int64)
        }
        func double(_ i: Int) throws -> Expr {
            guard args[i].type.isNumeric || isNullLiteral(args[i]) else { throw fail() }
            return coerce(args[i], to: .float64)
        }
        func temporal(_ i: Int) throws -> Expr {
            switch args[i].type {
            case .date, .timestamp: return args[i]
            default:
                if isNullLiteral(args[i]) { return coerce(args[i], to: SQLTypes.timestamp) }
                throw fail()
            }
        }
        func numeric(_ i: Int) throws -> Expr {
            guard args[i].type.isNumeric || isNullLiteral(args[i]) else { throw fail() }
            return isNullLiteral(args[i]) ? coerce(args[i], to: .float64) : args[i]
        }

        switch function {
        case .negate, .abs, .sign:
            try count(1...1)
            let x = try numeric(0)
            return .call(function, [x], x.type)
        case .round:
            try count(1...2)
            let x = try numeric(0)
            let digits = args.count == 2 ? try integer(1) : nil
            var type = x.type
            if case .decimal(let p, let s) = x.type {
                type = digits == nil ? .decimal(precision: min(38, max(1, p - s + min(s, 1))), scale: 0) : .decimal(precision: min(38, p + 1), scale: s)
            }
            return .call(.round, [x] + (digits.map { [$0] } ?? []), type)
        case .floor, .ceil:
            try count(1...1)
            let x = try numeric(0)
            var type = x.type
            if case .decimal(let p, let s) = x.type { type = .decimal(precision: min(38, max(1, p - s + min(s, 1))), scale: 0) }
            return .call(function, [x], type)
        case .truncate:
            try count(1...1)
            let x = try double(0)
            return .call(.truncate, [x], .float64)
        case .mod:
            try count(2...2)
            return try arithmetic(.modulo, try numeric(0), try numeric(1), location)
        case .power:
            try count(2...2)
            return .call(.power, [try double(0), try double(1)], .float64)
        case .sqrt, .exp, .ln, .log10, .log2:
            try count(1...1)
            return .call(function, [try double(0)], .float64)
        case .greatest, .least:
            guard !args.isEmpty else { throw fail() }
            let type = try unify(args, location, name)
            return .call(function, args.map { coerce($0, to: type) }, type)
        case .random:
            try count(0...0)
            return .call(.random, [], .float64)

        case .concat:
            guard !args.isEmpty else { throw fail() }
            return .call(.concat, try args.indices.map(string), .string)
        case .lower, .upper, .trim, .ltrim, .rtrim, .reverse:
            try count(1...1)
            return .call(function, [try string(0)], .string)
        case .length:
            try count(1...1)
            return .call(.length, [try string(0)], .int64)
        case .substr:
            try count(2...3)
            return .call(.substr, [try string(0), try integer(1)] + (args.count == 3 ? [try integer(2)] : []), .string)
        case .replace:
            try count(2...3)
            return .call(.replace, [try string(0), try string(1), args.count == 3 ? try string(2) : .literal(.string(""), .string)], .string)
        case .splitPart:
            try count(3...3)
            return .call(.splitPart, [try string(0), try string(1), try integer(2)], .string)
        case .strpos:
            try count(2...2)
            return .call(.strpos, [try string(0), try string(1)], .int64)
        case .lpad, .rpad:
            try count(3...3)
            return .call(function, [try string(0), try integer(1), try string(2)], .string)
        case .startsWith:
            try count(2...2)
            return .call(.startsWith, [try string(0), try string(1)], .boolean)
        case .regexpLike:
            try count(2...2)
            return .call(.regexpLike, [try string(0), try string(1)], .boolean)
        case .regexpExtract:
            try count(2...3)
            return .call(.regexpExtract, [try string(0), try string(1)] + (args.count == 3 ? [try integer(2)] : []), .string)
        case .regexpReplace:
            try count(2...3)
            return .call(.regexpReplace, [try string(0), try string(1), args.count == 3 ? try string(2) : .literal(.string(""), .string)], .string)

        case .dateTrunc:
            try count(2...2)
            let unit = try string(0)
            let value = try temporal(1)
            try checkUnit(unit, allowTime: value.type != .date, name, location)
            return .call(.dateTrunc, [unit, value], value.type)
        case .dateAdd:
            try count(3...3)
            let unit = try string(0)
            let value = try temporal(2)
            try checkUnit(unit, allowTime: value.type != .date, name, location)
            return .call(.dateAdd, [unit, try integer(1), value], value.type)
        case .dateDiff:
            try count(3...3)
            let unit = try string(0)
            let type = try unify([args[1], args[2]], location, name)
            guard type == .date || type == SQLTypes.timestamp || type == SQLTypes.timestampUTC else { throw fail() }
            try checkUnit(unit, allowTime: type != .date, name, location)
            return .call(.dateDiff, [unit, coerce(args[1], to: type), coerce(args[2], to: type)], .int64)
        case .year, .quarter, .month, .week, .day, .dayOfWeek, .dayOfYear:
            try count(1...1)
            return .call(function, [try temporal(0)], .int64)
        case .hour, .minute, .second, .millisecond:
            try count(1...1)
            let value = try temporal(0)
            return .call(function, [coerce(value, to: value.type == .date ? SQLTypes.timestamp : value.type)], .int64)
        case .currentDate:
            try count(0...0)
            let days = CivilTime.floorDiv(options.currentTimestampMicros, CivilTime.microsPerDay)
            return .literal(.date(Int32(days)), .date)
        case .currentTimestamp:
            try count(0...0)
            return .literal(.timestamp(options.currentTimestampMicros, .microseconds), SQLTypes.timestampUTC)
        case .fromISO8601Timestamp:
            try count(1...1)
            return .call(.fromISO8601Timestamp, [try string(0)], SQLTypes.timestampUTC)
        case .fromISO8601Date:
            try count(1...1)
            return .call(.fromISO8601Date, [try string(0)], .date)
        case .formatDatetime, .dateFormat:
            try count(2...2)
            let value = try temporal(0)
            return .call(function, [coerce(value, to: value.type == .date ? SQLTypes.timestamp : value.type), try string(1)], .string)
        case .dateParse:
            try count(2...2)
            return .call(.dateParse, [try string(0), try string(1)], SQLTypes.timestamp)
        case .toUnixtime:
            try count(1...1)
            let value = try temporal(0)
            return .call(.toUnixtime, [coerce(value, to: value.type == .date ? SQLTypes.timestamp : value.type)], .float64)
        case .fromUnixtime:
            try count(1...1)
            return .call(.fromUnixtime, [try double(0)], SQLTypes.timestampUTC)
        }
    }

    /// Rejects unknown `date_trunc` / `date_add` / `date_diff` units when written as literals.
    private func checkUnit(_ unit: Expr, allowTime: Bool, _ name: String, _ location: SourceLocation) throws {
        guard case .literal(.string(let text), _) = unit else { return }
        let dateUnits: Set<String> = ["year", "quarter", "month", "week", "day"]
        let timeUnits: Set<String> = ["hour", "minute", "second", "millisecond"]
        let lowered = text.lowercased()
        if dateUnits.contains(lowered) || (allowTime && timeUnits.contains(lowered)) { return }
        throw TarnError(.invalidValue, "line \(location): '\(text)' is not a valid \(allowTime ? "TIMESTAMP" : "DATE") field for \(name)")
    }
}
