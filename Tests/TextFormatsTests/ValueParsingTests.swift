import Testing
@testable import TextFormats

/// The text → value parsers on their own, including the edges the readers rely on.
@Suite struct ValueParsingTests {
    func with<R>(_ text: String, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        var text = text
        return text.withUTF8 { body($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    @Test func integers() {
        #expect(with("0") { NumberParsing.parseInt64($0, $1) } == 0)
        #expect(with("+42") { NumberParsing.parseInt64($0, $1) } == 42)
        #expect(with("-9223372036854775808") { NumberParsing.parseInt64($0, $1) } == .min)
        #expect(with("9223372036854775808") { NumberParsing.parseInt64($0, $1) } == nil)
        #expect(with("00000000000000000000001") { NumberParsing.parseInt64($0, $1) } == 1)
        for bad in ["", "-", "+", "1.0", "1e3", " 1", "0x10", "١"] {
            #expect(with(bad) { NumberParsing.parseInt64($0, $1) } == nil, "\(bad)")
        }
        #expect(with("18446744073709551615") { NumberParsing.parseUInt64($0, $1) } == .max)
        #expect(with("-1") { NumberParsing.parseUInt64($0, $1) } == nil)
    }

    @Test(arguments: ["0", "-0.0", "1.5", ".5", "5.", "1e10", "-2.5E-3", "123456789012345678", "0.1", "1.7976931348623157e308",
                      "4.9e-324", "2.2250738585072014e-308", "9007199254740993", "3.141592653589793238462643383279", "1e-400", "1e400"])
    func doublesMatchTheStandardLibrary(text: String) {
        let ours = with(text) { NumberParsing.parseDouble($0, $1) }
        let reference = Double(text)
        #expect(ours?.bitPattern == reference?.bitPattern, "\(text): \(String(describing: ours)) vs \(String(describing: reference))")
    }

    @Test func doubleSyntax() {
        for bad in ["", ".", "-", "e5", "1e", "1e+", "1.2.3", "0x1p3", "1,5", "infinit"] {
            #expect(with(bad) { NumberParsing.parseDouble($0, $1) } == nil, "\(bad)")
        }
        #expect(with("-Infinity") { NumberParsing.parseDouble($0, $1) } == -.infinity)
        #expect(with("NaN") { NumberParsing.parseDouble($0, $1) }?.isNaN == true)
    }

    @Test func decimals() {
        func parse(_ text: String, _ precision: Int, _ scale: Int) -> Int128? {
            let wide = with(text) { start, count -> Int128? in
                if case .success(let value) = DecimalParsing.parse(start, count, precision: precision, scale: scale) { return value }
                return nil
            }
            if precision <= 18 {
                let narrow: Int64? = with(text) { DecimalParsing.parse64($0, $1, precision: precision, scale: scale) }
                let widened: Int128? = narrow.map { Int128($0) }
                #expect(widened == wide, "fast and general paths disagree on \(text)")
            }
            return wide
        }
        #expect(parse("12.34", 10, 2) == 1234)
        #expect(parse("-0.5", 10, 2) == -50)
        #expect(parse("+7", 10, 2) == 700)
        #expect(parse(".25", 10, 2) == 25)
        #expect(parse("1.500", 10, 2) == 150)
        #expect(parse("1.505", 10, 2) == nil)
        #expect(parse("99999999.99", 10, 2) == 9_999_999_999)
        #expect(parse("100000000.00", 10, 2) == nil)
        #expect(parse("00012.5", 5, 2) == 1250)
        #expect(parse("1e3", 10, 2) == nil)
        #expect(parse("", 10, 2) == nil)
        #expect(parse("-", 10, 2) == nil)
        #expect(parse("1.2.3", 10, 2) == nil)
        #expect(parse("99999999999999999999999999999999999999", 38, 0) == Int128("99999999999999999999999999999999999999"))
        #expect(parse("999999999999999999999999999999999999999", 38, 0) == nil)
        #expect(parse("123", 18, 0) == 123)
        #expect(parse("123456789012345678", 18, 0) == 123_456_789_012_345_678)
        #expect(parse("1234567890123456789", 18, 0) == nil)
    }

    @Test func datesAndCalendar() {
        #expect(with("1970-01-01") { DateTimeParsing.parseDate($0, $1) } == 0)
        #expect(with("2000-02-29") { DateTimeParsing.parseDate($0, $1) } == 11016)
        #expect(with("1900-02-29") { DateTimeParsing.parseDate($0, $1) } == nil)
        #expect(with("2023-02-29") { DateTimeParsing.parseDate($0, $1) } == nil)
        #expect(with("2024-04-31") { DateTimeParsing.parseDate($0, $1) } == nil)
        #expect(with("2024-00-10") { DateTimeParsing.parseDate($0, $1) } == nil)
        #expect(with("2024-1-10") { DateTimeParsing.parseDate($0, $1) } == nil)
        #expect(with("0001-01-01") { DateTimeParsing.parseDate($0, $1) } == -719_162)
        // days ↔ civil round trip over four centuries.
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (year, month, day) = DateTimeParsing.civilFromDays(days)
            #expect(DateTimeParsing.daysFromCivil(year: year, month: month, day: day) == days)
        }
    }

    @Test func timestamps() {
        func micros(_ text: String) -> Int64? { with(text) { DateTimeParsing.parseTimestamp($0, $1, unitsPerSecond: 1_000_000) } }
        #expect(micros("1970-01-01T00:00:00Z") == 0)
        #expect(micros("1970-01-01 00:00:01") == 1_000_000)
        #expect(micros("1970-01-01T00:00") == 0)
        #expect(micros("1970-01-01") == 0)
        #expect(micros("1970-01-01T00:00:00.000001") == 1)
        #expect(micros("1970-01-01T00:00:00.1234567") == 123_456)
        #expect(micros("1970-01-01T01:00:00+01:00") == 0)
        #expect(micros("1970-01-01T00:00:00-0130") == 5_400_000_000)
        #expect(micros("1970-01-01T00:00:00+05") == -18_000_000_000)
        #expect(micros("1969-12-31T23:59:59.999999Z") == -1)
        for bad in ["1970-01-01T24:00:00", "1970-01-01T00:60", "1970-01-01T00:00:60", "1970-01-01X00:00:00", "1970-01-01T00:00:00.",
                    "1970-01-01T00:00:00ZZ", "1970-01-01T00:00:00+1", "1970-01-01T00:00:00 UTC", "1705312512", ""] {
            #expect(micros(bad) == nil, "\(bad)")
        }
        #expect(with("2024-01-01T00:00:00.123456789Z") { DateTimeParsing.parseTimestamp($0, $1, unitsPerSecond: 1_000_000_000) } == 1_704_067_200_123_456_789)
        #expect(with("2024-01-01T00:00:00.999Z") { DateTimeParsing.parseTimestamp($0, $1, unitsPerSecond: 1) } == 1_704_067_200)
    }

    @Test func booleansAndUTF8() {
        for (text, value) in [("true", true), ("TRUE", true), ("t", true), ("1", true), ("False", false), ("f", false), ("0", false)] {
            #expect(with(text) { BooleanParsing.parse($0, $1) } == value)
        }
        for bad in ["yes", "tru", "2", "", "truex"] { #expect(with(bad) { BooleanParsing.parse($0, $1) } == nil) }
        let cases: [([UInt8], Int?)] = [
            ([0x61, 0x62], nil), ([0xC3, 0xA9], nil), ([0xC0, 0x80], 0), ([0xED, 0xA0, 0x80], 0), ([0xF4, 0x90, 0x80, 0x80], 0),
            ([0x61, 0xE2, 0x82], 1), ([0xF0, 0x9F, 0x98, 0x80], nil), ([0x80], 0), ([0xEF, 0xBF, 0xBD], nil),
        ]
        for (bytes, expected) in cases {
            #expect(bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress!, $0.count) } == expected, "\(bytes)")
        }
    }

    @Test func formattingRoundTrips() {
        var out: [UInt8] = []
        ValueFormatting.appendTimestamp(-1, perSecond: 1_000_000, iso: true, utc: true, minimumFractionDigits: 3, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "1969-12-31T23:59:59.999999Z")
        out = []
        ValueFormatting.appendTimestamp(1_705_313_730, perSecond: 1, iso: false, utc: true, minimumFractionDigits: 3, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2024-01-15 10:15:30.000")
        out = []
        ValueFormatting.appendDecimal(-5, scale: 3, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "-0.005")
        out = []
        ValueFormatting.appendInteger(Int64.min, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "-9223372036854775808")
        out = []
        Array("any carnal pleas".utf8).withUnsafeBytes { ValueFormatting.appendBase64($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "YW55IGNhcm5hbCBwbGVhcw==")
    }
}
