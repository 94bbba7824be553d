import Columnar
import Foundation
import Parquet

/// A JSON value as the oracle files hold them, keeping integers exact.
indirect enum JSONValue: Decodable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .int(value) }
        else if let value = try? container.decode(UInt64.self) { self = .uint(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .uint(let u): "\(u)"
        case .double(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}

/// Renders decoded values the way `expected/*.expected.json` (pyarrow's decoding) writes them,
/// so tests compare against the oracle value by value.
enum OracleJSON {
    /// - Parameter canonicalTime: trim trailing zeros from time fractions, so values compare
    ///   across engines that read a unit differently (DuckDB reads TIME(ms) as microseconds).
    static func render(_ column: Column, row: Int, canonicalTime: Bool = false) -> JSONValue {
        if column.isNull(row) { return .null }
        func trimmed(_ text: String) -> String {
            guard canonicalTime, let dot = text.lastIndex(of: ".") else { return text }
            let utc = text.hasSuffix("Z")
            var fraction = text[text.index(after: dot)...].dropLast(utc ? 1 : 0)
            while fraction.last == "0" { fraction = fraction.dropLast() }
            return String(text[..<dot]) + (fraction.isEmpty ? "" : "." + fraction) + (utc ? "Z" : "")
        }
        switch column.storage {
        case .list(let offsets, let values):
            let items = (Int(offsets[row])..<Int(offsets[row + 1])).map { render(values, row: $0, canonicalTime: canonicalTime) }
            if case .map = column.type, let entryFields = values.type.structFields {
                return .array(items.map { entry in
                    .array([entry[entryFields[0].name] ?? .null, entry[entryFields[1].name] ?? .null])
                })
            }
            return .array(items)
        case .structure(let children):
            var object: [String: JSONValue] = [:]
            for (field, child) in zip(column.type.structFields ?? [], children) {
                object[field.name] = render(child, row: row, canonicalTime: canonicalTime)
            }
            return .object(object)
        default: break
        }
        switch (column.type, column.value(at: row)) {
        case (_, .bool(let b)): return .bool(b)
        case (.date, .date(let days)): return .string(ValueText.date(Int64(days)))
        case (.time(let unit), .time(let t, _)): return .string(trimmed(ValueText.time(t, unit: unit)))
        case (.timestamp(let unit, let utc), .timestamp(let t, _)):
            let days = t >= 0 ? t / (unit.perSecond * 86_400) : (t + 1) / (unit.perSecond * 86_400) - 1
            let (year, _, _) = ValueText.civil(days: days)
            if year < 1 || year > 9999 { return .object(["epoch": .int(t), "unit": .string(unit.rawValue)]) }
            return .string(trimmed(ValueText.timestamp(t, unit: unit, utc: utc)))
        case (.decimal, .decimal(let unscaled, let scale)): return .string(ValueText.decimal(unscaled, scale: scale))
        case (_, .int(let i)): return .int(i)
        case (_, .uint(let u)): return u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case (_, .double(let d)):
            if d.isNaN { return .string("NaN") }
            if d.isInfinite { return .string(d > 0 ? "Infinity" : "-Infinity") }
            return .double(d)
        case (_, .string(let s)): return .string(s)
        case (_, .bytes(let b)):
            var object: [String: JSONValue] = ["hex": .string(ValueText.hex(b))]
            if let text = String(validating: b, as: UTF8.self) { object["utf8"] = .string(text) }
            return .object(object)
        case (_, let other): return .string("unrendered \(other)")
        }
    }

    /// Whether `actual` matches the oracle's `expected`; `difference` names the first mismatch.
    static func matches(_ expected: JSONValue, _ actual: JSONValue, path: String, difference: inout String?) -> Bool {
        func fail(_ why: String) -> Bool {
            if difference == nil { difference = "\(path): \(why) (expected \(expected), got \(actual))" }
            return false
        }
        switch (expected, actual) {
        case (.null, .null): return true
        case (.object(let object), _) where object["unrenderable"] != nil: return true
        case (.object(let a), .object(let b)):
            guard Set(a.keys) == Set(b.keys) else { return fail("keys differ") }
            for (key, value) in a where !matches(value, b[key]!, path: path + "." + key, difference: &difference) { return false }
            return true
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return fail("array lengths differ") }
            for (index, pair) in zip(a, b).enumerated() where !matches(pair.0, pair.1, path: "\(path)[\(index)]", difference: &difference) {
                return false
            }
            return true
        case (.string(let a), .string(let b)): return a == b ? true : fail("strings differ")
        case (.bool(let a), .bool(let b)): return a == b ? true : fail("booleans differ")
        case (.int(let a), .int(let b)): return a == b ? true : fail("integers differ")
        case (.uint(let a), .uint(let b)): return a == b ? true : fail("integers differ")
        case (.double(let a), .double(let b)): return abs(a - b) <= 1e-9 * max(1, abs(a)) ? true : fail("numbers differ")
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b ? true : fail("numbers differ")
        default: return fail("kinds differ")
        }
    }
}
