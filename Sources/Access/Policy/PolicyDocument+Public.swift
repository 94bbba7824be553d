extension PolicyDocument {
    /// Condition keys that tie a grant to specific callers or networks, so a statement using
    /// them with a fixed value is not public (S3 User Guide, "The meaning of public").
    static let restrictingKeys: Set<String> = [
        "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid",
        "aws:principalaccount", "aws:principalarn", "aws:userid", "aws:principalorgpaths", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
    ]

    /// Whether the policy grants public access: an `Allow` for everyone (`"*"` or a
    /// `NotPrincipal`) without a fixed-value condition on one of `restrictingKeys`.
    public var isPublic: Bool {
        statements.contains { statement in
            guard statement.effect == .allow, let principal = statement.principal else { return false }
            guard principal.everyone || statement.notPrincipal else { return false }
            let restricted = statement.conditions.contains { clause in
                guard Self.restrictingKeys.contains(clause.key.lowercased()) else { return false }
                let negated = clause.op.comparison.negated || clause.op.comparison == .null
                let wildcard = clause.values.contains { $0.contains("*") || $0 == "0.0.0.0/0" || $0 == "::/0" }
                return !negated && !wildcard && !clause.op.ifExists
            }
            return !restricted
        }
    }
}
