import Access
import Foundation
import Lake
import TarnCore

/// The IAM and STS actions Tarn serves over the Query protocol: users, access keys, roles,
/// managed and inline policies, policy simulation, AssumeRole and GetCallerIdentity (IAM and STS
/// API References). Every action but GetCallerIdentity is authorized as `iam:Action` /
/// `sts:Action` against the caller's IAM policies.
struct IAMQueryService {
    static let namespace = "https://iam.amazonaws.com/doc/2010-05-08/"
    static let stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

    let lake: Lake
    let principal: Principal
    let conditions: ConditionContext
    var iam: IdentityStore { lake.identities }
    var account: String { Lake.accountID }

    /// The XML inside `<ActionResult>`.
    struct Result {
        var text: String
    }

    func required(_ parameters: [String: String], _ name: String) throws -> String {
        guard let value = parameters[name], !value.isEmpty else {
            throw TarnError(.iamValidation, "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    func authorize(_ action: String, _ parameters: [String: String]) throws {
        let resource: String
        if let user = parameters["UserName"] {
            resource = "arn:aws:iam::\(account):user/\(user)"
        } else if let role = parameters["RoleName"] {
            resource = "arn:aws:iam::\(account):role/\(role)"
        } else if let arn = parameters["PolicyArn"] ?? parameters["RoleArn"] {
            resource = arn
        } else {
            resource = "*"
        }
        let service = QueryProtocolDispatcher.stsActions.contains(action) ? "sts" : "iam"
        var context = conditions
        context.merge(principal.conditionKeys)
        // AssumeRole is decided by the trust policy (with the caller's policies), not here.
        guard action != "AssumeRole" else { return }
        let decision = lake.authorizer.authorize(AuthorizationRequest(principal: principal, action: "\(service):\(action)", resource: resource, context: context))
        guard decision.isAllowed else { throw TarnError(.accessDenied, decision.reason) }
    }

    func handle(action: String, parameters p: [String: String]) throws -> Result {
        if action != "GetCallerIdentity" { try authorize(action, p) }
        switch action {
        case "GetCallerIdentity":
            return Result(text: "<Arn>\(x(principal.arn))</Arn><UserId>\(x(principal.conditionKeys["aws:userid"]?.first ?? account))</UserId><Account>\(account)</Account>")
        case "AssumeRole":
            let roleARN = try required(p, "RoleArn")
            guard let roleName = roleARN.components(separatedBy: ":role/").last, roleARN.hasPrefix("arn:aws:iam::\(account):role/") else {
                throw TarnError(.iamValidation, "RoleArn \(roleARN) is not a role of account \(account)")
            }
            let session = try iam.assumeRole(
                roleName, sessionName: try required(p, "RoleSessionName"), by: principal, duration: Int(p["DurationSeconds"] ?? "") ?? 3600, context: conditions)
            return Result(
                text: """
                    <Credentials><AccessKeyId>\(session.credentials.accessKeyID)</AccessKeyId><SecretAccessKey>\(session.credentials.secretAccessKey)</SecretAccessKey>\
                    <SessionToken>\(session.credentials.sessionToken ?? "")</SessionToken><Expiration>\(HTTPDate.iso8601(session.expires))</Expiration></Credentials>\
                    <AssumedRoleUser><AssumedRoleId>\(x(try iam.role(roleName).roleID)):\(x(p["RoleSessionName"] ?? ""))</AssumedRoleId><Arn>\(x(session.principal.arn))</Arn></AssumedRoleUser>
                    """)
        case "CreateUser": return Result(text: "<User>\(user(try iam.createUser(try required(p, "UserName"))))</User>")
        case "GetUser":
            let name = p["UserName"] ?? (principal.kind == .user ? principal.name : "")
            return Result(text: "<User>\(user(try iam.user(name)))</User>")
        case "DeleteUser":
            try iam.deleteUser(try required(p, "UserName"))
            return Result(text: "")
        case "ListUsers":
            return Result(text: "<Users>\(iam.users().map { "<member>\(user($0))</member>" }.joined())</Users><IsTruncated>false</IsTruncated>")
        case "CreateAccessKey":
            let name = p["UserName"] ?? (principal.kind == .user ? principal.name : "")
            let (key, secret) = try iam.createAccessKey(userName: name)
            return Result(text: "<AccessKey>\(accessKey(key))<SecretAccessKey>\(secret)</SecretAccessKey></AccessKey>")
        case "ListAccessKeys":
            let name = p["UserName"] ?? (principal.kind == .user ? principal.name : "")
            let keys = try iam.accessKeys(userName: name)
            return Result(text: "<AccessKeyMetadata>\(keys.map { "<member>\(accessKey($0))</member>" }.joined())</AccessKeyMetadata><IsTruncated>false</IsTruncated>")
        case "UpdateAccessKey":
            try iam.updateAccessKey(userName: try required(p, "UserName"), accessKeyID: try required(p, "AccessKeyId"), status: try required(p, "Status"))
            return Result(text: "")
        case "DeleteAccessKey":
            try iam.deleteAccessKey(userName: try required(p, "UserName"), accessKeyID: try required(p, "AccessKeyId"))
            return Result(text: "")
        case "CreateRole":
            let created = try iam.createRole(try required(p, "RoleName"), trustPolicy: p["AssumeRolePolicyDocument"], description: p["Description"] ?? "")
            return Result(text: "<Role>\(role(created))</Role>")
        case "GetRole": return Result(text: "<Role>\(role(try iam.role(try required(p, "RoleName"))))</Role>")
        case "DeleteRole":
            try iam.deleteRole(try required(p, "RoleName"))
            return Result(text: "")
        case "ListRoles":
            return Result(text: "<Roles>\(iam.roles().map { "<member>\(role($0))</member>" }.joined())</Roles><IsTruncated>false</IsTruncated>")
        case "CreatePolicy":
            let created = try iam.createPolicy(try required(p, "PolicyName"), document: try required(p, "PolicyDocument"), description: p["Description"] ?? "")
            return Result(text: "<Policy>\(policy(created))</Policy>")
        case "GetPolicy":
            return Result(text: "<Policy>\(policy(try iam.policy(iam.policyName(fromARN: try required(p, "PolicyArn")))))</Policy>")
        case "GetPolicyVersion":
            let found = try iam.policy(iam.policyName(fromARN: try required(p, "PolicyArn")))
            let encoded = found.document.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? found.document
            return Result(text: "<PolicyVersion><Document>\(x(encoded))</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>")
        case "DeletePolicy":
            try iam.deletePolicy(iam.policyName(fromARN: try required(p, "PolicyArn")))
            return Result(text: "")
        case "ListPolicies":
            return Result(text: "<Policies>\(iam.policies().map { "<member>\(policy($0))</member>" }.joined())</Policies><IsTruncated>false</IsTruncated>")
        case "AttachUserPolicy", "AttachRolePolicy", "DetachUserPolicy", "DetachRolePolicy":
            let identity: IAMIdentity = action.contains("User") ? .user(try required(p, "UserName")) : .role(try required(p, "RoleName"))
            let name = iam.policyName(fromARN: try required(p, "PolicyArn"))
            if action.hasPrefix("Attach") { try iam.attachPolicy(name, to: identity) } else { try iam.detachPolicy(name, from: identity) }
            return Result(text: "")
        case "ListAttachedUserPolicies", "ListAttachedRolePolicies":
            let names = action.contains("User") ? try iam.user(try required(p, "UserName")).attachedPolicies : try iam.role(try required(p, "RoleName")).attachedPolicies
            let members = names.map { "<member><PolicyName>\(x($0))</PolicyName><PolicyArn>arn:aws:iam::\(account):policy/\(x($0))</PolicyArn></member>" }
            return Result(text: "<AttachedPolicies>\(members.joined())</AttachedPolicies><IsTruncated>false</IsTruncated>")
        case "PutUserPolicy", "PutRolePolicy":
            let identity: IAMIdentity = action == "PutUserPolicy" ? .user(try required(p, "UserName")) : .role(try required(p, "RoleName"))
            try iam.putInlinePolicy(try required(p, "PolicyName"), document: try required(p, "PolicyDocument"), on: identity)
            return Result(text: "")
        case "DeleteUserPolicy", "DeleteRolePolicy":
            let identity: IAMIdentity = action == "DeleteUserPolicy" ? .user(try required(p, "UserName")) : .role(try required(p, "RoleName"))
            try iam.deleteInlinePolicy(try required(p, "PolicyName"), from: identity)
            return Result(text: "")
        case "ListUserPolicies", "ListRolePolicies":
            let names = action == "ListUserPolicies" ? try iam.user(try required(p, "UserName")).inlinePolicies.keys.sorted() : try iam.role(try required(p, "RoleName")).inlinePolicies.keys.sorted()
            return Result(text: "<PolicyNames>\(names.map { "<member>\(x($0))</member>" }.joined())</PolicyNames><IsTruncated>false</IsTruncated>")
        default:
            throw TarnError(.init("InvalidAction"), "The action \(action) is not valid for this endpoint (Tarn implements users, access keys, roles, policies and AssumeRole)")
        }
    }

    // MARK: shapes

    private func x(_ text: String) -> String { XMLWriter.escape(text) }

    private func user(_ user: IAMUser) -> String {
        "<Path>/</Path><UserName>\(x(user.name))</UserName><UserId>\(user.userID)</UserId><Arn>\(x(user.arn(accountID: account)))</Arn><CreateDate>\(HTTPDate.iso8601(user.created))</CreateDate>"
    }

    private func accessKey(_ key: IAMAccessKey) -> String {
        "<UserName>\(x(key.userName))</UserName><AccessKeyId>\(key.accessKeyID)</AccessKeyId><Status>\(key.status)</Status><CreateDate>\(HTTPDate.iso8601(key.created))</CreateDate>"
    }

    private func role(_ role: IAMRole) -> String {
        let trust = role.trustPolicy.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? role.trustPolicy
        return "<Path>/</Path><RoleName>\(x(role.name))</RoleName><RoleId>\(role.roleID)</RoleId><Arn>\(x(role.arn(accountID: account)))</Arn><CreateDate>\(HTTPDate.iso8601(role.created))</CreateDate><AssumeRolePolicyDocument>\(x(trust))</AssumeRolePolicyDocument><Description>\(x(role.description))</Description>"
    }

    private func policy(_ policy: IAMManagedPolicy) -> String {
        let attachments = iam.users().filter { $0.attachedPolicies.contains(policy.name) }.count + iam.roles().filter { $0.attachedPolicies.contains(policy.name) }.count
        return "<PolicyName>\(x(policy.name))</PolicyName><PolicyId>\(policy.policyID)</PolicyId><Arn>\(x(policy.arn(accountID: account)))</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>\(attachments)</AttachmentCount><IsAttachable>true</IsAttachable><CreateDate>\(HTTPDate.iso8601(policy.created))</CreateDate><UpdateDate>\(HTTPDate.iso8601(policy.created))</UpdateDate>"
    }
}
