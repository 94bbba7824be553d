import Foundation
import TarnCore

extension KeyManagementService {
    /// Checks an alias name against KMS's rules: `alias/` then 1–250 of `a-zA-Z0-9/_-`, and not
    /// the `alias/aws/` prefix AWS reserves for its managed keys.
    static func validateAliasName(_ name: String) throws {
        guard name.hasPrefix("alias/"), name.count > 6, name.utf8.count <= 256 else {
            throw TarnError(.kmsInvalidAliasName, "Alias name \(name) must begin with 'alias/' and be 7 to 256 characters long")
        }
        guard !name.hasPrefix("alias/aws/") else {
            throw TarnError(.kmsAccessDenied, "Alias names starting with alias/aws/ are reserved for AWS managed keys")
        }
        let allowed = name.utf8.dropFirst(6).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2F || byte == 0x5F
                || byte == 0x2D
        }
        guard allowed else { throw TarnError(.kmsInvalidAliasName, "Alias name \(name) may only contain letters, digits, '/', '_' and '-'") }
    }

    /// CreateAlias: a new name for a key.
    /// - Throws: `AlreadyExistsException`, `InvalidAliasNameException`, `NotFoundException`.
    public func createAlias(_ name: String, targetKeyID: String, caller: KeyCaller) throws {
        try Self.validateAliasName(name)
        try perform("CreateAlias", key: targetKeyID, caller: caller, requireEnabled: false, allowPendingDeletion: false) { key in
            let alias = KeyAlias(
                name: name, arn: Self.aliasARN(name, accountID: accountID, region: region), targetKeyID: key.keyID, created: clock.now())
            try state.withLock { state in
                if state.aliases[name] != nil {
                    throw TarnError(.kmsAlreadyExists, "An alias with the name \(alias.arn) already exists")
                }
                try store.insertAlias(alias)
                state.aliases[name] = alias
            }
        }
    }

    /// UpdateAlias: points an existing alias at another key.
    public func updateAlias(_ name: String, targetKeyID: String, caller: KeyCaller) throws {
        try Self.validateAliasName(name)
        guard state.withLock({ $0.aliases[name] }) != nil else {
            throw TarnError(.kmsNotFound, "Alias \(Self.aliasARN(name, accountID: accountID, region: region)) is not found.")
        }
        try perform("UpdateAlias", key: targetKeyID, caller: caller, requireEnabled: false, allowPendingDeletion: false) { key in
            try store.updateAlias(name, target: key.keyID)
            state.withLock { $0.aliases[name]?.targetKeyID = key.keyID }
        }
    }

    /// DeleteAlias (the key is untouched).
    public func deleteAlias(_ name: String, caller: KeyCaller) throws {
        try Self.validateAliasName(name)
        guard let alias = state.withLock({ $0.aliases[name] }) else {
            throw TarnError(.kmsNotFound, "Alias \(Self.aliasARN(name, accountID: accountID, region: region)) is not found.")
        }
        try perform("DeleteAlias", key: alias.targetKeyID.description, caller: caller, requireEnabled: false) { _ in
            try store.deleteAlias(name)
            state.withLock { _ = $0.aliases.removeValue(forKey: name) }
        }
    }

    /// ListAliases: every alias (account-level), or only those of one key (`kms:ListAliases`).
    public func listAliases(keyID: String? = nil, caller: KeyCaller) throws -> [KeyAlias] {
        try authorizeAccount(caller, "ListAliases")
        let target = try keyID.map { try resolve($0).keyID }
        return state.withLock { Array($0.aliases.values) }.filter { target == nil || $0.targetKeyID == target }.sorted { $0.name < $1.name }
    }
}
