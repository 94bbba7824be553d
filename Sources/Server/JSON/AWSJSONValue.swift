import Foundation
import TarnCore

/// A JSON value as the AWS JSON protocols use it. Blobs travel as base64 strings and timestamps
/// as epoch seconds (numbers); helpers below convert.
public enum AWSJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AWSJSONValue])
    case object([String: AWSJSONValue])

    /// The string, or nil.
    public var string: String? { if case .string(let value) = self { value } else { nil } }
    /// The number, or nil.
    public var number: Double? { if case .number(let value) = self { value } else { nil } }
    /// The number as an integer when it is one, or nil.
    public var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }
    /// The boolean, or nil.
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The array, or nil.
    public var array: [AWSJSONValue]? { if case .array(let value) = self { value } else { nil } }
    /// The object, or nil.
    public var object: [String: AWSJSONValue]? { if case .object(let value) = self { value } else { nil } }
    /// A base64 blob decoded, or nil.
    public var blob: [UInt8]? { string.flatMap { Data(base64Encoded: $0) }.map(Array.init) }

    /// Member of an object, or nil.
    public subscript(_ key: String) -> AWSJSONValue? { object?[key] }

    /// A blob encoded as base64.
    public static func blob(_ bytes: [UInt8]) -> AWSJSONValue { .string(Data(bytes).base64EncodedString()) }
    /// A timestamp as epoch seconds with milliseconds.
    public static func timestamp(_ date: Date) -> AWSJSONValue { .number((date.timeIntervalSince1970 * 1000).rounded() / 1000) }

    /// Parses JSON text.
    /// - Throws: `AWSJSONError("SerializationException")` for malformed input.
    public static func parse(_ bytes: [UInt8]) throws -> AWSJSONValue {
        if bytes.isEmpty { return .object([:]) }
        do {
            return try convert(JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
        } catch let error as AWSJSONError {
            throw error
        } catch {
            throw AWSJSONError("SerializationException", "Malformed JSON body: \(error.localizedDescription)")
        }
    }

    private static func convert(_ value: Any) throws -> AWSJSONValue {
        switch value {
        case is NSNull: return .null
        case let number as NSNumber:
            // CFBoolean and NSNumber share a class on Linux; the objCType tells them apart.
            if String(cString: number.objCType) == "c" {
                return .bool(number.boolValue)
            }
            return .number(number.doubleValue)
        case let string as String: return .string(string)
        case let array as [Any]: return .array(try array.map(convert))
        case let object as [String: Any]: return .object(try object.mapValues(convert))
        default: throw AWSJSONError("SerializationException", "Unsupported JSON value")
        }
    }

    /// Serializes to compact JSON text.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let value):
            if value.rounded() == value && abs(value) < 9.0e15 {
                out += Array(String(Int64(value)).utf8)
            } else {
                out += Array("\(value)".utf8)
            }
        case .string(let value): Self.writeString(value, into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension AWSJSONRequest {
    /// A required string member, or `ValidationException` naming it.
    public func string(_ name: String) throws -> String {
        guard let value = body[name]?.string else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value null at '\(lowerFirst(name))' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    /// An optional integer member, validated to `range`.
    public func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = body[name], raw != .null else { return nil }
        guard let value = raw.int, range.contains(value) else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value '\(raw)' at '\(lowerFirst(name))' failed to satisfy constraint: Member must have value between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    private func lowerFirst(_ name: String) -> String { name.prefix(1).lowercased() + name.dropFirst() }
}
