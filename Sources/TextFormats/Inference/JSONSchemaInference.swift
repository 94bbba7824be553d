import Columnar
import TarnCore

/// Infers a JSON Lines file's schema from its first lines: the union of the members seen, in
/// first-seen order; scalars as boolean, bigint, double, string (strings that all parse as dates
/// or timestamps become `date` / `timestamp(us, utc)`); objects as structs (recursively, same
/// union rule) and arrays as lists of the union of their elements. Values of incompatible kinds
/// in one place (a number here, an object there) make a string column holding the JSON text.
///
/// ```swift
/// let schema = try JSONSchemaInference.infer(sample: firstMegabyte, isWholeFile: false)
/// ```
public enum JSONSchemaInference {
    /// Infers the schema of JSON Lines text.
    /// - Parameters:
    ///   - sample: the start of the file.
    ///   - isWholeFile: whether `sample` is the entire file (so its last line is complete).
    ///   - maxRows: lines to sample.
    ///   - maxDepth: nesting limit of the JSON parser.
    ///   - nullableFields: make every field nullable (true) or only those that were missing or
    ///     null somewhere in the sample.
    /// - Returns: the schema; lines that are not JSON objects are skipped.
    public static func infer(sample: [UInt8], isWholeFile: Bool, maxRows: Int = 10_000, maxDepth: Int = 512, nullableFields: Bool = true) -> Schema {
        var root: Node? = nil
        var parser = JSONParser(maxDepth: maxDepth)
        var tape = JSONTape()
        var rows = 0
        sample.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = buffer.starts(with: CSVReader.byteOrderMark) ? 3 : 0
            while start < buffer.count && rows < maxRows {
                let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n"))
                guard newline != nil || isWholeFile else { break }
                var end = newline ?? buffer.count
                let next = end + 1
                if end > start && base[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                defer { start = next }
                tape.removeAll()
                guard let token = try? parser.parse(base, from: start, to: end, into: &tape), tape.kind(token) == .object else { continue }
                let node = Node.of(token, tape: tape, base: base)
                if root == nil { root = node } else { root!.merge(node) }
                rows += 1
            }
        }
        guard case .structure(let fields, _)? = root else { return Schema([]) }
        return Schema(fields.map { Field($0.name, $0.node.dataType(nullableFields: nullableFields), nullable: nullableFields || $0.node.isNullable) })
    }

