import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// Date and timestamp functions. Dates are days since 1970-01-01 (`int32`), timestamps
/// microseconds since the epoch (`int64`); zoned timestamps are kept in UTC.
enum DateKernels {
    /// Splits a date or timestamp column into day numbers and microseconds within the day.
    static func split(_ column: Column) -> (days: [Int64], micros: [Int64]) {
        let values = column.int64Values
        if column.type == .date { return (values, [Int64](repeating: 0, count: values.count)) }
        var days = [Int64](repeating: 0, count: values.count)
        var micros = [Int64](repeating: 0, count: values.count)
        for i in 0..<values.count {
            let d = CivilTime.floorDiv(values[i], CivilTime.microsPerDay)
            days[i] = d
            micros[i] = values[i] - d * CivilTime.microsPerDay
        }
        return (days, micros)
    }

    static func extract(_ function: ScalarFunction, _ column: Column, validity: [Bool]?) -> Column {
        let (days, micros) = split(column)
        let n = days.count
        var out = [Int64](repeating: 0, count: n)
        var lastDay = Int64.min
        var civil = (year: 0, month: 0, day: 0)
        for i in 0..<n {
            switch function {
            case .hour: out[i] = micros[i] / 3_600_000_000
            case .minute: out[i] = micros[i] / 60_000_000 % 60
            case .second: out[i] = micros[i] / 1_000_000 % 60
            case .millisecond: out[i] = micros[i] / 1000 % 1000
            case .dayOfWeek: out[i] = Int64(CivilTime.dayOfWeek(Int(days[i])))
            default:
                // Consecutive rows usually share a day; convert once per distinct day.
                if days[i] != lastDay {
                    civil = CivilTime.civil(Int(days[i]))
                    lastDay = days[i]
                }
                switch function {
                case .year: out[i] = Int64(civil.year)
                case .month: out[i] = Int64(civil.month)
                case .day: out[i] = Int64(civil.day)
                case .quarter: out[i] = Int64((civil.month - 1) / 3 + 1)
                case .dayOfYear: out[i] = days[i] - Int64(CivilTime.days(year: civil.year, month: 1, day: 1)) + 1
                case .week: out[i] = Int64(isoWeek(Int(days[i])))
                default: break
                }
            }
        }
        return Column(type: .int64, storage: .int64(out), validity: validity)
    }

    /// ISO-8601 week number.
    static func isoWeek(_ days: Int) -> Int {
        let weekday = CivilTime.dayOfWeek(days)  // 1 = Monday
        let thursday = days - weekday + 4
        let year = CivilTime.civil(thursday).year
        let firstDay = CivilTime.days(year: year, month: 1, day: 1)
        return (thursday - firstDay) / 7 + 1
    }

    static func unit(_ column: Column, _ i: Int) throws -> String {
        let text = (column.string(at: i) ?? "").lowercased()
        switch text {
        case "year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond": return text
        default: throw TarnError(.invalidValue, "'\(text)' is not a valid time unit")
        }
    }

    static func truncate(_ args: [Column], type: DataType, validity: [Bool]?, count n: Int) throws -> Column {
        let (days, micros) = split(args[1])
        var out = [Int64](repeating: 0, count: n)
        var cachedUnit: String? = nil
        for i in 0..<n {
            if let validity, !validity[i] { continue }
            let u: String
            if let cachedUnit, args[0].count == 1 || i > 0 && args[0].string(at: i) == args[0].string(at: i - 1) { u = cachedUnit } else { u = try unit(args[0], i) }
            cachedUnit = u
            var day = days[i]
            var micro = micros[i]
            switch u {
            case "millisecond": micro -= micro % 1000
            case "second": micro -= micro % 1_000_000
            case "minute": micro -= micro % 60_000_000
            case "hour": micro -= micro % 3_600_000_000
            case "day": micro = 0
            case "week":
                day -= Int64(CivilTime.dayOfWeek(Int(day)) - 1)
                micro = 0
            default:
                let c = CivilTime.civil(Int(day))
                let month = u == "year" ? 1 : u == "quarter" ? (c.month - 1) / 3 * 3 + 1 : c.month
                day = Int64(CivilTime.days(year: c.year, month: month, day: 1))
                micro = 0
            }
            out[i] = type == .date ? day : day * CivilTime.microsPerDay + micro
        }
        return type == .date
            ? Column(type: .date, storage: .int32(out.map { Int32(truncatingIfNeeded: $0) }), validity: validity)
            : Column(type: type, storage: .int64(out), validity: validity)
    }

