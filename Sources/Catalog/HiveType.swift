import Columnar
import TarnCore

/// Conversion between Glue/Hive type strings and `Columnar.DataType`
/// (cwiki.apache.org/confluence/display/Hive/LanguageManual+Types; Athena's DDL uses the same
/// spellings). Parsing is case-insensitive and accepts Trino's `row(name type, …)` and
/// `array(type)` spellings too, since Athena users write both.
public enum HiveType {
    /// Parses a type string.
    /// - Throws: `TarnError(.invalidArgument)` naming the position of the problem.
    public static func parse(_ text: String) throws -> DataType {
        var parser = Parser(text: Array(text.lowercased().utf8), original: text)
        let type = try parser.type()
        parser.skipSpaces()
        guard parser.position == parser.text.count else { throw parser.error("unexpected text") }
        return type
    }

    /// The Hive spelling of a type (`bigint`, `decimal(10,2)`, `array<string>`, `struct<a:int>`).
    public static func render(_ type: DataType) -> String {
        switch type {
        case .boolean: "boolean"
        case .int8, .uint8: "tinyint"
        case .int16, .uint16: "smallint"
        case .int32, .uint32: "int"
        case .int64, .uint64: "bigint"
        case .float32: "float"
        case .float64: "double"
        case .decimal(let p, let s): "decimal(\(p),\(s))"
        case .date: "date"
        case .time: "string"
        case .timestamp: "timestamp"
        case .string: "string"
        case .binary, .fixedBinary: "binary"
        case .list(let element): "array<\(render(element.type))>"
        case .structure(let fields): "struct<" + fields.map { "\($0.name):\(render($0.type))" }.joined(separator: ",") + ">"
        case .map(let key, let value): "map<\(render(key.type)),\(render(value.type))>"
        }
    }

    private struct Parser {
        let text: [UInt8]
        let original: String
        var position = 0

        init(text: [UInt8], original: String) {
            self.text = text
            self.original = original
        }

        func error(_ why: String) -> TarnError {
            TarnError(.invalidArgument, "invalid type '\(original)' at position \(position + 1): \(why)")
        }

        mutating func skipSpaces() {
            while position < text.count, text[position] == UInt8(ascii: " ") || text[position] == UInt8(ascii: "\t") || text[position] == UInt8(ascii: "\n") {
                position += 1
            }
        }

        mutating func word() -> String {
            skipSpaces()
            let start = position
            while position < text.count,
                (text[position] >= UInt8(ascii: "a") && text[position] <= UInt8(ascii: "z")) || (text[position] >= UInt8(ascii: "0") && text[position] <= UInt8(ascii: "9"))
                    || text[position] == UInt8(ascii: "_")
            {
                position += 1
            }
            return String(decoding: text[start..<position], as: UTF8.self)
        }

        mutating func accept(_ character: Character) -> Bool {
            skipSpaces()
            guard position < text.count, text[position] == character.asciiValue! else { return false }
            position += 1
            return true
        }

        mutating func expect(_ character: Character) throws {
            guard accept(character) else { throw error("expected '\(character)'") }
        }

        mutating func integer() throws -> Int {
            let digits = word()
            guard let value = Int(digits) else { throw error("expected a number") }
            return value
        }

        /// A quoted or bare field name (struct members may be quoted with backticks or double quotes).
        mutating func fieldName() throws -> String {
            skipSpaces()
            if position < text.count, text[position] == UInt8(ascii: "`") || text[position] == UInt8(ascii: "\"") {
                let quote = text[position]
                position += 1
                let start = position
                while position < text.count, text[position] != quote { position += 1 }
                guard position < text.count else { throw error("unterminated quoted name") }
                let name = String(decoding: text[start..<position], as: UTF8.self)
                position += 1
                return name
            }
            let name = word()
            guard !name.isEmpty else { throw error("expected a field name") }
            return name
        }

        mutating func type() throws -> DataType {
            let name = word()
            switch name {
            case "boolean", "bool": return .boolean
            case "tinyint": return .int8
            case "smallint": return .int16
            case "int", "integer": return .int32
            case "bigint": return .int64
            case "float", "real": return .float32
            case "double": return .float64
            case "string": return .string
            case "varchar", "char":
                if accept("(") {
                    _ = try integer()
                    try expect(")")
                }
                return .string
            case "binary", "varbinary": return .binary
            case "date": return .date
            case "timestamp":
                if accept("(") {
                    _ = try integer()
                    try expect(")")
                }
                return .timestamp(.microseconds, utc: false)
            case "decimal", "numeric":
                guard accept("(") else { return .decimal(precision: 10, scale: 0) }
                let precision = try integer()
                var scale = 0
                if accept(",") { scale = try integer() }
                try expect(")")
                guard (1...38).contains(precision), (0...precision).contains(scale) else {
                    throw error("decimal precision must be 1–38 and scale 0–precision, got (\(precision),\(scale))")
                }
                return .decimal(precision: precision, scale: scale)
            case "array":
                let close: Character = accept("<") ? ">" : (accept("(") ? ")" : "?")
                guard close != "?" else { throw error("expected '<' after array") }
                let element = try type()
                try expect(close)
                return .list(Field("element", element))
            case "map":
                let close: Character = accept("<") ? ">" : (accept("(") ? ")" : "?")
                guard close != "?" else { throw error("expected '<' after map") }
                let key = try type()
                try expect(",")
                let value = try type()
                try expect(close)
                return .map(key: Field("key", key, nullable: false), value: Field("value", value))
            case "struct", "row":
                let hive = accept("<")
                if !hive { try expect("(") }
                var fields: [Field] = []
                repeat {
                    let fieldName = try fieldName()
                    if hive { try expect(":") }
                    fields.append(Field(fieldName, try type()))
                } while accept(",")
                try expect(hive ? ">" : ")")
                return .structure(fields)
            case "":
                throw error("expected a type name")
            default:
                throw error("unknown type '\(name)'")
            }
        }
    }
}
