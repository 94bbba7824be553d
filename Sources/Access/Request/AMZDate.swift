import Foundation

/// The timestamps AWS signatures use, parsed and formatted without `DateFormatter` (which is slow
/// and locale-sensitive) since every request carries one.
///
/// - SigV4 `X-Amz-Date`: ISO 8601 basic format, `yyyyMMdd'T'HHmmss'Z'` (e.g. `20130524T000000Z`);
///   the credential scope carries its first 8 characters.
/// - HTTP `Date` (SigV2, and SigV4 when `x-amz-date` is absent): RFC 7231 IMF-fixdate,
///   `Fri, 24 May 2013 00:00:00 GMT`.
public enum AMZDate {
    /// Parses `yyyyMMdd'T'HHmmss'Z'` to whole seconds since 1970; `nil` when malformed.
    public static func parseISO8601Basic(_ text: some StringProtocol) -> Int64? {
        guard text.utf8.count == 16 else { return nil }
        // Copied to a stack buffer: this runs for every request.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            _ = buffer.initialize(from: text.utf8)
            return parseISO8601Basic(bytes: UnsafeBufferPointer(buffer))
        }
    }

    private static func parseISO8601Basic(bytes utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard utf8[8] == UInt8(ascii: "T"), utf8[15] == UInt8(ascii: "Z") else { return nil }
        guard let year = digits(utf8, 0, 4), let month = digits(utf8, 4, 2), let day = digits(utf8, 6, 2),
            let hour = digits(utf8, 9, 2), let minute = digits(utf8, 11, 2), let second = digits(utf8, 13, 2)
        else { return nil }
        return epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses an IMF-fixdate (`Fri, 24 May 2013 00:00:00 GMT`) to seconds since 1970; `nil` when
    /// malformed. The weekday is not checked against the date.
    public static func parseHTTPDate(_ text: some StringProtocol) -> Int64? {
        let utf8 = Array(text.utf8)
        // "Www, DD Mon YYYY HH:MM:SS GMT" is 29 bytes.
        guard utf8.count == 29, utf8[3] == UInt8(ascii: ","), utf8[4] == UInt8(ascii: " "),
            utf8[7] == UInt8(ascii: " "), utf8[11] == UInt8(ascii: " "), utf8[16] == UInt8(ascii: " "),
            utf8[19] == UInt8(ascii: ":"), utf8[22] == UInt8(ascii: ":"),
            String(decoding: utf8[25...], as: UTF8.self) == " GMT"
        else { return nil }
        let monthName = String(decoding: utf8[8..<11], as: UTF8.self)
        guard let monthIndex = monthNames.firstIndex(of: monthName), let day = digits(utf8, 5, 2),
            let year = digits(utf8, 12, 4), let hour = digits(utf8, 17, 2), let minute = digits(utf8, 20, 2),
            let second = digits(utf8, 23, 2)
        else { return nil }
        return epochSeconds(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }

    /// Formats seconds since 1970 as `yyyyMMdd'T'HHmmss'Z'`.
    public static func iso8601Basic(_ seconds: Int64) -> String {
        let (year, month, day, hour, minute, second) = civil(seconds)
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2) + "Z"
    }

    /// Formats a date as `yyyyMMdd'T'HHmmss'Z'` (fractions of a second are dropped).
    public static func iso8601Basic(_ date: Date) -> String { iso8601Basic(seconds(date)) }

    /// Formats seconds since 1970 as ISO 8601 extended, `2013-05-24T00:00:00Z`, the form S3 uses in
    /// error details such as `<Expires>` and `<ServerTime>`.
    public static func iso8601Extended(_ seconds: Int64) -> String {
        let (year, month, day, hour, minute, second) = civil(seconds)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }

    /// Formats seconds since 1970 as an IMF-fixdate (`Fri, 24 May 2013 00:00:00 GMT`).
    public static func httpDate(_ seconds: Int64) -> String {
        let (year, month, day, hour, minute, second) = civil(seconds)
        // 1970-01-01 was a Thursday.
        let days = Int(floorDivide(seconds, 86_400))
        let weekday = weekdayNames[((days % 7) + 7 + 4) % 7]
        return "\(weekday), \(pad(day, 2)) \(monthNames[month - 1]) \(pad(year, 4)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)) GMT"
    }

    /// Whole seconds since 1970 of a date, rounded down.
    public static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    private static func digits(_ bytes: some RandomAccessCollection<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        var index = bytes.index(bytes.startIndex, offsetBy: start)
        for _ in 0..<count {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index = bytes.index(after: index)
        }
        return value
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    /// Validates the fields and converts a UTC civil time to seconds since 1970, using Howard
    /// Hinnant's `days_from_civil` (proleptic Gregorian calendar).
    private static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        guard day <= monthDays[month - 1] + (month == 2 && leap ? 1 : 0) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The inverse of `epochSeconds` (Hinnant's `civil_from_days`).
    private static func civil(_ seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }
}
