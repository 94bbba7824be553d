import Foundation

/// A Glue-style ETL job as a value: where raw objects come from, what the cleansed table looks
/// like, the rules every row must pass, how rows are standardized and deduplicated, where the
/// Parquet files, rejected rows and run manifests go, and what starts a run.
///
/// ```swift
/// let sales = JobDefinition(
///     name: "sales",
///     source: JobSource(bucket: "retail", prefix: "raw/sales/", format: .csv),
///     target: JobTarget(
///         database: "retail", table: "sales", bucket: "retail", prefix: "cleansed/sales/",
///         columns: [
///             JobColumn("order_id", "string", rules: ColumnRules(required: true, pattern: "O[0-9]{9}")),
///             JobColumn("quantity", "int", rules: ColumnRules(required: true, minimum: "1")),
///             JobColumn("sold_at", "timestamp", rules: ColumnRules(required: true)),
///             JobColumn("year", "int", derived: .year(of: "sold_at")),
///         ],
///         partitionKeys: ["year"]),
///     dedupe: DedupeSpec(keys: ["order_id"]),
///     quarantine: ObjectLocation(bucket: "retail", prefix: "quarantine/sales/"))
/// ```
///
/// Values are checked by `validated()` (which `JobRunner.define` calls): names resolve, types
/// parse, rules fit their column types, regular expressions compile, and the job's own outputs
/// never lie under its source prefix (which would make it trigger itself).
/// Codable with defaults for every optional setting, so `lake.yaml` and JSON definitions can
/// leave them out.
public struct JobDefinition: Sendable, Codable, Equatable {
    /// Job name: letters, digits, `-`, `_`, `.`; unique in a lake.
    public var name: String
    /// Where raw objects come from and how to read them.
    public var source: JobSource
    /// The cleansed table: catalog entry, location, columns and partitioning.
    public var target: JobTarget
    /// How duplicate rows are recognised; nil keeps every valid row.
    public var dedupe: DedupeSpec?
    /// Where rejected rows go (JSON Lines with source object, line and reason).
    public var quarantine: ObjectLocation
    /// Where run manifests go; defaults to `manifests/<job>/` in the target bucket.
    public var manifests: ObjectLocation
    /// File sizes and Parquet layout.
    public var output: OutputOptions
    /// What starts a run besides `tarn jobs run`.
    public var triggers: TriggerSpec
    /// Free-form description shown by `tarn jobs list`.
    public var description: String?
    /// The IAM role the job's runs act as (`dev-etl`): every object they list, read, write or
    /// delete is authorized with the role's policies, and SSE-KMS data keys are requested as the
    /// role. Nil (jobs defined without one): runs act as Tarn itself.
    public var role: String?

    /// Creates a definition.
    public init(
        name: String, source: JobSource, target: JobTarget, dedupe: DedupeSpec? = nil, quarantine: ObjectLocation,
        manifests: ObjectLocation? = nil, output: OutputOptions = OutputOptions(), triggers: TriggerSpec = TriggerSpec(),
        description: String? = nil, role: String? = nil
    ) {
        self.name = name
        self.source = source
        self.target = target
        self.dedupe = dedupe
        self.quarantine = quarantine
        self.manifests = manifests ?? ObjectLocation(bucket: target.bucket, prefix: "manifests/\(name)/")
        self.output = output
        self.triggers = triggers
        self.description = description
        self.role = role
    }

    enum CodingKeys: String, CodingKey { case name, source, target, dedupe, quarantine, manifests, output, triggers, description, role }

