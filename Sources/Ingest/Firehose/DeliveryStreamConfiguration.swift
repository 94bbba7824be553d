import TarnCore

/// What a delivery stream reads, how it buffers and where it writes: the parts of
/// `CreateDeliveryStream` (ExtendedS3DestinationConfiguration, KinesisStreamSourceConfiguration)
/// that Tarn implements, validated as Firehose validates them.
public struct DeliveryStreamConfiguration: Sendable, Codable, Equatable {
    /// `DeliveryStreamType`.
    public enum SourceKind: String, Sendable, Codable {
        /// Producers call PutRecord / PutRecordBatch.
        case directPut = "DirectPut"
        /// The delivery stream reads a Tarn data stream.
        case kinesisStream = "KinesisStreamAsSource"
    }

    /// `CompressionFormat`.
    public enum Compression: String, Sendable, Codable {
        case uncompressed = "UNCOMPRESSED"
        case gzip = "GZIP"
        case zip = "ZIP"
        case snappy = "Snappy"
        case hadoopSnappy = "HADOOP_SNAPPY"
    }

    /// Record format conversion (`DataFormatConversionConfiguration`) to Parquet.
    public struct FormatConversion: Sendable, Codable, Equatable {
        /// `SchemaConfiguration.DatabaseName`.
        public var databaseName: String
        /// `SchemaConfiguration.TableName`.
        public var tableName: String
        /// Tarn extension: the columns, for lakes whose catalog does not hold the table yet.
        public var inlineColumns: [SchemaColumn]?
        /// `ParquetSerDe.Compression`: `SNAPPY` (default), `GZIP` or `UNCOMPRESSED`.
        public var parquetCompression: String

        /// Creates a conversion setting.
        public init(databaseName: String, tableName: String, inlineColumns: [SchemaColumn]? = nil, parquetCompression: String = "SNAPPY") {
            self.databaseName = databaseName
            self.tableName = tableName
            self.inlineColumns = inlineColumns
            self.parquetCompression = parquetCompression
        }
    }

    /// Where records come from.
    public var source: SourceKind
    /// For `kinesisStream`: the data stream's name.
    public var sourceStreamName: String?
    /// Destination bucket (from `BucketARN`).
    public var bucket: String
    /// `Prefix`, possibly with `!{…}` expressions.
    public var prefix: String
    /// `ErrorOutputPrefix`.
    public var errorOutputPrefix: String?
    /// `BufferingHints.SizeInMBs` (1–128, default 5).
    public var bufferSizeMiB: Int
    /// `BufferingHints.IntervalInSeconds` (0–900, default 300).
    public var bufferIntervalSeconds: Int
    /// `CompressionFormat`.
    public var compression: Compression
    /// `DynamicPartitioningConfiguration.Enabled`.
    public var dynamicPartitioning: Bool
    /// The `MetadataExtractionQuery` of the `MetadataExtraction` processor (jq), if any.
    public var metadataExtractionQuery: String?
    /// Whether the `AppendDelimiterToRecord` processor adds a newline after each record.
    public var appendNewline: Bool
    /// `FileExtension`, if set.
    public var fileExtension: String?
    /// Parquet conversion, if enabled.
    public var formatConversion: FormatConversion?
    /// `S3DestinationConfiguration.RoleARN` / `ExtendedS3DestinationConfiguration.RoleARN`: the
    /// IAM role the deliverer acts as (`s3:PutObject`, SSE-KMS data keys); nil delivers as Tarn.
    public var roleARN: String?
    /// `KinesisStreamSourceConfiguration.RoleARN`: the IAM role the deliverer reads the source
    /// stream as (`kinesis:DescribeStream`, `ListShards`, `GetShardIterator`, `GetRecords` on its
    /// ARN); nil reads as Tarn (configurations stored before Tarn checked it decode to nil).
    public var sourceRoleARN: String?

