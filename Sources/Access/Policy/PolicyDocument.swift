import Foundation
import TarnCore

extension TarnError.Code {
    /// A policy document is not valid JSON or breaks the policy grammar. Services rename it
    /// (`MalformedPolicy` in S3, `MalformedPolicyDocumentException` in KMS,
    /// `MalformedPolicyDocument` in IAM).
    public static let malformedPolicy = Self("MalformedPolicy")
}

/// A parsed IAM policy document (IAM User Guide, "IAM JSON policy elements reference"):
/// ```
/// policy    = { "Version"?, "Id"?, "Statement": statement | [statement, …] }
/// statement = { "Sid"?, "Effect": "Allow" | "Deny",
///               ("Principal" | "NotPrincipal")?,   // resource policies only
///               ("Action" | "NotAction"),
///               ("Resource" | "NotResource")?,     // required in identity policies
///               "Condition"? }
/// ```
/// Parsed once and cached (`PolicyCache`); evaluation then only walks compiled patterns.
public struct PolicyDocument: Sendable {
    /// Where a policy is attached, which decides the elements it must or must not have.
    public enum Kind: Sendable {
        /// Attached to a user or role: no `Principal`, `Resource` required.
        case identity
        /// Attached to a resource (bucket policy, key policy): `Principal` required.
        case resource
    }

    /// `Version`, when present.
    public var version: String?
    /// `Id`, when present.
    public var id: String?
    /// The statements in order.
    public var statements: [PolicyStatement]
    /// The text it was parsed from.
    public var text: String

    /// Parses and validates a document.
    /// - Throws: `MalformedPolicy` naming the first problem found.
    public init(json text: String, kind: Kind) throws {
        self.text = text
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw Self.malformed("the policy is not valid JSON")
        }
        guard let root = object as? [String: Any] else { throw Self.malformed("the policy must be a JSON object") }
        for name in root.keys where !["Version", "Id", "Statement"].contains(name) {
            throw Self.malformed("unknown policy element \(name)")
        }
        if let version = root["Version"] {
            guard let version = version as? String, ["2012-10-17", "2008-10-17"].contains(version) else {
                throw Self.malformed("Version must be 2012-10-17 or 2008-10-17")
            }
            self.version = version
        }
        id = root["Id"] as? String
        let rawStatements: [Any]
        switch root["Statement"] {
        case let array as [Any]: rawStatements = array
        case let single as [String: Any]: rawStatements = [single]
        default: throw Self.malformed("the policy needs a Statement (an object or an array of objects)")
        }
        guard !rawStatements.isEmpty else { throw Self.malformed("Statement must not be empty") }
        statements = try rawStatements.enumerated().map { index, raw in
            guard let statement = raw as? [String: Any] else { throw Self.malformed("statement \(index + 1) is not an object") }
            return try PolicyStatement(statement, index: index, kind: kind)
        }
    }

    static func malformed(_ why: String) -> TarnError { TarnError(.malformedPolicy, why) }
}