    /// Decodes a definition; `manifests`, `output`, `triggers`, `dedupe`, `description` and `role` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        let target = try c.decode(JobTarget.self, forKey: .target)
        self.init(
            name: name, source: try c.decode(JobSource.self, forKey: .source), target: target,
            dedupe: try c.decodeIfPresent(DedupeSpec.self, forKey: .dedupe),
            quarantine: try c.decode(ObjectLocation.self, forKey: .quarantine),
            manifests: try c.decodeIfPresent(ObjectLocation.self, forKey: .manifests),
            output: try c.decodeIfPresent(OutputOptions.self, forKey: .output) ?? OutputOptions(),
            triggers: try c.decodeIfPresent(TriggerSpec.self, forKey: .triggers) ?? TriggerSpec(),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            role: try c.decodeIfPresent(String.self, forKey: .role))
    }
}

/// A bucket and a key prefix: `s3://bucket/prefix`.
public struct ObjectLocation: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// The bucket.
    public var bucket: String
    /// The key prefix; empty for the whole bucket, otherwise normally ending in `/`.
    public var prefix: String

    /// Creates a location.
    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Whether `bucket/key` lies under this location.
    public func contains(bucket: String, key: String) -> Bool { bucket == self.bucket && key.hasPrefix(prefix) }

    /// Whether the two locations share keys (one prefix is a prefix of the other).
    public func overlaps(_ other: ObjectLocation) -> Bool {
        bucket == other.bucket && (prefix.hasPrefix(other.prefix) || other.prefix.hasPrefix(prefix))
    }

    /// `s3://bucket/prefix`.
    public var description: String { "s3://\(bucket)/\(prefix)" }
}

/// The text format of raw objects.
public enum SourceFormat: String, Sendable, Codable, Equatable, CaseIterable {
    /// Delimited text (RFC 4180 CSV by default).
    case csv
    /// JSON Lines: one object per line, members matched to columns by name.
    case json
}

/// How raw objects are compressed.
public enum SourceCompression: String, Sendable, Codable, Equatable, CaseIterable {
    /// Gzip when the object starts with the gzip magic (RFC 1952 §2.3.1: ID1 = 31, ID2 = 139) or
    /// its key ends in `.gz`; plain text otherwise.
    case auto
    /// Always plain text.
    case none
    /// Always gzip.
    case gzip
}

/// Where a job reads and how.
public struct JobSource: Sendable, Codable, Equatable {
    /// The bucket raw objects arrive in.
    public var bucket: String
    /// Only keys under this prefix are read.
    public var prefix: String
    /// CSV or JSON Lines.
    public var format: SourceFormat
    /// Compression detection.
    public var compression: SourceCompression
    /// CSV layout (ignored for JSON).
    public var csv: CSVSourceOptions
    /// At most this many new objects per run (oldest keys first); nil takes all of them.
    public var maxObjectsPerRun: Int?

    /// Creates a source.
    public init(
        bucket: String, prefix: String, format: SourceFormat, compression: SourceCompression = .auto,
        csv: CSVSourceOptions = CSVSourceOptions(), maxObjectsPerRun: Int? = nil
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.format = format
        self.compression = compression
        self.csv = csv
        self.maxObjectsPerRun = maxObjectsPerRun
    }

    enum CodingKeys: String, CodingKey { case bucket, prefix, format, compression, csv, maxObjectsPerRun }

    /// Decodes a source; `compression`, `csv` and `maxObjectsPerRun` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            bucket: try c.decode(String.self, forKey: .bucket), prefix: try c.decodeIfPresent(String.self, forKey: .prefix) ?? "",
            format: try c.decode(SourceFormat.self, forKey: .format),
            compression: try c.decodeIfPresent(SourceCompression.self, forKey: .compression) ?? .auto,
            csv: try c.decodeIfPresent(CSVSourceOptions.self, forKey: .csv) ?? CSVSourceOptions(),
            maxObjectsPerRun: try c.decodeIfPresent(Int.self, forKey: .maxObjectsPerRun))
    }

    /// The source as a location.
    public var location: ObjectLocation { ObjectLocation(bucket: bucket, prefix: prefix) }
}

