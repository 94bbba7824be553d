import Access
import ArgumentParser
import Foundation
import Lake
import TarnCore

/// Options every `tarn iam` command shares: the data directory it opens (embedded mode).
struct LakeOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory.")
    var data: String = "./tarn-data"

    @Option(name: .long, help: "The root key file (default $TARN_ROOT_KEY_FILE, else DIR/root.key).")
    var rootKeyFile: String?

    /// Opens the lake, explaining what to do when a server owns it.
    func open() async throws -> Lake {
        try await reportingErrors {
            do {
                return try Lake(path: data, rootKeyFile: rootKeyFile)
            } catch let error as TarnError where error.code == .conflict {
                throw TarnError(
                    .conflict,
                    "\(error.message). While the server runs, use its IAM API instead: aws iam … --endpoint-url http://HOST:PORT")
            }
        }
    }
}

/// `tarn iam`: users, access keys, policies and roles of a data directory, and `simulate`.
struct IAMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iam", abstract: "Manage IAM users, access keys, policies and roles; explain access decisions.",
        discussion: "Opens the data directory itself; while a server owns it, use `aws iam … --endpoint-url` against the server.",
        subcommands: [Users.self, Keys.self, Policies.self, Roles.self, Simulate.self])

    struct Users: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "users", abstract: "List, create or delete users.")
        @OptionGroup var lake: LakeOptions
        @Argument(help: "list | create NAME | delete NAME") var verb: String = "list"
        @Argument var name: String?

        func run() async throws {
            let iam = try await lake.open().identities
            try await reportingErrors {
                switch (verb, name) {
                case ("list", _): for user in iam.users() { say("\(user.name)\t\(user.userID)\tpolicies: \(user.attachedPolicies.joined(separator: ","))") }
                case ("create", let name?): say(try iam.createUser(name).arn(accountID: Lake.accountID))
                case ("delete", let name?): try iam.deleteUser(name)
                default: throw TarnError(.invalidArgument, "usage: tarn iam users list | create NAME | delete NAME")
                }
            }
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "keys", abstract: "Create, list, deactivate or delete a user's access keys.")
        @OptionGroup var lake: LakeOptions
        @Argument(help: "create USER | list USER | deactivate USER KEYID | delete USER KEYID") var verb: String
        @Argument var user: String
        @Argument var key: String?

        func run() async throws {
            let iam = try await lake.open().identities
            try await reportingErrors {
                switch (verb, key) {
                case ("create", _):
                    let (created, secret) = try iam.createAccessKey(userName: user)
                    say("AWS_ACCESS_KEY_ID=\(created.accessKeyID)\nAWS_SECRET_ACCESS_KEY=\(secret)\n(the secret is shown only now)")
                case ("list", _): for key in try iam.accessKeys(userName: user) { say("\(key.accessKeyID)\t\(key.status)\t\(key.created)") }
                case ("deactivate", let key?): try iam.updateAccessKey(userName: user, accessKeyID: key, status: "Inactive")
                case ("delete", let key?): try iam.deleteAccessKey(userName: user, accessKeyID: key)
                default: throw TarnError(.invalidArgument, "usage: tarn iam keys create USER | list USER | deactivate USER KEYID | delete USER KEYID")
                }
            }
        }
    }

    struct Policies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "policies", abstract: "Manage managed policies and their attachments.")
        @OptionGroup var lake: LakeOptions
        @Argument(help: "list | show NAME | create NAME | delete NAME | attach NAME | detach NAME") var verb: String = "list"
        @Argument var name: String?
        @Option(help: "The policy document file (JSON) for create.") var document: String?
        @Option(help: "The user to attach to or detach from.") var user: String?
        @Option(help: "The role to attach to or detach from.") var role: String?

        func run() async throws {
            let iam = try await lake.open().identities
            try await reportingErrors {
                let identity: IAMIdentity? = user.map(IAMIdentity.user) ?? role.map(IAMIdentity.role)
                switch (verb, name) {
                case ("list", _): for policy in iam.policies() { say("\(policy.name)\t\(policy.arn(accountID: Lake.accountID))") }
                case ("show", let name?): say(try iam.policy(name).document)
                case ("create", let name?):
                    guard let document else { throw TarnError(.invalidArgument, "create needs --document FILE") }
                    say(try iam.createPolicy(name, document: String(decoding: try FileSystem.readFile(document), as: UTF8.self)).arn(accountID: Lake.accountID))
                case ("delete", let name?): try iam.deletePolicy(name)
                case ("attach", let name?):
                    guard let identity else { throw TarnError(.invalidArgument, "attach needs --user or --role") }
                    try iam.attachPolicy(name, to: identity)
                case ("detach", let name?):
                    guard let identity else { throw TarnError(.invalidArgument, "detach needs --user or --role") }
                    try iam.detachPolicy(name, from: identity)
                default: throw TarnError(.invalidArgument, "usage: tarn iam policies list | show NAME | create NAME --document FILE | delete NAME | attach|detach NAME --user U|--role R")
                }
            }
        }
    }

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "roles", abstract: "List, create or delete roles.")
        @OptionGroup var lake: LakeOptions
        @Argument(help: "list | create NAME | delete NAME") var verb: String = "list"
        @Argument var name: String?
        @Option(help: "The trust policy file (JSON); by default the account may assume the role.") var trust: String?

        func run() async throws {
            let iam = try await lake.open().identities
            try await reportingErrors {
                switch (verb, name) {
                case ("list", _): for role in iam.roles() { say("\(role.name)\t\(role.arn(accountID: Lake.accountID))\tpolicies: \(role.attachedPolicies.joined(separator: ","))") }
                case ("create", let name?):
                    let trustPolicy = try trust.map { String(decoding: try FileSystem.readFile($0), as: UTF8.self) }
                    say(try iam.createRole(name, trustPolicy: trustPolicy).arn(accountID: Lake.accountID))
                case ("delete", let name?): try iam.deleteRole(name)
                default: throw TarnError(.invalidArgument, "usage: tarn iam roles list | create NAME [--trust FILE] | delete NAME")
                }
            }
        }
    }

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate", abstract: "Explain whether a principal may do an action on a resource, and which statements decide it.",
            discussion: """
                Example: tarn iam simulate --principal arn:aws:iam::000000000000:user/analyst --action s3:GetObject \\
                           --resource arn:aws:s3:::prod/sales.csv --context aws:SecureTransport=false
                S3 resources include their bucket policy and Block Public Access; KMS key ARNs their key policy.
                Kinesis streams (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) and Firehose delivery streams
                (arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME) are decided by IAM policies, as the server decides them.
                """)
        @OptionGroup var lake: LakeOptions
        @Option(help: "The principal ARN (user, role session arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, root, or * for anonymous).") var principal: String
        @Option(help: "The action, e.g. s3:GetObject.") var action: String
        @Option(help: "The resource ARN.") var resource: String = "*"
        @Option(parsing: .upToNextOption, help: "Condition keys as KEY=VALUE (repeatable).") var context: [String] = []
        @Option(help: "Output format: text or json.") var format: String = "text"

        func run() async throws {
            let lake = try await self.lake.open()
            try await reportingErrors {
                guard let who = Principal(arn: principal) else { throw TarnError(.invalidArgument, "--principal \(principal) is not a user, role session or root ARN") }
                var pairs: [String: [String]] = ["aws:SecureTransport": ["true"], "aws:CurrentTime": [ISO8601DateFormatter().string(from: Date())]]
                for item in context {
                    guard let equals = item.firstIndex(of: "=") else { throw TarnError(.invalidArgument, "--context \(item) is not KEY=VALUE") }
                    pairs[String(item[..<equals]), default: []].append(String(item[item.index(after: equals)...]))
                }
                for (key, values) in pairs where values.count > 1 && ["aws:SecureTransport", "aws:CurrentTime"].contains(key) { pairs[key] = [values.last!] }
                let decision: AuthorizationDecision
                if resource.hasPrefix("arn:aws:s3:::") {
                    let path = resource.dropFirst("arn:aws:s3:::".count)
                    let parts = path.split(separator: "/", maxSplits: 1)
                    decision = lake.authorizeS3(
                        principal: who, action: action, bucket: parts.first.map(String.init), key: parts.count > 1 ? String(parts[1]) : nil,
                        context: ConditionContext(pairs))
                } else if resource.hasPrefix("arn:aws:kms:"), let key = try? lake.kms.resolve(resource) {
                    var request = AuthorizationRequest(principal: who, action: action, resource: key.arn, context: ConditionContext(pairs))
                    request.context.merge(who.conditionKeys)
                    decision = lake.authorizer.authorize(request, resourcePolicy: key.policy, resourceName: "key policy of \(key.arn)", mode: .keyPolicy)
                } else {
                    decision = lake.authorizer.authorize(AuthorizationRequest(principal: who, action: action, resource: resource, context: ConditionContext(pairs)))
                }
                if format == "json" {
                    let object: [String: Any] = [
                        "decision": decision.effect.rawValue, "reason": decision.reason,
                        "matchedStatements": decision.matches.map { ["source": $0.source, "statement": $0.statement, "effect": $0.effect] },
                    ]
                    say(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
                } else {
                    say(decision.effect.rawValue.uppercased())
                    say(decision.reason)
                    for match in decision.matches { say("  \(match)") }
                }
            }
        }
    }
}