/// One statement of a policy, compiled for evaluation.
public struct PolicyStatement: Sendable {
    /// `Allow` or `Deny`.
    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }

    /// `Sid`, when present.
    public var sid: String?
    /// The position in the policy (0-based), for explanations.
    public var index: Int
    /// The effect.
    public var effect: Effect
    /// `Principal` or `NotPrincipal`; nil in identity policies.
    public var principal: PrincipalSpec?
    /// Whether `principal` came from `NotPrincipal`.
    public var notPrincipal: Bool
    /// Action patterns (case-insensitive).
    public var actions: [WildcardPattern]
    /// Whether `actions` came from `NotAction`.
    public var notAction: Bool
    /// Resource patterns; empty when the statement has none (resource policies may omit it).
    public var resources: [WildcardPattern]
    /// Whether `resources` came from `NotResource`.
    public var notResource: Bool
    /// The condition clauses, all of which must hold.
    public var conditions: [ConditionClause]

    static let elements: Set<String> = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]

    init(_ raw: [String: Any], index: Int, kind: PolicyDocument.Kind) throws {
        let label = (raw["Sid"] as? String).map { "statement \"\($0)\"" } ?? "statement \(index + 1)"
        func malformed(_ why: String) -> TarnError { PolicyDocument.malformed("\(label): \(why)") }
        for name in raw.keys where !Self.elements.contains(name) { throw malformed("unknown element \(name)") }
        self.index = index
        sid = raw["Sid"] as? String
        switch raw["Effect"] as? String {
        case "Allow": effect = .allow
        case "Deny": effect = .deny
        default: throw malformed("Effect must be Allow or Deny")
        }
        if raw["Principal"] != nil && raw["NotPrincipal"] != nil { throw malformed("give Principal or NotPrincipal, not both") }
        if let value = raw["Principal"] ?? raw["NotPrincipal"] {
            guard kind == .resource else { throw malformed("an identity-based policy cannot name a Principal") }
            principal = try PrincipalSpec(value, malformed: malformed)
            notPrincipal = raw["NotPrincipal"] != nil
        } else {
            guard kind == .identity else { throw malformed("a resource-based policy needs a Principal") }
            principal = nil
            notPrincipal = false
        }
        if raw["Action"] != nil && raw["NotAction"] != nil { throw malformed("give Action or NotAction, not both") }
        guard let actionValue = raw["Action"] ?? raw["NotAction"] else { throw malformed("Action or NotAction is required") }
        notAction = raw["NotAction"] != nil
        actions = try Self.strings(actionValue, element: "Action", malformed: malformed).map { action in
            guard action == "*" || action.contains(":") else { throw malformed("action \"\(action)\" must be service:Action or *") }
            return WildcardPattern(action, caseInsensitive: true)
        }
        if raw["Resource"] != nil && raw["NotResource"] != nil { throw malformed("give Resource or NotResource, not both") }
        if let resourceValue = raw["Resource"] ?? raw["NotResource"] {
            notResource = raw["NotResource"] != nil
            resources = try Self.strings(resourceValue, element: "Resource", malformed: malformed).map { resource in
                guard resource == "*" || resource.hasPrefix("arn:") else { throw malformed("resource \"\(resource)\" must be an ARN or *") }
                return WildcardPattern(resource)
            }
        } else {
            guard kind == .resource else { throw malformed("Resource or NotResource is required") }
            notResource = false
            resources = []
        }
        if let condition = raw["Condition"] {
            guard let blocks = condition as? [String: Any] else { throw malformed("Condition must be an object") }
            conditions = try blocks.sorted { $0.key < $1.key }.flatMap { operatorName, value -> [ConditionClause] in
                let op = try ConditionOperator(operatorName, malformed: malformed)
                guard let keys = value as? [String: Any] else { throw malformed("Condition \(operatorName) must map keys to values") }
                return try keys.sorted { $0.key < $1.key }.map { key, values in
                    try ConditionClause(operator: op, key: key, values: Self.conditionValues(values, malformed: malformed), malformed: malformed)
                }
            }
        } else {
            conditions = []
        }
    }

    /// A string or a non-empty array of strings.
    static func strings(_ value: Any, element: String, malformed: (String) -> TarnError) throws -> [String] {
        if let single = value as? String { return [single] }
        if let array = value as? [Any], !array.isEmpty {
            return try array.map { item in
                guard let text = item as? String else { throw malformed("\(element) values must be strings") }
                return text
            }
        }
        throw malformed("\(element) must be a string or a non-empty array of strings")
    }

    /// Condition values as text: strings, numbers and booleans, alone or in an array.
    static func conditionValues(_ value: Any, malformed: (String) -> TarnError) throws -> [String] {
        func text(_ item: Any) throws -> String {
            switch item {
            case let string as String: return string
            case let number as NSNumber:
                if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
                let double = number.doubleValue
                return double.rounded() == double && abs(double) < 9e15 ? String(Int64(double)) : String(double)
            default: throw malformed("condition values must be strings, numbers or booleans")
            }
        }
        if let array = value as? [Any] { return try array.map(text) }
        return [try text(value)]
    }
}

/// The `Principal` element of a resource policy.
public struct PrincipalSpec: Sendable {
    /// `"*"` or `{"AWS": "*"}`: everyone, signed or not.
    public var everyone: Bool
    /// AWS principals: account ids, `arn:aws:iam::ACCOUNT:root`, user, role and assumed-role ARNs.
    public var aws: [String]
    /// Service principals (`s3.amazonaws.com`).
    public var services: [String]
    /// Federated and canonical-user principals (kept for validation; Tarn has none).
    public var others: [String]

    init(_ value: Any, malformed: (String) -> TarnError) throws {
        everyone = false
        aws = []
        services = []
        others = []
        if let text = value as? String {
            guard text == "*" else { throw malformed("Principal must be \"*\" or an object such as {\"AWS\": …}") }
            everyone = true
            return
        }
        guard let object = value as? [String: Any], !object.isEmpty else { throw malformed("Invalid principal in policy") }
        for (type, raw) in object {
            let values = try PolicyStatement.strings(raw, element: "Principal", malformed: malformed)
            switch type {
            case "AWS":
                for principal in values {
                    if principal == "*" {
                        everyone = true
                    } else if principal.hasPrefix("arn:aws:iam::") || principal.hasPrefix("arn:aws:sts::")
                        || (principal.utf8.count == 12 && principal.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
                    {
                        aws.append(principal)
                    } else {
                        throw malformed("Invalid principal in policy: \"AWS\": \"\(principal)\"")
                    }
                }
            case "Service": services += values
            case "Federated", "CanonicalUser": others += values
            default: throw malformed("Invalid principal in policy: unknown principal type \(type)")
            }
        }
    }
}
