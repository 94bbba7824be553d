import Foundation
import TarnCore

/// The request's condition keys and their values (`aws:SourceIp` → `["203.0.113.9"]`), keys
/// compared case-insensitively as IAM does.
public struct ConditionContext: Sendable, Equatable {
    /// Values by lowercased key.
    public private(set) var values: [String: [String]]

    /// Creates a context; keys in any case.
    public init(_ pairs: [String: [String]] = [:]) {
        values = Dictionary(pairs.map { (HTTPHeaders.lowercase($0.key), $0.value) }, uniquingKeysWith: { $0 + $1 })
    }

    /// Creates a context from keys that are already lowercase, without re-keying them (the
    /// server builds one for every request).
    public init(lowercasedKeys values: [String: [String]]) {
        assert(values.keys.allSatisfy { HTTPHeaders.lowercase($0) == $0 }, "keys must be lowercase")
        self.values = values
    }

    /// The values of a key, nil when the request does not have it.
    public subscript(_ key: String) -> [String]? {
        get { values[HTTPHeaders.lowercase(key)] }
        set { values[HTTPHeaders.lowercase(key)] = newValue }
    }

    /// Adds every pair of `other`, replacing keys present in both.
    public mutating func merge(_ other: [String: [String]]) {
        for (key, value) in other { self[key] = value }
    }
}

/// One condition of a statement: an operator, a key and the values to compare against, with
/// the values compiled for their operator when the policy is parsed.
public struct ConditionClause: Sendable {
    /// The operator.
    public var op: ConditionOperator
    /// The condition key as written, e.g. `aws:SecureTransport`.
    public var key: String
    /// The values as written.
    public var values: [String]
    let patterns: [WildcardPattern]
    let numbers: [Double]
    let ranges: [IPRange]
    let hasVariables: Bool

    init(operator op: ConditionOperator, key: String, values: [String], malformed: (String) -> TarnError) throws {
        self.op = op
        self.key = key
        self.values = values
        hasVariables = values.contains { $0.contains("${") }
        var patterns: [WildcardPattern] = []
        var numbers: [Double] = []
        var ranges: [IPRange] = []
        switch op.comparison {
        case .stringLike, .stringNotLike, .arnLike, .arnNotLike, .arnEquals, .arnNotEquals:
            patterns = values.map { WildcardPattern($0) }
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            numbers = try values.map { value in
                guard let number = Double(value) else { throw malformed("\(op.comparison.rawValue) value \"\(value)\" is not a number") }
                return number
            }
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            numbers = try values.map { value in
                guard let seconds = PolicyDate.seconds(value) else { throw malformed("\(op.comparison.rawValue) value \"\(value)\" is not a date") }
                return seconds
            }
        case .ipAddress, .notIpAddress:
            ranges = try values.map { value in
                guard let range = IPRange(value) else { throw malformed("\(op.comparison.rawValue) value \"\(value)\" is not an IP address or CIDR range") }
                return range
            }
        case .bool, .null:
            for value in values where !["true", "false"].contains(value.lowercased()) {
                throw malformed("\(op.comparison.rawValue) value \"\(value)\" must be true or false")
            }
        default: break
        }
        self.patterns = patterns
        self.numbers = numbers
        self.ranges = ranges
    }

