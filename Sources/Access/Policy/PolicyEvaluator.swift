import TarnCore

/// One authorization question: may `principal` do `action` on `resource` in this request?
public struct AuthorizationRequest: Sendable {
    /// Who asks.
    public var principal: Principal
    /// The IAM action, e.g. `s3:GetObject`.
    public var action: String
    /// The resource ARN, e.g. `arn:aws:s3:::bucket/key`, or `*` for account-level actions.
    public var resource: String
    /// The request's condition keys (global `aws:*` and service keys).
    public var context: ConditionContext

    /// Creates a request.
    public init(principal: Principal, action: String, resource: String, context: ConditionContext = ConditionContext()) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
    }
}

/// A policy together with where it comes from, for explanations.
public struct NamedPolicy: Sendable {
    /// Where it is attached, e.g. `user alice: policy ReadOnly`, `bucket policy of prod`.
    public var source: String
    /// The parsed document.
    public var document: PolicyDocument

    /// Creates a named policy.
    public init(source: String, document: PolicyDocument) {
        self.source = source
        self.document = document
    }
}

/// The outcome of evaluating policies, with the statements that decided it.
public struct AuthorizationDecision: Sendable, Equatable {
    /// Allow, explicit deny or implicit (default) deny.
    public enum Effect: String, Sendable, Equatable {
        case allow = "allowed"
        case explicitDeny = "explicitly denied"
        case implicitDeny = "implicitly denied"
    }

    /// A statement that matched the request.
    public struct Match: Sendable, Equatable, CustomStringConvertible {
        /// The policy's source.
        public var source: String
        /// The statement's Sid, or its position.
        public var statement: String
        /// Allow or Deny.
        public var effect: String
        /// `Allow by user alice: policy ReadOnly (statement "Read")`.
        public var description: String { "\(effect) by \(source) (statement \(statement))" }
    }

    /// The effect.
    public var effect: Effect
    /// The matching statements, denies first.
    public var matches: [Match]
    /// A sentence explaining the decision.
    public var reason: String

    /// Whether the request is allowed.
    public var isAllowed: Bool { effect == .allow }

    /// Creates a decision.
    public init(effect: Effect, matches: [Match], reason: String) {
        self.effect = effect
        self.matches = matches
        self.reason = reason
    }
}

/// IAM's evaluation logic for requests within one account (IAM User Guide, "Policy evaluation
/// logic"): an explicit `Deny` in any applicable policy wins; otherwise an `Allow` in an
/// identity-based or resource-based policy allows; otherwise the request is denied by default.
/// The account's root user is allowed whatever no explicit deny forbids.
///
/// KMS differs (KMS developer guide, "Key policies"): the key policy is the primary control.
/// An identity policy counts only when the key policy allows the account (`arn:aws:iam::ACCOUNT:root`)
/// and so delegates to IAM; the root user, too, needs that statement.
public enum PolicyEvaluator {
    /// How a resource policy takes part.
    public enum Mode: Sendable {
        /// S3 bucket policies: identity or resource policy may allow.
        case standard
        /// KMS key policies: the key policy must allow, directly or by delegating to the account.
        case keyPolicy
    }

