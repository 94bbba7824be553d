import TarnCore

/// A condition operator as written in a policy, e.g. `ForAnyValue:StringLikeIfExists`
/// (IAM User Guide, "IAM JSON policy elements: Condition operators").
public struct ConditionOperator: Sendable, Equatable {
    /// The comparison family.
    public enum Comparison: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Whether this is a negated operator: true when no value matches, and true when the
        /// key is absent ("negated matching condition operators … evaluate to true" for a
        /// missing key).
        var negated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress,
                .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }
    }

    /// How a multivalued context key is compared.
    public enum SetQualifier: String, Sendable {
        /// No qualifier: any request value matching any policy value.
        case none = ""
        /// `ForAnyValue:`: at least one request value matches (false when the key is absent).
        case forAnyValue = "ForAnyValue"
        /// `ForAllValues:`: every request value matches (true when the key is absent).
        case forAllValues = "ForAllValues"
    }

    /// The comparison.
    public var comparison: Comparison
    /// The set qualifier.
    public var qualifier: SetQualifier
    /// `…IfExists`: true when the key is absent.
    public var ifExists: Bool

    /// Parses an operator name.
    init(_ name: String, malformed: (String) -> TarnError) throws {
        var rest = Substring(name)
        qualifier = .none
        for candidate in [SetQualifier.forAnyValue, .forAllValues] where rest.hasPrefix(candidate.rawValue + ":") {
            qualifier = candidate
            rest = rest.dropFirst(candidate.rawValue.count + 1)
        }
        ifExists = rest.hasSuffix("IfExists") && rest != "IfExists"
        if ifExists { rest = rest.dropLast("IfExists".count) }
        guard let comparison = Comparison(rawValue: String(rest)), !(comparison == .null && ifExists) else {
            throw malformed("unknown condition operator \(name)")
        }
        self.comparison = comparison
    }
}
