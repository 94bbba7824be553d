import Foundation

/// UTC calendar arithmetic for restore expiry and lifecycle due dates.
public enum UTCDays {
    /// Seconds per day.
    public static let secondsPerDay: TimeInterval = 86_400

    /// Midnight UTC at the start of `date`'s day.
    public static func startOfDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / secondsPerDay).rounded(.down) * secondsPerDay)
    }

    /// The next midnight UTC at or after `date` ("rounded to the next day midnight UTC"; an
    /// instant already at midnight stays).
    public static func nextMidnight(onOrAfter date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / secondsPerDay).rounded(.up) * secondsPerDay)
    }

    /// `date` plus whole days.
    public static func adding(days: Int, to date: Date) -> Date { date.addingTimeInterval(Double(days) * secondsPerDay) }

    /// Parses `YYYY-MM-DD` as midnight UTC.
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let date = Date(timeIntervalSince1970: Double(days) * secondsPerDay)
        guard format(date) == text else { return nil }
        return date
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    public static func format(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / secondsPerDay).rounded(.down))
        let (year, month, day) = civilFromDays(days)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
