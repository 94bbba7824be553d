import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// Lifecycle transitions move bytes between tiers without ever losing the object.
@Suite struct TransitionTests {
    @Test func transitionKeepsIdentityAndBytes() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-transition")
        defer { directory.remove() }
        let store = try ObjectStore(directory: directory.path, restoreDelays: .immediate)
        try await store.createBucket("lake")
        let bytes = TierTests.compressible(3_000_000)
        let original = try await store.put(bucket: "lake", key: "k", bytes: bytes)
        let moved = try #require(try await store.transition(original, to: .glacier))
        #expect(moved.etag == original.etag)
        #expect(moved.lastModified == original.lastModified)
        #expect(moved.attributes.checksum == original.attributes.checksum)
        #expect(moved.attributes.placement == BlobPlacement(tier: "archive", compressed: true))
        try await store.sweepGarbage()
        #expect(store.tiers.standard.storedSize(original.segments[0].blob) == nil, "the old blob is collected")
        _ = try await store.restoreObject(bucket: "lake", key: "k", days: 1)
        #expect(try store.get(bucket: "lake", key: "k") == bytes)
        // A second transition goes on down the chain from the compressed tier.
        let deeper = try #require(try await store.transition(try store.object(bucket: "lake", key: "k"), to: .deepArchive))
        #expect(deeper.attributes.restore == nil, "a restore ends with the class it was made for")
        #expect { try store.open(bucket: "lake", key: "k") } throws: { ($0 as? TarnError)?.code == .invalidObjectState }
    }

    @Test func overwrittenObjectIsNotTransitioned() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-transition")
        defer { directory.remove() }
        let store = try ObjectStore(directory: directory.path)
        try await store.createBucket("lake")
        let first = try await store.put(bucket: "lake", key: "k", bytes: [1, 2, 3])
        try await store.put(bucket: "lake", key: "k", bytes: [4, 5, 6])
        #expect(try await store.transition(first, to: .standardIA) == nil)
        #expect(try store.object(bucket: "lake", key: "k").attributes.storageClass == "STANDARD")
        try await store.sweepGarbage()
        try await store.collectOrphans(startedAt: Date().addingTimeInterval(60))
        #expect(try store.blobs.inventory().count == 1, "the abandoned copy is not left behind")
    }

    @Test func corruptSourceIsNotTransitioned() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-transition")
        defer { directory.remove() }
        let store = try ObjectStore(directory: directory.path)
        try await store.createBucket("lake")
        let object = try await store.put(bucket: "lake", key: "k", bytes: Array(repeating: 7, count: 100_000))
        // Damage the stored bytes behind the store's back: the checksum catches it mid-copy.
        let path = directory.path + "/blobs/" + String(object.segments[0].blob.rawValue.prefix(2)) + "/" + object.segments[0].blob.rawValue
        var bytes = try FileSystem.readFile(path)
        bytes[500] = 8
        try FileSystem.writeAtomically(bytes, to: path)
        await #expect { try await store.transition(object, to: .glacier) } throws: { ($0 as? TarnError)?.code == .corrupt }
        #expect(try store.object(bucket: "lake", key: "k").attributes.storageClass == "STANDARD")
    }

    /// A crash in the middle of a transition (bytes partly or wholly copied to the archive tier,
    /// metadata not yet committed) leaves the object whole where it was; start-up collection
    /// removes the copy and the next run transitions it again.
    @Test func crashMidTransitionLosesNothing() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-transition")
        defer { directory.remove() }
        let bytes = TierTests.compressible(2_000_000)
        let clock = ManualClock(UTCDays.parse("2024-01-01")!)
        do {
            let store = try ObjectStore(directory: directory.path, clock: clock)
            try await store.createBucket("lake")
            try await store.put(bucket: "lake", key: "k", bytes: bytes)
            try await store.setLifecycleConfiguration(
                bucket: "lake", LifecycleConfiguration(rules: [LifecycleRule(id: "ia", transitions: [LifecycleTransition(timing: .days(30), storageClass: .standardIA)])]))
            // What a crash leaves: a half-written blob in the target tier, and one fully written and fsynced.
            for share in [2, 1] {
                let writer = try store.tiers.store(tier: "infrequent").create()
                try bytes.prefix(bytes.count / share).withUnsafeBytes { try writer.write($0) }
                if share == 1 { try await writer.finish() }
            }
        }
        // Restart.
        let store = try ObjectStore(directory: directory.path, clock: clock)
        #expect(try store.tiers.store(tier: "infrequent").inventory().count == 2)
        let removed = try await store.collectOrphans(startedAt: Date().addingTimeInterval(60))
        #expect(removed == 2)
        #expect(try store.get(bucket: "lake", key: "k") == bytes)
        let report = try await store.runLifecycle(asOf: UTCDays.parse("2024-02-01")!)
        #expect(report.actions.map(\.action) == ["transition"])
        #expect(try store.object(bucket: "lake", key: "k").attributes.storageClass == "STANDARD_IA")
        #expect(try store.get(bucket: "lake", key: "k") == bytes)
    }
}
