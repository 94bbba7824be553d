import Foundation

/// A strict pull scanner over a JSON text (RFC 8259) that builds no tree: for request shapes on
/// the hot path (PutRecords, PutRecordBatch: a 700 KB body is read once) and for the small JSON
/// documents the object store keeps per object. Malformed input throws `SerializationException`
/// naming the offset; it never traps.
public struct JSONScanner: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    /// The current offset.
    public private(set) var position = 0

    /// Scans `bytes` (which must outlive the scanner).
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// A string token: the raw bytes between the quotes and whether they contain escapes.
    public struct StringToken {
        /// Offsets of the raw contents (quotes excluded).
        public var range: Range<Int>
        /// Whether `\` escapes occur (then `decode` must be used).
        public var hasEscapes: Bool
    }

    func failure(_ what: String) -> TarnError {
        TarnError(.serialization, "Malformed JSON at offset \(position): \(what)")
    }

    /// Skips spaces, tabs and line breaks.
    public mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-space byte, or nil at the end.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after spaces) or throws.
    public mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    /// Consumes `byte` if it is next.
    public mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// Reads a string token.
    ///
    /// Strings on the hot path are long base64 blobs, so the scan looks at eight bytes at a time
    /// (SWAR): a word is skipped whole unless it holds a quote, a backslash or a control
    /// character, found with the classic "has zero byte" test `(x - 0x01…) & ~x & 0x80…`.
    public mutating func string() throws -> StringToken {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escapes = false
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while position < bytes.count {
            while bytes.count - position >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if special & highs != 0 { break }
                position += 8
            }
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return StringToken(range: start..<(position - 1), hasEscapes: escapes)
            }
            if byte == UInt8(ascii: "\\") {
                escapes = true
                position += 2
                continue
            }
            if byte < 0x20 { throw failure("control character in string") }
            position += 1
        }
        throw failure("unterminated string")
    }

    /// The raw bytes of a token.
    public func raw(_ token: StringToken) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[token.range]) }

    /// Whether a key token equals `name` (keys on the hot path have no escapes).
    public func matches(_ token: StringToken, _ name: StaticString) -> Bool {
        guard !token.hasEscapes, token.range.count == name.utf8CodeUnitCount else { return false }
        return memcmp(bytes.baseAddress! + token.range.lowerBound, name.utf8Start, token.range.count) == 0
    }

    /// Decodes a string token into a Swift string (escapes resolved).
    public func decode(_ token: StringToken) throws -> String {
        if !token.hasEscapes { return String(decoding: raw(token), as: UTF8.self) }
        var quoted = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[(token.range.lowerBound - 1)..<(token.range.upperBound + 1)]))
        quoted.insert(UInt8(ascii: "["), at: 0)
        quoted.append(UInt8(ascii: "]"))
        guard let array = try? JSONSerialization.jsonObject(with: Data(quoted)) as? [String], let value = array.first else {
            throw TarnError(.serialization, "Malformed JSON string escape at offset \(token.range.lowerBound)")
        }
        return value
    }

    /// Reads a string and resolves its escapes.
    public mutating func stringValue() throws -> String {
        let token = try string()
        return try decode(token)
    }

    /// Reads a number.
    public mutating func number() throws -> Double {
        skipWhitespace()
        let start = position
        while position < bytes.count, let byte = Optional(bytes[position]),
            (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        {
            position += 1
        }
        guard position > start, let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)) else {
            throw failure("expected a number")
        }
        return value
    }

    /// Skips any value.
    public mutating func skipValue(depth: Int = 0) throws {
        guard depth < 64 else { throw failure("nesting too deep") }
        switch peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"):
            position += 1
            if consume(UInt8(ascii: "}")) { return }
            repeat {
                _ = try string()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            position += 1
            if consume(UInt8(ascii: "]")) { return }
            repeat { try skipValue(depth: depth + 1) } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case .some: _ = try number()
        case .none: throw failure("unexpected end of input")
        }
    }

    /// Reads an integer (no fraction or exponent).
    public mutating func integer() throws -> Int64 {
        skipWhitespace()
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
        guard let value = Int64(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)) else {
            throw failure("expected an integer")
        }
        if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw failure("expected an integer")
        }
        return value
    }

    /// Reads `true` or `false`.
    public mutating func bool() throws -> Bool {
        if peek() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// Reads an object, calling `member` with each key (escapes resolved); `member` must read or
    /// `skipValue` the value.
    public mutating func object(_ member: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try stringValue()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// Reads an array of elements read by `element`.
    public mutating func array<T>(_ element: (inout JSONScanner) throws -> T) throws -> [T] {
        try expect(UInt8(ascii: "["))
        var result: [T] = []
        if consume(UInt8(ascii: "]")) { return result }
        repeat { result.append(try element(&self)) } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return result
    }

    /// `nil` for a JSON null, else the value `read` reads.
    public mutating func nullable<T>(_ read: (inout JSONScanner) throws -> T) throws -> T? {
        if consumeNull() { return nil }
        return try read(&self)
    }

    /// Consumes `null` if it is next.
    public mutating func consumeNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), bytes.count - position >= 4, bytes[position + 1] == UInt8(ascii: "u") else { return false }
        position += 4
        return true
    }

    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count, memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0 else {
            throw failure("invalid literal")
        }
        position += count
    }

    /// Throws unless only whitespace remains.
    public mutating func expectEnd() throws {
        if peek() != nil { throw failure("trailing characters") }
    }
}

extension TarnError.Code {
    /// The request body is not valid JSON (`SerializationException`).
    public static let serialization = Self("SerializationException")
}
