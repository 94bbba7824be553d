import Foundation
import TarnCore

/// A pull reader over one small JSON document in memory (RFC 8259), for the metadata the
/// object store keeps as JSON text. The caller walks the document it expects (`object`,
/// `array`, `string`…), skipping members it does not know, so no tree is built.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// An error at the current offset.
    func error(_ message: String) -> TarnError {
        TarnError(.corrupt, "object attributes in metadata index: \(message) at offset \(offset)")
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    private mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard offset < bytes.count else { throw error("unexpected end") }
        return bytes[offset]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
        offset += 1
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { return false }
        offset += count
        return true
    }

    /// Reads an object, calling `member` with each key; `member` must read (or `skip`) the value.
    mutating func object(_ member: (inout JSONReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return
        }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                return
            default: throw error("expected ',' or '}'")
            }
        }
    }

    /// Reads an array of elements read by `element`.
    mutating func array<T>(_ element: (inout JSONReader) throws -> T) throws -> [T] {
        try expect(UInt8(ascii: "["))
        var result: [T] = []
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return result
        }
        while true {
            result.append(try element(&self))
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                return result
            default: throw error("expected ',' or ']'")
            }
        }
    }

    /// `nil` for a JSON null, else the value `read` reads.
    mutating func nullable<T>(_ read: (inout JSONReader) throws -> T) throws -> T? {
        if try peek() == UInt8(ascii: "n") {
            guard literal("null") else { throw error("expected null") }
            return nil
        }
        return try read(&self)
    }

    /// An object of string values.
    mutating func map() throws -> [String: String] {
        var result: [String: String] = [:]
        try object { reader, key in result[key] = try reader.string() }
        return result
    }

    /// A string, with its escapes decoded.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = offset
        // Fast path: most strings have no escapes and can be taken as they are.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset - 1]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            offset += 1
        }
        var decoded = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"): try unescape(into: &decoded)
            case 0..<0x20: throw error("control character in string")
            default: decoded.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// Decodes the escape after a backslash (RFC 8259 §7), appending its UTF-8.
    private mutating func unescape(into decoded: inout [UInt8]) throws {
        guard offset < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            // A UTF-16 surrogate pair is written as two escapes.
            if (0xD800..<0xDC00).contains(scalar), literal("\\u") {
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let value = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            decoded.append(contentsOf: String(Character(value)).utf8)
        default: throw error("invalid escape")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            offset += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The text of a number token.
    private mutating func numberToken() throws -> Substring {
        _ = try peek()
        let start = offset
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"),
                UInt8(ascii: "E"):
                offset += 1
            default:
                return Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
            }
        }
        return Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
    }

    /// An integer.
    mutating func integer() throws -> Int64 {
        let token = try numberToken()
        guard let value = Int64(token) else { throw error("expected an integer, found '\(token)'") }
        return value
    }

    /// A number as a double.
    mutating func double() throws -> Double {
        let token = try numberToken()
        guard let value = Double(token), value.isFinite else { throw error("expected a number, found '\(token)'") }
        return value
    }

    /// A date as `JSONEncoder`'s default strategy writes it: seconds since 2001-01-01.
    mutating func date() throws -> Date { Date(timeIntervalSinceReferenceDate: try double()) }

    /// `true` or `false`.
    mutating func bool() throws -> Bool {
        _ = try peek()
        if literal("true") { return true }
        if literal("false") { return false }
        throw error("expected true or false")
    }

    /// Skips any value.
    mutating func skip() throws {
        switch try peek() {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skip() }
        case UInt8(ascii: "["): _ = try array { reader in try reader.skip() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): guard literal("null") else { throw error("expected null") }
        default: _ = try double()
        }
    }

    /// Checks that only whitespace follows.
    mutating func end() throws {
        skipWhitespace()
        guard offset == bytes.count else { throw error("trailing characters") }
    }
}
