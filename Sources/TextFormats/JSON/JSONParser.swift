import TarnCore

/// A validating JSON (RFC 8259) parser that writes a `JSONTape`.
///
/// RFC 8259 §2–§7, the grammar checked here:
/// ```
/// JSON-text = ws value ws
/// value     = false / null / true / object / array / number / string
/// object    = begin-object [ member *( value-separator member ) ] end-object
/// member    = string name-separator value
/// array     = begin-array [ value *( value-separator value ) ] end-array
/// number    = [ minus ] int [ frac ] [ exp ];  int = zero / ( digit1-9 *DIGIT )
/// string    = quotation-mark *char quotation-mark   (no unescaped U+0000–U+001F)
/// ws        = *( %x20 / %x09 / %x0A / %x0D )
/// ```
/// Strings must be valid UTF-8 and escapes well-formed (a lone surrogate is refused: it has no
/// UTF-8 form). Nesting is iterative with an explicit stack bounded by `maxDepth`, so
/// `[[[[…` 100 000 deep is an error, not a stack overflow.
public struct JSONParser: Sendable {
    /// Deepest nesting of objects and arrays accepted.
    public var maxDepth: Int
    private var stack: [Int] = []

    /// Creates a parser.
    /// - Parameter maxDepth: nesting limit (objects and arrays).
    public init(maxDepth: Int = 512) {
        self.maxDepth = maxDepth
    }

    /// Parses the JSON text in `bytes[from..<to]`, appending its tokens to `tape` (offsets are
    /// relative to `bytes`). On error the tape may hold a partial document; roll back to the
    /// count before the call.
    /// - Returns: the tape index of the root value.
    /// - Throws: `TarnError(.invalidArgument)` naming the byte offset (relative to `from`) and
    ///   what was expected.
    public mutating func parse(_ bytes: UnsafePointer<UInt8>, from: Int, to end: Int, into tape: inout JSONTape) throws -> Int {
        // The state lives in one struct (not captured by nested functions, which would box it
        // and add a dynamic exclusivity check to every byte).
        var state = JSONParseState(bytes: bytes, from: from, end: end, maxDepth: maxDepth, tape: tape, stack: stack)
        tape = JSONTape()
        stack = []
        defer {
            tape = state.tape
            stack = state.stack
        }
        return try state.run()
    }
}

/// The parser's working state for one document.
struct JSONParseState {
    let bytes: UnsafePointer<UInt8>
    var from: Int
    var end: Int
    let maxDepth: Int
    var pos: Int
    var tape: JSONTape
    var stack: [Int]

    init(bytes: UnsafePointer<UInt8>, from: Int, end: Int, maxDepth: Int, tape: JSONTape, stack: [Int]) {
        self.bytes = bytes
        self.from = from
        self.end = end
        self.maxDepth = maxDepth
        self.pos = from
        self.tape = tape
        self.stack = stack
        self.stack.removeAll(keepingCapacity: true)
    }

    /// High bit set in (at least) the first byte of `word` that is `"`, `\\`, below 0x20 or
    /// above 0x7F. Zero-byte tests (`(v - 0x01…) & ~v & 0x80…`) are exact for the lowest match.
    @inline(__always)
    static func stringSpecials(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote & highs
        let isBackslash = (backslash &- ones) & ~backslash & highs
        let isControl = (word &- ones &* 0x20) & ~word & highs
        return isQuote | isBackslash | isControl | (word & highs)
    }

    @inline(__always) mutating func skipWhitespace() {
        while pos < end {
            let byte = bytes[pos]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            pos += 1
        }
    }

    func fail(_ message: String) -> TarnError {
        let what = pos < end ? "'\(Character(Unicode.Scalar(bytes[pos])))'" : "end of input"
        return TarnError(.invalidArgument, "invalid JSON at byte \(pos - from + 1): \(message), found \(what)")
    }