    /// Evaluates a request.
    /// - Parameters:
    ///   - request: the question.
    ///   - identityPolicies: the policies of the principal (user or role), empty for root and anonymous.
    ///   - resourcePolicy: the bucket or key policy, if any.
    ///   - mode: standard or key-policy semantics.
    public static func evaluate(
        _ request: AuthorizationRequest, identityPolicies: [NamedPolicy], resourcePolicy: NamedPolicy?, mode: Mode = .standard
    ) -> AuthorizationDecision {
        var denies: [AuthorizationDecision.Match] = []
        var identityAllows: [AuthorizationDecision.Match] = []
        var resourceAllows: [AuthorizationDecision.Match] = []
        var accountAllows: [AuthorizationDecision.Match] = []
        let action = request.action
        var resource = request.resource
        let principal = request.principal

        if principal.kind != .anonymous {
            for policy in identityPolicies {
                for statement in policy.document.statements where statement.applies(action: action, resource: &resource, context: request.context) {
                    let match = AuthorizationDecision.Match(source: policy.source, statement: statement.label, effect: statement.effect.rawValue)
                    if statement.effect == .deny { denies.append(match) } else { identityAllows.append(match) }
                }
            }
        }
        if let policy = resourcePolicy {
            for statement in policy.document.statements {
                let principalMatch = statement.matchesPrincipal(principal)
                guard principalMatch != .none else { continue }
                guard statement.applies(action: action, resource: &resource, context: request.context) else { continue }
                let match = AuthorizationDecision.Match(source: policy.source, statement: statement.label, effect: statement.effect.rawValue)
                if statement.effect == .deny {
                    denies.append(match)
                } else if principalMatch == .direct {
                    resourceAllows.append(match)
                } else {
                    accountAllows.append(match)
                }
            }
        }
        if !denies.isEmpty {
            return AuthorizationDecision(
                effect: .explicitDeny, matches: denies + identityAllows + resourceAllows,
                reason: "\(principal.arn) may not \(action) on \(request.resource): explicit deny by \(denies.map(\.description).joined(separator: "; "))")
        }
        let isRoot = principal.kind == .root
        let allowed: Bool
        var grounds: [AuthorizationDecision.Match]
        switch mode {
        case .standard:
            allowed = isRoot || !identityAllows.isEmpty || !resourceAllows.isEmpty || (isRoot && !accountAllows.isEmpty)
            grounds = resourceAllows + identityAllows
        case .keyPolicy:
            let delegated = !accountAllows.isEmpty && (isRoot || !identityAllows.isEmpty)
            allowed = !resourceAllows.isEmpty || delegated
            grounds = resourceAllows + (delegated ? accountAllows + identityAllows : [])
        }
        if allowed {
            let why = grounds.isEmpty ? "the account's root user has every permission not explicitly denied" : grounds.map(\.description).joined(separator: "; ")
            return AuthorizationDecision(effect: .allow, matches: grounds, reason: "\(principal.arn) may \(action) on \(request.resource): \(why)")
        }
        var reason = "\(principal.arn) may not \(action) on \(request.resource): no statement allows it (implicit deny)"
        if mode == .keyPolicy && !identityAllows.isEmpty {
            reason += "; an identity policy allows it, but the key policy does not delegate to IAM (no statement allows arn:aws:iam::\(principal.accountID):root)"
        }
        return AuthorizationDecision(effect: .implicitDeny, matches: identityAllows + accountAllows, reason: reason)
    }
}

extension PolicyStatement {
    /// `"Sid"` or `#N`.
    var label: String { sid.map { "\"\($0)\"" } ?? "#\(index + 1)" }

    /// Whether action, resource and conditions match (the principal is checked separately).
    /// `resource` is passed inout only to avoid a copy per statement.
    func applies(action: String, resource: inout String, context: ConditionContext) -> Bool {
        let actionMatches = actions.contains { $0.matches(action) }
        guard actionMatches != notAction else { return false }
        if !resources.isEmpty {
            let resourceMatches = resources.contains { pattern in
                if pattern.text.contains("${"), let substituted = PolicyVariables.substitute(pattern.text, context: context) {
                    return WildcardPattern(substituted).matches(resource)
                }
                return pattern.matches(resource)
            }
            guard resourceMatches != notResource else { return false }
        }
        return conditions.allSatisfy { $0.holds(in: context) }
    }

    /// How a resource policy's principal element matches a caller.
    enum PrincipalMatch { case none, direct, account }

    func matchesPrincipal(_ principal: Principal) -> PrincipalMatch {
        guard let spec = self.principal else { return .none }
        let match = spec.match(principal)
        if notPrincipal { return match == .none ? .direct : .none }
        return match
    }
}

extension PrincipalSpec {
    func match(_ principal: Principal) -> PolicyStatement.PrincipalMatch {
        if everyone { return .direct }
        guard principal.kind != .anonymous else { return .none }
        var result = PolicyStatement.PrincipalMatch.none
        let arn = principal.arn
        for entry in aws {
            if entry == arn { return .direct }
            let account: String?
            if entry.utf8.count == 12 && !entry.hasPrefix("arn:") {
                account = entry
            } else if entry.hasPrefix("arn:aws:iam::") && entry.hasSuffix(":root") {
                account = String(entry.dropFirst("arn:aws:iam::".count).dropLast(":root".count))
            } else {
                account = nil
            }
            if let account, account == principal.accountID {
                // The account as principal: the root user directly, everyone else of the
                // account only through their own IAM policies.
                if principal.kind == .root { return .direct }
                result = .account
                continue
            }
            if principal.kind == .assumedRole, let role = principal.roleARN, entry == role { return .direct }
        }
        return result
    }
}
