import Columnar

/// Calendar arithmetic on the proleptic Gregorian calendar, for date and timestamp literals,
/// casts and date functions. Days count from 1970-01-01; timestamps are microseconds (the
/// engine's unit) unless a unit is given.
///
/// The day ↔ civil conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`
/// algorithms (eras of 400 years, March-based years so leap days fall at the end).
public enum CivilTime {
    /// Microseconds per day.
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of a calendar date.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number.
    public static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
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

    /// Whether `year` is a leap year.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Number of days in a month.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO day of week, Monday = 1 … Sunday = 7.
    public static func dayOfWeek(_ days: Int) -> Int {
        // 1970-01-01 was a Thursday (4).
        let r = (days + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// Floor division for negative timestamps.
    @inlinable public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `YYYY-MM-DD`.
    public static func formatDate(_ days: Int32) -> String {
        let (y, m, d) = civil(Int(days))
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (fraction printed to the unit's precision, Trino style).
    public static func formatTimestamp(_ value: Int64, unit: TimeUnit = .microseconds) -> String {
        let perSecond = unit.perSecond
        let seconds = floorDiv(value, perSecond)
        let fraction = value - seconds * perSecond
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        var text = formatDate(Int32(days)) + " " + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":"
            + pad(secondOfDay % 60, 2)
        let digits: Int
        switch unit {
        case .seconds: digits = 0
        case .milliseconds: digits = 3
        case .microseconds: digits = 6
        case .nanoseconds: digits = 9
        }
        if digits > 0 { text += "." + pad(Int(fraction), digits) }
        return text
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(abs(value))
        let padded = text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        return value < 0 ? "-" + padded : padded
    }

    /// Parses `YYYY-MM-DD` (surrounding spaces allowed); nil when malformed or not a real date.
    public static func parseDate(_ text: some StringProtocol) -> Int32? {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count && bytes[i] == 32 { i += 1 }
        guard let (days, next) = parseDateBytes(bytes, i) else { return nil }
        var j = next
        while j < bytes.count && bytes[j] == 32 { j += 1 }
        return j == bytes.count ? Int32(days) : nil
    }

    /// Parses a date at `start`: returns the day number and the index after it.
    static func parseDateBytes(_ b: [UInt8], _ start: Int) -> (Int, Int)? {
        var i = start
        func number(_ minDigits: Int, _ maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while i < b.count, count < maxDigits, b[i] >= 48, b[i] <= 57 {
                value = value * 10 + Int(b[i] - 48)
                i += 1
                count += 1
            }
            return count >= minDigits ? value : nil
        }
        guard let year = number(4, 6), i < b.count, b[i] == 45 else { return nil }
        i += 1
        guard let month = number(1, 2), i < b.count, b[i] == 45 else { return nil }
        i += 1
        guard let day = number(1, 2) else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        return (days(year: year, month: month, day: day), i)
    }

    /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|±HH[:MM]]` into microseconds since the
    /// epoch (a zone offset is applied, giving UTC); nil when malformed.
    public static func parseTimestamp(_ text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        while i < b.count && b[i] == 32 { i += 1 }
        guard let (days, next) = parseDateBytes(b, i) else { return nil }
        i = next
        var micros = Int64(days) * microsPerDay
        func two() -> Int? {
            guard i + 1 < b.count, b[i] >= 48, b[i] <= 57, b[i + 1] >= 48, b[i + 1] <= 57 else { return nil }
            defer { i += 2 }
            return Int(b[i] - 48) * 10 + Int(b[i + 1] - 48)
        }
        if i < b.count && (b[i] == 32 || b[i] == 84) {
            i += 1
            guard let hour = two(), hour < 24, i < b.count, b[i] == 58 else { return nil }
            i += 1
            guard let minute = two(), minute < 60 else { return nil }
            var second = 0
            if i < b.count && b[i] == 58 {
                i += 1
                guard let s = two(), s < 60 else { return nil }
                second = s
            }
            micros += Int64(hour * 3600 + minute * 60 + second) * 1_000_000
            if i < b.count && b[i] == 46 {
                i += 1
                var fraction: Int64 = 0
                var digits = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if digits < 6 { fraction = fraction * 10 + Int64(b[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<6 where digits < 6 { fraction *= 10 }
                micros += fraction
            }
        }
        while i < b.count && b[i] == 32 { i += 1 }
        if i < b.count {
            if b[i] == 90 {  // Z
                i += 1
            } else if b[i] == 43 || b[i] == 45 {  // + or -
                let sign: Int64 = b[i] == 45 ? -1 : 1
                i += 1
                guard let hours = two() else { return nil }
                var minutes = 0
                if i < b.count && b[i] == 58 { i += 1 }
                if i < b.count { guard let m = two() else { return nil }; minutes = m }
                micros -= sign * Int64(hours * 3600 + minutes * 60) * 1_000_000
            } else if b.count - i == 3, String(decoding: b[i...], as: UTF8.self).uppercased() == "UTC" {
                i += 3
            }
        }
        return i == b.count ? micros : nil
    }
}

/// Exact decimal text conversions (unscaled integer + scale).
public enum DecimalText {
    /// `unscaled / 10^scale` as text, e.g. (12345, 2) → `123.45`.
    public static func format(_ unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        var digits = String(negative ? (0 - unscaled).magnitude : unscaled.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Parses `[-+]digits[.digits]` into an unscaled value at `scale`, rounding half away from
    /// zero when there are more fraction digits; nil when malformed or too large.
    public static func parse(_ text: some StringProtocol, scale: Int) -> Int128? {
        var s = Substring(text).drop { $0 == " " }
        while s.last == " " { s = s.dropLast() }
        var negative = false
        if s.first == "-" || s.first == "+" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        var value: Int128 = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var roundUp = false
        var dropped = false
        for c in s {
            if c == "." {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard let d = c.wholeNumberValue, c.isASCII else { return nil }
            seenDigit = true
            if seenPoint {
                if fractionDigits == scale {
                    if !dropped { roundUp = d >= 5 }
                    dropped = true
                    continue
                }
                fractionDigits += 1
            }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int128(d))
            if o1 || o2 { return nil }
            value = a
        }
        guard seenDigit else { return nil }
        for _ in fractionDigits..<scale {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        if roundUp { value += 1 }
        return negative ? -value : value
    }

    /// Precision and scale a decimal literal's text implies (`12.50` → (4, 2)).
    public static func literalType(_ text: String) -> (precision: Int, scale: Int) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = parts[0].drop { $0 == "0" }.count
        let scale = parts.count > 1 ? parts[1].count : 0
        return (max(1, integerDigits + scale), scale)
    }

    /// 10^n as Int128 (n ≤ 38).
    public static func power(_ n: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }
}
