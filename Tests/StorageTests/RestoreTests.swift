import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Storage

/// RestoreObject: delays per tier, in-progress conflicts, extension of a restored copy, expiry
/// rounded to midnight UTC — on an injected clock.
@Suite struct RestoreTests {
    let start = UTCDays.parse("2025-03-10")!.addingTimeInterval(10 * 3600 + 30 * 60)  // 10:30 UTC

    @Test func restoreLifecycleOnTheClock() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-restore")
        defer { directory.remove() }
        let clock = ManualClock(start)
        let store = try ObjectStore(directory: directory.path, clock: clock)
        try await store.createBucket("archive")
        let bytes = TierTests.compressible(300_000)
        try await store.put(bucket: "archive", key: "cold", bytes: bytes, attributes: ObjectAttributes(storageClass: "GLACIER"))
        try await store.put(bucket: "archive", key: "warm", bytes: bytes, attributes: ObjectAttributes(storageClass: "STANDARD_IA"))

        await #expect { try await store.restoreObject(bucket: "archive", key: "warm", days: 1) } throws: { ($0 as? TarnError)?.code == .invalidObjectState }
        await #expect { try await store.restoreObject(bucket: "archive", key: "cold", days: 0) } throws: { ($0 as? TarnError)?.code == .invalidArgument }
        await #expect { try await store.restoreObject(bucket: "archive", key: "absent", days: 1) } throws: { ($0 as? TarnError)?.code == .noSuchKey }

        // Standard tier on GLACIER: 5 hours (S3's upper bound), then readable for 2 days after
        // completion, rounded up to midnight UTC.
        guard case .started(let status) = try await store.restoreObject(bucket: "archive", key: "cold", days: 2, tier: .standard) else {
            Issue.record("first restore must start")
            return
        }
        #expect(status.readyAt == start.addingTimeInterval(5 * 3600))
        #expect(status.expiry == UTCDays.parse("2025-03-13")!)
        #expect(store.restoreState(try store.object(bucket: "archive", key: "cold"))?.ongoing == true)
        await #expect { try await store.restoreObject(bucket: "archive", key: "cold", days: 2) } throws: { ($0 as? TarnError)?.code == .restoreAlreadyInProgress }
        #expect { try store.open(bucket: "archive", key: "cold") } throws: { ($0 as? TarnError)?.code == .invalidObjectState }

        clock.advance(5 * 3600)
        #expect(store.restoreState(try store.object(bucket: "archive", key: "cold"))?.ongoing == false)
        #expect(try store.get(bucket: "archive", key: "cold") == bytes)

        // Restoring again while restored: 200 and a new expiry from now.
        guard case .extended(let extended) = try await store.restoreObject(bucket: "archive", key: "cold", days: 5) else {
            Issue.record("second restore must extend")
            return
        }
        #expect(extended.expiry == UTCDays.parse("2025-03-16")!)

        clock.set(UTCDays.parse("2025-03-16")!)
        #expect(store.restoreState(try store.object(bucket: "archive", key: "cold")) == nil)
        #expect { try store.open(bucket: "archive", key: "cold") } throws: { ($0 as? TarnError)?.code == .invalidObjectState }
    }

    @Test func deepArchiveTiers() async throws {
        let directory = try TemporaryDirectory(prefix: "tarn-restore")
        defer { directory.remove() }
        let clock = ManualClock(start)
        let store = try ObjectStore(directory: directory.path, clock: clock)
        try await store.createBucket("archive")
        try await store.put(bucket: "archive", key: "deep", bytes: [1, 2, 3], attributes: ObjectAttributes(storageClass: "DEEP_ARCHIVE"))
        await #expect { try await store.restoreObject(bucket: "archive", key: "deep", days: 1, tier: .expedited) } throws: { ($0 as? TarnError)?.code == .invalidArgument }
        guard case .started(let status) = try await store.restoreObject(bucket: "archive", key: "deep", days: 1, tier: .bulk) else {
            Issue.record("restore must start")
            return
        }
        #expect(status.readyAt == start.addingTimeInterval(48 * 3600))
    }
}
