import Foundation
import TarnCore

/// A Firehose S3 prefix with expressions, parsed once and evaluated per object.
/// (docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html.)
///
/// ```
///  !{timestamp:yyyy-MM-dd}            the object's oldest record arrival, UTC, Java DateTimeFormatter letters
///  !{firehose:random-string}          11 characters; Tarn derives them from the batch so redelivery reuses them
///  !{firehose:error-output-type}      in ErrorOutputPrefix only: processing-failed, partitioning-failed, …
///  !{partitionKeyFromQuery:name}      a value the MetadataExtractionQuery produced (dynamic partitioning)
/// ```
///
/// "If the prefix doesn't contain a timestamp namespace expression, Firehose appends
/// `!{timestamp:yyyy/MM/dd/HH/}`" — except with dynamic partitioning, where the prefix is
/// taken as written.
public struct PrefixTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case timestamp([DatePart])
        case randomString
        case errorOutputType
        case partitionKey(String)
    }

    enum DatePart: Sendable, Equatable {
        case literal(String)
        case field(Character, width: Int)
    }

    let parts: [Part]

    /// Parses a prefix.
    /// - Throws: `InvalidArgumentException` for unknown namespaces or malformed expressions.
    public init(_ text: String) throws {
        var parts: [Part] = []
        var rest = Substring(text)
        while let start = rest.range(of: "!{") {
            if start.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw TarnError(.invalidArgumentException, "Unterminated expression in prefix '\(text)'.")
            }
            let body = rest[start.upperBound..<end]
            guard let colon = body.firstIndex(of: ":") else {
                throw TarnError(.invalidArgumentException, "Expression !{\(body)} in prefix '\(text)' has no namespace.")
            }
            let namespace = body[..<colon], value = String(body[body.index(after: colon)...])
            switch namespace {
            case "timestamp": parts.append(.timestamp(try Self.parseDate(value, in: text)))
            case "firehose":
                switch value {
                case "random-string": parts.append(.randomString)
                case "error-output-type": parts.append(.errorOutputType)
                default: throw TarnError(.invalidArgumentException, "Unknown firehose expression !{firehose:\(value)} in prefix '\(text)'.")
                }
            case "partitionKeyFromQuery":
                guard !value.isEmpty else { throw TarnError(.invalidArgumentException, "Empty partitionKeyFromQuery in prefix '\(text)'.") }
                parts.append(.partitionKey(value))
            case "partitionKeyFromLambda":
                throw TarnError(.invalidArgumentException, "partitionKeyFromLambda needs a Lambda processor, which Tarn does not run.")
            default:
                throw TarnError(.invalidArgumentException, "Unknown expression namespace '\(namespace)' in prefix '\(text)'.")
            }
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    private static func parseDate(_ pattern: String, in text: String) throws -> [DatePart] {
        var parts: [DatePart] = []
        var characters = Array(pattern)[...]
        while let first = characters.first {
            if first == "'" {
                characters.removeFirst()
                guard let close = characters.firstIndex(of: "'") else {
                    throw TarnError(.invalidArgumentException, "Unterminated quote in timestamp pattern '\(pattern)' of prefix '\(text)'.")
                }
                parts.append(.literal(String(characters[..<close])))
                characters = characters[(close + 1)...]
            } else if first.isLetter {
                guard "yMdHms".contains(first) else {
                    throw TarnError(.invalidArgumentException, "Unsupported timestamp pattern letter '\(first)' in prefix '\(text)' (use y M d H m s).")
                }
                let width = characters.prefix { $0 == first }.count
                parts.append(.field(first, width: width))
                characters = characters.dropFirst(width)
            } else {
                parts.append(.literal(String(first)))
                characters.removeFirst()
            }
        }
        return parts
    }

    /// Whether any `!{…}` expression occurs.
    public var hasExpressions: Bool { parts.contains { if case .literal = $0 { false } else { true } } }
    /// Whether a timestamp expression occurs.
    public var hasTimestamp: Bool { parts.contains { if case .timestamp = $0 { true } else { false } } }
    /// Whether partition-key expressions occur.
    public var usesPartitionKeys: Bool { !partitionKeys.isEmpty }
    /// The partition keys named, in order.
    public var partitionKeys: [String] { parts.compactMap { if case .partitionKey(let key) = $0 { key } else { nil } } }

    /// The default timestamp layout Firehose appends.
    static let defaultTimestamp: [DatePart] = [
        .field("y", width: 4), .literal("/"), .field("M", width: 2), .literal("/"), .field("d", width: 2), .literal("/"),
        .field("H", width: 2), .literal("/"),
    ]

    /// Evaluates the prefix for one object.
    /// - Parameters:
    ///   - arrival: the oldest record's arrival, epoch ms.
    ///   - randomString: the value of `!{firehose:random-string}`.
    ///   - errorOutputType: the value of `!{firehose:error-output-type}`.
    ///   - partitions: values of `!{partitionKeyFromQuery:…}`.
    ///   - appendDefaultTimestamp: append `yyyy/MM/dd/HH/` when no timestamp expression occurs.
    public func evaluate(
        arrival: Int64, randomString: String, errorOutputType: String? = nil, partitions: [String: String] = [:], appendDefaultTimestamp: Bool
    ) -> String {
        let calendar = Self.utcCalendar
        let components = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(arrival) / 1000))
        func format(_ date: [DatePart]) -> String {
            date.map { part -> String in
                switch part {
                case .literal(let text): return text
                case .field(let letter, let width):
                    let value: Int
                    switch letter {
                    case "y": value = width == 2 ? (components.year ?? 0) % 100 : components.year ?? 0
                    case "M": value = components.month ?? 0
                    case "d": value = components.day ?? 0
                    case "H": value = components.hour ?? 0
                    case "m": value = components.minute ?? 0
                    default: value = components.second ?? 0
                    }
                    let digits = String(value)
                    return String(repeating: "0", count: max(0, width - digits.count)) + digits
                }
            }.joined()
        }
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .timestamp(let date): out += format(date)
            case .randomString: out += randomString
            case .errorOutputType: out += errorOutputType ?? ""
            case .partitionKey(let key): out += partitions[key] ?? ""
            }
        }
        if appendDefaultTimestamp && !hasTimestamp { out += format(Self.defaultTimestamp) }
        return out
    }

    /// `yyyy-MM-dd-HH-mm-ss` of an arrival, as in Firehose's object names.
    static func nameTimestamp(_ arrival: Int64) -> String {
        let template = PrefixTemplate(parts: [
            .timestamp([
                .field("y", width: 4), .literal("-"), .field("M", width: 2), .literal("-"), .field("d", width: 2), .literal("-"),
                .field("H", width: 2), .literal("-"), .field("m", width: 2), .literal("-"), .field("s", width: 2),
            ])
        ])
        return template.evaluate(arrival: arrival, randomString: "", appendDefaultTimestamp: false)
    }

    init(parts: [Part]) { self.parts = parts }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
