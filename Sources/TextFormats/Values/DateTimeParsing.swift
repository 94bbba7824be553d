/// ISO-8601 / SQL date and timestamp text → days and epoch instants.
///
/// Accepted (ISO 8601 extended format and the SQL spelling with a space):
/// ```
/// date      = YYYY "-" MM "-" DD
/// time      = hh ":" mm [":" ss ["." 1*9digit]]
/// zone      = "Z" / ("+" / "-") hh [[":"] mm]
/// timestamp = date [("T" / " ") time [zone]]
/// ```
/// Every field is range-checked (month 1–12, day within its month in that year, hour 0–23,
/// minute and second 0–59), so `2024-02-30` and `25:61` fail rather than roll over. A timestamp
/// without a zone is taken as UTC (the raw zone's convention; see the retail data README).
enum DateTimeParsing {
    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    @inline(__always)
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (inverse of `daysFromCivil`).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inline(__always)
    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Two ASCII digits at `start`, or -1.
    @inline(__always)
    private static func twoDigits(_ start: UnsafePointer<UInt8>) -> Int {
        let high = start[0] &- UInt8(ascii: "0"), low = start[1] &- UInt8(ascii: "0")
        return high < 10 && low < 10 ? Int(high) * 10 + Int(low) : -1
    }

    /// Parses `YYYY-MM-DD` at the front; returns days and the bytes used, or nil.
    @inline(__always)
    private static func parseDatePrefix(_ start: UnsafePointer<UInt8>, _ count: Int) -> (days: Int, used: Int)? {
        guard count >= 10, start[4] == UInt8(ascii: "-"), start[7] == UInt8(ascii: "-") else { return nil }
        let century = twoDigits(start), yearInCentury = twoDigits(start + 2)
        let month = twoDigits(start + 5), day = twoDigits(start + 8)
        guard century >= 0, yearInCentury >= 0, month >= 1, month <= 12, day >= 1 else { return nil }
        let year = century * 100 + yearInCentury
        guard day <= daysInMonth(month, year: year) else { return nil }
        return (daysFromCivil(year: year, month: month, day: day), 10)
    }

    /// Days since the epoch of a `YYYY-MM-DD` date, or nil.
    @inline(__always)
    static func parseDate(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
        guard count == 10, let (days, _) = parseDatePrefix(start, count) else { return nil }
        return Int32(days)
    }

    /// Parses `hh:mm[:ss[.fraction]]`; returns nanoseconds since midnight and the bytes used.
    @inline(__always)
    private static func parseTimePrefix(_ start: UnsafePointer<UInt8>, _ count: Int) -> (nanos: Int64, used: Int)? {
        guard count >= 5, start[2] == UInt8(ascii: ":") else { return nil }
        let hour = twoDigits(start), minute = twoDigits(start + 3)
        guard hour >= 0, hour <= 23, minute >= 0, minute <= 59 else { return nil }
        var nanos = Int64(hour * 3600 + minute * 60) * 1_000_000_000
        var index = 5
        if index < count && start[index] == UInt8(ascii: ":") {
            guard index + 3 <= count else { return nil }
            let second = twoDigits(start + index + 1)
            guard second >= 0, second <= 59 else { return nil }
            nanos += Int64(second) * 1_000_000_000
            index += 3
            if index < count && start[index] == UInt8(ascii: ".") {
                index += 1
                var fraction: Int64 = 0
                var digits = 0
                while index < count {
                    let digit = start[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { break }
                    // Digits past nanoseconds are truncated (no representable unit is finer).
                    if digits < 9 { fraction = fraction * 10 + Int64(digit) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 9)..<9 { fraction *= 10 }
                nanos += fraction
            }
        }
        return (nanos, index)
    }

    /// Nanoseconds since midnight of a `hh:mm[:ss[.fraction]]` time of day, or nil.
    static func parseTimeOfDay(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard let (nanos, used) = parseTimePrefix(start, count), used == count else { return nil }
        return nanos
    }

    /// Seconds east of UTC of a zone designator filling the rest of the text, or nil.
    @inline(__always)
    private static func parseZone(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        if count == 1 && (start[0] == UInt8(ascii: "Z") || start[0] == UInt8(ascii: "z")) { return 0 }
        guard count >= 3, start[0] == UInt8(ascii: "+") || start[0] == UInt8(ascii: "-") else { return nil }
        let sign = start[0] == UInt8(ascii: "-") ? -1 : 1
        let hours = twoDigits(start + 1)
        guard hours >= 0, hours <= 23 else { return nil }
        var minutes = 0
        switch count {
        case 3: break
        case 5: minutes = twoDigits(start + 3)
        case 6:
            guard start[3] == UInt8(ascii: ":") else { return nil }
            minutes = twoDigits(start + 4)
        default: return nil
        }
        guard minutes >= 0, minutes <= 59 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    /// The UTC instant of a timestamp, in nanoseconds since the epoch, or nil.
    ///
    /// Nanoseconds in `Int64` cover 1677…2262; callers that want other units use
    /// `parseTimestamp(_:_:unit:)`, which does not go through nanoseconds for the date part.
    @inline(__always)
    static func parseTimestamp(_ start: UnsafePointer<UInt8>, _ count: Int, unitsPerSecond: Int64) -> Int64? {
        guard let (days, used) = parseDatePrefix(start, count) else { return nil }
        var seconds = Int64(days) * 86_400
        var subsecondNanos: Int64 = 0
        if used < count {
            let separator = start[used]
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "t") else { return nil }
            guard let (nanos, timeUsed) = parseTimePrefix(start + used + 1, count - used - 1) else { return nil }
            seconds += nanos / 1_000_000_000
            subsecondNanos = nanos % 1_000_000_000
            let rest = used + 1 + timeUsed
            if rest < count {
                guard let offset = parseZone(start + rest, count - rest) else { return nil }
                seconds -= Int64(offset)
            }
        }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: unitsPerSecond)
        guard !overflow else { return nil }
        return scaled + subsecondNanos / (1_000_000_000 / unitsPerSecond)
    }
}
