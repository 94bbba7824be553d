import Foundation
import Synchronization

/// An S3 event notification, published in-process after the change is durable.
/// Names follow S3's event types (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
public struct ObjectEvent: Sendable, Equatable {
    /// S3 event name, e.g. `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`,
    /// `ObjectCreated:Copy`, `ObjectRemoved:Delete`.
    public var name: String
    /// Bucket.
    public var bucket: String
    /// Key.
    public var key: String
    /// Object size (0 for removals).
    public var size: Int64
    /// Unquoted ETag (empty for removals).
    public var etag: String
    /// When the change committed.
    public var time: Date
    /// Monotonic sequence number, so subscribers can order events for the same key as S3's
    /// `sequencer` lets them.
    public var sequencer: UInt64

    /// Whether this is an `ObjectCreated:*` event.
    public var isCreated: Bool { name.hasPrefix("ObjectCreated:") }
}

/// Fan-out of object events to in-process subscribers (ETL triggers, notifications).
///
/// Each subscriber gets its own buffered stream; a slow subscriber buffers (bounded at
/// `bufferLimit`, dropping the oldest) rather than slowing writers down — subscribers that must
/// not miss events reconcile against listings, as S3 consumers do.
public final class ObjectEventHub: Sendable {
    private let subscribers = Mutex<[UInt64: AsyncStream<ObjectEvent>.Continuation]>([:])
    private let counter = Atomic<UInt64>(0)
    private let nextID = Atomic<UInt64>(0)
    private let bufferLimit: Int

    /// Creates a hub.
    public init(bufferLimit: Int = 100_000) { self.bufferLimit = bufferLimit }

    /// A stream of every event published from now on; ends when the task iterating it is cancelled.
    public func subscribe() -> AsyncStream<ObjectEvent> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream<ObjectEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    /// Publishes an event to every subscriber.
    public func publish(name: String, bucket: String, key: String, size: Int64, etag: String, time: Date) {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).oldValue + 1
        let event = ObjectEvent(name: name, bucket: bucket, key: key, size: size, etag: etag, time: time, sequencer: sequence)
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets { continuation.yield(event) }
    }
}
