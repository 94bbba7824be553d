import Columnar

/// What a sample of text values can all be read as, narrowest first:
/// `boolean`, `bigint`, `double`, `date`, `timestamp`, else `string`.
///
/// Each value clears the candidates it does not parse as; the narrowest survivor wins. An
/// integer with a leading zero (`08123`, a zip code or an id) is not a number: reading it as one
/// would lose the zero.
struct ScalarInference {
    private(set) var sawValue = false
    private(set) var sawNull = false
    private var boolean = true
    private var bigint = true
    private var double = true
    private var date = true
    private var timestamp = true

    /// Records a NULL (or empty) value.
    mutating func observeNull() { sawNull = true }

    /// Records one non-null value's text.
    mutating func observe(_ start: UnsafePointer<UInt8>, _ count: Int) {
        sawValue = true
        guard count > 0 else { return sawNull = true }
        if boolean {
            boolean = (count == 4 && BooleanParsing.matches(start, "true")) || (count == 5 && BooleanParsing.matches(start, "false"))
        }
        let leadingZero = Self.hasLeadingZero(start, count)
        if bigint { bigint = !leadingZero && NumberParsing.parseInt64(start, count) != nil }
        if double { double = !leadingZero && Self.looksNumeric(start, count) && NumberParsing.parseDouble(start, count) != nil }
        if date { date = DateTimeParsing.parseDate(start, count) != nil }
        if timestamp { timestamp = DateTimeParsing.parseTimestamp(start, count, unitsPerSecond: 1_000_000) != nil }
    }

    /// Records one value's text.
    mutating func observe(_ bytes: [UInt8]) {
        if bytes.isEmpty { return observeNull() }
        bytes.withUnsafeBufferPointer { observe($0.baseAddress!, $0.count) }
    }

    /// The inferred type (a column with no values at all is a string).
    var type: DataType {
        guard sawValue else { return .string }
        if boolean { return .boolean }
        if bigint { return .int64 }
        if double { return .float64 }
        if date { return .date }
        if timestamp { return .timestamp(.microseconds, utc: true) }
        return .string
    }

    /// `0` followed by more digits, after an optional sign.
    private static func hasLeadingZero(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        if count > 0 && (start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+")) { index = 1 }
        return count - index >= 2 && start[index] == UInt8(ascii: "0") && start[index + 1] &- UInt8(ascii: "0") < 10
    }

    /// Contains a digit (so `inf` and `nan` words stay strings).
    private static func looksNumeric(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for index in 0..<count where start[index] &- UInt8(ascii: "0") < 10 { return true }
        return false
    }
}
