import Foundation
import TarnCore

/// The subset of jq that Firehose's `MetadataExtractionQuery` uses for dynamic partitioning:
/// an object constructor whose values are paths, e.g. `{event_type: .event_type, region: .geo.region}`.
/// (docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html.)
/// Anything else (functions, pipes) is rejected at CreateDeliveryStream.
public struct MetadataExtractionQuery: Sendable, Equatable {
    /// Output key → member path.
    public let fields: [(key: String, path: [String])]
    /// The keys, in order.
    public var keys: [String] { fields.map(\.key) }

    /// Parses a query.
    /// - Throws: `InvalidArgumentException` for anything outside the supported subset.
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else {
            throw TarnError(.invalidArgumentException, "MetadataExtractionQuery must be a jq object like {key: .field}, got '\(text)'.")
        }
        var fields: [(String, [String])] = []
        let body = trimmed.dropFirst().dropLast()
        for member in body.split(separator: ",") {
            let pieces = member.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty, pieces[1].hasPrefix(".") else {
                throw TarnError(.invalidArgumentException, "Unsupported MetadataExtractionQuery member '\(member)': Tarn supports key: .path members.")
            }
            let key = pieces[0].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let path = pieces[1].dropFirst().split(separator: ".").map(String.init)
            guard !path.isEmpty, path.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
                throw TarnError(.invalidArgumentException, "Unsupported jq path '\(pieces[1])' in MetadataExtractionQuery.")
            }
            fields.append((key, path))
        }
        guard !fields.isEmpty else { throw TarnError(.invalidArgumentException, "MetadataExtractionQuery defines no keys.") }
        self.fields = fields
    }

    /// Extracts the partition values from one JSON record.
    /// - Throws: a `TarnError` whose message becomes the error record's `errorMessage`.
    public func evaluate(_ record: ArraySlice<UInt8>) throws -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(record), options: [.fragmentsAllowed]) as? [String: Any] else {
            throw TarnError(.partitioningFailed, "Non JSON record provided")
        }
        var values: [String: String] = [:]
        for (key, path) in fields {
            var current: Any? = object
            for member in path { current = (current as? [String: Any])?[member] }
            switch current {
            case let string as String: values[key] = string
            case let number as NSNumber: values[key] = number.stringValue
            default:
                throw TarnError(.partitioningFailed, "The partition key '\(key)' (.\(path.joined(separator: "."))) is missing or not a scalar in the record")
            }
        }
        return values
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.path == $1.path }
    }
}

extension TarnError.Code {
    /// A record's partition keys could not be extracted (Firehose's `DynamicPartitioning.MetadataExtractionFailed`).
    public static let partitioningFailed = Self("DynamicPartitioning.MetadataExtractionFailed")
}
