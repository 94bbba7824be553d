/// JSON string escapes (RFC 8259 §7):
/// ```
/// escape = %x5C ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
/// ```
/// "To escape an extended character that is not in the Basic Multilingual Plane, the character
/// is represented as a 12-character sequence, encoding the UTF-16 surrogate pair". A lone
/// surrogate has no UTF-8 form, so it is an error here (RFC 8259 leaves it to the parser).
enum JSONString {
    /// The value of one hex digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The code unit of `\uXXXX` whose `XXXX` starts at `start`, or nil.
    @inline(__always)
    static func hex4(_ start: UnsafePointer<UInt8>) -> UInt32? {
        guard let a = hexValue(start[0]), let b = hexValue(start[1]), let c = hexValue(start[2]), let d = hexValue(start[3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// Validates the escape at `start[0] == '\\'`; returns its length in bytes, or nil.
    static func escapeLength(_ start: UnsafePointer<UInt8>, _ available: Int) -> Int? {
        guard available >= 2 else { return nil }
        switch start[1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return 2
        case UInt8(ascii: "u"):
            guard available >= 6, let unit = hex4(start + 2) else { return nil }
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed by an escaped low surrogate.
                guard available >= 12, start[6] == UInt8(ascii: "\\"), start[7] == UInt8(ascii: "u"),
                      let low = hex4(start + 8), low >= 0xDC00 && low <= 0xDFFF else { return nil }
                return 12
            }
            if unit >= 0xDC00 && unit <= 0xDFFF { return nil }
            return 6
        default:
            return nil
        }
    }

    /// Decodes a validated string's escapes, appending UTF-8 to `output`.
    /// - Returns: false on a malformed escape (cannot happen for text the parser accepted).
    static func unescape(_ start: UnsafePointer<UInt8>, _ count: Int, into output: inout [UInt8]) -> Bool {
        var index = 0
        while index < count {
            let byte = start[index]
            if byte != UInt8(ascii: "\\") {
                output.append(byte)
                index += 1
                continue
            }
            guard let length = escapeLength(start + index, count - index) else { return false }
            switch start[index + 1] {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(start + index + 2)!
                if length == 12 {
                    let low = hex4(start + index + 8)!
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(scalar, to: &output)
            default: output.append(start[index + 1])  // " \ /
            }
            index += length
        }
        return true
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value.
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
