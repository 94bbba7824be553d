import Foundation

/// A column as the catalog records it: name, Hive type string, optional comment.
public struct ColumnDefinition: Sendable, Codable, Equatable {
    /// Column name (lower-case, as Glue normalises it).
    public var name: String
    /// Hive/Glue type string, e.g. `bigint`, `decimal(10,2)`, `array<string>`.
    public var type: String
    /// Free-form comment.
    public var comment: String?

    /// Creates a column definition.
    public init(name: String, type: String, comment: String? = nil) {
        self.name = name
        self.type = type
        self.comment = comment
    }
}

/// How a table's files are stored.
public enum StorageFormat: String, Sendable, Codable, Equatable, CaseIterable {
    /// Apache Parquet (`STORED AS PARQUET`).
    case parquet
    /// Delimited text (`ROW FORMAT DELIMITED … STORED AS TEXTFILE`, or OpenCSVSerde).
    case csv
    /// JSON Lines (`ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'`).
    case json
}

/// A table: schema, partition keys, where its files are and how they are stored.
public struct TableDefinition: Sendable, Codable, Equatable {
    /// Database name.
    public var database: String
    /// Table name.
    public var name: String
    /// Data columns in order.
    public var columns: [ColumnDefinition]
    /// Partition columns in order (Hive-style `key=value` path segments).
    public var partitionKeys: [ColumnDefinition]
    /// Base location, `s3://bucket/prefix/` (or a local path for ad-hoc tables).
    public var location: String
    /// File format.
    public var format: StorageFormat
    /// Serde and table properties (`skip.header.line.count`, `field.delim`, `compression`…).
    public var properties: [String: String]
    /// `EXTERNAL_TABLE` or `MANAGED_TABLE` (CTAS).
    public var tableType: String
    /// When the table was created.
    public var created: Date
    /// Free-form description.
    public var comment: String?

    /// Creates a table definition.
    public init(
        database: String, name: String, columns: [ColumnDefinition], partitionKeys: [ColumnDefinition] = [], location: String,
        format: StorageFormat, properties: [String: String] = [:], tableType: String = "EXTERNAL_TABLE", created: Date = Date(),
        comment: String? = nil
    ) {
        self.database = database
        self.name = name
        self.columns = columns
        self.partitionKeys = partitionKeys
        self.location = location
        self.format = format
        self.properties = properties
        self.tableType = tableType
        self.created = created
        self.comment = comment
    }

    /// `location` with exactly one trailing slash.
    public var normalizedLocation: String { location.hasSuffix("/") ? location : location + "/" }
}

/// One partition: its values (in partition-key order) and the location of its files.
public struct PartitionDefinition: Sendable, Codable, Equatable {
    /// Values as strings, one per partition key.
    public var values: [String]
    /// Where its files are, `s3://bucket/prefix/key=value/…/`.
    public var location: String
    /// When it was registered.
    public var created: Date

    /// Creates a partition definition.
    public init(values: [String], location: String, created: Date = Date()) {
        self.values = values
        self.location = location
        self.created = created
    }
}

/// A database (a namespace of tables).
public struct DatabaseDefinition: Sendable, Codable, Equatable {
    /// Name.
    public var name: String
    /// Description.
    public var description: String?
    /// Default location for managed tables.
    public var location: String?
    /// When it was created.
    public var created: Date

    /// Creates a database definition.
    public init(name: String, description: String? = nil, location: String? = nil, created: Date = Date()) {
        self.name = name
        self.description = description
        self.location = location
        self.created = created
    }
}
