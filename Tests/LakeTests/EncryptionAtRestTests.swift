import Access
import Crypto
import Foundation
import Keys
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// A lake in a fresh directory with one bucket.
struct LakeFixture {
    let directory: TemporaryDirectory
    let lake: Lake

    init(bucket: String = "raw") async throws {
        directory = try TemporaryDirectory(prefix: "tarn-lake")
        lake = try Lake(path: directory.path, environment: [:])
        try await lake.store.createBucket(bucket)
    }

    /// Every byte of every file under the data directory.
    func everyFile() throws -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        func walk(_ path: String) throws {
            if FileSystem.isDirectory(path) {
                for name in try FileSystem.listDirectory(path) { try walk(path + "/" + name) }
            } else if let bytes = try? FileSystem.readFile(path) {
                result.append((path, bytes))
            }
        }
        try walk(directory.path)
        return result
    }
}

/// A recognisable plaintext of `size` bytes: a marker repeated.
func marked(_ marker: String, size: Int) -> [UInt8] {
    let unit = Array(marker.utf8)
    return (0..<size).map { unit[$0 % unit.count] }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        let first = subsequence[0]
        var index = 0
        while index <= count - subsequence.count {
            if self[index] == first && self[index..<index + subsequence.count].elementsEqual(subsequence) { return true }
            index += 1
        }
        return false
    }
}

func errorCode(_ body: () throws -> Void) -> TarnError.Code? {
    do {
        try body()
        return nil
    } catch let error as TarnError {
        return error.code
    } catch {
        return TarnError.Code("unexpected: \(error)")
    }
}