/// How raw CSV objects are laid out.
public struct CSVSourceOptions: Sendable, Codable, Equatable {
    /// Whether the first line names the columns. With a header, columns are matched to the job's
    /// columns by name (extra source columns are ignored, a missing one fails the run); without
    /// one, the job's source columns are taken in order.
    public var header: Bool
    /// Field separator, one ASCII character (`,`, `;`, `|`, `\t`).
    public var delimiter: String
    /// Quote character, one ASCII character; empty disables quoting.
    public var quote: String
    /// Field texts that mean NULL (besides an empty unquoted field).
    public var nullValues: [String]

    /// Creates CSV options: RFC 4180 with a header by default.
    public init(header: Bool = true, delimiter: String = ",", quote: String = "\"", nullValues: [String] = ["\\N"]) {
        self.header = header
        self.delimiter = delimiter
        self.quote = quote
        self.nullValues = nullValues
    }

    enum CodingKeys: String, CodingKey { case header, delimiter, quote, nullValues }

    /// Decodes CSV options; every setting may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            header: try c.decodeIfPresent(Bool.self, forKey: .header) ?? true,
            delimiter: try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ",",
            quote: try c.decodeIfPresent(String.self, forKey: .quote) ?? "\"",
            nullValues: try c.decodeIfPresent([String].self, forKey: .nullValues) ?? ["\\N"])
    }
}

/// The cleansed table a job writes.
public struct JobTarget: Sendable, Codable, Equatable {
    /// Catalog database (created if missing).
    public var database: String
    /// Catalog table (created if missing, as an external Parquet table at the target location).
    public var table: String
    /// Bucket of the cleansed zone.
    public var bucket: String
    /// Key prefix of the table's files, e.g. `cleansed/sales/`.
    public var prefix: String
    /// The table's columns in order, including derived ones and the partition columns.
    public var columns: [JobColumn]
    /// Names of the columns that partition the table (`year`, `month`, `day`): they become Hive
    /// path segments (`year=2024/month=1/day=5/`) and, as in Hive and Athena, are not stored in
    /// the files themselves.
    public var partitionKeys: [String]

    /// Creates a target.
    public init(database: String, table: String, bucket: String, prefix: String, columns: [JobColumn], partitionKeys: [String] = []) {
        self.database = database
        self.table = table
        self.bucket = bucket
        self.prefix = prefix
        self.columns = columns
        self.partitionKeys = partitionKeys
    }

    enum CodingKeys: String, CodingKey { case database, table, bucket, prefix, columns, partitionKeys }

    /// Decodes a target; `partitionKeys` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            database: try c.decode(String.self, forKey: .database), table: try c.decode(String.self, forKey: .table),
            bucket: try c.decode(String.self, forKey: .bucket), prefix: try c.decode(String.self, forKey: .prefix),
            columns: try c.decode([JobColumn].self, forKey: .columns),
            partitionKeys: try c.decodeIfPresent([String].self, forKey: .partitionKeys) ?? [])
    }

    /// The table's location as the catalog records it, `s3://bucket/prefix`.
    public var location: ObjectLocation { ObjectLocation(bucket: bucket, prefix: prefix) }
}

/// How duplicates are recognised.
public struct DedupeSpec: Sendable, Codable, Equatable {
    /// The columns whose values identify a row (after standardization).
    public var keys: [String]
    /// Where a key must be unique.
    public var scope: DedupeScope

    /// Creates a dedupe specification.
    public init(keys: [String], scope: DedupeScope = .partition) {
        self.keys = keys
        self.scope = scope
    }

    enum CodingKeys: String, CodingKey { case keys, scope }

    /// Decodes a dedupe specification; `scope` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(keys: try c.decode([String].self, forKey: .keys), scope: try c.decodeIfPresent(DedupeScope.self, forKey: .scope) ?? .partition)
    }
}

/// Where a dedupe key must be unique.
public enum DedupeScope: String, Sendable, Codable, Equatable {
    /// Within the partition the row lands in. A run then loads the key index of only the
    /// partitions it touches, so memory follows the run, not the table's history. Right whenever
    /// a duplicate carries the same event time as its original (a re-sent batch).
    case partition
    /// Across the whole table: every committed key is loaded for each run.
    case table
}

