import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// `ObjectStore.publish`: several completions and deletions in one metadata transaction, all or
/// nothing, safe to replay.
@Suite struct PublishTests {
    /// Stages `bytes` as a one-part upload at `key`; returns the operation that publishes it.
    static func stage(_ store: ObjectStore, _ key: String, _ bytes: [UInt8]) async throws -> PublishOperation {
        let uploadID = try await store.createMultipartUpload(bucket: "test-bucket", key: key, attributes: ObjectAttributes())
        let (upload, _) = try store.beginPartUpload(bucket: "test-bucket", key: key, uploadID: uploadID, partNumber: 1)
        try bytes.withUnsafeBytes { try upload.write($0) }
        let part = try await upload.commitPart(key: key, uploadID: uploadID, partNumber: 1)
        return .completeUpload(bucket: "test-bucket", key: key, uploadID: uploadID, expectedETag: ETag.multipart(partETags: [part.etag])!)
    }

    @Test func completesAndDeletesTogetherAndReplaysIdempotently() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        try await store.put(bucket: "test-bucket", key: "old/a", bytes: [1])
        let first = try await Self.stage(store, "new/a", Array("alpha".utf8))
        let second = try await Self.stage(store, "new/b", Array("beta".utf8))
        #expect(try store.list(bucket: "test-bucket", prefix: "new/").objects.isEmpty, "staged uploads are invisible")

        let events = store.events.subscribe()
        let operations = [first, second, .delete(bucket: "test-bucket", key: "old/a"), .delete(bucket: "test-bucket", key: "old/missing")]
        #expect(try await store.publish(operations) == 3)
        #expect(try store.list(bucket: "test-bucket").objects.map(\.key) == ["new/a", "new/b"])
        #expect(try store.get(bucket: "test-bucket", key: "new/b") == Array("beta".utf8))
        guard case .completeUpload(_, _, _, let etag) = first else { return }
        #expect(try store.object(bucket: "test-bucket", key: "new/a").etag == etag)
        var iterator = events.makeAsyncIterator()
        var names: [String] = []
        for _ in 0..<3 { names.append(await iterator.next()?.name ?? "") }
        #expect(names == ["ObjectCreated:CompleteMultipartUpload", "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete"])

        // Replaying the same publish (recovery after a crash) changes nothing and does not fail.
        #expect(try await store.publish(operations) == 0)
        #expect(try store.list(bucket: "test-bucket").objects.map(\.key) == ["new/a", "new/b"])
    }

    @Test func oneBadOperationAppliesNothing() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let good = try await Self.stage(store, "x/good", [1, 2, 3])
        let bad = PublishOperation.completeUpload(bucket: "test-bucket", key: "x/bad", uploadID: "nope", expectedETag: "0-1")
        await #expect { try await store.publish([good, bad]) } throws: { ($0 as? TarnError)?.code == .noSuchUpload }
        #expect(try store.list(bucket: "test-bucket").objects.isEmpty)
        #expect(try await store.publish([good]) == 1, "the good upload is still staged")
    }
}
