import Access
import Ingest
import Keys
import Storage
import Synchronization
import TarnCore

/// An in-process worker acting as a role session: `ObjectAccess` over `LakeSession`, so jobs
/// and mart refreshes are authorized by the same evaluator as S3 requests (IAM identity
/// policies, the bucket policy, Block Public Access), and KMS sees the role session as caller.
struct RoleObjectAccess: ObjectAccess {
    /// The role session.
    let session: LakeSession

    var principal: String { session.principal.arn }

    var keyCaller: KeyCaller? { session.lake.keyCaller(session.principal, context: session.context) }

    func authorize(_ action: ObjectAccessAction, bucket: String, key: String?, prefix: String?) throws {
        var context = session.context
        if let prefix { context["s3:prefix"] = [prefix] }
        let decision = session.lake.authorizeS3(principal: session.principal, action: action.rawValue, bucket: bucket, key: key, context: context)
        // The decision's reason names the principal, the action and the resource ARN.
        guard decision.isAllowed else { throw TarnError(.accessDenied, "Access Denied: \(decision.reason)") }
    }
}

/// The same role session reading a Firehose delivery stream's Kinesis source: the stream
/// actions are decided by the lake's authorizer on the stream's ARN (IAM identity policies;
/// streams have no resource policies in Tarn), as the Kinesis API decides them.
extension RoleObjectAccess: SourceStreamAccess {
    func authorize(_ action: SourceStreamAction, stream arn: String) throws {
        let decision = session.lake.authorizer.authorize(
            AuthorizationRequest(principal: session.principal, action: action.rawValue, resource: arn, context: session.context))
        // The decision's reason names the principal, the action and the stream ARN.
        guard decision.isAllowed else { throw TarnError(.accessDenied, "Access Denied: \(decision.reason)") }
    }
}

/// The lake as `ObjectAccessProvider` for the job runner and the mart refreshes it creates, and
/// as `DeliveryAccessProvider` for Firehose deliveries (destination and source roles).
///
/// The workers are created inside `Lake.init`, before the lake exists as a value, and the lake
/// owns them: the provider is attached afterwards and holds the lake weakly, so no reference
/// cycle keeps a closed lake (and its directory lock) alive.
final class LakeRoleAccess: DeliveryAccessProvider {
    private struct WeakLake { weak var lake: Lake? }
    private let target = Mutex(WeakLake())

    /// Points the provider at `lake` (once it is initialized).
    func attach(_ lake: Lake) { target.withLock { $0.lake = lake } }

    func access(role: String, session: String) throws -> any ObjectAccess { try roleSession(role: role, session: session) }

    func sourceAccess(role: String, session: String) throws -> any SourceStreamAccess { try roleSession(role: role, session: session) }

    /// The IAM store's generation (nil once the lake is gone).
    var policyGeneration: UInt64? { target.withLock { $0.lake }?.identities.generation }

    /// A session of `role` on the attached lake; one value serves objects and source streams.
    /// - Throws: `.conflict` once the lake is gone; `NoSuchEntity` for a missing role.
    private func roleSession(role: String, session: String) throws -> RoleObjectAccess {
        guard let lake = target.withLock({ $0.lake }) else {
            throw TarnError(.conflict, "the lake is closed; role \(role) cannot be assumed")
        }
        return RoleObjectAccess(session: try lake.session(role: role, name: session))
    }
}