/// Output file layout.
public struct OutputOptions: Sendable, Codable, Equatable {
    /// A partition's open file is closed and a new one started past this many bytes.
    public var fileTargetBytes: Int64
    /// Compaction merges a partition's files smaller than half of this into files of about this size.
    public var compactionTargetBytes: Int64
    /// Rows per Parquet row group, at most.
    public var rowGroupRows: Int
    /// Parquet page compression: `snappy` (default), `zstd`, `gzip`, `uncompressed`.
    public var compression: String
    /// Bytes of rows the open partition files may buffer in total before the largest one writes
    /// out a row group, so memory stays bounded however many partitions a run touches.
    public var bufferBytes: Int

    /// 128 MiB: the size at which Athena and Spark scan files efficiently (and S3's usual block size).
    public static let defaultTargetBytes: Int64 = 128 << 20

    /// Creates output options.
    public init(
        fileTargetBytes: Int64 = OutputOptions.defaultTargetBytes, compactionTargetBytes: Int64 = OutputOptions.defaultTargetBytes,
        rowGroupRows: Int = 1_048_576, compression: String = "snappy", bufferBytes: Int = 256 << 20
    ) {
        self.fileTargetBytes = fileTargetBytes
        self.compactionTargetBytes = compactionTargetBytes
        self.rowGroupRows = rowGroupRows
        self.compression = compression
        self.bufferBytes = bufferBytes
    }

    enum CodingKeys: String, CodingKey { case fileTargetBytes, compactionTargetBytes, rowGroupRows, compression, bufferBytes }

    /// Decodes output options; every setting may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = OutputOptions()
        self.init(
            fileTargetBytes: try c.decodeIfPresent(Int64.self, forKey: .fileTargetBytes) ?? defaults.fileTargetBytes,
            compactionTargetBytes: try c.decodeIfPresent(Int64.self, forKey: .compactionTargetBytes) ?? defaults.compactionTargetBytes,
            rowGroupRows: try c.decodeIfPresent(Int.self, forKey: .rowGroupRows) ?? defaults.rowGroupRows,
            compression: try c.decodeIfPresent(String.self, forKey: .compression) ?? defaults.compression,
            bufferBytes: try c.decodeIfPresent(Int.self, forKey: .bufferBytes) ?? defaults.bufferBytes)
    }
}

/// What starts a run automatically.
public struct TriggerSpec: Sendable, Codable, Equatable {
    /// Run when objects are created under the source prefix.
    public var onObjectCreated: Bool
    /// Quiet period after the last upload before the run starts (a burst becomes one run).
    public var debounceSeconds: Double
    /// Longest wait after the first upload of a burst, however busy the prefix stays.
    public var maxDelaySeconds: Double
    /// A five-field cron expression (minute hour day-of-month month day-of-week, UTC), or nil.
    public var schedule: String?

    /// Creates a trigger specification; by default a job runs only when asked.
    public init(onObjectCreated: Bool = false, debounceSeconds: Double = 2, maxDelaySeconds: Double = 60, schedule: String? = nil) {
        self.onObjectCreated = onObjectCreated
        self.debounceSeconds = debounceSeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.schedule = schedule
    }

    enum CodingKeys: String, CodingKey { case onObjectCreated, debounceSeconds, maxDelaySeconds, schedule }

    /// Decodes a trigger specification; every setting may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            onObjectCreated: try c.decodeIfPresent(Bool.self, forKey: .onObjectCreated) ?? false,
            debounceSeconds: try c.decodeIfPresent(Double.self, forKey: .debounceSeconds) ?? 2,
            maxDelaySeconds: try c.decodeIfPresent(Double.self, forKey: .maxDelaySeconds) ?? 60,
            schedule: try c.decodeIfPresent(String.self, forKey: .schedule))
    }
}
