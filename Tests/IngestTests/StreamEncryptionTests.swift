import Foundation
import Keys
import TarnCore
import TarnTesting
import Testing

@testable import Ingest

/// KMS as the lake wires it (`Lake.KMSStreamKeyProvider` does the same over the lake's key
/// service); Ingest's tests cannot depend on Lake.
struct KMSKeys: StreamKeyProvider {
    let kms: KeyManagementService
    let caller = KeyCaller(principalARN: "arn:aws:iam::000000000000:root", accountID: "000000000000", viaService: "kinesis.us-east-1.amazonaws.com")

    func generateDataKey(keyID: String, context: [String: String]) throws -> StreamDataKey {
        let key = try kms.generateDataKey(keyID: keyID, context: EncryptionContext(context), caller: caller)
        return StreamDataKey(plaintext: key.plaintext ?? [], wrapped: key.ciphertext, keyARN: key.keyARN)
    }

    func decryptDataKey(_ wrapped: [UInt8], context: [String: String]) throws -> [UInt8] {
        try kms.decrypt(ciphertext: wrapped, context: EncryptionContext(context), caller: caller).plaintext
    }
}

/// The account's root may use every key; nobody else may (the default key policy's effect here).
struct RootOnlyAuthorizer: KeyAuthorizer {
    func authorize(_ request: KeyAuthorizationRequest) -> KeyAuthorizationDecision {
        request.caller.principalARN.hasSuffix(":root") ? .allow : .implicitDeny
    }
    func validateKeyPolicy(_ document: String) throws {}
}

@Suite struct StreamEncryptionTests {
    /// A lake directory with a key service and one customer managed key.
    struct Fixture {
        let dir: TemporaryDirectory
        let kms: KeyManagementService
        let keyID: String

        init() throws {
            dir = try TemporaryDirectory(prefix: "tarn-stream-sse")
            kms = try KeyManagementService(
                directory: dir.path + "/keys", rootKey: RootKey.generate(), accountID: "000000000000", region: "us-east-1",
                authorizer: RootOnlyAuthorizer())
            keyID = try kms.createKey(caller: KMSKeys(kms: kms).caller).keyID.description
        }

        func streams(reuse: Int64 = 300_000, segmentBytes: Int64 = ShardLog.defaultSegmentBytes) throws -> DataStreams {
            var configuration = StreamsConfiguration()
            configuration.dataKeyReuseMilliseconds = reuse
            configuration.segmentBytes = segmentBytes
            return try DataStreams(directory: dir.path + "/streams", configuration: configuration, keyProvider: KMSKeys(kms: kms))
        }

        /// Whether any file under the streams directory contains `marker`.
        func streamsFilesContain(_ marker: String) throws -> Bool {
            let needle = Data(marker.utf8)
            guard let walker = FileManager.default.enumerator(atPath: dir.path + "/streams") else { return false }
            var files = 0
            while let name = walker.nextObject() as? String {
                let path = dir.path + "/streams/" + name
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                files += 1
                if try Data(contentsOf: URL(fileURLWithPath: path)).range(of: needle) != nil { return true }
            }
            #expect(files > 1, "expected streams.db and segment files under \(dir.path)/streams")
            return false
        }
    }

    func put(_ streams: DataStreams, _ name: String, _ records: [String]) async throws {
        var input = PutRecordsInput()
        for (index, data) in records.enumerated() { input.append(partitionKey: "k\(index % 3)", data: Array(data.utf8)) }
        let outcomes = try await streams.put(stream: name, input)
        for outcome in outcomes { guard case .stored = outcome else { throw TarnError(.internal, "not stored: \(outcome)") } }
    }

    func readAll(_ streams: DataStreams, _ name: String, from start: IteratorStart = .trimHorizon, limit: Int = 7) throws -> [String] {
        var iterator: String? = try streams.shardIterator(stream: name, shardID: ShardID.format(0), start: start)
        var out: [String] = []
        while let current = iterator {
            let page = try streams.getRecords(iterator: current, limit: limit)
            out += page.result.records.map { String(decoding: page.result.data($0), as: UTF8.self) }
            iterator = page.nextIterator
            if page.result.records.isEmpty && page.millisBehindLatest == 0 { break }
        }
        return out
    }

