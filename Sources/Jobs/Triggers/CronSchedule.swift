import Foundation
import TarnCore

/// A five-field cron schedule, evaluated in UTC, as crontab(5) defines it:
///
/// ```
/// field          allowed values
/// minute         0-59
/// hour           0-23
/// day of month   1-31
/// month          1-12 (or names, jan-dec)
/// day of week    0-7 (0 or 7 is Sunday, or names, sun-sat)
/// ```
/// Each field is `*`, a value, a range `a-b`, any of those with a step (`*/15`, `8-18/2`), or
/// a comma-separated list of them. crontab(5): "If both fields are restricted (i.e., don't start
/// with *), the command will be run when either field matches the current time." The nicknames
/// `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly` stand
/// for their five-field forms.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// The expression as given.
    public let expression: String
    private let minutes: UInt64
    private let hours: UInt64
    private let daysOfMonth: UInt64
    private let months: UInt64
    private let daysOfWeek: UInt64
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let nicknames = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0", "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses an expression.
    /// - Throws: `TarnError(.invalidArgument)` naming the field and the problem.
    public init(_ expression: String) throws {
        self.expression = expression
        var text = expression.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix("@") {
            guard let expanded = Self.nicknames[text] else { throw TarnError(.invalidArgument, "unknown cron nickname '\(expression)'") }
            text = expanded
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw TarnError(.invalidArgument, "cron expression '\(expression)' has \(fields.count) fields; expected 5 (minute hour day-of-month month day-of-week)")
        }
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: [], expression: expression)
        hours = try Self.field(fields[1], name: "hour", range: 0...23, names: [], expression: expression)
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31, names: [], expression: expression)
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, nameBase: 1, expression: expression)
        var week = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames, expression: expression)
        if week & (1 << 7) != 0 { week = (week | 1) & ~(1 << 7) }  // 7 is Sunday too
        daysOfWeek = week
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    /// The expression.
    public var description: String { expression }

    /// The first minute strictly after `date` that matches, or nil if none does within eight
    /// years (only possible for dates like February 30).
    public func next(after date: Date) -> Date? {
        let start = Int64((date.timeIntervalSince1970 / 60).rounded(.down)) + 1
        var day = Int(CivilCalendar.floorDivide(start, 1440))
        var minuteOfDay = Int(start - Int64(day) * 1440)
        for _ in 0..<(366 * 8) {
            let (_, month, dayOfMonth) = CivilCalendar.date(fromDays: day)
            // 1970-01-01 was a Thursday (day of week 4).
            let weekday = Int(((Int64(day) % 7) + 7 + 4) % 7)
            if months & (1 << UInt64(month)) != 0 && dayMatches(dayOfMonth: dayOfMonth, weekday: weekday) {
                for minute in minuteOfDay..<1440 where hours & (1 << UInt64(minute / 60)) != 0 && minutes & (1 << UInt64(minute % 60)) != 0 {
                    return Date(timeIntervalSince1970: Double(Int64(day) * 86_400 + Int64(minute) * 60))
                }
            }
            day += 1
            minuteOfDay = 0
        }
        return nil
    }

    /// Whether `date`'s minute matches.
    public func matches(_ date: Date) -> Bool {
        let minute = Int64((date.timeIntervalSince1970 / 60).rounded(.down))
        return next(after: Date(timeIntervalSince1970: Double(minute * 60 - 1))) == Date(timeIntervalSince1970: Double(minute * 60))
    }

    private func dayMatches(dayOfMonth: Int, weekday: Int) -> Bool {
        let byMonth = daysOfMonth & (1 << UInt64(dayOfMonth)) != 0
        let byWeek = daysOfWeek & (1 << UInt64(weekday)) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return byMonth || byWeek }
        return byMonth && byWeek
    }

    /// The set of values a field allows, as bits.
    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int = 0, expression: String
    ) throws -> UInt64 {
        func fail(_ why: String) -> TarnError { TarnError(.invalidArgument, "cron expression '\(expression)': \(name) field '\(text)': \(why)") }
        func value(_ token: Substring) throws -> Int {
            if let number = Int(token) {
                guard range.contains(number) else { throw fail("\(number) is outside \(range.lowerBound)-\(range.upperBound)") }
                return number
            }
            if let index = names.firstIndex(of: String(token)) { return index + nameBase }
            throw fail("'\(token)' is not a number\(names.isEmpty ? "" : " or a name")")
        }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail("empty list item") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw fail("more than one '/' in '\(item)'") }
            var step = 1
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed > 0 else { throw fail("step '\(parts[1])' must be a positive number") }
                step = parsed
            }
            let lower: Int, upper: Int
            if parts[0] == "*" {
                (lower, upper) = (range.lowerBound, range.upperBound)
            } else {
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
                switch bounds.count {
                case 1:
                    lower = try value(bounds[0])
                    // crontab(5) "a/n" is not standard; Vixie cron reads it as "a-max/n".
                    upper = parts.count == 2 ? range.upperBound : lower
                case 2:
                    lower = try value(bounds[0])
                    upper = try value(bounds[1])
                    guard lower <= upper else { throw fail("range \(lower)-\(upper) runs backwards") }
                default: throw fail("'\(parts[0])' is not a value or a range")
                }
            }
            for number in stride(from: lower, through: upper, by: step) { bits |= 1 << UInt64(number) }
        }
        return bits
    }
}