@Suite struct EncryptionAtRestTests {
    @Test func everyEncryptionModeLeavesNoPlaintextOnDisk() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let lake = fixture.lake
        let key = try lake.kms.createKey(description: "raw zone", caller: lake.keyCaller(.root(accountID: Lake.accountID)))
        let modes: [(String, ServerSideEncryption?)] = [
            ("default", nil), ("sse-s3", .s3), ("sse-kms", .kms(keyID: key.arn, bucketKey: false, context: ["dept": "sales"])),
            ("bucket-key", .kms(keyID: key.keyID.description, bucketKey: true, context: [:])), ("aws-managed", .kms(keyID: nil, bucketKey: false, context: [:])),
        ]
        for (name, mode) in modes {
            let body = marked("PLAINTEXT-MARKER-\(name)-", size: 300_000)
            let info = try await lake.store.put(bucket: "raw", key: "obj/\(name)", bytes: body, encryption: mode)
            #expect(info.attributes.encryption != nil, "\(name) was stored unencrypted")
            #expect(try lake.store.get(bucket: "raw", key: "obj/\(name)") == body)
        }
        #expect(try lake.store.object(bucket: "raw", key: "obj/default").attributes.encryption?.algorithm == "AES256")
        #expect(try lake.store.object(bucket: "raw", key: "obj/sse-kms").attributes.encryption?.kmsKeyARN == key.arn)
        #expect(try lake.store.object(bucket: "raw", key: "obj/bucket-key").attributes.encryption?.bucketKeyEnabled == true)
        for (path, bytes) in try fixture.everyFile() {
            for (name, _) in modes {
                #expect(!bytes.contains(subsequence: Array("PLAINTEXT-MARKER-\(name)-".utf8)), "plaintext of \(name) found in \(path)")
            }
        }
    }

    @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 200_000])
    func rangedReadsDecryptOnlyWhatTheyNeed(size: Int) async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let info = try await fixture.lake.store.put(bucket: "raw", key: "k", bytes: body, encryption: .s3)
        #expect(fixture.lake.store.blobs.storedSize(info.segments[0].blob) == EncryptedBlobFormat.encryptedSize(plaintextSize: Int64(size)))
        let reader = try fixture.lake.store.open(bucket: "raw", key: "k")
        #expect(try reader.read(0..<Int64(size)) == body)
        for (start, end) in [(0, 1), (65_530, 65_540), (size / 3, size / 2), (max(0, size - 5), size)] where start < end && end <= size {
            #expect(try reader.read(Int64(start)..<Int64(end)) == Array(body[start..<end]), "range \(start)..<\(end) of \(size)")
        }
    }

    @Test func tamperedCiphertextIsDetected() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let info = try await fixture.lake.store.put(bucket: "raw", key: "k", bytes: marked("abc", size: 100_000), encryption: .s3)
        let path = (fixture.lake.store.tiers.standard as! LocalBlobStore).root + "/" + info.segments[0].blob.rawValue.prefix(2) + "/" + info.segments[0].blob.rawValue
        var bytes = try FileSystem.readFile(path)
        bytes[70_000] ^= 0x40
        try FileSystem.writeAtomically(bytes, to: path)
        let reader = try fixture.lake.store.open(bucket: "raw", key: "k")
        #expect(try reader.read(0..<1000) == marked("abc", size: 1000))  // chunk 0 is intact
        #expect(errorCode { _ = try reader.read(65_536..<65_600) } == .corrupt)
    }

    @Test func multipartAndCopyAreEncrypted() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let store = fixture.lake.store
        let key = try fixture.lake.kms.createKey(caller: fixture.lake.keyCaller(.root(accountID: Lake.accountID)))
        let uploadID = try await store.createMultipartUpload(
            bucket: "raw", key: "big", attributes: ObjectAttributes(), encryption: .kms(keyID: key.arn, bucketKey: false, context: [:]))
        let part1 = marked("PART-ONE-MARKER", size: Int(MetadataIndex.minimumPartSize)), part2 = marked("PART-TWO-MARKER", size: 1000)
        var completed: [CompletedPart] = []
        for (number, bytes) in [(1, part1), (2, part2)] {
            let (upload, _) = try store.beginPartUpload(bucket: "raw", key: "big", uploadID: uploadID, partNumber: number)
            try bytes.withUnsafeBytes { try upload.write($0) }
            let part = try await upload.commitPart(key: "big", uploadID: uploadID, partNumber: number)
            completed.append(CompletedPart(number: number, etag: part.etag))
        }
        let object = try await store.completeMultipartUpload(bucket: "raw", key: "big", uploadID: uploadID, parts: completed)
        #expect(object.attributes.encryption?.kmsKeyARN == key.arn)
        let reader = try store.open(bucket: "raw", key: "big")
        #expect(try reader.read(Int64(part1.count) - 10..<Int64(part1.count) + 10) == Array(part1.suffix(10)) + Array(part2.prefix(10)))
        let copy = try await store.copyObject(sourceBucket: "raw", sourceKey: "big", bucket: "raw", key: "copy", attributes: nil, encryption: .s3)
        #expect(copy.attributes.encryption?.algorithm == "AES256")
        #expect(try store.get(bucket: "raw", key: "copy") == part1 + part2)
        for (path, bytes) in try fixture.everyFile() {
            #expect(!bytes.contains(subsequence: Array("PART-ONE-MARKER".utf8)) && !bytes.contains(subsequence: Array("PART-TWO-MARKER".utf8)), "\(path)")
        }
    }

    @Test func disabledDeletedAndRotatedKeys() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let lake = fixture.lake
        let admin = lake.keyCaller(.root(accountID: Lake.accountID))
        let key = try lake.kms.createKey(caller: admin)
        for bucketKey in [false, true] {
            let name = "k-\(bucketKey)"
            try await lake.store.put(bucket: "raw", key: name, bytes: [1, 2, 3], encryption: .kms(keyID: key.arn, bucketKey: bucketKey, context: [:]))
            _ = try lake.kms.rotateKeyOnDemand(key.arn, caller: admin)
            #expect(try lake.store.get(bucket: "raw", key: name) == [1, 2, 3])
            try lake.kms.disableKey(key.arn, caller: admin)
            #expect(errorCode { _ = try lake.store.get(bucket: "raw", key: name) } == .kmsDisabled)
            try lake.kms.enableKey(key.arn, caller: admin)
            #expect(try lake.store.get(bucket: "raw", key: name) == [1, 2, 3])
        }
        _ = try lake.kms.scheduleKeyDeletion(key.arn, pendingWindowInDays: 7, caller: admin)
        #expect(errorCode { _ = try lake.store.get(bucket: "raw", key: "k-true") } == .kmsInvalidState)
        #expect(await asyncErrorCode { try await lake.store.put(bucket: "raw", key: "new", bytes: [1], encryption: .kms(keyID: key.arn, bucketKey: false, context: [:])) } == .kmsInvalidState)
    }

    @Test func wrongRootKeyRefusesToOpenTheLake() async throws {
        let fixture = try await LakeFixture()
        let path = fixture.directory.path
        defer { fixture.directory.remove() }
        #expect(fixture.lake.generatedRootKeyPath == path + "/root.key")
        _ = try await fixture.lake.store.put(bucket: "raw", key: "k", bytes: [1], encryption: .s3)
        let other = try TemporaryDirectory(prefix: "tarn-otherkey")
        defer { other.remove() }
        try RootKey.generate().write(to: other.path + "/root.key")
        // A second Lake on the same directory needs the lock; release it by opening in a copy.
        let copy = try TemporaryDirectory(prefix: "tarn-lakecopy")
        defer { copy.remove() }
        for name in ["keys", "iam.db", "root-credentials.json"] {
            let task = Process()
            task.executableURL = URL(fileURLWithPath: "/bin/cp")
            task.arguments = ["-r", path + "/" + name, copy.path + "/"]
            try task.run()
            task.waitUntilExit()
        }
        do {
            _ = try Lake(path: copy.path, environment: [:], rootKeyFile: other.path + "/root.key")
            Issue.record("opened with the wrong root key")
        } catch let error as TarnError {
            #expect(error.code == .wrongRootKey || error.code == .corrupt)
        }
    }
}

