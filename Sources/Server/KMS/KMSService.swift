import Foundation
import Keys
import Lake
import TarnCore

/// The AWS KMS JSON 1.1 API (`X-Amz-Target: TrentService.<Operation>`, signing name `kms`) over
/// the lake's key service, so `aws kms …` and boto3's KMS client work unchanged.
/// Shapes and errors follow the AWS KMS API Reference.
public struct KMSService: AWSJSONService {
    /// `TrentService`, KMS's historical service name.
    public let targetPrefix = "TrentService"
    /// `kms`.
    public let signingName = "kms"
    /// Key policies are evaluated per key by the key service.
    public var authorizesResources: Bool { true }
    let lake: Lake
    var kms: KeyManagementService { lake.kms }

    /// Creates the service for a lake.
    public init(lake: Lake) { self.lake = lake }

    /// Runs the operation on the `BlockingIO` threads: every key use waits for the fsync of its
    /// audit line (`AuditLog`), which must not park one of the cooperative pool's few threads,
    /// and concurrent key uses waiting there share each fsync.
    public func handle(operation: String, request: AWSJSONRequest) async throws -> AWSJSONValue {
        try await BlockingIO.run { [self] in try perform(operation: operation, request: request) }
    }

    /// One KMS operation, blocking until its audit line is durable.
    func perform(operation: String, request: AWSJSONRequest) throws -> AWSJSONValue {
        let caller = KeyCaller(
            principalARN: request.principal, accountID: Lake.accountID, conditionContext: request.conditions, requestID: request.requestID)
        switch operation {
        case "CreateKey": return try createKey(request, caller)
        case "DescribeKey": return .object(["KeyMetadata": metadata(try kms.describeKey(try request.string("KeyId"), caller: caller))])
        case "ListKeys": return try listKeys(request, caller)
        case "EnableKey":
            try kms.enableKey(try request.string("KeyId"), caller: caller)
            return .object([:])
        case "DisableKey":
            try kms.disableKey(try request.string("KeyId"), caller: caller)
            return .object([:])
        case "ScheduleKeyDeletion":
            let key = try kms.scheduleKeyDeletion(
                try request.string("KeyId"), pendingWindowInDays: try request.int("PendingWindowInDays", in: Int.min...Int.max) ?? 30, caller: caller)
            return .object([
                "KeyId": .string(key.arn), "DeletionDate": key.deletionDate.map(AWSJSONValue.timestamp) ?? .null, "KeyState": .string(key.state.rawValue),
                "PendingWindowInDays": .number(Double(key.pendingWindowInDays ?? 30)),
            ])
        case "CancelKeyDeletion":
            return .object(["KeyId": .string(try kms.cancelKeyDeletion(try request.string("KeyId"), caller: caller).arn)])
        case "UpdateKeyDescription":
            try kms.updateKeyDescription(try request.string("KeyId"), description: try request.string("Description"), caller: caller)
            return .object([:])
        case "EnableKeyRotation":
            try kms.enableKeyRotation(
                try request.string("KeyId"), periodInDays: try request.int("RotationPeriodInDays", in: Int.min...Int.max) ?? 365, caller: caller)
            return .object([:])
        case "DisableKeyRotation":
            try kms.disableKeyRotation(try request.string("KeyId"), caller: caller)
            return .object([:])
        case "GetKeyRotationStatus":
            let key = try kms.keyRotationStatus(try request.string("KeyId"), caller: caller)
            var result: [String: AWSJSONValue] = ["KeyRotationEnabled": .bool(key.rotationEnabled), "KeyId": .string(key.arn)]
            if key.rotationEnabled {
                result["RotationPeriodInDays"] = .number(Double(key.rotationPeriodInDays))
                if let next = key.nextRotationDate { result["NextRotationDate"] = .timestamp(next) }
            }
            return .object(result)
        case "RotateKeyOnDemand":
            return .object(["KeyId": .string(try kms.rotateKeyOnDemand(try request.string("KeyId"), caller: caller).keyID.description)])
        case "ListKeyRotations":
            let keyID = try request.string("KeyId")
            let arn = try kms.describeKey(keyID, caller: caller).arn
            let rotations = try kms.keyRotations(keyID, caller: caller).map { version -> AWSJSONValue in
                .object(["KeyId": .string(arn), "RotationDate": .timestamp(version.created), "RotationType": .string(version.rotationType ?? "ON_DEMAND")])
            }
            return .object(["Rotations": .array(rotations), "Truncated": .bool(false)])
        case "Encrypt": return try encrypt(request, caller)
        case "Decrypt": return try decrypt(request, caller)
        case "ReEncrypt": return try reEncrypt(request, caller)
        case "GenerateDataKey", "GenerateDataKeyWithoutPlaintext": return try generateDataKey(request, caller, includePlaintext: operation == "GenerateDataKey")
        case "GenerateRandom":
            let count = try request.int("NumberOfBytes", in: 1...1024) ?? 32
            return .object(["Plaintext": .blob(Identifiers.randomBytes(count))])
        case "GetKeyPolicy":
            let name = request.body["PolicyName"]?.string ?? "default"
            return .object(["Policy": .string(try kms.keyPolicy(try request.string("KeyId"), policyName: name, caller: caller)), "PolicyName": .string(name)])
        case "PutKeyPolicy":
            try kms.putKeyPolicy(
                try request.string("KeyId"), policyName: request.body["PolicyName"]?.string ?? "default", policy: try request.string("Policy"), caller: caller)
            return .object([:])
        case "ListKeyPolicies":
            _ = try kms.describeKey(try request.string("KeyId"), caller: caller)
            return .object(["PolicyNames": .array([.string("default")]), "Truncated": .bool(false)])
        case "CreateAlias":
            try kms.createAlias(try request.string("AliasName"), targetKeyID: try request.string("TargetKeyId"), caller: caller)
            return .object([:])
        case "UpdateAlias":
            try kms.updateAlias(try request.string("AliasName"), targetKeyID: try request.string("TargetKeyId"), caller: caller)
            return .object([:])
        case "DeleteAlias":
            try kms.deleteAlias(try request.string("AliasName"), caller: caller)
            return .object([:])
        case "ListAliases":
            let aliases = try kms.listAliases(keyID: request.body["KeyId"]?.string, caller: caller).map { alias -> AWSJSONValue in
                .object([
                    "AliasName": .string(alias.name), "AliasArn": .string(alias.arn), "TargetKeyId": .string(alias.targetKeyID.description),
                    "CreationDate": .timestamp(alias.created), "LastUpdatedDate": .timestamp(alias.created),
                ])
            }
            return .object(["Aliases": .array(aliases), "Truncated": .bool(false)])
        case "CreateGrant": return try createGrant(request, caller)
        case "ListGrants":
            let grants = try kms.listGrants(
                keyID: try request.string("KeyId"), grantID: request.body["GrantId"]?.string, grantee: request.body["GranteePrincipal"]?.string, caller: caller)
            return .object(["Grants": .array(grants.map(grant)), "Truncated": .bool(false)])
        case "RetireGrant":
            try kms.retireGrant(
                token: request.body["GrantToken"]?.string, keyID: request.body["KeyId"]?.string, grantID: request.body["GrantId"]?.string, caller: caller)
            return .object([:])
        case "RevokeGrant":
            try kms.revokeGrant(keyID: try request.string("KeyId"), grantID: try request.string("GrantId"), caller: caller)
            return .object([:])
        default:
            throw AWSJSONError("UnsupportedOperationException", "KMS operation \(operation) is not implemented by Tarn")
        }
    }

