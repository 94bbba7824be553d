/// Integer and floating-point text → binary, over raw bytes, no allocation on the common path.
///
/// Accepted: optional sign, ASCII digits; floats add an optional fraction and exponent
/// (`-12.5e3`, `.5`, `5.`) and the words `inf`, `infinity`, `nan` in any case. Callers trim
/// surrounding blanks first.
enum NumberParsing {
    /// The `Int64` spelled by the bytes (`[+-]digits`), or nil on bad syntax or overflow.
    @inline(__always)
    static func parseInt64(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+") {
            negative = start[0] == UInt8(ascii: "-")
            index = 1
            guard count > 1 else { return nil }
        }
        // Up to 18 digits cannot overflow; longer inputs take the checked path.
        if count - index <= 18 {
            var value: Int64 = 0
            while index < count {
                let digit = start[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value &* 10 &+ Int64(digit)
                index += 1
            }
            return negative ? -value : value
        }
        var magnitude: UInt64 = 0
        while index < count {
            let digit = start[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The `UInt64` spelled by the bytes (`[+]digits`), or nil.
    static func parseUInt64(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64? {
        var index = 0
        if count > 0 && start[0] == UInt8(ascii: "+") { index = 1 }
        guard index < count else { return nil }
        var value: UInt64 = 0
        while index < count {
            let digit = start[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// Exact powers of ten representable as `Double` (10^0 … 10^22), for Clinger's fast path.
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The `Double` spelled by the bytes, correctly rounded, or nil.
    ///
    /// Fast path (W. D. Clinger, "How to read floating point numbers accurately", 1990): when the
    /// decimal significand has at most 15 digits (< 2^53) and the power of ten is at most 22,
    /// both are exact doubles and one multiplication or division rounds correctly. Anything
    /// else goes to the standard library's correctly rounded parser.
    @inline(__always)
    static func parseDouble(_ start: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+") {
            negative = start[0] == UInt8(ascii: "-")
            index = 1
        }
        var significand: UInt64 = 0
        var digits = 0
        var sawDigit = false
        var exponent = 0
        while index < count {
            let digit = start[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            sawDigit = true
            if significand != 0 || digit != 0 { digits += 1 }
            significand = significand &* 10 &+ UInt64(digit)
            index += 1
        }
        if index < count && start[index] == UInt8(ascii: ".") {
            index += 1
            while index < count {
                let digit = start[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                sawDigit = true
                if significand != 0 || digit != 0 { digits += 1 }
                significand = significand &* 10 &+ UInt64(digit)
                exponent -= 1
                index += 1
            }
        }
        guard sawDigit else { return parseSpecial(start, count) }
        if index < count && (start[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count && (start[index] == UInt8(ascii: "-") || start[index] == UInt8(ascii: "+")) {
                exponentNegative = start[index] == UInt8(ascii: "-")
                index += 1
            }
            var explicit = 0
            var sawExponentDigit = false
            while index < count {
                let digit = start[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                sawExponentDigit = true
                if explicit < 100_000 { explicit = explicit * 10 + Int(digit) }
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -explicit : explicit
        }
        guard index == count else { return nil }
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            var value = Double(significand)
            value = exponent < 0 ? value / exactPowers[-exponent] : value * exactPowers[exponent]
            return negative ? -value : value
        }
        return Double(String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self))
    }

    /// `inf`, `infinity`, `nan` with an optional sign, any case.
    private static func parseSpecial(_ start: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var index = 0
        var negative = false
        if count > 0 && (start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+")) {
            negative = start[0] == UInt8(ascii: "-")
            index = 1
        }
        let rest = start + index, length = count - index
        if length == 3 && BooleanParsing.matches(rest, "inf") || length == 8 && BooleanParsing.matches(rest, "infinity") {
            return negative ? -.infinity : .infinity
        }
        if length == 3 && BooleanParsing.matches(rest, "nan") { return .nan }
        return nil
    }
}
