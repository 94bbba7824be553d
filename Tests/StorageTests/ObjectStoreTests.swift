import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// A store in a fresh temporary directory with one bucket.
struct StoreFixture {
    let directory: TemporaryDirectory
    let store: ObjectStore

    init(bucket: String = "test-bucket") async throws {
        directory = try TemporaryDirectory(prefix: "tarn-storage")
        store = try ObjectStore(directory: directory.path)
        try await store.createBucket(bucket)
    }
}

@Suite struct ObjectStoreTests {
    @Test func putGetOverwriteDelete() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let first = try await store.put(bucket: "test-bucket", key: "a/b.txt", bytes: Array("hello".utf8))
        #expect(first.etag == "5d41402abc4b2a76b9719d911017c592")  // md5("hello")
        #expect(first.attributes.checksum?.algorithm == .crc64nvme)
        #expect(try store.get(bucket: "test-bucket", key: "a/b.txt") == Array("hello".utf8))

        try await store.put(bucket: "test-bucket", key: "a/b.txt", bytes: Array("bye".utf8))
        #expect(try store.get(bucket: "test-bucket", key: "a/b.txt") == Array("bye".utf8))
        try await store.sweepGarbage()
        // Only the live blob remains on disk: the overwritten one was collected.
        #expect(try store.blobs.inventory().count == 1)

