/// The identity a request was authenticated as.
///
/// The root account and (later) IAM users and roles; `anonymous` for unsigned requests, which
/// the policy layer may still allow (public buckets).
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// What kind of identity this is.
    public enum Kind: String, Sendable, Hashable {
        /// The account's root user (the server's `TARN_ROOT_*` credentials).
        case root
        /// An IAM user.
        case user
        /// A temporary identity from STS (assumed role or session).
        case assumedRole
        /// No credentials were presented.
        case anonymous
    }

    /// What kind of identity this is.
    public var kind: Kind
    /// The 12-digit account id the identity belongs to.
    public var accountID: String
    /// The identity's name (user name, role session name); `root` for the root user.
    public var name: String

    /// Creates a principal.
    /// - Parameters:
    ///   - kind: root, user, assumed role or anonymous.
    ///   - accountID: the owning account id.
    ///   - name: the user or session name.
    public init(kind: Kind, accountID: String, name: String) {
        self.kind = kind
        self.accountID = accountID
        self.name = name
    }

    /// The unauthenticated principal.
    public static let anonymous = Principal(kind: .anonymous, accountID: "", name: "anonymous")

    /// The root user of `accountID`.
    public static func root(accountID: String) -> Principal { Principal(kind: .root, accountID: accountID, name: "root") }

    /// The principal's ARN as IAM writes it (`arn:aws:iam::123456789012:user/alice`); `*` for anonymous.
    public var arn: String {
        switch kind {
        case .root: "arn:aws:iam::\(accountID):root"
        case .user: "arn:aws:iam::\(accountID):user/\(name)"
        case .assumedRole: "arn:aws:sts::\(accountID):assumed-role/\(name)"
        case .anonymous: "*"
        }
    }

    /// The ARN.
    public var description: String { arn }
}
