/// Exact decimal text → unscaled integer for `decimal(precision, scale)`, never via binary
/// floating point (`0.1` must stay exactly one tenth).
///
/// Accepted: `[+-]digits[.digits]` or `[+-].digits`. Fractional digits beyond the scale are
/// accepted only when they are zeros (`1.500` into scale 2); anything else would have to be
/// rounded, and a silent rounding in an ETL is a silent change of the data, so it fails.
enum DecimalParsing {
    /// Why a text is not a valid decimal of the requested type.
    enum Failure: Error {
        case syntax
        case tooManyFractionDigits
        case overflow
    }

    /// The unscaled value of the text at `scale`, with at most `precision` digits.
    static func parse(_ start: UnsafePointer<UInt8>, _ count: Int, precision: Int, scale: Int) -> Result<Int128, Failure> {
        guard count > 0 else { return .failure(.syntax) }
        var index = 0
        var negative = false
        if start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+") {
            negative = start[0] == UInt8(ascii: "-")
            index = 1
        }
        var unscaled: Int128 = 0
        var significantDigits = 0
        var sawDigit = false
        while index < count {
            let digit = start[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            sawDigit = true
            if unscaled != 0 || digit != 0 { significantDigits += 1 }
            guard significantDigits <= 38 else { return .failure(.overflow) }
            unscaled = unscaled * 10 + Int128(digit)
            index += 1
        }
        var fractionDigits = 0
        if index < count && start[index] == UInt8(ascii: ".") {
            index += 1
            while index < count {
                let digit = start[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                sawDigit = true
                if fractionDigits < scale {
                    if unscaled != 0 || digit != 0 { significantDigits += 1 }
                    guard significantDigits <= 38 else { return .failure(.overflow) }
                    unscaled = unscaled * 10 + Int128(digit)
                    fractionDigits += 1
                } else if digit != 0 {
                    return .failure(.tooManyFractionDigits)
                }
                index += 1
            }
        }
        guard sawDigit && index == count else { return .failure(.syntax) }
        while fractionDigits < scale {
            if unscaled != 0 { significantDigits += 1 }
            guard significantDigits <= 38 else { return .failure(.overflow) }
            unscaled *= 10
            fractionDigits += 1
        }
        guard significantDigits <= precision else { return .failure(.overflow) }
        return .success(negative ? -unscaled : unscaled)
    }

    /// Fast path for `decimal(p ≤ 18, s)`: plain `Int64` arithmetic, falling back to the general
    /// parser for anything unusual. Returns nil exactly when `parse` fails.
    @inline(__always)
    static func parse64(_ start: UnsafePointer<UInt8>, _ count: Int, precision: Int, scale: Int) -> Int64? {
        // Common shape: [-]digits[.digits] with at most `scale` fraction digits, ≤ 18 digits.
        var index = 0
        var negative = false
        if count > 0 && start[0] == UInt8(ascii: "-") { negative = true; index = 1 }
        var value: Int64 = 0
        var digits = 0
        var fraction = -1
        while index < count {
            let byte = start[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                value = value &* 10 &+ Int64(digit)
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else if byte == UInt8(ascii: ".") && fraction < 0 {
                fraction = 0
            } else {
                return slow(start, count, precision, scale)
            }
            index += 1
        }
        let fractionDigits = max(fraction, 0)
        guard digits > 0 && digits <= 18 && fractionDigits <= scale else { return slow(start, count, precision, scale) }
        for _ in fractionDigits..<scale { value &*= 10 }
        // Digits before the point must fit precision - scale.
        guard digits - fractionDigits <= precision - scale || value == 0 else { return slow(start, count, precision, scale) }
        return negative ? -value : value
    }

    private static func slow(_ start: UnsafePointer<UInt8>, _ count: Int, _ precision: Int, _ scale: Int) -> Int64? {
        if case .success(let value) = parse(start, count, precision: precision, scale: scale) { return Int64(value) }
        return nil
    }
}
