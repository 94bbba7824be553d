import Columnar

/// Text renderings of values shared by `cat` (CSV, JSON Lines) and the metadata report:
/// ISO-8601 dates, times and timestamps, exact decimals, hex bytes.
public enum ValueText {
    /// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
    ///
    /// Howard Hinnant's `civil_from_days`: shift the epoch to 0000-03-01 so leap days fall at the
    /// end of a year, then split into 400-year eras, years of era, and days of year.
    public static func civil(days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a civil date (inverse of `civil(days:)`).
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DD`.
    public static func date(_ days: Int64) -> String {
        let (year, month, day) = civil(days: days)
        return "\(pad(year, 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))"
    }

    /// `HH:MM:SS[.fff…]` with as many fraction digits as the unit has.
    public static func time(_ value: Int64, unit: TimeUnit) -> String {
        let perSecond = unit.perSecond
        let seconds = floorDiv(value, perSecond)
        let fraction = value - seconds * perSecond
        let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60)
        return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))" + fractionText(fraction, unit)
    }

    /// ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fff…]`, with `Z` when `utc` (instants are shown in UTC).
    public static func timestamp(_ value: Int64, unit: TimeUnit, utc: Bool) -> String {
        let perDay = unit.perSecond * 86_400
        let days = floorDiv(value, perDay)
        let within = value - days * perDay
        return date(days) + "T" + time(within, unit: unit) + (utc ? "Z" : "")
    }

    /// An exact decimal: the unscaled integer with a point `scale` digits from the right.
    public static func decimal(_ unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        var digits = String(unscaled.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Lower-case hex of bytes.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var out = ""
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return out
    }

    private static func fractionText(_ fraction: Int64, _ unit: TimeUnit) -> String {
        let width: Int
        switch unit {
        case .seconds: return ""
        case .milliseconds: width = 3
        case .microseconds: width = 6
        case .nanoseconds: width = 9
        }
        return "." + pad(fraction, width)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value.magnitude)
        let padded = text.count < width ? String(repeating: "0", count: width - text.count) + text : text
        return value < 0 ? "-" + padded : padded
    }
}
