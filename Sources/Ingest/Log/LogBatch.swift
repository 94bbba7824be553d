/// Records bound for one shard, framed back to back in one buffer so the shard can append them
/// with a single `pwritev`. Built outside the shard lock (payload checksums included); the shard
/// assigns ordinals and arrival times when it appends.
public struct LogBatch: Sendable {
    /// The frames, contiguous.
    public private(set) var buffer: [UInt8] = []
    /// Where each frame starts in `buffer`.
    public private(set) var frameOffsets: [Int] = []

    /// Creates an empty batch.
    /// - Parameter capacity: bytes to reserve.
    public init(capacity: Int = 0) { buffer.reserveCapacity(capacity) }

    /// Number of records.
    public var count: Int { frameOffsets.count }
    /// Whether there are no records.
    public var isEmpty: Bool { frameOffsets.isEmpty }

    /// Adds a record.
    @inlinable
    public mutating func append(partitionKey: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) {
        appendOffset(LogFrame.appendUnsealed(partitionKey: partitionKey, data: data, to: &bufferStorage))
    }

    /// Adds a record from arrays.
    public mutating func append(partitionKey: [UInt8], data: [UInt8]) {
        partitionKey.withUnsafeBytes { key in data.withUnsafeBytes { append(partitionKey: key, data: $0) } }
    }

    // Accessors that let the inlinable `append` reach the private(set) storage.
    @usableFromInline var bufferStorage: [UInt8] {
        get { buffer }
        _modify { yield &buffer }
    }

    @usableFromInline mutating func appendOffset(_ offset: Int) { frameOffsets.append(offset) }

    /// Each frame's bytes in `buffer`.
    var frameRanges: [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(frameOffsets.count)
        for (index, offset) in frameOffsets.enumerated() {
            ranges.append(offset..<(index + 1 < frameOffsets.count ? frameOffsets[index + 1] : buffer.count))
        }
        return ranges
    }
}