    // MARK: operations

    private func createKey(_ request: AWSJSONRequest, _ caller: KeyCaller) throws -> AWSJSONValue {
        let spec = request.body["KeySpec"]?.string ?? request.body["CustomerMasterKeySpec"]?.string ?? "SYMMETRIC_DEFAULT"
        guard spec == "SYMMETRIC_DEFAULT" else {
            throw TarnError(.kmsUnsupportedOperation, "KeySpec \(spec) is not supported by Tarn; only SYMMETRIC_DEFAULT (AES-256-GCM) keys")
        }
        let usage = request.body["KeyUsage"]?.string ?? "ENCRYPT_DECRYPT"
        guard usage == "ENCRYPT_DECRYPT" else {
            throw TarnError(.kmsUnsupportedOperation, "KeyUsage \(usage) is not supported for SYMMETRIC_DEFAULT keys")
        }
        if let origin = request.body["Origin"]?.string, origin != "AWS_KMS" {
            throw TarnError(.kmsUnsupportedOperation, "Origin \(origin) is not supported; Tarn generates key material itself (AWS_KMS)")
        }
        var tags: [String: String] = [:]
        for tag in request.body["Tags"]?.array ?? [] {
            if let key = tag["TagKey"]?.string { tags[key] = tag["TagValue"]?.string ?? "" }
        }
        let key = try kms.createKey(description: request.body["Description"]?.string ?? "", policy: request.body["Policy"]?.string, tags: tags, caller: caller)
        return .object(["KeyMetadata": metadata(key)])
    }

