/// Hexadecimal encoding and decoding of bytes.
public enum Hex {
    private static let lower: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upper: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Encodes bytes as hex.
    /// - Parameters:
    ///   - bytes: the bytes to encode.
    ///   - uppercase: whether to use `A-F` instead of `a-f`.
    /// - Returns: a string twice as long as `bytes`.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, uppercase: Bool = false) -> String
    where Bytes.Element == UInt8 {
        let digits = uppercase ? upper : lower
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 16 hex digits of `word`, most significant first.
    public static func encode(word: UInt64, uppercase: Bool = false) -> String {
        let digits = uppercase ? upper : lower
        return String(unsafeUninitializedCapacity: 16) { out in
            for index in 0..<16 { out[index] = digits[Int(truncatingIfNeeded: (word >> UInt64(60 - 4 * index)) & 0xF)] }
            return 16
        }
    }

    /// Decodes a hex string (either case).
    /// - Parameter text: the hex digits; must have even length.
    /// - Returns: the bytes, or `nil` when `text` is not valid hex.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
