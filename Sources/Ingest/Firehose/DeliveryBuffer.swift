/// When a delivery stream writes: Firehose's buffering hints as a value-type state machine.
/// "Firehose buffers incoming data before delivering it … when the buffer reaches the size or
/// the interval, whichever happens first" (docs.aws.amazon.com/firehose/latest/dev/buffering-hints.html).
///
/// The interval runs from the oldest buffered record's arrival, so a backlog found after a
/// restart is delivered at once; times are explicit so tests need no sleeping.
public struct DeliveryBuffer: Sendable {
    /// What the deliverer should do next.
    public enum Action: Sendable, Equatable {
        /// Deliver the buffer now.
        case flush
        /// Read more; nothing is due before this time (epoch ms), or nil with an empty buffer.
        case wait(until: Int64?)
    }

    /// Flush at this many bytes.
    public let sizeLimit: Int
    /// Flush this long after the oldest record arrived (ms).
    public let interval: Int64
    /// Bytes buffered.
    public private(set) var bytes = 0
    /// Records buffered.
    public private(set) var count = 0
    /// Arrival of the oldest buffered record.
    public private(set) var oldestArrival: Int64?

    /// Creates a buffer from Firehose's hints.
    public init(sizeMiB: Int, intervalSeconds: Int) {
        sizeLimit = sizeMiB << 20
        interval = Int64(intervalSeconds) * 1000
    }

    /// Room left before the size hint is met.
    public var remainingBytes: Int { max(0, sizeLimit - bytes) }

    /// Notes records added to the buffer.
    public mutating func add(count: Int, bytes: Int, oldestArrival: Int64) {
        guard count > 0 else { return }
        self.count += count
        self.bytes += bytes
        self.oldestArrival = min(self.oldestArrival ?? oldestArrival, oldestArrival)
    }

    /// Decides at `now` (epoch ms).
    public func next(now: Int64) -> Action {
        guard count > 0, let oldestArrival else { return .wait(until: nil) }
        if bytes >= sizeLimit || now - oldestArrival >= interval { return .flush }
        return .wait(until: oldestArrival + interval)
    }

    /// Empties the buffer after a delivery.
    public mutating func reset() {
        bytes = 0
        count = 0
        oldestArrival = nil
    }
}
