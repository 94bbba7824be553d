import Codecs
import TarnCore

/// How `ParquetWriter` lays out a file.
///
/// Defaults follow what Athena, Glue and Spark expect and what pyarrow does: Snappy pages,
/// dictionary encoding with a PLAIN fallback once the dictionary passes 1 MiB, v1 data pages of
/// about 1 MiB, statistics on every column.
public struct WriteOptions: Sendable {
    /// Page compression.
    public var compression: CompressionCodec = .snappy
    /// Codec level (zstd, gzip); nil for the library default.
    public var compressionLevel: Int?
    /// A row group is closed after this many rows. 1 Mi rows is pyarrow's default (DuckDB uses
    /// 122,880): large row groups compress better and keep the footer small, while statistics on
    /// 10 M rows still give about ten pruning units.
    public var rowGroupRows = 1_048_576
    /// A row group is also closed once its encoded (compressed) pages reach this size, which
    /// bounds the writer's memory: 128 MiB, the HDFS/S3 block size parquet-mr and Spark use.
    public var rowGroupBytes = 128 << 20
    /// Target size of a data page before compression.
    public var dataPageSize = 1 << 20
    /// Dictionary size past which a column chunk falls back to PLAIN (pyarrow: 1 MiB).
    public var dictionaryPageSizeLimit = 1 << 20
    /// Whether to try dictionary encoding at all.
    public var useDictionary = true
    /// Write DATA_PAGE_V2 pages instead of v1.
    public var dataPageV2 = false
    /// Whether to write column chunk statistics (min, max, null count).
    public var writeStatistics = true
    /// `FileMetaData.created_by`.
    public var createdBy = "tarn version \(TarnCoreModule.version) (build \(WriteOptions.buildID))"
    /// File key/value metadata.
    public var keyValueMetadata: [String: String] = [:]

    /// Build identifier in `created_by`; set by release builds, "dev" otherwise.
    public static let buildID = "dev"

    /// Default options.
    public init() {}
}