    /// Whether the condition holds for a request.
    public func holds(in context: ConditionContext) -> Bool {
        let present = context[key]
        if op.comparison == .null {
            // Null: "true" means the key must be absent, "false" that it must be present.
            let absent = present == nil || present!.isEmpty
            return values.contains { ($0.lowercased() == "true") == absent }
        }
        guard let requestValues = present, !requestValues.isEmpty else {
            if op.ifExists { return true }
            switch op.qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case .none: return op.comparison.negated
            }
        }
        let policy = hasVariables ? Self.substitute(values, context: context) : nil
        switch op.qualifier {
        case .forAllValues: return requestValues.allSatisfy { test($0, policy: policy) }
        case .forAnyValue: return requestValues.contains { test($0, policy: policy) }
        case .none:
            // A negated operator holds when no request value matches any policy value.
            if op.comparison.negated { return requestValues.allSatisfy { test($0, policy: policy) } }
            return requestValues.contains { test($0, policy: policy) }
        }
    }

    /// The per-value test: for a negated operator, "matches none of the policy values".
    func test(_ value: String, policy substituted: [String]?) -> Bool {
        let values = substituted ?? self.values
        switch op.comparison {
        case .stringEquals: return values.contains(value)
        case .stringNotEquals: return !values.contains(value)
        case .stringEqualsIgnoreCase: return values.contains { $0.lowercased() == value.lowercased() }
        case .stringNotEqualsIgnoreCase: return !values.contains { $0.lowercased() == value.lowercased() }
        case .stringLike, .arnLike, .arnEquals:
            return likePatterns(substituted).contains { $0.matches(value) }
        case .stringNotLike, .arnNotLike, .arnNotEquals:
            return !likePatterns(substituted).contains { $0.matches(value) }
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let number = Double(value) else { return op.comparison.negated }
            return compare(number, numbers)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let seconds = PolicyDate.seconds(value) else { return op.comparison.negated }
            return compare(seconds, numbers)
        case .bool: return values.contains { $0.lowercased() == value.lowercased() }
        case .binaryEquals: return values.contains(value)
        case .ipAddress:
            guard let address = IPRange.parseAddress(value) else { return false }
            return ranges.contains { $0.contains(address) }
        case .notIpAddress:
            guard let address = IPRange.parseAddress(value) else { return true }
            return !ranges.contains { $0.contains(address) }
        case .null: return false
        }
    }

    private func likePatterns(_ substituted: [String]?) -> [WildcardPattern] {
        substituted.map { $0.map { WildcardPattern($0) } } ?? patterns
    }

    private func compare(_ value: Double, _ bounds: [Double]) -> Bool {
        switch op.comparison {
        case .numericEquals, .dateEquals: bounds.contains(value)
        case .numericNotEquals, .dateNotEquals: !bounds.contains(value)
        case .numericLessThan, .dateLessThan: bounds.contains { value < $0 }
        case .numericLessThanEquals, .dateLessThanEquals: bounds.contains { value <= $0 }
        case .numericGreaterThan, .dateGreaterThan: bounds.contains { value > $0 }
        case .numericGreaterThanEquals, .dateGreaterThanEquals: bounds.contains { value >= $0 }
        default: false
        }
    }

    /// Replaces policy variables (`${aws:username}`, and the literals `${*}`, `${?}`, `${$}`)
    /// with the request's values. A variable the request lacks leaves a value that cannot match.
    static func substitute(_ values: [String], context: ConditionContext) -> [String] {
        values.map { PolicyVariables.substitute($0, context: context) ?? "\u{0}unmatched" }
    }
}

/// Policy variables (IAM User Guide, "IAM policy elements: Variables and tags").
enum PolicyVariables {
    /// The text with every `${key}` replaced, or nil when a key is missing from the request.
    static func substitute(_ text: String, context: ConditionContext) -> String? {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<end])
            switch name {
            case "*": out += "*"
            case "?": out += "?"
            case "$": out += "$"
            default:
                // `${key, 'default'}` gives a value for a missing key.
                let parts = name.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if let value = context[parts[0]]?.first {
                    out += value
                } else if parts.count == 2, parts[1].hasPrefix("'"), parts[1].hasSuffix("'"), parts[1].count >= 2 {
                    out += parts[1].dropFirst().dropLast()
                } else {
                    return nil
                }
            }
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return out
    }
}

/// Dates in conditions: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with fractional
/// seconds) or seconds since 1970 (`aws:EpochTime`).
enum PolicyDate {
    /// Seconds since 1970, or nil when the text is no date.
    static func seconds(_ text: String) -> Double? {
        if let number = Double(text) { return number }
        return ISO8601.parse(text)
    }
}
