import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Keys

@Suite struct CryptographyTests {
    @Test func encryptDecryptRoundTripWithContext() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(description: "prod", caller: root)
        #expect(key.arn == "arn:aws:kms:us-east-1:000000000000:key/\(key.keyID)")
        let context: EncryptionContext = ["zone": "raw", "app": "retail"]
        let (blob, arn) = try fixture.kms.encrypt(keyID: key.keyID.description, plaintext: Array("secret".utf8), context: context, caller: alice)
        #expect(arn == key.arn)
        #expect(!blob.contains(subsequence: Array("secret".utf8)))
        // Context order does not matter; KeyId is optional.
        let reordered = EncryptionContext(["app": "retail", "zone": "raw"])
        #expect(try fixture.kms.decrypt(ciphertext: blob, context: reordered, caller: alice).plaintext == Array("secret".utf8))
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, context: ["zone": "raw"], caller: alice) } == .kmsInvalidCiphertext)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, caller: alice) } == .kmsInvalidCiphertext)
        var tampered = blob
        tampered[tampered.count - 1] ^= 1
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: tampered, context: context, caller: alice) } == .kmsInvalidCiphertext)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: Array(blob.prefix(20)), context: context, caller: alice) } == .kmsInvalidCiphertext)
        let other = try fixture.kms.createKey(caller: root)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, context: context, keyID: other.arn, caller: alice) } == .kmsIncorrectKey)
        // Swapping the key id inside the blob breaks authentication (the header is AAD).
        var swapped = blob
        swapped.replaceSubrange(1..<17, with: other.keyID.bytes)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: swapped, context: context, caller: alice) } == .kmsInvalidCiphertext)
    }

    @Test func plaintextAndDataKeyLimits() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        #expect(code { _ = try fixture.kms.encrypt(keyID: key.arn, plaintext: [], caller: root) } == .kmsValidation)
        #expect(code { _ = try fixture.kms.encrypt(keyID: key.arn, plaintext: [UInt8](repeating: 1, count: 4097), caller: root) } == .kmsValidation)
        _ = try fixture.kms.encrypt(keyID: key.arn, plaintext: [UInt8](repeating: 1, count: 4096), caller: root)
        for size in [1, 16, 32, 1024] {
            let dataKey = try fixture.kms.generateDataKey(keyID: key.arn, byteCount: size, context: ["k": "v"], caller: root)
            #expect(dataKey.plaintext?.count == size)
            #expect(try fixture.kms.decrypt(ciphertext: dataKey.ciphertext, context: ["k": "v"], caller: root).plaintext == dataKey.plaintext)
        }
        #expect(code { _ = try fixture.kms.generateDataKey(keyID: key.arn, byteCount: 1025, caller: root) } == .kmsValidation)
        let without = try fixture.kms.generateDataKey(keyID: key.arn, includePlaintext: false, caller: root)
        #expect(without.plaintext == nil)
        #expect(try fixture.kms.decrypt(ciphertext: without.ciphertext, caller: root).plaintext.count == 32)
    }

    @Test func reEncryptMovesBetweenKeysAndContexts() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let dev = try fixture.kms.createKey(caller: root), prod = try fixture.kms.createKey(caller: root)
        let (blob, _) = try fixture.kms.encrypt(keyID: dev.arn, plaintext: [1, 2, 3], context: ["env": "dev"], caller: root)
        let moved = try fixture.kms.reEncrypt(
            ciphertext: blob, sourceContext: ["env": "dev"], destinationKeyID: prod.keyID.description, destinationContext: ["env": "prod"], caller: root)
        #expect(moved.sourceKeyARN == dev.arn && moved.keyARN == prod.arn)
        #expect(try fixture.kms.decrypt(ciphertext: moved.ciphertext, context: ["env": "prod"], caller: root).plaintext == [1, 2, 3])
    }
}