    /// Adds months with the day clamped to the month's length (Jan 31 + 1 month = Feb 29 in 2024).
    static func addMonths(_ day: Int64, _ months: Int64) -> Int64 {
        let c = CivilTime.civil(Int(day))
        let total = Int64(c.year) * 12 + Int64(c.month - 1) + months
        let year = Int(CivilTime.floorDiv(total, 12))
        let month = Int(total - Int64(year) * 12) + 1
        let dayOfMonth = min(c.day, CivilTime.daysInMonth(year: year, month: month))
        return Int64(CivilTime.days(year: year, month: month, day: dayOfMonth))
    }

    static func add(_ args: [Column], type: DataType, validity: [Bool]?, count n: Int) throws -> Column {
        let amounts = args[1].int64Values
        let (days, micros) = split(args[2])
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            if let validity, !validity[i] { continue }
            let u = try unit(args[0], i)
            var day = days[i], micro = micros[i]
            let amount = amounts[i]
            switch u {
            case "year": day = addMonths(day, amount * 12)
            case "quarter": day = addMonths(day, amount * 3)
            case "month": day = addMonths(day, amount)
            case "week": day += amount * 7
            case "day": day += amount
            default:
                let unitMicros: Int64 = u == "hour" ? 3_600_000_000 : u == "minute" ? 60_000_000 : u == "second" ? 1_000_000 : 1000
                let total = day * CivilTime.microsPerDay + micro + amount * unitMicros
                day = CivilTime.floorDiv(total, CivilTime.microsPerDay)
                micro = total - day * CivilTime.microsPerDay
            }
            out[i] = type == .date ? day : day * CivilTime.microsPerDay + micro
        }
        return type == .date
            ? Column(type: .date, storage: .int32(out.map { Int32(truncatingIfNeeded: $0) }), validity: validity)
            : Column(type: type, storage: .int64(out), validity: validity)
    }

    /// Whole units from the first to the second value (negative when the second is earlier).
    static func diff(_ args: [Column], validity: [Bool]?, count n: Int) throws -> Column {
        let isDate = args[1].type == .date
        let a = args[1].int64Values.map { isDate ? $0 * CivilTime.microsPerDay : $0 }
        let b = args[2].int64Values.map { isDate ? $0 * CivilTime.microsPerDay : $0 }
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            if let validity, !validity[i] { continue }
            let u = try unit(args[0], i)
            let delta = b[i] - a[i]
            switch u {
            case "millisecond": out[i] = delta / 1000
            case "second": out[i] = delta / 1_000_000
            case "minute": out[i] = delta / 60_000_000
            case "hour": out[i] = delta / 3_600_000_000
            case "day": out[i] = delta / CivilTime.microsPerDay
            case "week": out[i] = delta / (7 * CivilTime.microsPerDay)
            default:
                let da = CivilTime.floorDiv(a[i], CivilTime.microsPerDay), db = CivilTime.floorDiv(b[i], CivilTime.microsPerDay)
                let ca = CivilTime.civil(Int(da)), cb = CivilTime.civil(Int(db))
                var months = Int64((cb.year - ca.year) * 12 + (cb.month - ca.month))
                // A partial month does not count: compare day-of-month and time of day.
                let restA = Int64(ca.day) * CivilTime.microsPerDay + (a[i] - da * CivilTime.microsPerDay)
                let restB = Int64(cb.day) * CivilTime.microsPerDay + (b[i] - db * CivilTime.microsPerDay)
                if months > 0 && restB < restA { months -= 1 }
                if months < 0 && restB > restA { months += 1 }
                out[i] = u == "year" ? months / 12 : u == "quarter" ? months / 3 : months
            }
        }
        return Column(type: .int64, storage: .int64(out), validity: validity)
    }
}