    private func listKeys(_ request: AWSJSONRequest, _ caller: KeyCaller) throws -> AWSJSONValue {
        let limit = try request.int("Limit", in: 1...1000) ?? 100
        let all = try kms.listKeys(caller: caller)
        let start = request.body["Marker"]?.string.flatMap { marker in all.firstIndex { $0.keyID.description > marker } } ?? (request.body["Marker"]?.string == nil ? 0 : all.count)
        let page = Array(all[start...].prefix(limit))
        var result: [String: AWSJSONValue] = [
            "Keys": .array(page.map { .object(["KeyId": .string($0.keyID.description), "KeyArn": .string($0.arn)]) }),
            "Truncated": .bool(start + page.count < all.count),
        ]
        if start + page.count < all.count, let last = page.last { result["NextMarker"] = .string(last.keyID.description) }
        return .object(result)
    }

    private func context(_ value: AWSJSONValue?) throws -> EncryptionContext {
        guard let value, value != .null else { return EncryptionContext() }
        guard let object = value.object else { throw AWSJSONError("ValidationException", "EncryptionContext must be a map of strings") }
        var pairs: [String: String] = [:]
        for (key, item) in object {
            guard let text = item.string else { throw AWSJSONError("ValidationException", "EncryptionContext value of \(key) must be a string") }
            pairs[key] = text
        }
        return EncryptionContext(pairs)
    }

