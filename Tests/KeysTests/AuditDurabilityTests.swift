import Foundation
import Synchronization
import TarnCore
import TarnTesting
import Testing

@testable import Keys

/// Audit lines are durable before the key operation answers: `AuditLog.append` returns only
/// after an fsync that started after its line was written; concurrent key uses share fsyncs.
@Suite struct AuditDurabilityTests {
    static func event(_ operation: String) -> AuditEvent {
        AuditEvent(time: "2026-11-26T02:00:00.000Z", principal: "arn:aws:iam::000000000000:root", operation: operation, key: nil, context: [:], decision: "allowed")
    }

    @Test func appendWaitsForTheFsyncOfItsLine() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-audit")
        defer { directory.remove() }
        // An fsync that blocks until the test releases it, and says what it found in the file.
        let release = DispatchSemaphore(value: 0)
        let seenBySync = Mutex<[Int]>([])
        let path = directory.path + "/audit/kms.jsonl"
        let log = try AuditLog(path: path) { file in
            release.wait()
            seenBySync.withLock { $0.append((try? file.size()).map(Int.init) ?? -1) }
            try file.sync()
        }
        let returned = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? log.append(Self.event("Decrypt"))
            returned.store(true, ordering: .sequentiallyConsistent)
            done.signal()
        }
        // The line is written (in the page cache), but the key use has not answered.
        let deadline = Date().addingTimeInterval(5)
        while (try? FileSystem.readFile(path).count) ?? 0 == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try log.events().map(\.operation) == ["Decrypt"])
        let returnedEarly = returned.load(ordering: .sequentiallyConsistent)
        #expect(!returnedEarly, "append returned before its line was synced")
        release.signal()
        #expect(done.wait(timeout: .now() + 5) == .success)
        let returnedAfterRelease = returned.load(ordering: .sequentiallyConsistent)
        #expect(returnedAfterRelease)
        // The sync that released it ran with the whole line in the file.
        let sizes = seenBySync.withLock { $0 }
        #expect(sizes == [try FileSystem.readFile(path).count])
    }

    /// Key uses inside S3 requests (`viaService`) do not wait for the fsync, which still follows.
    @Test func backgroundAppendReturnsAtOnceAndIsSyncedLater() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-audit")
        defer { directory.remove() }
        let release = DispatchSemaphore(value: 0)
        let synced = DispatchSemaphore(value: 0)
        let log = try AuditLog(path: directory.path + "/audit/kms.jsonl") { file in
            release.wait()
            try file.sync()
            synced.signal()
        }
        // If append waited for its fsync it could not return before `release` is signalled.
        let returned = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? log.append(Self.event("GenerateDataKey"), waitUntilDurable: false)
            returned.signal()
        }
        #expect(returned.wait(timeout: .now() + 10) == .success, "append returned while its fsync was held back")
        #expect(try log.events().map(\.operation) == ["GenerateDataKey"])
        release.signal()
        #expect(synced.wait(timeout: .now() + 5) == .success, "the background fsync ran")
    }

    @Test func concurrentKeyUsesShareFsyncsAndEveryLineIsKept() throws {
        let fixture = try KMSFixture()
        defer { fixture.directory.remove() }
        let key = try fixture.kms.createKey(caller: root)
        let before = fixture.kms.audit.syncCount
        _ = try fixture.kms.generateDataKey(keyID: key.arn, caller: root)
        // A key use that answered has synced its line.
        #expect(fixture.kms.audit.syncCount > before)

        let threads = 8, perThread = 40
        let done = DispatchGroup()
        let kms = fixture.kms
        let keyARN = key.arn
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                for _ in 0..<perThread { _ = try? kms.generateDataKey(keyID: keyARN, caller: root) }
                done.leave()
            }
        }
        done.wait()
        let events = try fixture.kms.audit.events()
        #expect(events.filter { $0.operation == "GenerateDataKey" }.count == 1 + threads * perThread)
        #expect(fixture.kms.auditFailureCount == 0)
        let syncs = fixture.kms.audit.syncCount - before
        #expect(syncs <= 1 + threads * perThread)
    }

    @Test func aFailedFsyncIsCountedAsAnAuditFailure() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-audit")
        defer { directory.remove() }
        let log = try AuditLog(path: directory.path + "/kms.jsonl") { _ in throw TarnError(.io, "fsync: Input/output error (errno 5)") }
        #expect(throws: TarnError.self) { try log.append(Self.event("Encrypt")) }
        #expect(throws: TarnError.self) { try log.append(Self.event("Encrypt")) }
    }
}