    /// Creates a configuration with Firehose's defaults (5 MiB, 300 s, uncompressed).
    public init(
        source: SourceKind = .directPut, sourceStreamName: String? = nil, bucket: String, prefix: String = "", errorOutputPrefix: String? = nil,
        bufferSizeMiB: Int = 5, bufferIntervalSeconds: Int = 300, compression: Compression = .uncompressed, dynamicPartitioning: Bool = false,
        metadataExtractionQuery: String? = nil, appendNewline: Bool = false, fileExtension: String? = nil, formatConversion: FormatConversion? = nil,
        roleARN: String? = nil, sourceRoleARN: String? = nil
    ) {
        self.source = source
        self.sourceStreamName = sourceStreamName
        self.bucket = bucket
        self.prefix = prefix
        self.errorOutputPrefix = errorOutputPrefix
        self.bufferSizeMiB = bufferSizeMiB
        self.bufferIntervalSeconds = bufferIntervalSeconds
        self.compression = compression
        self.dynamicPartitioning = dynamicPartitioning
        self.metadataExtractionQuery = metadataExtractionQuery
        self.appendNewline = appendNewline
        self.fileExtension = fileExtension
        self.formatConversion = formatConversion
        self.roleARN = roleARN
        self.sourceRoleARN = sourceRoleARN
    }

    /// The role name of `roleARN` (`arn:aws:iam::ACCOUNT:role/[PATH/]NAME` → `NAME`), nil without one.
    public var roleName: String? { roleARN.flatMap(Self.roleName(of:)) }

    /// The account of `roleARN` (its fifth field), nil without one.
    public var roleAccount: String? { roleARN.flatMap(Self.account(of:)) }

    /// The role name of a role ARN (`arn:aws:iam::ACCOUNT:role/[PATH/]NAME` → `NAME`).
    public static func roleName(of roleARN: String) -> String? {
        guard let slash = roleARN.lastIndex(of: "/") else { return nil }
        return String(roleARN[roleARN.index(after: slash)...])
    }

    /// The account of an ARN (its fifth field).
    public static func account(of arn: String) -> String? {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return fields.count == 6 ? String(fields[4]) : nil
    }

    /// The role ARNs the stream acts as, with the request member that named each.
    public var roles: [(member: String, arn: String)] {
        [("RoleARN", roleARN), ("KinesisStreamSourceConfiguration.RoleARN", sourceRoleARN)].compactMap { member, arn in arn.map { (member, $0) } }
    }

