import Access
import Keys
import TarnCore

/// Connects the key service to IAM: key policies and identity policies are evaluated by
/// `Access`'s policy engine, with KMS's condition keys added to the request.
struct LakeKeyAuthorizer: KeyAuthorizer {
    let authorizer: Authorizer

    func authorize(_ request: KeyAuthorizationRequest) -> KeyAuthorizationDecision {
        guard let principal = Principal(arn: request.caller.principalARN) else { return .implicitDeny }
        var context = ConditionContext(request.caller.conditionContext)
        // KMS condition keys (KMS developer guide, "AWS KMS condition keys").
        for (key, value) in request.encryptionContext.pairs { context["kms:EncryptionContext:" + key] = [value] }
        if !request.encryptionContext.isEmpty { context["kms:EncryptionContextKeys"] = request.encryptionContext.pairs.keys.sorted() }
        context["kms:CallerAccount"] = [request.caller.accountID]
        if let via = request.caller.viaService { context["kms:ViaService"] = [via] }
        context.merge(request.extraConditions)
        let question = AuthorizationRequest(principal: principal, action: request.action, resource: request.keyARN, context: context)
        let decision: AuthorizationDecision
        if request.keyPolicy.isEmpty {
            decision = authorizer.authorize(question)
        } else {
            decision = authorizer.authorize(question, resourcePolicy: request.keyPolicy, resourceName: "key policy of \(request.keyARN)", mode: .keyPolicy)
        }
        switch decision.effect {
        case .allow: return .allow
        case .explicitDeny: return .explicitDeny
        case .implicitDeny: return .implicitDeny
        }
    }

    func validateKeyPolicy(_ document: String) throws {
        do {
            _ = try PolicyDocument(json: document, kind: .resource)
        } catch let error as TarnError {
            throw TarnError(.kmsMalformedPolicy, error.message)
        }
    }
}
