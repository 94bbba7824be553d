import TarnCore

/// Records of one PutRecords (or PutRecordBatch) call, already laid out as the shard log will
/// store them: one buffer of unsealed `LogFrame`s back to back, each with its length, key length
/// and payload CRC-32 filled in and its ordinal, arrival time and header CRC left for the shard
/// to seal. A 500-record batch costs a handful of allocations, and the shard writes the frames
/// straight from this buffer (`pwritev`) instead of copying them into a batch of its own.
public struct PutRecordsInput: Sendable {
    /// One record.
    public struct Entry: Sendable {
        /// The partition key's UTF-8 bytes in `bytes`.
        public var partitionKey: Range<Int>
        /// The data in `bytes` (right after the key).
        public var data: Range<Int>
        /// An explicit hash key that overrides the partition key's MD5.
        public var explicitHashKey: UInt128?

        /// The record's whole frame in `bytes`: header, key, data.
        public var frame: Range<Int> { (partitionKey.lowerBound - LogFrame.headerSize)..<data.upperBound }
    }

    /// The unsealed frames, back to back.
    public internal(set) var bytes: [UInt8] = []
    /// The records in request order.
    public internal(set) var entries: [Entry] = []
    /// Bytes of partition keys and data (what the APIs' size limits count; frame headers excluded).
    public internal(set) var payloadBytes = 0

    /// Creates an empty input.
    public init() {}

    /// Appends a record (for callers that build inputs record by record).
    public mutating func append(partitionKey: String, data: [UInt8], explicitHashKey: UInt128? = nil) {
        var key = partitionKey
        key.withUTF8 { key in
            data.withUnsafeBytes { data in append(partitionKey: UnsafeRawBufferPointer(key), data: data, explicitHashKey: explicitHashKey) }
        }
    }

    /// Appends a record from raw bytes.
    public mutating func append(partitionKey: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, explicitHashKey: UInt128? = nil) {
        let start = LogFrame.appendUnsealed(partitionKey: partitionKey, data: data, to: &bytes)
        let keyStart = start + LogFrame.headerSize
        let dataStart = keyStart + partitionKey.count
        entries.append(Entry(partitionKey: keyStart..<dataStart, data: dataStart..<bytes.count, explicitHashKey: explicitHashKey))
        payloadBytes += partitionKey.count + data.count
    }
}
