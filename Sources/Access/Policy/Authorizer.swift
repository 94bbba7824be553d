import TarnCore

/// The in-process authorization check every Tarn component uses: the S3 and JSON handlers for
/// HTTP requests, and the ETL, Firehose and query workers for what they do as their roles.
/// ```swift
/// let decision = authorizer.authorize(
///     AuthorizationRequest(principal: .assumedRole("etl", session: "job-42", accountID: account),
///                          action: "s3:GetObject", resource: "arn:aws:s3:::raw/sales/2026.csv",
///                          context: context),
///     resourcePolicy: bucketPolicyText, resourceName: "bucket policy of raw")
/// guard decision.isAllowed else { throw … }     // decision.reason explains it
/// ```
/// Identity policies come from the `IdentityStore` (already parsed), resource policies are parsed
/// once per distinct text (`PolicyCache`), so a decision costs a few pattern matches.
public final class Authorizer: Sendable {
    /// Users, roles and their policies.
    public let identities: IdentityStore
    /// Parsed resource policies.
    public let cache = PolicyCache()

    /// Creates an authorizer over an identity store.
    public init(identities: IdentityStore) { self.identities = identities }

    /// Decides a request.
    /// - Parameters:
    ///   - request: principal, action, resource and condition keys.
    ///   - resourcePolicy: the bucket or key policy text, if the resource has one.
    ///   - resourceName: how explanations name that policy (`bucket policy of raw`).
    ///   - mode: `.keyPolicy` for KMS keys.
    /// - Returns: the decision; a resource policy that no longer parses counts as absent.
    public func authorize(
        _ request: AuthorizationRequest, resourcePolicy: String? = nil, resourceName: String = "resource policy",
        mode: PolicyEvaluator.Mode = .standard
    ) -> AuthorizationDecision {
        var request = request
        request.context.merge(request.principal.conditionKeys)
        let resource = resourcePolicy.flatMap { text in
            (try? cache.document(text, kind: .resource)).map { NamedPolicy(source: resourceName, document: $0) }
        }
        return PolicyEvaluator.evaluate(request, identityPolicies: identities.identityPolicies(for: request.principal), resourcePolicy: resource, mode: mode)
    }

    /// Decides a request and throws `AccessDenied` unless it is allowed.
    /// - Throws: `TarnError(.accessDenied)` whose message is the decision's reason.
    public func require(
        _ request: AuthorizationRequest, resourcePolicy: String? = nil, resourceName: String = "resource policy",
        mode: PolicyEvaluator.Mode = .standard
    ) throws {
        let decision = authorize(request, resourcePolicy: resourcePolicy, resourceName: resourceName, mode: mode)
        guard decision.isAllowed else { throw TarnError(.accessDenied, decision.reason) }
    }
}
