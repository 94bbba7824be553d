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

    /// One token: 16 bytes, so the tape is one contiguous array and appending a token is one
    /// store.
    public struct Token: Sendable, Hashable {
        /// Start byte of the token's text (strings: after the opening quote).
        public var start: Int32
        /// End byte (exclusive) of the token's text (strings: at the closing quote).
        public var end: Int32
        /// Index of the first token after this one and its contents.
        public var skip: Int32
        /// What the token is.
        public var kind: Kind
        /// Whether a string token contains escapes (`\n`, `\u00e9`) that must be decoded.
        public var escaped: Bool
    }

    /// The tokens in document order.
    public internal(set) var tokens: [Token] = []

    /// Creates an empty tape.
    public init() {}

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// Kind of token `index`.
    @inline(__always) public func kind(_ index: Int) -> Kind { tokens[index].kind }
    /// Start byte of token `index`'s text.
    @inline(__always) public func start(_ index: Int) -> Int { Int(tokens[index].start) }
    /// End byte (exclusive) of token `index`'s text.
    @inline(__always) public func end(_ index: Int) -> Int { Int(tokens[index].end) }
    /// Index of the token after token `index` and its contents.
    @inline(__always) public func skip(_ index: Int) -> Int { Int(tokens[index].skip) }
    /// Whether string token `index` has escapes.
    @inline(__always) public func isEscaped(_ index: Int) -> Bool { tokens[index].escaped }

    /// Drops tokens from `index` on (the rollback of a line that failed to parse).
    mutating func truncate(to index: Int) {
        tokens.removeSubrange(index...)
    }

    /// Removes every token, keeping capacity.
    public mutating func removeAll() {
        tokens.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(_ kind: Kind, start: Int, end: Int, escaped isEscaped: Bool = false) {
        tokens.append(Token(start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end),
                            skip: Int32(truncatingIfNeeded: tokens.count + 1), kind: kind, escaped: isEscaped))
    }

    /// Closes the container at `index`: its text ends at `end`, its contents at the tape's end.
    @inline(__always)
    mutating func close(_ index: Int, end: Int) {
        tokens[index].end = Int32(truncatingIfNeeded: end)
        tokens[index].skip = Int32(truncatingIfNeeded: tokens.count)
    }

    /// The member tokens of the object at `index`, as (key, value) token indices.
    public func members(ofObject index: Int) -> [(key: Int, value: Int)] {
        precondition(kind(index) == .object, "token \(index) is \(kind(index)), not an object")
        var result: [(Int, Int)] = []
        var key = index + 1
        while key < skip(index) {
            result.append((key, key + 1))
            key = skip(key + 1)
        }
        return result
    }

    /// The element token indices of the array at `index`.
    public func elements(ofArray index: Int) -> [Int] {
        precondition(kind(index) == .array, "token \(index) is \(kind(index)), not an array")
        var result: [Int] = []
        var element = index + 1
        while element < skip(index) {
            result.append(element)
            element = skip(element)
        }
        return result
    }

    /// The decoded text of string token `index` in `source`.
    public func string(at index: Int, in source: UnsafeRawBufferPointer) -> String {
        let range = start(index)..<end(index)
        let raw = UnsafeRawBufferPointer(rebasing: source[range])
        if !isEscaped(index) { return String(decoding: raw, as: UTF8.self) }
        var plain: [UInt8] = []
        _ = JSONString.unescape(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, into: &plain)
        return String(decoding: plain, as: UTF8.self)
    }

    /// The source text of token `index` (numbers, literals, or a whole container).
    public func rawText(at index: Int, in source: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: source[start(index)..<end(index)])
    }
}
