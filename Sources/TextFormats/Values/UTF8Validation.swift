/// UTF-8 well-formedness (RFC 3629 §4, Unicode Table 3-7): string columns hold valid UTF-8 only,
/// so text with broken bytes is rejected with its row rather than stored.
///
/// ```
/// UTF8-1 = %x00-7F
/// UTF8-2 = %xC2-DF UTF8-tail
/// UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) / %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
/// UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) / %xF4 %x80-8F 2( UTF8-tail )
/// ```
enum UTF8Validation {
    /// Whether all `count` bytes at `start` are ASCII (checked eight at a time).
    @inline(__always)
    static func isASCII(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        let raw = UnsafeRawPointer(start)
        var accumulated: UInt64 = 0
        while index + 8 <= count {
            accumulated |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            accumulated |= UInt64(start[index])
            index += 1
        }
        return accumulated & 0x8080_8080_8080_8080 == 0
    }

    /// Length of the well-formed multi-byte sequence at `start` (lead byte ≥ 0x80), or nil.
    @inline(__always)
    static func sequenceLength(_ start: UnsafePointer<UInt8>, _ available: Int) -> Int? {
        let lead = start[0]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard length <= available else { return nil }
        let second = start[1]
        guard second >= low && second <= high else { return nil }
        for tail in 2..<length where start[tail] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Byte offset of the first ill-formed sequence, or nil when the bytes are valid UTF-8.
    static func firstInvalid(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var index = 0
        while index < count {
            // Skip ASCII runs a word at a time.
            while index + 8 <= count && UnsafeRawPointer(start).loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { return nil }
            if start[index] < 0x80 { index += 1; continue }
            guard let length = sequenceLength(start + index, count - index) else { return index }
            index += length
        }
        return nil
    }
}
