import Foundation
import Storage
import Synchronization
import TarnCore
import TarnTesting
import Testing

@testable import Ingest

/// How often a `KinesisStreamAsSource` delivery stream asks whether its source role may read:
/// once per IAM generation (and at least every second) while allowed, every poll while refused.
@Suite struct SourceReadAuthorizationTests {
    /// A role whose permission to read the source the test flips; it counts the sessions the
    /// deliverer makes to ask, and moves its generation on every flip as the lake's IAM does.
    final class Reader: DeliveryAccessProvider, SourceStreamAccess {
        struct State {
            var sessions = 0
            var allowed = true
            var generation: UInt64 = 1
        }
        let state = Mutex(State())

        var principal: String { "arn:aws:sts::000000000000:assumed-role/reader/firehose-clicks-to-s3" }
        var sessions: Int { state.withLock { $0.sessions } }
        var policyGeneration: UInt64? { state.withLock { $0.generation } }

        func access(role: String, session: String) throws -> any ObjectAccess { TarnObjectAccess() }

        func sourceAccess(role: String, session: String) throws -> any SourceStreamAccess {
            state.withLock { $0.sessions += 1 }
            return self
        }

        func authorize(_ action: SourceStreamAction, stream arn: String) throws {
            guard state.withLock({ $0.allowed }) else { throw TarnError(.accessDenied, "\(principal) may not \(action.rawValue) on \(arn)") }
        }

        func set(allowed: Bool) {
            state.withLock { state in
                state.allowed = allowed
                state.generation += 1
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func anIdleStreamDoesNotAskOnEveryPollAndARevocationAppliesAtTheNext() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try ObjectStore(directory: dir.path + "/storage")
        try await store.createBucket("lake")
        let streams = try DataStreams(directory: dir.path + "/streams")
        _ = try streams.createStream(name: "clicks", shardCount: 1, mode: .provisioned)
        let reader = Reader()
        let delivery = try DeliveryStreams(directory: dir.path + "/firehose", store: store, streams: streams, pollMilliseconds: 5, access: reader)
        let role = "arn:aws:iam::000000000000:role/reader"
        try delivery.create(
            name: "clicks-to-s3",
            configuration: DeliveryStreamConfiguration(
                source: .kinesisStream, sourceStreamName: "clicks", bucket: "lake", prefix: "raw/", bufferIntervalSeconds: 0, appendNewline: true,
                roleARN: role, sourceRoleARN: role))
        func delivered() throws -> [String] {
            try store.list(bucket: "lake", prefix: "raw/").objects.flatMap {
                String(decoding: try store.get(bucket: "lake", key: $0.key), as: UTF8.self).split(separator: "\n").map(String.init)
            }.sorted()
        }
        func put(_ record: String) async throws {
            var input = PutRecordsInput()
            input.append(partitionKey: record, data: Array(record.utf8))
            _ = try await streams.put(stream: "clicks", input)
        }

        // About 80 polls of 5 ms while idle and allowed: one question per second that passed (the
        // cache's age limit), not one per poll. The bound follows the time that really passed: on
        // a loaded machine the 400 ms sleep can last several seconds.
        let before = reader.sessions
        let started = ContinuousClock.now
        try await Task.sleep(nanoseconds: 400_000_000)
        let elapsed = ContinuousClock.now - started
        let asked = reader.sessions - before
        #expect(asked <= 2 + Int(elapsed.components.seconds), "\(asked) sessions in \(elapsed)")
        try await put("allowed")
        #expect(try await eventually(every: 5) { try delivered() == ["allowed"] })

        // Revoked: the next poll asks again (the generation moved) and reads nothing more.
        reader.set(allowed: false)
        #expect(try await eventually(every: 5) { (try delivery.describe("clicks-to-s3").lastError ?? "").contains("may not kinesis:") })
        try await put("revoked")
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(try delivered() == ["allowed"])
        // Refused: asked again on every retry (with backoff), never kept.
        let refused = reader.sessions
        #expect(try await eventually(every: 5) { reader.sessions > refused })

        // Allowed again: the record kept in the source arrives, and the failure is cleared.
        reader.set(allowed: true)
        #expect(try await eventually(every: 5) { try delivered() == ["allowed", "revoked"] })
        #expect(try await eventually(every: 5) { try delivery.describe("clicks-to-s3").lastError == nil })
        await delivery.stopAll()
    }
}
