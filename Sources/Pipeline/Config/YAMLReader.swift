import Foundation
import Yams

/// Reads a composed YAML document field by field, remembering every mistake with its line
/// instead of stopping at the first, so `tarn validate` can report them all.
final class YAMLReader {
    private(set) var issues: [ConfigIssue] = []

    func fail(_ node: Node?, _ path: String, _ message: String) {
        issues.append(ConfigIssue(line: node?.mark?.line ?? 0, path: path, message: message))
    }

    func fail(line: Int, _ path: String, _ message: String) {
        issues.append(ConfigIssue(line: line, path: path, message: message))
    }

    /// The entries of a mapping in file order; reports anything else.
    func mapping(_ node: Node?, _ path: String) -> [(key: String, keyNode: Node, value: Node)] {
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else {
            fail(node, path, "expected a mapping (key: value lines)")
            return []
        }
        var entries: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                fail(key, path, "keys must be strings")
                continue
            }
            entries.append((name, key, value))
        }
        return entries
    }

    /// Reports keys that are not among `allowed` (a typo would otherwise be ignored silently).
    func checkKeys(_ node: Node?, _ path: String, allowed: Set<String>) {
        for entry in mapping(node, path) where !allowed.contains(entry.key) {
            let suggestion = allowed.min { distance($0, entry.key) < distance($1, entry.key) }
            let hint = suggestion.map { distance($0, entry.key) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
            fail(entry.keyNode, join(path, entry.key), "unknown setting '\(entry.key)'\(hint); known: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func string(_ node: Node?, _ path: String, required: Bool = false) -> String? {
        guard let node else {
            if required { fail(line: 0, path, "missing") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            fail(node, path, "expected a string")
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let node else { return nil }
        guard let value = node.bool else {
            fail(node, path, "expected true or false")
            return nil
        }
        return value
    }

    func int(_ node: Node?, _ path: String) -> Int? {
        guard let node else { return nil }
        guard let value = node.int else {
            fail(node, path, "expected a whole number")
            return nil
        }
        return value
    }

    func strings(_ node: Node?, _ path: String) -> [String]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            fail(node, path, "expected a list ([a, b] or '- a' lines)")
            return nil
        }
        return sequence.enumerated().compactMap { index, item in string(item, "\(path)[\(index)]") }
    }

    /// Decodes a Codable value, reporting a decoding failure at the line of the offending field.
    func decode<T: Decodable>(_ type: T.Type, _ node: Node?, _ path: String) -> T? {
        guard let node else { return nil }
        do {
            return try YAMLDecoder().decode(type, from: node)
        } catch let error as DecodingError {
            let (codingPath, message) = Self.describe(error)
            let target = Self.node(at: codingPath, in: node) ?? node
            fail(target, path + codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined(), message)
        } catch {
            fail(node, path, "\(error)")
        }
        return nil
    }

    static func describe(_ error: DecodingError) -> ([any CodingKey], String) {
        switch error {
        case .typeMismatch(let type, let context): return (context.codingPath, "expected \(Self.kind(type)): \(context.debugDescription)")
        case .valueNotFound(let type, let context): return (context.codingPath, "missing \(Self.kind(type))")
        case .keyNotFound(let key, let context): return (context.codingPath, "missing '\(key.stringValue)'")
        case .dataCorrupted(let context): return (context.codingPath, context.debugDescription)
        @unknown default: return ([], "\(error)")
        }
    }

    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }

    /// The node a decoding path points at (as deep as it exists).
    static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var current = root
        for key in path {
            if let index = key.intValue, case .sequence(let sequence) = current, index < sequence.count {
                current = sequence[index]
            } else if case .mapping(let mapping) = current, let value = mapping[key.stringValue] {
                current = value
            } else {
                break
            }
        }
        return current
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// Edit distance, for "did you mean" hints.
    func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
