import Foundation

/// How a stream's capacity is managed (`StreamModeDetails.StreamMode`).
public enum StreamMode: String, Sendable {
    /// A fixed number of shards, changed with UpdateShardCount.
    case provisioned = "PROVISIONED"
    /// Kinesis scales the shards; Tarn starts with four, like AWS, and does not scale them.
    case onDemand = "ON_DEMAND"
}

/// One shard as DescribeStream and ListShards show it.
public struct ShardInfo: Sendable, Equatable {
    /// The shard's index (`shardId-000000000003` has index 3).
    public var index: Int
    /// The shard it was split from or merged into (the parent), if any.
    public var parent: Int?
    /// The other parent of a merge, if any.
    public var adjacentParent: Int?
    /// The hash keys it owns.
    public var hashRange: ClosedRange<UInt128>
    /// For a closed shard, how many records it holds; nil while open.
    public var closedCount: UInt64?

    /// Creates a shard description.
    public init(index: Int, parent: Int? = nil, adjacentParent: Int? = nil, hashRange: ClosedRange<UInt128>, closedCount: UInt64? = nil) {
        self.index = index
        self.parent = parent
        self.adjacentParent = adjacentParent
        self.hashRange = hashRange
        self.closedCount = closedCount
    }

    /// The Kinesis shard id.
    public var id: String { ShardID.format(index) }
    /// Whether the shard still accepts records.
    public var isOpen: Bool { closedCount == nil }
    /// `SequenceNumberRange.StartingSequenceNumber`.
    public var startingSequenceNumber: SequenceNumber { SequenceNumber(shard: index, ordinal: 0) }
    /// `SequenceNumberRange.EndingSequenceNumber` of a closed shard (its last record's number;
    /// the starting number when it closed empty).
    public var endingSequenceNumber: SequenceNumber? {
        closedCount.map { SequenceNumber(shard: index, ordinal: $0 == 0 ? 0 : $0 - 1) }
    }
}

/// A stream's metadata.
public struct StreamInfo: Sendable, Equatable {
    /// Internal id (log directory name); a recreated stream gets a new one.
    public var id: Int64
    /// The stream's name.
    public var name: String
    /// Capacity mode.
    public var mode: StreamMode
    /// How long records stay readable, in hours (24 … 8760).
    public var retentionHours: Int
    /// When the stream was created.
    public var created: Date
    /// Every shard, open and closed, by index.
    public var shards: [ShardInfo]
    /// The index the next new shard gets.
    public var nextShardIndex: Int
    /// Tags.
    public var tags: [String: String]
    /// `ACTIVE`, or `UPDATING` while a reshard is being applied.
    public var status: String
    /// The KMS key new records are encrypted under (as given to StartStreamEncryption); nil
    /// while server-side encryption is off. Filled in from the stream's keyring when the
    /// metadata is read (`describe`, `list`).
    public var keyID: String? = nil

    /// `EncryptionType` as DescribeStream reports it: `KMS` or `NONE`.
    public var encryptionType: String { keyID == nil ? "NONE" : "KMS" }

    /// The open shards, ordered by hash range.
    public var openShards: [ShardInfo] { shards.filter(\.isOpen).sorted { $0.hashRange.lowerBound < $1.hashRange.lowerBound } }
}

/// Limits and knobs of the data streams; Tarn's defaults are generous where AWS throttles.
public struct StreamsConfiguration: Sendable {
    /// Bytes per segment file before rolling.
    public var segmentBytes: Int64 = ShardLog.defaultSegmentBytes
    /// Records per second one shard accepts (AWS: 1,000); nil is unlimited.
    public var shardRecordsPerSecond: Int?
    /// Bytes per second one shard accepts (AWS: 1 MiB); nil is unlimited.
    public var shardBytesPerSecond: Int?
    /// The most open shards one stream may have (AWS's default shard quota is 200 per account).
    public var maxShardsPerStream = 1000
    /// The account id shown in ARNs.
    public var accountID = "000000000000"
    /// How long an unwrapped data key is used before the key service is asked again, in
    /// milliseconds (AWS: up to five minutes). 0 asks on every put and read.
    public var dataKeyReuseMilliseconds: Int64 = 300_000

    /// The defaults.
    public init() {}

    /// Reads `TARN_KINESIS_SHARD_RECORDS_PER_SECOND`, `TARN_KINESIS_SHARD_BYTES_PER_SECOND`,
    /// `TARN_KINESIS_SEGMENT_BYTES` and `TARN_KINESIS_DATA_KEY_REUSE_MS` from `environment` over
    /// the defaults.
    public static func fromEnvironment(_ environment: [String: String]) -> StreamsConfiguration {
        var configuration = StreamsConfiguration()
        configuration.shardRecordsPerSecond = environment["TARN_KINESIS_SHARD_RECORDS_PER_SECOND"].flatMap { Int($0) }
        configuration.shardBytesPerSecond = environment["TARN_KINESIS_SHARD_BYTES_PER_SECOND"].flatMap { Int($0) }
        if let bytes = environment["TARN_KINESIS_SEGMENT_BYTES"].flatMap({ Int64($0) }), bytes > 0, bytes <= 1 << 30 {
            configuration.segmentBytes = bytes
        }
        if let reuse = environment["TARN_KINESIS_DATA_KEY_REUSE_MS"].flatMap({ Int64($0) }), reuse >= 0 {
            configuration.dataKeyReuseMilliseconds = reuse
        }
        return configuration
    }
}