        #expect(try await store.delete(bucket: "test-bucket", key: "a/b.txt") != nil)
        #expect(try await store.delete(bucket: "test-bucket", key: "a/b.txt") == nil)  // idempotent, as S3
        #expect { try store.object(bucket: "test-bucket", key: "a/b.txt") } throws: { ($0 as? TarnError)?.code == .noSuchKey }
        #expect { try store.object(bucket: "nope-bucket", key: "x") } throws: { ($0 as? TarnError)?.code == .noSuchBucket }
    }

    @Test func bucketRules() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        await #expect { try await store.createBucket("test-bucket") } throws: { ($0 as? TarnError)?.code == .bucketAlreadyOwnedByYou }
        for bad in ["ab", "Upper", "a..b", "192.168.1.1", "-start", "end-", "xn--punycode", "with_underscore", String(repeating: "a", count: 64)] {
            await #expect { try await store.createBucket(bad) } throws: { ($0 as? TarnError)?.code == .invalidBucketName }
        }
        try await store.put(bucket: "test-bucket", key: "k", bytes: [1])
        await #expect { try await store.deleteBucket("test-bucket") } throws: { ($0 as? TarnError)?.code == .bucketNotEmpty }
        try await store.delete(bucket: "test-bucket", key: "k")
        try await store.deleteBucket("test-bucket")
        #expect(try store.buckets().isEmpty)
    }

    @Test func hostileKeysStayData() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let keys = ["../../../etc/passwd", "a\u{0}b", "/leading", "dots/./../x", String(repeating: "é", count: 512)]
        for (index, key) in keys.enumerated() {
            try await store.put(bucket: "test-bucket", key: key, bytes: [UInt8(index)])
        }
        for (index, key) in keys.enumerated() {
            #expect(try store.get(bucket: "test-bucket", key: key) == [UInt8(index)])
        }
        await #expect { try await store.put(bucket: "test-bucket", key: String(repeating: "x", count: 1025), bytes: []) } throws: {
            ($0 as? TarnError)?.code == .keyTooLong
        }
        // Nothing was written outside the store's directory tree.
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.path + "/../etc"))
    }

    @Test func conditionalWrites() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let created = try await store.put(bucket: "test-bucket", key: "k", bytes: [1], condition: .ifNoneMatchAny)
        await #expect { try await store.put(bucket: "test-bucket", key: "k", bytes: [2], condition: .ifNoneMatchAny) } throws: {
            ($0 as? TarnError)?.code == .preconditionFailed
        }
        await #expect { try await store.put(bucket: "test-bucket", key: "k", bytes: [2], condition: .ifMatch("\"0000\"")) } throws: {
            ($0 as? TarnError)?.code == .preconditionFailed
        }
        try await store.put(bucket: "test-bucket", key: "k", bytes: [3], condition: .ifMatch("\"\(created.etag)\""))
        #expect(try store.get(bucket: "test-bucket", key: "k") == [3])
        // The failed writes left no blobs behind.
        try await store.sweepGarbage()
        #expect(try store.blobs.inventory().count == 1)
    }

    @Test func concurrentConditionalCreatesHaveOneWinner() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    (try? await store.put(bucket: "test-bucket", key: "once", bytes: [UInt8(writer)], condition: .ifNoneMatchAny)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
    }

    @Test func digestsAreVerifiedBeforeVisibility() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let upload = try store.beginUpload(bucket: "test-bucket", checksum: .crc32)
        try Array("hello".utf8).withUnsafeBytes { try upload.write($0) }
        await #expect {
            try await upload.commit(key: "k", attributes: ObjectAttributes(), expected: ExpectedDigests(checksum: "AAAAAA=="))
        } throws: { ($0 as? TarnError)?.code == .badDigest }
        #expect { try store.object(bucket: "test-bucket", key: "k") } throws: { ($0 as? TarnError)?.code == .noSuchKey }
        #expect(try store.blobs.inventory().isEmpty)

        let good = try store.beginUpload(bucket: "test-bucket", checksum: .crc32)
        try Array("hello".utf8).withUnsafeBytes { try good.write($0) }
        // CRC32("hello") = 0x3610a686; S3 sends it base64 of the big-endian bytes.
        let object = try await good.commit(
            key: "k", attributes: ObjectAttributes(),
            expected: ExpectedDigests(contentMD5: "XUFAKrxLKna5cZ2REBfFkg==", checksum: "NhCmhg==", length: 5))
        #expect(object.attributes.checksum == ObjectChecksum(algorithm: .crc32, value: "NhCmhg==", type: .fullObject))
    }

    @Test func rangesResolveAsS3() throws {
        #expect(try ByteRangeRequest(header: "bytes=0-4")!.resolve(size: 10) == 0..<5)
        #expect(try ByteRangeRequest(header: "bytes=5-")!.resolve(size: 10) == 5..<10)
        #expect(try ByteRangeRequest(header: "bytes=-3")!.resolve(size: 10) == 7..<10)
        #expect(try ByteRangeRequest(header: "bytes=8-100")!.resolve(size: 10) == 8..<10)
        #expect(try ByteRangeRequest(header: "bytes=-100")!.resolve(size: 10) == 0..<10)
        #expect(ByteRangeRequest(header: "bytes=0-1,3-4") == nil)
        #expect(ByteRangeRequest(header: "items=0-1") == nil)
        #expect(ByteRangeRequest(header: "bytes=5-2") == nil)
        #expect { try ByteRangeRequest(header: "bytes=10-")!.resolve(size: 10) } throws: { ($0 as? TarnError)?.code == .invalidRange }
        #expect { try ByteRangeRequest(header: "bytes=0-")!.resolve(size: 0) } throws: { ($0 as? TarnError)?.code == .invalidRange }
    }

    @Test func readConditionsFollowRFC9110Order() throws {
        let object = ObjectInfo(
            bucket: "b", key: "k", size: 1, etag: "abc", lastModified: Date(timeIntervalSince1970: 1_000_000.5),
            attributes: ObjectAttributes(), segments: [])
        let before = Date(timeIntervalSince1970: 999_000), after = Date(timeIntervalSince1970: 1_001_000)
        func code(_ conditions: ReadConditions) -> TarnError.Code? {
            do { try conditions.check(object); return nil } catch { return (error as? TarnError)?.code }
        }
        #expect(code(ReadConditions(ifMatch: "\"abc\"")) == nil)
        #expect(code(ReadConditions(ifMatch: "\"zzz\"")) == .preconditionFailed)
        #expect(code(ReadConditions(ifNoneMatch: "\"abc\"")) == .notModified)
        #expect(code(ReadConditions(ifModifiedSince: after)) == .notModified)
        #expect(code(ReadConditions(ifModifiedSince: before)) == nil)
        #expect(code(ReadConditions(ifUnmodifiedSince: before)) == .preconditionFailed)
        // If-Match that holds overrides a failing If-Unmodified-Since (S3's documented behaviour).
        #expect(code(ReadConditions(ifMatch: "abc", ifUnmodifiedSince: before)) == nil)
        // If-None-Match that does not match overrides If-Modified-Since.
        #expect(code(ReadConditions(ifNoneMatch: "zzz", ifModifiedSince: after)) == nil)
        // A modification time with a fraction compares by whole seconds, like the HTTP date.
        #expect(code(ReadConditions(ifModifiedSince: Date(timeIntervalSince1970: 1_000_000))) == .notModified)
    }

    @Test func orphanedBlobsAreCollectedAtStartup() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        try await store.put(bucket: "test-bucket", key: "kept", bytes: [1, 2, 3])
        // Simulate a crash between writing a blob and committing its metadata.
        let orphan = try store.blobs.create()
        try [UInt8](repeating: 7, count: 100).withUnsafeBytes { try orphan.write($0) }
        try await orphan.finish()
        #expect(try store.blobs.inventory().count == 2)
        let reopened = try ObjectStore(directory: fixture.directory.path)
        let removed = try await reopened.collectOrphans(startedAt: Date().addingTimeInterval(1))
        #expect(removed == 1)
        #expect(try reopened.get(bucket: "test-bucket", key: "kept") == [1, 2, 3])
    }

    @Test func copyKeepsOrReplacesMetadata() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        try await store.createBucket("other-bucket")
        let attributes = ObjectAttributes(headers: StandardHeaders(contentType: "text/plain"), userMetadata: ["color": "blue"])
        let source = try await store.put(bucket: "test-bucket", key: "src", bytes: Array("payload".utf8), attributes: attributes)
        let copied = try await store.copyObject(sourceBucket: "test-bucket", sourceKey: "src", bucket: "other-bucket", key: "dst", attributes: nil)
        #expect(copied.etag == source.etag)
        #expect(copied.attributes.userMetadata == ["color": "blue"])
        #expect(try store.get(bucket: "other-bucket", key: "dst") == Array("payload".utf8))
        await #expect {
            try await store.copyObject(sourceBucket: "test-bucket", sourceKey: "src", bucket: "test-bucket", key: "src", attributes: nil)
        } throws: { ($0 as? TarnError)?.code == .invalidRequest }
        let replaced = try await store.copyObject(
            sourceBucket: "test-bucket", sourceKey: "src", bucket: "test-bucket", key: "src", attributes: ObjectAttributes(userMetadata: ["color": "red"]))
        #expect(replaced.attributes.userMetadata == ["color": "red"])
        await #expect {
            try await store.copyObject(
                sourceBucket: "test-bucket", sourceKey: "src", bucket: "test-bucket", key: "x", attributes: nil,
                sourceConditions: ReadConditions(ifMatch: "\"nope\""))
        } throws: { ($0 as? TarnError)?.code == .preconditionFailed }
    }

    @Test func eventsArePublishedAfterCommit() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let stream = store.events.subscribe()
        try await store.put(bucket: "test-bucket", key: "e1", bytes: [1])
        try await store.delete(bucket: "test-bucket", key: "e1")
        var iterator = stream.makeAsyncIterator()
        let created = await iterator.next()
        let removed = await iterator.next()
        #expect(created?.name == "ObjectCreated:Put")
        #expect(created?.key == "e1")
        #expect(created?.size == 1)
        #expect(removed?.name == "ObjectRemoved:Delete")
        #expect(created!.sequencer < removed!.sequencer)
    }

    /// DeleteObjects removes every key in one commit; missing keys are fine; blobs are collected.
    @Test func deleteManyInOneCommit() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        for index in 0..<50 { try await store.put(bucket: "test-bucket", key: "k\(index)", bytes: [UInt8(index)]) }
        let removed = try await store.delete(bucket: "test-bucket", keys: (0..<40).map { "k\($0)" } + ["absent", "k0"])
        #expect(removed.map(\.key) == (0..<40).map { "k\($0)" })
        #expect(try store.list(bucket: "test-bucket").objects.map(\.key) == (40..<50).map { "k\($0)" }.sorted())
        try await store.sweepGarbage()
        #expect(try store.blobs.inventory().count == 10)
        await #expect { try await store.delete(bucket: "no-such-bucket", keys: ["k"]) } throws: { ($0 as? TarnError)?.code == .noSuchBucket }
    }
}