@Suite struct KeyLifecycleTests {
    @Test func disableEnable() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let (blob, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [7], caller: root)
        try fixture.kms.disableKey(key.arn, caller: root)
        #expect(try fixture.kms.describeKey(key.arn, caller: root).state == .disabled)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, caller: root) } == .kmsDisabled)
        #expect(code { _ = try fixture.kms.encrypt(keyID: key.arn, plaintext: [1], caller: root) } == .kmsDisabled)
        #expect(code { _ = try fixture.kms.generateDataKey(keyID: key.arn, caller: root) } == .kmsDisabled)
        try fixture.kms.enableKey(key.arn, caller: root)
        #expect(try fixture.kms.decrypt(ciphertext: blob, caller: root).plaintext == [7])
    }

    @Test func scheduledDeletionWindowCancelAndPurge() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let (blob, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [7], caller: root)
        #expect(code { _ = try fixture.kms.scheduleKeyDeletion(key.arn, pendingWindowInDays: 6, caller: root) } == .kmsValidation)
        #expect(code { _ = try fixture.kms.scheduleKeyDeletion(key.arn, pendingWindowInDays: 31, caller: root) } == .kmsValidation)
        let scheduled = try fixture.kms.scheduleKeyDeletion(key.arn, pendingWindowInDays: 7, caller: root)
        #expect(scheduled.state == .pendingDeletion)
        #expect(scheduled.deletionDate == fixture.clock.now().addingTimeInterval(7 * 86_400))
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, caller: root) } == .kmsInvalidState)
        #expect(code { try fixture.kms.enableKey(key.arn, caller: root) } == .kmsInvalidState)
        #expect(code { _ = try fixture.kms.scheduleKeyDeletion(key.arn, caller: root) } == .kmsInvalidState)
        // Cancelling keeps the key, disabled (as AWS does).
        #expect(try fixture.kms.cancelKeyDeletion(key.arn, caller: root).state == .disabled)
        #expect(code { _ = try fixture.kms.cancelKeyDeletion(key.arn, caller: root) } == .kmsInvalidState)
        try fixture.kms.enableKey(key.arn, caller: root)
        #expect(try fixture.kms.decrypt(ciphertext: blob, caller: root).plaintext == [7])
        // Schedule again and let the window pass: the key and its material are gone for good.
        _ = try fixture.kms.scheduleKeyDeletion(key.arn, pendingWindowInDays: 7, caller: root)
        fixture.clock.advance(days: 6.9)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, caller: root) } == .kmsInvalidState)
        fixture.clock.advance(days: 0.2)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, caller: root) } == .kmsNotFound)
        #expect(try fixture.kms.listKeys(caller: root).isEmpty)
        let reopened = try fixture.reopen()
        #expect(code { _ = try reopened.describeKey(key.arn, caller: root) } == .kmsNotFound)
    }

    @Test func onDemandAndAutomaticRotationKeepOldVersionsDecrypting() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let (v1, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [1], caller: root)
        let rotated = try fixture.kms.rotateKeyOnDemand(key.arn, caller: root)
        #expect(rotated.currentVersion == 2)
        let (v2, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [2], caller: root)
        #expect(try KeyCiphertext(bytes: v1).version == 1 && KeyCiphertext(bytes: v2).version == 2)
        #expect(try fixture.kms.decrypt(ciphertext: v1, caller: root).plaintext == [1])
        #expect(try fixture.kms.decrypt(ciphertext: v2, caller: root).plaintext == [2])
        #expect(code { try fixture.kms.enableKeyRotation(key.arn, periodInDays: 89, caller: root) } == .kmsValidation)
        try fixture.kms.enableKeyRotation(key.arn, periodInDays: 90, caller: root)
        let status = try fixture.kms.keyRotationStatus(key.arn, caller: root)
        #expect(status.rotationEnabled && status.rotationPeriodInDays == 90)
        #expect(status.nextRotationDate == fixture.clock.now().addingTimeInterval(90 * 86_400))
        fixture.clock.advance(days: 91)
        let (v3, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [3], caller: root)
        #expect(try KeyCiphertext(bytes: v3).version == 3)
        #expect(try fixture.kms.keyRotations(key.arn, caller: root).map(\.rotationType) == ["ON_DEMAND", "AUTOMATIC"])
        // Versions survive a restart: every version's material is stored (wrapped).
        let reopened = try fixture.reopen()
        for (blob, value) in [(v1, UInt8(1)), (v2, 2), (v3, 3)] {
            #expect(try reopened.decrypt(ciphertext: blob, caller: root).plaintext == [value])
        }
    }
}

