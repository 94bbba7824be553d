import Foundation

/// A small JSON parser producing `JSONValue`, keeping integers exact. The oracle and peer files
/// hold millions of values; Foundation's `JSONDecoder` with a try-each-type enum is far slower.
struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0

    static func parse(_ data: Data) throws -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data))
        parser.skipSpace()
        let value = try parser.value()
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private mutating func skipSpace() {
        while position < bytes.count, bytes[position] == 32 || bytes[position] == 10 || bytes[position] == 13 || bytes[position] == 9 {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard position < bytes.count, bytes[position] == byte else { throw Failure(description: "expected \(Character(UnicodeScalar(byte))) at \(position)") }
        position += 1
    }

    private mutating func value() throws -> JSONValue {
        skipSpace()
        guard position < bytes.count else { throw Failure(description: "unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var object: [String: JSONValue] = [:]
            skipSpace()
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            while true {
                skipSpace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                object[key] = try value()
                skipSpace()
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(object)
            }
        case UInt8(ascii: "["):
            position += 1
            var array: [JSONValue] = []
            skipSpace()
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(array)
            }
            while true {
                array.append(try value())
                skipSpace()
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(array)
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): position += 4; return .bool(true)
        case UInt8(ascii: "f"): position += 5; return .bool(false)
        case UInt8(ascii: "n"): position += 4; return .null
        default: return try number()
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = position
        var isFloat = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { isFloat = true } else if !(byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (byte >= 48 && byte <= 57)) { break }
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !isFloat {
            if let value = Int64(text) { return .int(value) }
            if let value = UInt64(text) { return .uint(value) }
        }
        guard let value = Double(text) else { throw Failure(description: "bad number \(text) at \(start)") }
        return .double(value)
    }

    private mutating func string() throws -> String {
        guard bytes[position] == UInt8(ascii: "\"") else { throw Failure(description: "expected string at \(position)") }
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                continue
            }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                var scalar = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) ?? 0xFFFD
                position += 4
                if (0xD800..<0xDC00).contains(scalar), bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                    let low = UInt32(String(decoding: bytes[position + 2..<position + 6], as: UTF8.self), radix: 16) ?? 0
                    position += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(scalar) ?? "\u{FFFD}")).utf8))
            default: out.append(escape)
            }
        }
        throw Failure(description: "unterminated string")
    }
}
