/// Proleptic Gregorian calendar arithmetic on day counts since 1970-01-01 (UTC), for derived
/// `year`/`month`/`day` columns and partition values.
///
/// The conversion shifts the year to start on March 1 so the leap day falls last, splits days
/// into 400-year eras (146,097 days each), then years of the era and days of the year; months
/// of the shifted year have the lengths 31,30,31,30,31,31,30,31,30,31,31,28/29, which
/// `(5·dayOfYear + 2) / 153` recovers. Integer-only and exact for any Int32 day count.
enum CivilCalendar {
    /// Days in a 400-year Gregorian era.
    static let daysPerEra = 146_097
    /// Days from 0000-03-01 to 1970-01-01.
    static let epochShift = 719_468

    /// The civil date of `days` since 1970-01-01.
    @inline(__always)
    static func date(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + epochShift
        let era = (shifted >= 0 ? shifted : shifted - (daysPerEra - 1)) / daysPerEra
        let dayOfEra = shifted - era * daysPerEra
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / (daysPerEra - 1)) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a civil date (inverse of `date(fromDays:)`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * daysPerEra + dayOfEra - epochShift
    }

    /// Floor division (rounds toward negative infinity, so instants before 1970 land on the
    /// right day).
    @inline(__always)
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