@Suite struct AliasAndGrantTests {
    @Test func aliasesResolveAndFollowRules() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        try fixture.kms.createAlias("alias/prod-data", targetKeyID: key.keyID.description, caller: root)
        #expect(code { try fixture.kms.createAlias("alias/prod-data", targetKeyID: key.arn, caller: root) } == .kmsAlreadyExists)
        #expect(code { try fixture.kms.createAlias("prod", targetKeyID: key.arn, caller: root) } == .kmsInvalidAliasName)
        #expect(code { try fixture.kms.createAlias("alias/bad name", targetKeyID: key.arn, caller: root) } == .kmsInvalidAliasName)
        #expect(code { try fixture.kms.createAlias("alias/aws/s3", targetKeyID: key.arn, caller: root) } == .kmsAccessDenied)
        let (blob, arn) = try fixture.kms.encrypt(keyID: "alias/prod-data", plaintext: [9], caller: root)
        #expect(arn == key.arn)
        let aliasARN = "arn:aws:kms:us-east-1:000000000000:alias/prod-data"
        #expect(try fixture.kms.decrypt(ciphertext: blob, keyID: aliasARN, caller: root).plaintext == [9])
        #expect(try fixture.kms.listAliases(keyID: key.arn, caller: root).map(\.arn) == [aliasARN])
        try fixture.kms.deleteAlias("alias/prod-data", caller: root)
        #expect(code { _ = try fixture.kms.describeKey("alias/prod-data", caller: root) } == .kmsNotFound)
        #expect(code { _ = try fixture.kms.describeKey("not-a-key", caller: root) } == .kmsNotFound)
    }

    @Test func grantsAllowWithinTheirConstraintsUntilRetired() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let (blob, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [5], context: ["dept": "sales"], caller: root)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, context: ["dept": "sales"], caller: mallory) } == .kmsAccessDenied)
        let grant = try fixture.kms.createGrant(
            keyID: key.arn, grantee: mallory.principalARN, operations: ["Decrypt"], retiringPrincipal: alice.principalARN,
            contextSubset: ["dept": "sales"], caller: root)
        #expect(try fixture.kms.decrypt(ciphertext: blob, context: ["dept": "sales"], caller: mallory).plaintext == [5])
        // Outside the constraint, or another operation: still denied.
        let (other, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [6], context: ["dept": "hr"], caller: root)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: other, context: ["dept": "hr"], caller: mallory) } == .kmsAccessDenied)
        #expect(code { _ = try fixture.kms.encrypt(keyID: key.arn, plaintext: [1], context: ["dept": "sales"], caller: mallory) } == .kmsAccessDenied)
        #expect(code { _ = try fixture.kms.createGrant(keyID: key.arn, grantee: "x", operations: ["Sign"], caller: root) } == .kmsValidation)
        #expect(try fixture.kms.listGrants(keyID: key.arn, caller: root).map(\.grantID) == [grant.grantID])
        // The retiring principal retires it by token; the grantee loses access.
        try fixture.kms.retireGrant(token: grant.token, caller: alice)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, context: ["dept": "sales"], caller: mallory) } == .kmsAccessDenied)
        #expect(code { try fixture.kms.retireGrant(token: grant.token, caller: alice) } == .kmsInvalidGrantToken)
    }

    @Test func explicitDenyBeatsGrant() throws {
        let fixture = try KMSFixture(authorizer: TableAuthorizer(denied: [mallory.principalARN]))
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let (blob, _) = try fixture.kms.encrypt(keyID: key.arn, plaintext: [5], caller: root)
        _ = try fixture.kms.createGrant(keyID: key.arn, grantee: mallory.principalARN, operations: ["Decrypt"], caller: root)
        #expect(code { _ = try fixture.kms.decrypt(ciphertext: blob, caller: mallory) } == .kmsAccessDenied)
    }
}

@Suite struct RootKeyAndAuditTests {
    @Test func wrongRootKeyRefusesToOpen() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        _ = try fixture.kms.createKey(caller: root)
        do {
            _ = try fixture.reopen(rootKey: RootKey.generate())
            Issue.record("a wrong root key opened the key store")
        } catch let error as TarnError {
            #expect(error.code == .wrongRootKey)
            #expect(error.message.contains("different root key"))
        }
        #expect(try fixture.reopen().listKeys(caller: root).count == 1)
    }

    @Test func rootKeyFileRoundTripAndValidation() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-rootkey")
        defer { directory.remove() }
        let (generated, path) = try RootKey.resolve(file: nil, environment: [:], dataDirectory: directory.path)
        #expect(path == directory.path + "/root.key")
        #expect(FileSystem.permissions(directory.path + "/root.key") == 0o600)
        let (again, none) = try RootKey.resolve(file: nil, environment: [:], dataDirectory: directory.path)
        #expect(none == nil && again.base64 == generated.base64)
        try FileSystem.writeAtomically(Array("not base64!".utf8), to: directory.path + "/bad.key")
        #expect(code { _ = try RootKey.load(path: directory.path + "/bad.key") } == .invalidArgument)
        try FileSystem.writeAtomically(Array(Data(repeating: 1, count: 16).base64EncodedString().utf8), to: directory.path + "/short.key")
        #expect(code { _ = try RootKey.resolve(file: nil, environment: ["TARN_ROOT_KEY_FILE": directory.path + "/short.key"], dataDirectory: directory.path) } == .invalidArgument)
    }

    @Test func keyStoreHoldsNoPlaintextMaterial() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let material = try fixture.kms.material(key.keyID, version: 1).withUnsafeBytes { Array($0) }
        let stored = try FileSystem.readFile(fixture.directory.path + "/keys.db")
        let wal = (try? FileSystem.readFile(fixture.directory.path + "/keys.db-wal")) ?? []
        #expect(!stored.contains(subsequence: material) && !wal.contains(subsequence: material))
    }

    @Test func auditLogRecordsUsesAndDenials() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        _ = try fixture.kms.generateDataKey(keyID: key.arn, context: ["aws:s3:arn": "arn:aws:s3:::b/k"], caller: alice)
        _ = code { _ = try fixture.kms.generateDataKey(keyID: key.arn, caller: mallory) }
        let events = try fixture.kms.audit.events()
        #expect(events.map(\.operation) == ["CreateKey", "GenerateDataKey", "GenerateDataKey"])
        #expect(events[1].principal == alice.principalARN && events[1].decision == "allowed" && events[1].context == ["aws:s3:arn": "arn:aws:s3:::b/k"])
        #expect(events[1].key == key.arn)
        #expect(events[2].principal == mallory.principalARN && events[2].decision == "denied" && events[2].error == "AccessDeniedException")
        #expect(FileSystem.permissions(fixture.kms.audit.path) == 0o600)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<$0 + subsequence.count].elementsEqual(subsequence) }
    }
}