    @inline(__always) mutating func parseString() throws {
        // pos is at the opening quote.
        pos += 1
        let start = pos
        var hasEscapes = false
        while true {
            // Skip plain ASCII eight bytes at a time: stop at a quote, a backslash, a control
            // character or a non-ASCII byte (each handled below).
            while pos + 8 <= end {
                let word = UnsafeRawPointer(bytes + pos).loadUnaligned(as: UInt64.self)
                let hits = Self.stringSpecials(word)
                if hits != 0 {
                    pos += hits.trailingZeroBitCount >> 3
                    break
                }
                pos += 8
            }
            guard pos < end else { throw fail("unterminated string") }
            let byte = bytes[pos]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                guard let length = JSONString.escapeLength(bytes + pos, end - pos) else {
                    throw fail("invalid escape sequence (RFC 8259 §7)")
                }
                hasEscapes = true
                pos += length
            } else if byte < 0x20 {
                throw fail("control character in string (must be escaped)")
            } else if byte >= 0x80 {
                guard let length = UTF8Validation.sequenceLength(bytes + pos, end - pos) else { throw fail("invalid UTF-8 in string") }
                pos += length
            } else {
                pos += 1
            }
        }
        tape.append(.string, start: start, end: pos, escaped: hasEscapes)
        pos += 1
    }

    mutating func parseNumber() throws {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < end, bytes[pos] &- UInt8(ascii: "0") < 10 else { throw fail("expected a digit") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < end && bytes[pos] &- UInt8(ascii: "0") < 10 { pos += 1 }
        }
        if pos < end && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < end, bytes[pos] &- UInt8(ascii: "0") < 10 else { throw fail("expected a digit after the decimal point") }
            while pos < end && bytes[pos] &- UInt8(ascii: "0") < 10 { pos += 1 }
        }
        if pos < end && (bytes[pos] | 0x20) == UInt8(ascii: "e") {
            pos += 1
            if pos < end && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < end, bytes[pos] &- UInt8(ascii: "0") < 10 else { throw fail("expected a digit in the exponent") }
            while pos < end && bytes[pos] &- UInt8(ascii: "0") < 10 { pos += 1 }
        }
        tape.append(.number, start: start, end: pos)
    }

    mutating func parseLiteral(_ word: StaticString, _ kind: JSONTape.Kind) throws {
        let length = word.utf8CodeUnitCount
        guard end - pos >= length, memoryEqual(bytes + pos, word.utf8Start, length) else { throw fail("expected \(word)") }
        tape.append(kind, start: pos, end: pos + length)
        pos += length
    }

    @inline(__always) mutating func parseMemberKey() throws {
        skipWhitespace()
        guard pos < end, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a member name string") }
        try parseString()
        skipWhitespace()
        guard pos < end, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        pos += 1
    }

    mutating func close(_ container: Int) {
        tape.close(container, end: pos + 1)
        stack.removeLast()
        pos += 1
    }

    /// Parses another document, `bytes[from..<end]`, onto the same tape (the JSON Lines reader
    /// keeps one state for a whole batch of lines).
    mutating func parse(from: Int, to end: Int) throws -> Int {
        self.from = from
        self.end = end
        pos = from
        stack.removeAll(keepingCapacity: true)
        return try run()
    }

    mutating func run() throws -> Int {
        let root = tape.count
        values: while true {
            // Parse one value.
            skipWhitespace()
            guard pos < end else { throw fail("expected a value") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                guard stack.count < maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
                stack.append(tape.count)
                tape.append(.object, start: pos, end: pos)
                pos += 1
                skipWhitespace()
                if pos < end && bytes[pos] == UInt8(ascii: "}") {
                    close(stack.last!)
                } else {
                    try parseMemberKey()
                    continue values
                }
            case UInt8(ascii: "["):
                guard stack.count < maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
                stack.append(tape.count)
                tape.append(.array, start: pos, end: pos)
                pos += 1
                skipWhitespace()
                if pos < end && bytes[pos] == UInt8(ascii: "]") {
                    close(stack.last!)
                } else {
                    continue values
                }
            case UInt8(ascii: "\""): try parseString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
            case UInt8(ascii: "t"): try parseLiteral("true", .true)
            case UInt8(ascii: "f"): try parseLiteral("false", .false)
            case UInt8(ascii: "n"): try parseLiteral("null", .null)
            default: throw fail("expected a value")
            }
            // After a value: separators and closing brackets until another value is due.
            while let container = stack.last {
                skipWhitespace()
                guard pos < end else { throw fail("unterminated \(tape.kind(container) == .object ? "object" : "array")") }
                let byte = bytes[pos]
                if tape.kind(container) == .object {
                    if byte == UInt8(ascii: ",") {
                        pos += 1
                        try parseMemberKey()
                        continue values
                    }
                    guard byte == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                } else {
                    if byte == UInt8(ascii: ",") {
                        pos += 1
                        continue values
                    }
                    guard byte == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                }
                close(container)
            }
            break values
        }
        skipWhitespace()
        guard pos == end else { throw fail("unexpected data after the JSON value") }
        return root
    }
}

/// Whether `count` bytes at `a` and `b` are equal.
@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    while index + 8 <= count {
        if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: index, as: UInt64.self)
            != UnsafeRawPointer(b).loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
        index += 8
    }
    while index < count {
        if a[index] != b[index] { return false }
        index += 1
    }
    return true
}
