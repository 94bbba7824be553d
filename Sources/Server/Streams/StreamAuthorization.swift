import Access
import TarnCore

/// Authorizes Kinesis and Firehose requests against the ARN of the stream they name, as IAM does
/// for these services (Service Authorization Reference, "Actions, resources, and condition keys
/// for Amazon Kinesis Data Streams" and "… for Amazon Data Firehose": every stream operation has
/// the resource type `stream` (`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`) or
/// `deliverystream` (`arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`); ListStreams and
/// ListDeliveryStreams name none and are authorized on `*`).
///
/// The services decide once per request, after decoding it and before looking the stream up:
/// an unauthorized caller gets `AccessDeniedException` whether or not the stream exists, so
/// denied callers cannot probe for names. Records are not authorized one by one (a PutRecords
/// call writes one stream).
struct StreamAuthorization: Sendable {
    /// The lake's authorizer (IAM identity policies; streams have no resource policies in Tarn).
    let authorizer: Authorizer

    /// Throws `AccessDeniedException` unless `caller` may do `action` on `resource`.
    /// - Parameters:
    ///   - caller: the authenticated principal and the request's condition keys.
    ///   - action: the IAM action, e.g. `kinesis:PutRecords`.
    ///   - resource: the stream's ARN, or `*` for account-level operations.
    ///   - extra: service-specific condition keys (`iam:PassedToService`).
    func require(_ caller: AWSJSONCaller, action: String, resource: String, extra: [String: [String]] = [:]) throws {
        var context = caller.conditions
        context.merge(extra)
        let decision = authorizer.authorize(AuthorizationRequest(principal: caller.principal, action: action, resource: resource, context: context))
        guard decision.isAllowed else { throw Self.denied(caller.principal, action: action, resource: resource, effect: decision.effect) }
    }

    /// The error Kinesis and Firehose answer with (HTTP 400, `AccessDeniedException`), worded as
    /// AWS words it; the matching statements stay out of the message, as on AWS (`tarn iam
    /// simulate` explains them to the operator).
    static func denied(_ principal: Principal, action: String, resource: String, effect: AuthorizationDecision.Effect) -> AWSJSONError {
        let why = effect == .explicitDeny ? "with an explicit deny in an identity-based policy" : "because no identity-based policy allows the \(action) action"
        let target = resource == "*" ? "" : " on resource: \(resource)"
        return AWSJSONError("AccessDeniedException", "User: \(principal.arn) is not authorized to perform: \(action)\(target) \(why)")
    }
}