    @Test func recordsAfterStartAreNotOnDiskInPlaintextButReadable() async throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        let before = (0..<5).map { "plain-BEFOREMARK-\($0)" }
        let secret = (0..<40).map { "SECRETMARKER-7f3a-\($0)" }
        let after = (0..<3).map { "plain-AFTERMARK-\($0)" }
        do {
            let streams = try fixture.streams()
            try streams.createStream(name: "orders", shardCount: 1, mode: .provisioned)
            try await put(streams, "orders", before)
            #expect(try streams.describe("orders").encryptionType == "NONE")
            try streams.startEncryption(stream: "orders", keyID: fixture.keyID)
            let info = try streams.describe("orders")
            #expect(info.encryptionType == "KMS")
            #expect(info.keyID == fixture.keyID)
            // Three batches: 20 + 15 + 5 records.
            try await put(streams, "orders", Array(secret[0..<20]))
            try await put(streams, "orders", Array(secret[20..<35]))
            try await put(streams, "orders", Array(secret[35...]))
            // A page limit of 7 cuts batches in the middle.
            #expect(try readAll(streams, "orders") == before + secret)
            try streams.stopEncryption(stream: "orders")
            #expect(try streams.describe("orders").encryptionType == "NONE")
            try await put(streams, "orders", after)
            #expect(try readAll(streams, "orders", limit: 1000) == before + secret + after)
        }
        #expect(try fixture.streamsFilesContain("BEFOREMARK"))
        #expect(try fixture.streamsFilesContain("AFTERMARK"))
        #expect(try !fixture.streamsFilesContain("SECRETMARKER"))
        #expect(try !fixture.streamsFilesContain("7f3a"))
        // Reopened: keys come back from streams.db through KMS.
        let reopened = try fixture.streams()
        #expect(try reopened.describe("orders").encryptionType == "NONE")
        #expect(try readAll(reopened, "orders", limit: 3) == before + secret + after)
        // AT_SEQUENCE_NUMBER inside an encrypted batch.
        var iterator = try reopened.shardIterator(stream: "orders", shardID: ShardID.format(0), start: .trimHorizon)
        let page = try reopened.getRecords(iterator: iterator, limit: 13)
        let thirteenth = SequenceNumber(shard: 0, ordinal: page.result.records[12].ordinal).description
        iterator = try reopened.shardIterator(stream: "orders", shardID: ShardID.format(0), start: .atSequenceNumber(thirteenth))
        let middle = try reopened.getRecords(iterator: iterator, limit: 2).result
        #expect(middle.records.map { String(decoding: middle.data($0), as: UTF8.self) } == [secret[7], secret[8]])
        #expect(try readAll(reopened, "orders", from: .atSequenceNumber(thirteenth)) == Array((before + secret + after)[12...]))
    }

    @Test func tornEncryptedTailIsCutOnReopen() async throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        let first = (0..<10).map { "first-\($0)" }
        let torn = (0..<10).map { "torn-\($0)" }
        do {
            let streams = try fixture.streams()
            try streams.createStream(name: "clicks", shardCount: 1, mode: .provisioned)
            try await put(streams, "clicks", ["plain-0"])
            try streams.startEncryption(stream: "clicks", keyID: fixture.keyID)
            try await put(streams, "clicks", first)
            try await put(streams, "clicks", torn)
        }
        let shardDirectory = try #require(FileManager.default.enumerator(atPath: fixture.dir.path + "/streams/logs")?.allObjects
            .compactMap { $0 as? String }.first { $0.hasSuffix(".seg") })
        let path = fixture.dir.path + "/streams/logs/" + shardDirectory
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        // A crash in the middle of the last batch's write: its last 9 bytes never reached the disk.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: UInt64(size - 9))
        try handle.close()

        let reopened = try fixture.streams()
        #expect(try readAll(reopened, "clicks") == ["plain-0"] + first)
        #expect(try reopened.log(stream: "clicks", shard: 0)?.nextOrdinal == 11)
        // Appends continue after the cut, encrypted.
        try await put(reopened, "clicks", ["again-SECRETTAIL"])
        #expect(try readAll(reopened, "clicks") == ["plain-0"] + first + ["again-SECRETTAIL"])
        #expect(try !fixture.streamsFilesContain("SECRETTAIL"))
    }

    @Test func disabledKeyStopsPutsAndReadsUntilEnabled() async throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        let caller = KMSKeys(kms: fixture.kms).caller
        let streams = try fixture.streams(reuse: 0)
        try streams.createStream(name: "payments", shardCount: 1, mode: .provisioned)
        try streams.startEncryption(stream: "payments", keyID: fixture.keyID)
        try await put(streams, "payments", ["one", "two"])
        try fixture.kms.disableKey(fixture.keyID, caller: caller)
        let refused = await #expect(throws: TarnError.self) { try await put(streams, "payments", ["three"]) }
        #expect(refused?.code.rawValue == "KMSDisabledException")
        #expect(throws: TarnError.self) { try readAll(streams, "payments") }
        // Nothing of the refused put was stored.
        #expect(try streams.log(stream: "payments", shard: 0)?.nextOrdinal == 2)
        // A disabled key also refuses a new StartStreamEncryption.
        #expect(throws: TarnError.self) { try streams.startEncryption(stream: "payments", keyID: fixture.keyID) }
        try fixture.kms.enableKey(fixture.keyID, caller: caller)
        try await put(streams, "payments", ["three"])
        #expect(try readAll(streams, "payments") == ["one", "two", "three"])
    }

    @Test func startEncryptionChecksItsArguments() throws {
        let fixture = try Fixture()
        defer { fixture.dir.remove() }
        let streams = try fixture.streams()
        try streams.createStream(name: "s", shardCount: 1, mode: .provisioned)
        #expect(throws: TarnError.self) { try streams.startEncryption(stream: "missing", keyID: fixture.keyID) }
        let missingKey = #expect(throws: TarnError.self) { try streams.startEncryption(stream: "s", keyID: "alias/none") }
        #expect(missingKey?.code == .kmsNotFoundForStream)
        #expect(try streams.describe("s").encryptionType == "NONE")
        let plain = try DataStreams(directory: fixture.dir.path + "/other")
        try plain.createStream(name: "s", shardCount: 1, mode: .provisioned)
        #expect(throws: TarnError.self) { try plain.startEncryption(stream: "s", keyID: fixture.keyID) }
    }
}
