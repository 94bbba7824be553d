import Foundation
import TarnCore

/// IAM error codes (IAM API Reference, "Common Errors" and per-operation errors).
extension TarnError.Code {
    /// `NoSuchEntity` (404): no user, role, policy or key with that name.
    public static let noSuchEntity = Self("NoSuchEntity")
    /// `EntityAlreadyExists` (409).
    public static let entityAlreadyExists = Self("EntityAlreadyExists")
    /// `DeleteConflict` (409): the entity still has attached policies or keys.
    public static let deleteConflict = Self("DeleteConflict")
    /// `MalformedPolicyDocument` (400).
    public static let malformedPolicyDocument = Self("MalformedPolicyDocument")
    /// `ValidationError` (400): a name or value breaks its constraint.
    public static let iamValidation = Self("ValidationError")
}

/// Who a policy is attached to.
public enum IAMIdentity: Sendable, Hashable, CustomStringConvertible {
    /// An IAM user.
    case user(String)
    /// An IAM role.
    case role(String)

    /// `user alice` / `role etl`.
    public var description: String {
        switch self {
        case .user(let name): "user \(name)"
        case .role(let name): "role \(name)"
        }
    }
}

/// An IAM user: a long-term identity with access keys.
public struct IAMUser: Sendable, Codable, Equatable {
    /// The user name.
    public var name: String
    /// The stable id (`AIDA…`).
    public var userID: String
    /// When it was created.
    public var created: Date
    /// Names of attached managed policies.
    public var attachedPolicies: [String]
    /// Inline policies by name.
    public var inlinePolicies: [String: String]

    /// The user's ARN.
    public func arn(accountID: String) -> String { "arn:aws:iam::\(accountID):user/\(name)" }
}

/// An access key of a user. The secret is returned once, at creation.
public struct IAMAccessKey: Sendable, Codable, Equatable {
    /// The access key id (`AKIA…`).
    public var accessKeyID: String
    /// The owning user.
    public var userName: String
    /// `Active` or `Inactive`; only active keys authenticate.
    public var status: String
    /// When it was created.
    public var created: Date
    /// The secret sealed with the store's sealing key (base64), as stored.
    var sealedSecret: String
}

/// An IAM role: an identity that services and users assume for temporary, least-privilege work.
public struct IAMRole: Sendable, Codable, Equatable {
    /// The role name.
    public var name: String
    /// The stable id (`AROA…`).
    public var roleID: String
    /// When it was created.
    public var created: Date
    /// The trust policy: who may assume it.
    public var trustPolicy: String
    /// A description.
    public var description: String
    /// Names of attached managed policies.
    public var attachedPolicies: [String]
    /// Inline policies by name.
    public var inlinePolicies: [String: String]

    /// The role's ARN.
    public func arn(accountID: String) -> String { "arn:aws:iam::\(accountID):role/\(name)" }
}

/// A customer managed policy.
public struct IAMManagedPolicy: Sendable, Codable, Equatable {
    /// The policy name.
    public var name: String
    /// The stable id (`ANPA…`).
    public var policyID: String
    /// The document.
    public var document: String
    /// A description.
    public var description: String
    /// When it was created.
    public var created: Date

    /// The policy's ARN.
    public func arn(accountID: String) -> String { "arn:aws:iam::\(accountID):policy/\(name)" }
}

enum IAMNames {
    /// IAM names: 1–64 (users, roles) or 1–128 (policies) of `\w+=,.@-`.
    static func validate(_ name: String, what: String, maxLength: Int = 64) throws {
        let valid = !name.isEmpty && name.utf8.count <= maxLength
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || "_+=,.@-".utf8.contains(byte)
            }
        guard valid else {
            throw TarnError(.iamValidation, "The specified value for \(what) is invalid: \"\(name)\" must be 1 to \(maxLength) of letters, digits and _+=,.@-")
        }
    }

    /// An IAM-style unique id: a 4-letter prefix and 17 uppercase letters or digits.
    static func uniqueID(prefix: String) -> String { prefix + Identifiers.randomToken(length: 17).uppercased() }
}