    private func blob(_ request: AWSJSONRequest, _ name: String) throws -> [UInt8] {
        guard let raw = request.body[name], raw != .null else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null")
        }
        guard let bytes = raw.blob else { throw AWSJSONError("SerializationException", "\(name) is not valid base64") }
        return bytes
    }

    private func checkAlgorithm(_ request: AWSJSONRequest, _ name: String = "EncryptionAlgorithm") throws {
        if let algorithm = request.body[name]?.string, algorithm != "SYMMETRIC_DEFAULT" {
            throw TarnError(.kmsInvalidKeyUsage, "Encryption algorithm \(algorithm) is not valid for a SYMMETRIC_DEFAULT key")
        }
    }

    private func encrypt(_ request: AWSJSONRequest, _ caller: KeyCaller) throws -> AWSJSONValue {
        try checkAlgorithm(request)
        let (ciphertext, arn) = try kms.encrypt(
            keyID: try request.string("KeyId"), plaintext: try blob(request, "Plaintext"), context: try context(request.body["EncryptionContext"]), caller: caller)
        return .object(["CiphertextBlob": .blob(ciphertext), "KeyId": .string(arn), "EncryptionAlgorithm": .string("SYMMETRIC_DEFAULT")])
    }

    private func decrypt(_ request: AWSJSONRequest, _ caller: KeyCaller) throws -> AWSJSONValue {
        try checkAlgorithm(request)
        let (plaintext, arn) = try kms.decrypt(
            ciphertext: try blob(request, "CiphertextBlob"), context: try context(request.body["EncryptionContext"]), keyID: request.body["KeyId"]?.string,
            caller: caller)
        return .object(["Plaintext": .blob(plaintext), "KeyId": .string(arn), "EncryptionAlgorithm": .string("SYMMETRIC_DEFAULT")])
    }

    private func reEncrypt(_ request: AWSJSONRequest, _ caller: KeyCaller) throws -> AWSJSONValue {
        try checkAlgorithm(request, "SourceEncryptionAlgorithm")
        try checkAlgorithm(request, "DestinationEncryptionAlgorithm")
        let result = try kms.reEncrypt(
            ciphertext: try blob(request, "CiphertextBlob"), sourceContext: try context(request.body["SourceEncryptionContext"]),
            sourceKeyID: request.body["SourceKeyId"]?.string, destinationKeyID: try request.string("DestinationKeyId"),
            destinationContext: try context(request.body["DestinationEncryptionContext"]), caller: caller)
        return .object([
            "CiphertextBlob": .blob(result.ciphertext), "SourceKeyId": .string(result.sourceKeyARN), "KeyId": .string(result.keyARN),
            "SourceEncryptionAlgorithm": .string("SYMMETRIC_DEFAULT"), "DestinationEncryptionAlgorithm": .string("SYMMETRIC_DEFAULT"),
        ])
    }

    private func generateDataKey(_ request: AWSJSONRequest, _ caller: KeyCaller, includePlaintext: Bool) throws -> AWSJSONValue {
        let spec = request.body["KeySpec"]?.string
        let count = try request.int("NumberOfBytes", in: Int.min...Int.max)
        let byteCount: Int
        switch (spec, count) {
        case (nil, nil): throw AWSJSONError("ValidationException", "Please specify either number of bytes or key spec.")
        case (.some, .some): throw AWSJSONError("ValidationException", "Please specify either number of bytes or key spec, not both.")
        case ("AES_256", nil): byteCount = 32
        case ("AES_128", nil): byteCount = 16
        case (.some(let other), nil):
            throw AWSJSONError("ValidationException", "1 validation error detected: Value '\(other)' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
        case (nil, .some(let bytes)): byteCount = bytes
        }
        let dataKey = try kms.generateDataKey(
            keyID: try request.string("KeyId"), byteCount: byteCount, context: try context(request.body["EncryptionContext"]), includePlaintext: includePlaintext,
            caller: caller)
        var result: [String: AWSJSONValue] = ["CiphertextBlob": .blob(dataKey.ciphertext), "KeyId": .string(dataKey.keyARN)]
        if let plaintext = dataKey.plaintext { result["Plaintext"] = .blob(plaintext) }
        return .object(result)
    }

    private func createGrant(_ request: AWSJSONRequest, _ caller: KeyCaller) throws -> AWSJSONValue {
        let operations = (request.body["Operations"]?.array ?? []).compactMap(\.string)
        let constraints = request.body["Constraints"]
        let grant = try kms.createGrant(
            keyID: try request.string("KeyId"), grantee: try request.string("GranteePrincipal"), operations: operations,
            retiringPrincipal: request.body["RetiringPrincipal"]?.string, name: request.body["Name"]?.string,
            contextEquals: try constraints?["EncryptionContextEquals"].map { try context($0) },
            contextSubset: try constraints?["EncryptionContextSubset"].map { try context($0) }, caller: caller)
        return .object(["GrantToken": .string(grant.token), "GrantId": .string(grant.grantID)])
    }

    // MARK: shapes

    private func metadata(_ key: KeyMetadata) -> AWSJSONValue {
        var fields: [String: AWSJSONValue] = [
            "AWSAccountId": .string(key.accountID), "KeyId": .string(key.keyID.description), "Arn": .string(key.arn), "CreationDate": .timestamp(key.created),
            "Enabled": .bool(key.enabled), "Description": .string(key.description), "KeyUsage": .string("ENCRYPT_DECRYPT"),
            "KeyState": .string(key.state.rawValue), "Origin": .string("AWS_KMS"),
            "KeyManager": .string(key.description.hasPrefix("Default key that protects") ? "AWS" : "CUSTOMER"),
            "CustomerMasterKeySpec": .string("SYMMETRIC_DEFAULT"), "KeySpec": .string("SYMMETRIC_DEFAULT"),
            "EncryptionAlgorithms": .array([.string("SYMMETRIC_DEFAULT")]), "MultiRegion": .bool(false),
        ]
        if let deletion = key.deletionDate { fields["DeletionDate"] = .timestamp(deletion) }
        if let window = key.pendingWindowInDays { fields["PendingDeletionWindowInDays"] = .number(Double(window)) }
        return .object(fields)
    }

    private func grant(_ grant: KeyGrant) -> AWSJSONValue {
        var fields: [String: AWSJSONValue] = [
            "KeyId": .string(kms.keyARN(grant.keyID)), "GrantId": .string(grant.grantID), "CreationDate": .timestamp(grant.created),
            "GranteePrincipal": .string(grant.granteePrincipal), "IssuingAccount": .string(grant.issuingAccount),
            "Operations": .array(grant.operations.map(AWSJSONValue.string)),
        ]
        if let name = grant.name { fields["Name"] = .string(name) }
        if let retiring = grant.retiringPrincipal { fields["RetiringPrincipal"] = .string(retiring) }
        var constraints: [String: AWSJSONValue] = [:]
        if let equals = grant.contextEquals { constraints["EncryptionContextEquals"] = .object(equals.pairs.mapValues(AWSJSONValue.string)) }
        if let subset = grant.contextSubset { constraints["EncryptionContextSubset"] = .object(subset.pairs.mapValues(AWSJSONValue.string)) }
        if !constraints.isEmpty { fields["Constraints"] = .object(constraints) }
        return .object(fields)
    }
}
