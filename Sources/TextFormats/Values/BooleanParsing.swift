/// Boolean text: `true`/`false`, `t`/`f`, `1`/`0`, in any letter case (what Hive, DuckDB and
/// PostgreSQL accept between them).
enum BooleanParsing {
    /// The boolean spelled by the bytes, or nil.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool? {
        switch count {
        case 1:
            switch start[0] {
            case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "1"): return true
            case UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "0"): return false
            default: return nil
            }
        case 4:
            return matches(start, "true") ? true : nil
        case 5:
            return matches(start, "false") ? false : nil
        default:
            return nil
        }
    }

    /// Whether the bytes are `word` ignoring ASCII case (`word` is lowercase ASCII).
    @inline(__always)
    static func matches(_ start: UnsafePointer<UInt8>, _ word: StaticString) -> Bool {
        let letters = word.utf8Start
        for index in 0..<word.utf8CodeUnitCount where start[index] | 0x20 != letters[index] { return false }
        return true
    }
}
