import Foundation
import TarnCore

extension KeyManagementService {
    /// CreateGrant: lets `grantee` use the key for `operations`, optionally only with an
    /// encryption context equal to, or containing, the given pairs.
    /// - Returns: the grant (its `grantID` and `token`).
    /// - Throws: `ValidationException` for unknown or, on a symmetric key, impossible operations.
    public func createGrant(
        keyID: String, grantee: String, operations: [String], retiringPrincipal: String? = nil, name: String? = nil,
        contextEquals: EncryptionContext? = nil, contextSubset: EncryptionContext? = nil, caller: KeyCaller
    ) throws -> KeyGrant {
        guard !grantee.isEmpty else {
            throw TarnError(.kmsValidation, "1 validation error detected: Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null")
        }
        guard !operations.isEmpty else {
            throw TarnError(.kmsValidation, "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1")
        }
        let symmetric: Set<String> = [
            "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant",
            "DescribeKey",
        ]
        for operation in operations {
            guard KeyGrant.grantableOperations.contains(operation) else {
                throw TarnError(.kmsValidation, "1 validation error detected: Value '\(operation)' at 'operations' failed to satisfy enum value set: \(symmetric.sorted())")
            }
            guard symmetric.contains(operation) else {
                throw TarnError(.kmsValidation, "Grant operation \(operation) is not valid for a SYMMETRIC_DEFAULT key")
            }
        }
        if contextEquals != nil && contextSubset != nil {
            throw TarnError(.kmsValidation, "A grant constraint may give EncryptionContextEquals or EncryptionContextSubset, not both")
        }
        return try perform(
            "CreateGrant", key: keyID, caller: caller, requireEnabled: false, allowPendingDeletion: false,
            extra: ["kms:GrantOperations": operations, "kms:GranteePrincipal": [grantee]]
        ) { key in
            let grantID = Identifiers.randomHex(byteCount: 32, uppercase: false)
            let grant = KeyGrant(
                grantID: grantID, token: Self.grantToken(grantID), keyID: key.keyID, name: name, granteePrincipal: grantee,
                retiringPrincipal: retiringPrincipal, operations: operations, contextEquals: contextEquals, contextSubset: contextSubset,
                issuingAccount: "arn:aws:iam::\(accountID):root", created: clock.now())
            try store.insertGrant(grant)
            state.withLock { $0.grants[grantID] = grant }
            return grant
        }
    }

    /// ListGrants: the grants of a key, oldest first, optionally only one grant or one grantee.
    public func listGrants(keyID: String, grantID: String? = nil, grantee: String? = nil, caller: KeyCaller) throws -> [KeyGrant] {
        try perform("ListGrants", key: keyID, caller: caller, requireEnabled: false) { key in
            state.withLock { Array($0.grants.values) }
                .filter { $0.keyID == key.keyID && (grantID == nil || $0.grantID == grantID) && (grantee == nil || $0.granteePrincipal == grantee) }
                .sorted { ($0.created, $0.grantID) < ($1.created, $1.grantID) }
        }
    }

    /// RetireGrant, by token or by key and grant id. The retiring principal may retire, and so
    /// may the grantee when the grant includes `RetireGrant`; anyone else needs
    /// `kms:RetireGrant` from the key policy.
    public func retireGrant(token: String? = nil, keyID: String? = nil, grantID: String? = nil, caller: KeyCaller) throws {
        let grant: KeyGrant
        if let token {
            guard token.hasPrefix("tarn-grant-"), let found = state.withLock({ $0.grants[String(token.dropFirst("tarn-grant-".count))] }) else {
                throw TarnError(.kmsInvalidGrantToken, "The grant token is not valid")
            }
            grant = found
        } else if let keyID, let grantID {
            let id = try resolveID(keyID)
            guard let found = state.withLock({ $0.grants[grantID] }), found.keyID == id else {
                throw TarnError(.kmsInvalidGrantID, "Grant ID \(grantID) is not a grant of key \(keyARN(id))")
            }
            grant = found
        } else {
            throw TarnError(.kmsValidation, "RetireGrant needs a GrantToken, or both KeyId and GrantId")
        }
        // The retiring principal (and a grantee holding RetireGrant) may retire without any
        // policy: the grant itself names them.
        let mayRetire = caller.principalARN == grant.retiringPrincipal
            || (caller.principalARN == grant.granteePrincipal && grant.operations.contains("RetireGrant"))
        if mayRetire {
            try store.deleteGrant(grant.grantID)
            state.withLock { _ = $0.grants.removeValue(forKey: grant.grantID) }
            record(caller, "RetireGrant", key: keyARN(grant.keyID), context: EncryptionContext())
            return
        }
        try perform("RetireGrant", key: grant.keyID.description, caller: caller, requireEnabled: false) { _ in
            try store.deleteGrant(grant.grantID)
            state.withLock { _ = $0.grants.removeValue(forKey: grant.grantID) }
        }
    }

    /// RevokeGrant: deletes a grant (needs `kms:RevokeGrant`).
    public func revokeGrant(keyID: String, grantID: String, caller: KeyCaller) throws {
        try perform("RevokeGrant", key: keyID, caller: caller, requireEnabled: false) { key in
            guard let found = state.withLock({ $0.grants[grantID] }), found.keyID == key.keyID else {
                throw TarnError(.kmsInvalidGrantID, "Grant ID \(grantID) is not a grant of key \(key.arn)")
            }
            try store.deleteGrant(grantID)
            state.withLock { _ = $0.grants.removeValue(forKey: grantID) }
        }
    }
}
