import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// Blobs of at most `LocalBlobStore.defaultSmallLimit` bytes live in the index's `small_blobs`
/// table; larger ones spill to files. Either way the object store behaves the same.
@Suite struct SmallBlobTests {
    func blobFiles(_ store: ObjectStore) -> Int {
        guard let local = store.tiers.standard as? LocalBlobStore else { return -1 }
        return (0..<256).reduce(0) { count, index in
            count + ((try? FileSystem.listDirectory(local.root + "/" + Hex.encode([UInt8(index)])))?.count ?? 0)
        }
    }

    @Test func smallObjectsNeedNoFile() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let limit = LocalBlobStore.defaultSmallLimit
        let small = [UInt8](repeating: 1, count: limit)
        let large = [UInt8](repeating: 2, count: limit + 1)
        try await store.put(bucket: "test-bucket", key: "small", bytes: small)
        try await store.put(bucket: "test-bucket", key: "empty", bytes: [])
        #expect(blobFiles(store) == 0)
        try await store.put(bucket: "test-bucket", key: "large", bytes: large)
        #expect(blobFiles(store) == 1)
        #expect(try store.blobs.inventory().count == 3)
        #expect(try store.get(bucket: "test-bucket", key: "small") == small)
        #expect(try store.get(bucket: "test-bucket", key: "empty") == [])
        #expect(try store.get(bucket: "test-bucket", key: "large") == large)
        let reader = try store.open(bucket: "test-bucket", key: "small")
        #expect(try reader.read(10..<20) == [UInt8](repeating: 1, count: 10))
        // An open reader keeps its bytes when the object goes away, like an open file.
        try await store.delete(bucket: "test-bucket", key: "small")
        try await store.sweepGarbage()
        #expect(try reader.read(0..<4) == [1, 1, 1, 1])
        #expect(try store.blobs.inventory().count == 2)
        // Overwriting a small object with a large one and back collects the replaced blobs.
        try await store.put(bucket: "test-bucket", key: "large", bytes: [9])
        try await store.put(bucket: "test-bucket", key: "empty", bytes: large)
        try await store.sweepGarbage()
        #expect(try store.blobs.inventory().count == 2)
        #expect(blobFiles(store) == 1)
        #expect(try store.get(bucket: "test-bucket", key: "large") == [9])
    }

    /// A small object's bytes come with its row (one lookup); file blobs do not.
    @Test func smallObjectsAreReadWithTheirRow() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let limit = LocalBlobStore.defaultSmallLimit
        try await store.put(bucket: "test-bucket", key: "small", bytes: [7, 8, 9])
        try await store.put(bucket: "test-bucket", key: "large", bytes: [UInt8](repeating: 2, count: limit + 1))
        let small = try #require(try store.index.objectForReading(bucket: "test-bucket", key: "small"))
        let inline = try #require(small.inlineBlob)
        #expect(Int64(inline.count) == store.blobs.storedSize(small.info.segments[0].blob))
        #expect(small.info == (try store.object(bucket: "test-bucket", key: "small")))
        let large = try #require(try store.index.objectForReading(bucket: "test-bucket", key: "large"))
        #expect(large.inlineBlob == nil)
        #expect(try store.index.objectForReading(bucket: "test-bucket", key: "missing") == nil)
        #expect(try store.get(bucket: "test-bucket", key: "small") == [7, 8, 9])
        #expect { try store.open(bucket: "test-bucket", key: "missing") } throws: { ($0 as? TarnError)?.code == .noSuchKey }
        #expect { try store.open(bucket: "no-such-bucket", key: "x") } throws: { ($0 as? TarnError)?.code == .noSuchBucket }
    }

    @Test func failedConditionalWriteRemovesTheSmallBlob() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        try await store.put(bucket: "test-bucket", key: "once", bytes: [1])
        await #expect {
            try await store.put(bucket: "test-bucket", key: "once", bytes: [2], condition: .ifNoneMatchAny)
        } throws: { ($0 as? TarnError)?.code == .preconditionFailed }
        #expect(try store.blobs.inventory().count == 1)
        #expect(try store.get(bucket: "test-bucket", key: "once") == [1])
    }

    @Test func orphanedSmallBlobsAreCollected() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        try await store.put(bucket: "test-bucket", key: "kept", bytes: [1])
        for size in [10, 100_000] {
            let orphan = try store.blobs.create()
            try [UInt8](repeating: 7, count: size).withUnsafeBytes { try orphan.write($0) }
            try await orphan.finish()
        }
        #expect(try store.blobs.inventory().count == 3)
        let reopened = try ObjectStore(directory: fixture.directory.path)
        #expect(try await reopened.collectOrphans(startedAt: Date().addingTimeInterval(1)) == 2)
        #expect(try reopened.blobs.inventory().count == 1)
        #expect(try reopened.get(bucket: "test-bucket", key: "kept") == [1])
    }

    @Test func smallMultipartPartsAndCopies() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        let store = fixture.store
        let uploadID = try await store.createMultipartUpload(bucket: "test-bucket", key: "mp", attributes: ObjectAttributes())
        let (upload, _) = try store.beginPartUpload(bucket: "test-bucket", key: "mp", uploadID: uploadID, partNumber: 1)
        try [UInt8]("tiny part".utf8).withUnsafeBytes { try upload.write($0) }
        let part = try await upload.commitPart(key: "mp", uploadID: uploadID, partNumber: 1)
        _ = try await store.completeMultipartUpload(bucket: "test-bucket", key: "mp", uploadID: uploadID, parts: [CompletedPart(number: 1, etag: part.etag)])
        _ = try await store.copyObject(sourceBucket: "test-bucket", sourceKey: "mp", bucket: "test-bucket", key: "copy", attributes: nil)
        #expect(try store.get(bucket: "test-bucket", key: "copy") == Array("tiny part".utf8))
        #expect(blobFiles(store) == 0)
    }
}
