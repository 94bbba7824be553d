/// A parsed JSON text as a flat "tape" of tokens in document order, pointing back into the
/// source bytes instead of copying them (simdjson's layout idea, in plain arrays).
///
/// ```
///  {"a":[1,"x"],"b":null}
///  0 object ─ skip → 7
///  1   string "a"  (key)
///  2   array ─ skip → 5
///  3     number 1
///  4     string "x"
///  5   string "b"  (key)
///  6   null
/// ```
/// Every token records the byte range of its text (strings without their quotes; containers
/// from bracket to bracket) and `skip`, the index of the token after it and everything inside
/// it, so a reader walks an object's members with `value = key + 1`, `next = skip[value]`.
/// Tokens are reused from line to line; a tape holds many documents (one per JSON line).
public struct JSONTape: Sendable {
    /// Token kinds.
    public enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    /// Kind of each token.
    public internal(set) var kinds: [Kind] = []
    /// Start byte of each token's text (strings: after the opening quote).
    public internal(set) var starts: [Int32] = []
    /// End byte (exclusive) of each token's text (strings: at the closing quote).
    public internal(set) var ends: [Int32] = []
    /// Index of the first token after this one and its contents.
    public internal(set) var skips: [Int32] = []
    /// Whether a string token contains escapes (`\n`, `\u00e9`) that must be decoded.
    public internal(set) var escaped: [Bool] = []

    /// Creates an empty tape.
    public init() {}

    /// Number of tokens.
    public var count: Int { kinds.count }

    /// Drops tokens from `index` on (the rollback of a line that failed to parse).
    mutating func truncate(to index: Int) {
        kinds.removeSubrange(index...)
        starts.removeSubrange(index...)
        ends.removeSubrange(index...)
        skips.removeSubrange(index...)
        escaped.removeSubrange(index...)
    }

    /// Removes every token, keeping capacity.
    public mutating func removeAll() {
        kinds.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        skips.removeAll(keepingCapacity: true)
        escaped.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(_ kind: Kind, start: Int, end: Int, escaped isEscaped: Bool = false) {
        kinds.append(kind)
        starts.append(Int32(truncatingIfNeeded: start))
        ends.append(Int32(truncatingIfNeeded: end))
        skips.append(Int32(truncatingIfNeeded: kinds.count))
        escaped.append(isEscaped)
    }

    /// The member tokens of the object at `index`, as (key, value) token indices.
    public func members(ofObject index: Int) -> [(key: Int, value: Int)] {
        precondition(kinds[index] == .object, "token \(index) is \(kinds[index]), not an object")
        var result: [(Int, Int)] = []
        var key = index + 1
        while key < Int(skips[index]) {
            result.append((key, key + 1))
            key = Int(skips[key + 1])
        }
        return result
    }

    /// The element token indices of the array at `index`.
    public func elements(ofArray index: Int) -> [Int] {
        precondition(kinds[index] == .array, "token \(index) is \(kinds[index]), not an array")
        var result: [Int] = []
        var element = index + 1
        while element < Int(skips[index]) {
            result.append(element)
            element = Int(skips[element])
        }
        return result
    }

    /// The decoded text of string token `index` in `source`.
    public func string(at index: Int, in source: UnsafeRawBufferPointer) -> String {
        let range = Int(starts[index])..<Int(ends[index])
        let raw = UnsafeRawBufferPointer(rebasing: source[range])
        if !escaped[index] { return String(decoding: raw, as: UTF8.self) }
        var plain: [UInt8] = []
        _ = JSONString.unescape(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, into: &plain)
        return String(decoding: plain, as: UTF8.self)
    }

    /// The source text of token `index` (numbers, literals, or a whole container).
    public func rawText(at index: Int, in source: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: source[Int(starts[index])..<Int(ends[index])])
    }
}
