import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// `format_datetime` (Joda-Time patterns: `yyyy-MM-dd HH:mm:ss.SSS`, `EEE`, `MMM`, `a`,
/// quoted literals) and `date_format` / `date_parse` (MySQL specifiers: `%Y-%m-%d %H:%i:%s`).
enum DateFormatting {
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    struct Fields {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, micros: Int, weekday: Int, dayOfYear: Int

        init(_ value: Int64) {
            let days = CivilTime.floorDiv(value, CivilTime.microsPerDay)
            let within = value - days * CivilTime.microsPerDay
            let c = CivilTime.civil(Int(days))
            year = c.year
            month = c.month
            day = c.day
            hour = Int(within / 3_600_000_000)
            minute = Int(within / 60_000_000 % 60)
            second = Int(within / 1_000_000 % 60)
            micros = Int(within % 1_000_000)
            weekday = CivilTime.dayOfWeek(Int(days))
            dayOfYear = Int(days) - CivilTime.days(year: c.year, month: 1, day: 1) + 1
        }
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func format(_ args: [Column], mysql: Bool, validity: [Bool]?, count n: Int) throws -> Column {
        let values = args[0].int64Values
        let patterns = StringView(args[1])
        var builder = StringColumnBuilder(capacity: n)
        for i in 0..<n {
            if let validity, !validity[i] { builder.appendNull(); continue }
            let f = Fields(values[i])
            let pattern = patterns.string(i)
            builder.append(string: mysql ? try formatMySQL(f, pattern) : try formatJoda(f, pattern))
        }
        return builder.build()
    }

    static func formatJoda(_ f: Fields, _ pattern: String) throws -> String {
        var out = ""
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                var j = i + 1
                if j < chars.count && chars[j] == "'" { out.append("'"); i += 2; continue }
                while j < chars.count && chars[j] != "'" { out.append(chars[j]); j += 1 }
                i = j + 1
                continue
            }
            guard c.isLetter else { out.append(c); i += 1; continue }
            var run = 1
            while i + run < chars.count && chars[i + run] == c { run += 1 }
            switch c {
            case "y", "Y", "x": out += run == 2 ? pad(f.year % 100, 2) : pad(f.year, run)
            case "M":
                if run >= 4 { out += monthNames[f.month - 1] } else if run == 3 { out += String(monthNames[f.month - 1].prefix(3)) } else { out += pad(f.month, run) }
            case "d": out += pad(f.day, run)
            case "D": out += pad(f.dayOfYear, run)
            case "H": out += pad(f.hour, run)
            case "k": out += pad(f.hour == 0 ? 24 : f.hour, run)
            case "h": out += pad(f.hour % 12 == 0 ? 12 : f.hour % 12, run)
            case "K": out += pad(f.hour % 12, run)
            case "m": out += pad(f.minute, run)
            case "s": out += pad(f.second, run)
            case "S": out += String(pad(f.micros, 6).prefix(run)) + String(repeating: "0", count: max(0, run - 6))
            case "a": out += f.hour < 12 ? "AM" : "PM"
            case "E": out += run >= 4 ? dayNames[f.weekday - 1] : String(dayNames[f.weekday - 1].prefix(3))
            case "e": out += pad(f.weekday, run)
            case "Z": out += run >= 2 ? "+00:00" : "+0000"
            case "z": out += "UTC"
            default: throw TarnError(.invalidValue, "Illegal pattern component: \(String(repeating: c, count: run))")
            }
            i += run
        }
        return out
    }

    static func formatMySQL(_ f: Fields, _ pattern: String) throws -> String {
        var out = ""
        var chars = pattern.makeIterator()
        while let c = chars.next() {
            guard c == "%" else { out.append(c); continue }
            guard let s = chars.next() else { break }
            switch s {
            case "Y": out += pad(f.year, 4)
            case "y": out += pad(f.year % 100, 2)
            case "m": out += pad(f.month, 2)
            case "c": out += String(f.month)
            case "d": out += pad(f.day, 2)
            case "e": out += String(f.day)
            case "H": out += pad(f.hour, 2)
            case "k": out += String(f.hour)
            case "h", "I": out += pad(f.hour % 12 == 0 ? 12 : f.hour % 12, 2)
            case "l": out += String(f.hour % 12 == 0 ? 12 : f.hour % 12)
            case "i": out += pad(f.minute, 2)
            case "s", "S": out += pad(f.second, 2)
            case "f": out += pad(f.micros, 6)
            case "p": out += f.hour < 12 ? "AM" : "PM"
            case "W": out += dayNames[f.weekday - 1]
            case "a": out += String(dayNames[f.weekday - 1].prefix(3))
            case "M": out += monthNames[f.month - 1]
            case "b": out += String(monthNames[f.month - 1].prefix(3))
            case "j": out += pad(f.dayOfYear, 3)
            case "T": out += "\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
            case "r": out += "\(pad(f.hour % 12 == 0 ? 12 : f.hour % 12, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2)) \(f.hour < 12 ? "AM" : "PM")"
            case "%": out.append("%")
            default: throw TarnError(.invalidValue, "%\(s) is not a supported date_format specifier")
            }
        }
        return out
    }

    /// `date_parse(text, format)` with MySQL specifiers (%Y %m %d %H %i %s %f %c %e %T %y %p).
    static func parse(_ args: [Column], validity: [Bool]?, count n: Int) throws -> Column {
        let texts = StringView(args[0]), patterns = StringView(args[1])
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            if let validity, !validity[i] { continue }
            let text = Array(texts.string(i).utf8), pattern = patterns.string(i)
            var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
            var pm: Bool? = nil
            var p = 0
            func number(_ maxDigits: Int) throws -> Int {
                var value = 0, digits = 0
                while p < text.count, digits < maxDigits, text[p] >= 48, text[p] <= 57 {
                    value = value * 10 + Int(text[p] - 48)
                    p += 1
                    digits += 1
                }
                guard digits > 0 else { throw TarnError(.invalidValue, "Invalid format: \"\(texts.string(i))\"") }
                return value
            }
            var spec = pattern.makeIterator()
            while let c = spec.next() {
                if c != "%" {
                    guard p < text.count, Character(UnicodeScalar(text[p])) == c else {
                        throw TarnError(.invalidValue, "Invalid format: \"\(texts.string(i))\"")
                    }
                    p += 1
                    continue
                }
                guard let s = spec.next() else { break }
                switch s {
                case "Y": year = try number(4)
                case "y": year = 2000 + (try number(2))
                case "m", "c": month = try number(2)
                case "d", "e": day = try number(2)
                case "H", "k", "h", "I", "l": hour = try number(2)
                case "i": minute = try number(2)
                case "s", "S": second = try number(2)
                case "f":
                    let start = p
                    let v = try number(9)
                    var digits = p - start
                    var value = v
                    while digits < 6 { value *= 10; digits += 1 }
                    while digits > 6 { value /= 10; digits -= 1 }
                    micros = value
                case "T":
                    hour = try number(2); p += 1
                    minute = try number(2); p += 1
                    second = try number(2)
                case "p":
                    let rest = String(decoding: text[p...].prefix(2), as: UTF8.self).uppercased()
                    pm = rest == "PM"
                    p += 2
                case "%": p += 1
                default: throw TarnError(.invalidValue, "%\(s) is not a supported date_parse specifier")
                }
            }
            if let pm { hour = hour % 12 + (pm ? 12 : 0) }
            guard p == text.count, month >= 1, month <= 12, day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
                hour < 24, minute < 60, second < 60
            else { throw TarnError(.invalidValue, "Invalid format: \"\(texts.string(i))\"") }
            let days = Int64(CivilTime.days(year: year, month: month, day: day))
            out[i] = days * CivilTime.microsPerDay + Int64(hour * 3600 + minute * 60 + second) * 1_000_000 + Int64(micros)
        }
        return Column(type: SQLTypes.timestamp, storage: .int64(out), validity: validity)
    }
}
