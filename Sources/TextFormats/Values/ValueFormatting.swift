/// Binary values → text, appended to a byte buffer: the inverse of the parsers, producing text
/// they read back to the same value (integers and decimals exactly, doubles in the shortest form
/// that round-trips, instants to the unit's precision).
enum ValueFormatting {
    /// Appends the decimal digits of `value`.
    @inline(__always)
    static func appendInteger<T: BinaryInteger>(_ value: T, to output: inout [UInt8]) {
        if value == 0 { output.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        if value < 0 { output.append(UInt8(ascii: "-")) }
        // 40 bytes of stack scratch: enough for the 39 digits of the largest Int128.
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var index = scratch.count
            while magnitude != 0 {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            output.append(contentsOf: scratch[index...])
        }
    }

    /// Appends `value` zero-padded to `width` digits (non-negative values).
    @inline(__always)
    static func appendPadded(_ value: Int, width: Int, to output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        if rest >= divisor * 10 { appendInteger(rest, to: &output); return }
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends the shortest decimal text that reads back as exactly `value` (Swift's
    /// `description`, which is round-trip exact); `inf`, `-inf`, `nan` for the specials.
    static func appendDouble(_ value: Double, to output: inout [UInt8]) {
        if value.isNaN { output.append(contentsOf: "nan".utf8); return }
        if value.isInfinite { output.append(contentsOf: (value < 0 ? "-inf" : "inf").utf8); return }
        output.append(contentsOf: value.description.utf8)
    }

    /// Appends an exact decimal: `unscaled × 10^-scale`.
    static func appendDecimal(_ unscaled: Int128, scale: Int, to output: inout [UInt8]) {
        if unscaled < 0 { output.append(UInt8(ascii: "-")) }
        var digits: [UInt8] = []
        appendInteger(unscaled.magnitude, to: &digits)
        if scale <= 0 {
            output.append(contentsOf: digits)
            for _ in 0..<(-scale) where unscaled != 0 { output.append(UInt8(ascii: "0")) }
            return
        }
        if digits.count <= scale {
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "."))
            for _ in 0..<(scale - digits.count) { output.append(UInt8(ascii: "0")) }
            output.append(contentsOf: digits)
        } else {
            output.append(contentsOf: digits[0..<(digits.count - scale)])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[(digits.count - scale)...])
        }
    }

    /// Appends `YYYY-MM-DD` for days since 1970-01-01.
    static func appendDate(_ days: Int, to output: inout [UInt8]) {
        let (year, month, day) = DateTimeParsing.civilFromDays(days)
        if year < 0 { output.append(UInt8(ascii: "-")) }
        appendPadded(abs(year), width: 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendPadded(month, width: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendPadded(day, width: 2, to: &output)
    }

    /// Appends `HH:MM:SS` and a fraction: at least `minimumFractionDigits` (0 or 3), more only
    /// when the value needs them (so no precision is lost).
    static func appendTimeOfDay(_ value: Int64, perSecond: Int64, minimumFractionDigits: Int, to output: inout [UInt8]) {
        let seconds = Int(value / perSecond)
        var fraction = value % perSecond
        appendPadded(seconds / 3600, width: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendPadded(seconds / 60 % 60, width: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendPadded(seconds % 60, width: 2, to: &output)
        var digits = 0
        var unit = perSecond
        while unit > 1 { unit /= 10; digits += 1 }
        guard fraction != 0 || minimumFractionDigits > 0 else { return }
        // Drop trailing zeros down to the minimum, in groups of three (ms, us, ns).
        var shown = digits
        while shown > minimumFractionDigits && shown >= 3 && fraction % 1000 == 0 {
            fraction /= 1000
            shown -= 3
        }
        if shown < minimumFractionDigits {
            for _ in shown..<minimumFractionDigits { fraction *= 10 }
            shown = minimumFractionDigits
        }
        guard shown > 0 else { return }
        output.append(UInt8(ascii: "."))
        appendPadded(Int(fraction), width: shown, to: &output)
    }

    /// Appends a timestamp: `YYYY-MM-DD HH:MM:SS.fff` (SQL style) or `YYYY-MM-DDTHH:MM:SS.fffZ`
    /// (ISO 8601; `Z` only for UTC instants).
    static func appendTimestamp(_ value: Int64, perSecond: Int64, iso: Bool, utc: Bool, minimumFractionDigits: Int, to output: inout [UInt8]) {
        let perDay = perSecond * 86_400
        var days = value / perDay
        var rest = value % perDay
        if rest < 0 {
            rest += perDay
            days -= 1
        }
        appendDate(Int(days), to: &output)
        output.append(iso ? UInt8(ascii: "T") : UInt8(ascii: " "))
        appendTimeOfDay(rest, perSecond: perSecond, minimumFractionDigits: minimumFractionDigits, to: &output)
        if iso && utc { output.append(UInt8(ascii: "Z")) }
    }

    /// Appends standard base64 (RFC 4648 §4) of `bytes`.
    static func appendBase64(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(alphabet[Int(group >> 6 & 63)])
            output.append(alphabet[Int(group & 63)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            let group = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(remaining == 2 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
    }

    /// Appends a JSON string literal (RFC 8259 §7: quote, backslash and U+0000–U+001F escaped).
    /// Invalid UTF-8 is replaced by U+FFFD so the output is always valid JSON.
    static func appendJSONString(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        let valid = bytes.isEmpty || UTF8Validation.firstInvalid(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count) == nil
        let text: [UInt8] = valid ? [] : Array(String(decoding: bytes, as: UTF8.self).utf8)
        func emit(_ source: UnsafeRawBufferPointer) {
            var runStart = 0
            for index in 0..<source.count {
                let byte = source[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[runStart..<index]))
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(contentsOf: "u00".utf8)
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 15)])
                }
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[runStart...]))
        }
        if valid { emit(bytes) } else { text.withUnsafeBytes { emit($0) } }
        output.append(UInt8(ascii: "\""))
    }
}