    /// The inferred shape of the values seen at one place in the documents.
    indirect enum Node {
        /// Only nulls (or nothing) so far.
        case null
        /// Scalars, described by what all of them parse as.
        case scalar(ScalarKind, nullable: Bool)
        /// Objects: the union of their members in first-seen order.
        case structure(fields: [(name: String, node: Node)], nullable: Bool)
        /// Arrays: the union of their elements.
        case list(element: Node, nullable: Bool)
        /// Incompatible kinds: kept as JSON text.
        case text(nullable: Bool)

        /// A JSON scalar's kind.
        enum ScalarKind: Equatable {
            case boolean, bigint, double, date, timestamp, string
        }

        var isNullable: Bool {
            switch self {
            case .null: true
            case .scalar(_, let nullable), .structure(_, let nullable), .list(_, let nullable), .text(let nullable): nullable
            }
        }

        /// The node of one tape value.
        static func of(_ token: Int, tape: JSONTape, base: UnsafePointer<UInt8>) -> Node {
            let start = Int(tape.start(token)), count = Int(tape.end(token)) - start
            switch tape.kind(token) {
            case .null: return .null
            case .true, .false: return .scalar(.boolean, nullable: false)
            case .number:
                return .scalar(NumberParsing.parseInt64(base + start, count) != nil ? .bigint : .double, nullable: false)
            case .string:
                var inference = ScalarInference()
                if tape.isEscaped(token) {
                    var plain: [UInt8] = []
                    _ = JSONString.unescape(base + start, count, into: &plain)
                    inference.observe(plain)
                } else if count > 0 {
                    inference.observe(base + start, count)
                }
                let kind: ScalarKind = switch inference.type {
                case .date: .date
                case .timestamp: .timestamp
                default: .string
                }
                return .scalar(kind, nullable: false)
            case .array:
                var element = Node.null
                for child in tape.elements(ofArray: token) { element.merge(of(child, tape: tape, base: base)) }
                return .list(element: element, nullable: false)
            case .object:
                var fields: [(name: String, node: Node)] = []
                var positions: [String: Int] = [:]
                for (key, value) in tape.members(ofObject: token) {
                    let decoded = JSONValueConverter(base: base, tape: tape).key(key)
                    let child = of(value, tape: tape, base: base)
                    if let position = positions[decoded] {
                        fields[position].node = child  // duplicate member: the last one wins
                    } else {
                        positions[decoded] = fields.count
                        fields.append((decoded, child))
                    }
                }
                return .structure(fields: fields, nullable: false)
            }
        }

        /// Widens this node to cover `other` too.
        mutating func merge(_ other: Node) {
            self = Self.merged(self, other)
        }

        private func withNullable() -> Node {
            switch self {
            case .null: .null
            case .scalar(let kind, _): .scalar(kind, nullable: true)
            case .structure(let fields, _): .structure(fields: fields, nullable: true)
            case .list(let element, _): .list(element: element, nullable: true)
            case .text: .text(nullable: true)
            }
        }

        private static func merged(_ a: Node, _ b: Node) -> Node {
            switch (a, b) {
            case (.null, _): return b.withNullable()
            case (_, .null): return a.withNullable()
            case (.scalar(let x, let nx), .scalar(let y, let ny)):
                let nullable = nx || ny
                if x == y { return .scalar(x, nullable: nullable) }
                switch (x, y) {
                case (.bigint, .double), (.double, .bigint): return .scalar(.double, nullable: nullable)
                case (.date, .timestamp), (.timestamp, .date): return .scalar(.timestamp, nullable: nullable)
                case (.date, .string), (.string, .date), (.timestamp, .string), (.string, .timestamp): return .scalar(.string, nullable: nullable)
                default: return .text(nullable: nullable)
                }
            case (.structure(let x, let nx), .structure(let y, let ny)):
                var fields = x
                var positions: [String: Int] = [:]
                for (index, field) in fields.enumerated() { positions[field.name] = index }
                var seen = Set<String>()
                for field in y {
                    seen.insert(field.name)
                    if let position = positions[field.name] {
                        fields[position].node = merged(fields[position].node, field.node)
                    } else {
                        // Missing from the earlier objects: nullable.
                        fields.append((field.name, field.node.withNullable()))
                    }
                }
                for index in fields.indices where !seen.contains(fields[index].name) && index < x.count {
                    fields[index].node = fields[index].node.withNullable()
                }
                return .structure(fields: fields, nullable: nx || ny)
            case (.list(let x, let nx), .list(let y, let ny)):
                return .list(element: merged(x, y), nullable: nx || ny)
            default:
                return .text(nullable: a.isNullable || b.isNullable)
            }
        }

        /// The column type of this node.
        func dataType(nullableFields: Bool) -> DataType {
            switch self {
            case .null, .text: return .string
            case .scalar(let kind, _):
                switch kind {
                case .boolean: return .boolean
                case .bigint: return .int64
                case .double: return .float64
                case .date: return .date
                case .timestamp: return .timestamp(.microseconds, utc: true)
                case .string: return .string
                }
            case .structure(let fields, _):
                return .structure(fields.map { Field($0.name, $0.node.dataType(nullableFields: nullableFields), nullable: nullableFields || $0.node.isNullable) })
            case .list(let element, _):
                return .list(Field("item", element.dataType(nullableFields: nullableFields), nullable: true))
            }
        }
    }
}