@Suite struct InProcessAuthorizationTests {
    @Test func serviceRolesAreLeastPrivilege() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let lake = fixture.lake
        try await lake.store.createBucket("cleansed")
        try lake.identities.createRole("etl")
        try lake.identities.createPolicy(
            "EtlAccess",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::cleansed/*"}]}"#)
        try lake.identities.attachPolicy("EtlAccess", to: .role("etl"))
        try await lake.store.put(bucket: "raw", key: "in.csv", bytes: Array("a,b".utf8))
        let etl = try lake.session(role: "etl", name: "job-1")
        #expect(try etl.get(bucket: "raw", key: "in.csv") == Array("a,b".utf8))
        try await etl.put(bucket: "cleansed", key: "out.csv", bytes: Array("a".utf8))
        #expect(errorCode { _ = try etl.get(bucket: "cleansed", key: "out.csv") } == .accessDenied)
        #expect(await asyncErrorCode { try await etl.put(bucket: "raw", key: "x", bytes: [1]) } == .accessDenied)
        #expect(errorCode { _ = try lake.session(role: "nope", name: "x") } == .noSuchEntity)
    }

    @Test func kmsKeyPolicyGuardsEncryptedObjects() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let lake = fixture.lake
        let admin = lake.keyCaller(.root(accountID: Lake.accountID))
        try lake.identities.createRole("prod-etl")
        try lake.identities.createRole("dev-etl")
        for role in ["prod-etl", "dev-etl"] {
            try lake.identities.putInlinePolicy(
                "All", document: #"{"Statement":{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}}"#, on: .role(role))
        }
        let prodPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:role/dev-etl"},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}]}"#
        let prodKey = try lake.kms.createKey(description: "prod", policy: prodPolicy, caller: admin)
        try await lake.store.setBucketEncryption("raw", BucketEncryptionRule(algorithm: "aws:kms", kmsKeyID: prodKey.arn, bucketKeyEnabled: true))
        let prod = try lake.session(role: "prod-etl", name: "p"), dev = try lake.session(role: "dev-etl", name: "d")
        try await prod.put(bucket: "raw", key: "orders.csv", bytes: Array("secret orders".utf8))
        #expect(try lake.store.object(bucket: "raw", key: "orders.csv").attributes.encryption?.kmsKeyARN == prodKey.arn)
        #expect(try prod.get(bucket: "raw", key: "orders.csv") == Array("secret orders".utf8))
        #expect(errorCode { _ = try dev.get(bucket: "raw", key: "orders.csv") } == .kmsAccessDenied)
        #expect(await asyncErrorCode { try await dev.put(bucket: "raw", key: "x", bytes: [1]) } == .kmsAccessDenied)
        let denials = try lake.kms.audit.events().filter { $0.decision == "denied" }
        #expect(denials.contains { $0.principal == "arn:aws:sts::000000000000:assumed-role/dev-etl/d" && $0.operation == "Decrypt" })
        #expect(denials.allSatisfy { $0.via == "s3.us-east-1.amazonaws.com" })
    }
}

func asyncErrorCode(_ body: () async throws -> Void) async -> TarnError.Code? {
    do {
        try await body()
        return nil
    } catch let error as TarnError {
        return error.code
    } catch {
        return TarnError.Code("unexpected: \(error)")
    }
}

@Suite struct RecordCipherTests {
    @Test func streamRecordsRoundTripAndStayBound() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let keyring = try #require(fixture.lake.store.keyring)
        let (key, stored) = try #require(try keyring.newObjectKey(bucket: "raw", key: "segment-1", encryption: .s3, caller: nil))
        let cipher = RecordCipher(dataKey: key)
        let record = Array("{\"order\": 42}".utf8)
        let sealed = try cipher.seal(record, associatedData: [1])
        #expect(sealed.count == record.count + RecordCipher.overhead)
        // A reader recovers the key from the stored description alone.
        let reopened = RecordCipher(dataKey: try keyring.objectKey(stored, caller: nil))
        #expect(try reopened.open(sealed, associatedData: [1]) == record)
        #expect(errorCode { _ = try reopened.open(sealed, associatedData: [2]) } == .corrupt)
        #expect(errorCode { _ = try reopened.open(Array(sealed.dropLast())) } == .corrupt)
        #expect(try cipher.seal(record) != cipher.seal(record))  // random nonces
    }
}

/// SSE-S3 blob keys are kept after the first read; the cache must neither mix objects nor let
/// a damaged wrapped key through because a good one was cached.
@Suite struct SSES3BlobKeyCacheTests {
    static func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    @Test func keysAreStablePerObjectAndSaltAndDamageIsStillRefused() async throws {
        let fixture = try await LakeFixture()
        defer { fixture.directory.remove() }
        let keyring = try #require(fixture.lake.store.keyring)
        let (_, first) = try #require(try keyring.newObjectKey(bucket: "raw", key: "a", encryption: .s3, caller: nil))
        let (_, second) = try #require(try keyring.newObjectKey(bucket: "raw", key: "b", encryption: .s3, caller: nil))
        let salt = Array(repeating: UInt8(7), count: 16), otherSalt = Array(repeating: UInt8(9), count: 16)
        let once = Self.bytes(try keyring.blobKeys(first, caller: nil)(salt))
        let again = Self.bytes(try keyring.blobKeys(first, caller: nil)(salt))
        #expect(once == again)
        #expect(Self.bytes(try keyring.blobKeys(first, caller: nil)(otherSalt)) != once)
        #expect(Self.bytes(try keyring.blobKeys(second, caller: nil)(salt)) != once)
        // The first object's key is cached now; a wrapped key changed by one byte is not it.
        var damaged = first
        var wrapped = try #require(Data(base64Encoded: first.wrappedKey))
        wrapped[wrapped.count - 1] ^= 1
        damaged.wrappedKey = wrapped.base64EncodedString()
        #expect(errorCode { _ = try keyring.blobKeys(damaged, caller: nil)(salt) } == .corrupt)
    }
}