    /// Checks the rules Firehose applies at CreateDeliveryStream.
    /// (docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html, dynamic-partitioning.html.)
    /// - Throws: `InvalidArgumentException` naming the rule.
    public func validate() throws {
        func invalid(_ message: String) -> TarnError { TarnError(.invalidArgumentException, message) }
        guard (1...128).contains(bufferSizeMiB) else { throw invalid("BufferingHints.SizeInMBs must be between 1 and 128, got \(bufferSizeMiB).") }
        guard (0...900).contains(bufferIntervalSeconds) else {
            throw invalid("BufferingHints.IntervalInSeconds must be between 0 and 900, got \(bufferIntervalSeconds).")
        }
        for (member, roleARN) in roles {
            // API_S3DestinationConfiguration and API_KinesisStreamSourceConfiguration: RoleARN
            // matches `arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+`.
            let fields = roleARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            let resource = fields.count == 6 ? fields[5] : ""
            guard fields.count == 6, fields[0] == "arn", fields[2] == "iam", fields[3].isEmpty, fields[4].utf8.count == 12,
                fields[4].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), resource.hasPrefix("role/"), let name = Self.roleName(of: roleARN), !name.isEmpty,
                resource.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || "+=,.@-_/".utf8.contains($0) })
            else { throw invalid("\(member) \(roleARN) is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).") }
        }
        if source == .kinesisStream && (sourceStreamName ?? "").isEmpty {
            throw invalid("KinesisStreamSourceConfiguration is required for the KinesisStreamAsSource delivery stream type.")
        }
        if source != .kinesisStream && sourceRoleARN != nil {
            throw invalid("KinesisStreamSourceConfiguration is allowed only for the KinesisStreamAsSource delivery stream type.")
        }
        let prefixTemplate = try PrefixTemplate(prefix)
        let errorTemplate = try PrefixTemplate(errorOutputPrefix ?? "")
        if errorTemplate.usesPartitionKeys {
            throw invalid("ErrorOutputPrefix cannot contain partitionKeyFromQuery or partitionKeyFromLambda expressions.")
        }
        if prefixTemplate.hasExpressions && !prefixTemplate.usesPartitionKeys {
            guard errorOutputPrefix.map({ !$0.isEmpty }) == true else {
                throw invalid("ErrorOutputPrefix must be specified when Prefix contains expressions.")
            }
        }
        if prefixTemplate.usesPartitionKeys && !dynamicPartitioning {
            throw invalid("Prefix uses partitionKeyFromQuery expressions but dynamic partitioning is not enabled.")
        }
        if dynamicPartitioning {
            guard let errorOutputPrefix, !errorOutputPrefix.isEmpty else {
                throw invalid("ErrorOutputPrefix must be specified when dynamic partitioning is enabled.")
            }
            guard prefixTemplate.usesPartitionKeys else {
                throw invalid("When dynamic partitioning is enabled, Prefix must contain at least one partitionKeyFromQuery expression.")
            }
            // AWS: "the minimum buffer size is 64 MiB" for dynamically partitioned streams.
            guard bufferSizeMiB >= 64 else { throw invalid("BufferingHints.SizeInMBs must be at least 64 when dynamic partitioning is enabled, got \(bufferSizeMiB).") }
            guard let query = metadataExtractionQuery else {
                throw invalid("Dynamic partitioning with partitionKeyFromQuery needs a MetadataExtraction processor with a MetadataExtractionQuery.")
            }
            let extraction = try MetadataExtractionQuery(query)
            for key in prefixTemplate.partitionKeys where !extraction.keys.contains(key) {
                throw invalid("Prefix uses !{partitionKeyFromQuery:\(key)} but the MetadataExtractionQuery does not define '\(key)'.")
            }
        }
        switch compression {
        case .uncompressed, .gzip: break
        case .zip, .snappy, .hadoopSnappy:
            throw invalid("CompressionFormat \(compression.rawValue) is not supported by Tarn; use UNCOMPRESSED or GZIP.")
        }
        if let formatConversion {
            if compression != .uncompressed {
                throw invalid("CompressionFormat must be UNCOMPRESSED when record format conversion is enabled (Parquet compresses its pages).")
            }
            guard !formatConversion.databaseName.isEmpty, !formatConversion.tableName.isEmpty else {
                throw invalid("SchemaConfiguration must name DatabaseName and TableName.")
            }
            if let columns = formatConversion.inlineColumns { _ = try RecordFormatConverter.schema(columns) }
        }
    }
}

/// One column of an inline schema (Tarn's extension to `SchemaConfiguration`).
public struct SchemaColumn: Sendable, Codable, Equatable {
    /// Column name (a JSON member of each record).
    public var name: String
    /// Hive type name: `string`, `bigint`, `int`, `double`, `boolean`, `timestamp`, `date`.
    public var type: String

    /// Creates a column.
    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}

/// Resolves the table schema a delivery stream converts records to, the way Firehose reads it
/// from the Glue Data Catalog (`CatalogSchemaResolver` reads Tarn's `Catalog`); a
/// configuration's inline columns take precedence.
public protocol DeliverySchemaResolver: Sendable {
    /// The columns of `database.table`.
    /// - Throws: `ResourceNotFoundException` when the table does not exist.
    func columns(database: String, table: String) throws -> [SchemaColumn]
}

/// Resolves schemas from the configuration's inline columns only.
public struct InlineSchemaResolver: DeliverySchemaResolver {
    let conversion: DeliveryStreamConfiguration.FormatConversion

    /// Creates a resolver for one conversion setting.
    public init(_ conversion: DeliveryStreamConfiguration.FormatConversion) { self.conversion = conversion }

    /// The inline columns when `database.table` is the configured table.
    public func columns(database: String, table: String) throws -> [SchemaColumn] {
        guard database == conversion.databaseName, table == conversion.tableName, let columns = conversion.inlineColumns else {
            throw TarnError(.resourceNotFound, "Table \(database).\(table) is not in the catalog and the delivery stream has no inline schema.")
        }
        return columns
    }
}
