import Foundation
import Synchronization
import TarnCore
import TarnTesting

@testable import Keys

/// A clock tests move by hand.
final class ManualClock: WallClock {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }
}

/// A key policy stand-in: root and the principals in `allowed` may do anything; principals in
/// `denied` are explicitly denied; everyone else is implicitly denied (grants may still allow).
struct TableAuthorizer: KeyAuthorizer {
    var allowed: Set<String> = []
    var denied: Set<String> = []

    func authorize(_ request: KeyAuthorizationRequest) -> KeyAuthorizationDecision {
        if denied.contains(request.caller.principalARN) { return .explicitDeny }
        if request.caller.principalARN.hasSuffix(":root") || allowed.contains(request.caller.principalARN) { return .allow }
        return .implicitDeny
    }

    func validateKeyPolicy(_ document: String) throws {
        guard (try? JSONSerialization.jsonObject(with: Data(document.utf8))) is [String: Any] else {
            throw TarnError(.kmsMalformedPolicy, "not a JSON object")
        }
    }
}

let account = "000000000000"
let root = KeyCaller(principalARN: "arn:aws:iam::000000000000:root", accountID: account)
let alice = KeyCaller(principalARN: "arn:aws:iam::000000000000:user/alice", accountID: account)
let mallory = KeyCaller(principalARN: "arn:aws:iam::000000000000:user/mallory", accountID: account)

/// A key service in a fresh directory.
struct KMSFixture {
    let directory: TemporaryDirectory
    let rootKey: RootKey
    let clock: ManualClock
    let kms: KeyManagementService

    init(authorizer: TableAuthorizer = TableAuthorizer(allowed: ["arn:aws:iam::000000000000:user/alice"])) throws {
        directory = try TemporaryDirectory(prefix: "tarn-keys")
        rootKey = RootKey.generate()
        clock = ManualClock()
        kms = try KeyManagementService(
            directory: directory.path, rootKey: rootKey, accountID: account, region: "us-east-1", authorizer: authorizer, clock: clock)
    }

    func reopen(rootKey: RootKey? = nil, authorizer: TableAuthorizer = TableAuthorizer()) throws -> KeyManagementService {
        try KeyManagementService(
            directory: directory.path, rootKey: rootKey ?? self.rootKey, accountID: account, region: "us-east-1", authorizer: authorizer, clock: clock)
    }
}

func code(_ body: () throws -> Void) -> TarnError.Code? {
    do {
        try body()
        return nil
    } catch let error as TarnError {
        return error.code
    } catch {
        return TarnError.Code("unexpected: \(error)")
    }
}
