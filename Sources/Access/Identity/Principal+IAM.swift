extension Principal {
    /// For an assumed-role session (`name` is `ROLE/SESSION`), the role's ARN
    /// `arn:aws:iam::ACCOUNT:role/ROLE`, which is what policies name and `aws:PrincipalArn` holds.
    public var roleARN: String? {
        guard kind == .assumedRole, let slash = name.firstIndex(of: "/") else { return nil }
        return "arn:aws:iam::\(accountID):role/\(name[..<slash])"
    }

    /// The role name of an assumed-role session.
    public var roleName: String? {
        guard kind == .assumedRole else { return nil }
        return name.split(separator: "/", maxSplits: 1).first.map(String.init)
    }

    /// A session of `role` named `session`, as a service worker runs (ETL, Firehose, queries).
    public static func assumedRole(_ role: String, session: String, accountID: String) -> Principal {
        Principal(kind: .assumedRole, accountID: accountID, name: "\(role)/\(session)")
    }

    /// An IAM user.
    public static func user(_ name: String, accountID: String) -> Principal { Principal(kind: .user, accountID: accountID, name: name) }

    /// The global condition keys that describe this principal (`aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username`, `aws:userid`).
    public var conditionKeys: [String: [String]] {
        var keys: [String: [String]] = [:]
        switch kind {
        case .anonymous:
            keys["aws:PrincipalType"] = ["Anonymous"]
            return keys
        case .root:
            keys["aws:PrincipalType"] = ["Account"]
            keys["aws:userid"] = [accountID]
            keys["aws:PrincipalArn"] = [arn]
        case .user:
            keys["aws:PrincipalType"] = ["User"]
            keys["aws:username"] = [name]
            keys["aws:userid"] = [name]
            keys["aws:PrincipalArn"] = [arn]
        case .assumedRole:
            keys["aws:PrincipalType"] = ["AssumedRole"]
            keys["aws:userid"] = [name.replacingOccurrences(of: "/", with: ":")]
            keys["aws:PrincipalArn"] = [roleARN ?? arn]
        }
        keys["aws:PrincipalAccount"] = [accountID]
        return keys
    }
}

extension Principal {
    /// The principal an ARN names: `arn:aws:iam::ACCOUNT:root`, `…:user/NAME`,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`; `*` is anonymous. Nil for anything else.
    public init?(arn: String) {
        if arn == "*" {
            self = .anonymous
            return
        }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws" else { return nil }
        let account = String(parts[4]), resource = parts[5]
        switch (parts[2], resource) {
        case ("iam", "root"): self = .root(accountID: account)
        case ("iam", _) where resource.hasPrefix("user/"):
            self = .user(String(resource.split(separator: "/").last ?? ""), accountID: account)
        case ("sts", _) where resource.hasPrefix("assumed-role/"):
            self.init(kind: .assumedRole, accountID: account, name: String(resource.dropFirst("assumed-role/".count)))
        default: return nil
        }
    }
}
