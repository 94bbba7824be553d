/// A parsed SQL statement.
public indirect enum Statement: Hashable, Sendable {
    /// A query.
    case query(Query)
    /// `EXPLAIN [ANALYZE] statement`.
    case explain(Statement, analyze: Bool)
    /// `CREATE DATABASE|SCHEMA [IF NOT EXISTS] name [COMMENT '…'] [LOCATION '…']`.
    case createDatabase(name: Identifier, ifNotExists: Bool, comment: String?, location: String?)
    /// `DROP DATABASE|SCHEMA [IF EXISTS] name [CASCADE]`.
    case dropDatabase(name: Identifier, ifExists: Bool, cascade: Bool)
    /// Athena's `CREATE EXTERNAL TABLE`.
    case createExternalTable(CreateExternalTable)
    /// `CREATE TABLE … WITH (…) AS query`.
    case createTableAsSelect(CreateTableAsSelect)
    /// `INSERT INTO table [(columns)] query`.
    case insert(table: [Identifier], columns: [Identifier], query: Query)
    /// `DROP TABLE [IF EXISTS] name`.
    case dropTable(name: [Identifier], ifExists: Bool)
    /// `MSCK REPAIR TABLE name`.
    case msckRepairTable(name: [Identifier])
    /// `ALTER TABLE name ADD [IF NOT EXISTS] PARTITION (…) [LOCATION '…'] …`.
    case alterTableAddPartitions(name: [Identifier], ifNotExists: Bool, partitions: [PartitionSpec])
    /// `ALTER TABLE name DROP [IF EXISTS] PARTITION (…), …`.
    case alterTableDropPartitions(name: [Identifier], ifExists: Bool, partitions: [PartitionSpec])
    /// `SHOW DATABASES|SCHEMAS [LIKE 'pattern']`.
    case showDatabases(like: String?)
    /// `SHOW TABLES [IN db] [LIKE 'pattern']`.
    case showTables(database: Identifier?, like: String?)
    /// `SHOW PARTITIONS table`.
    case showPartitions(name: [Identifier])
    /// `SHOW COLUMNS FROM|IN table`.
    case showColumns(name: [Identifier])
    /// `SHOW CREATE TABLE table`.
    case showCreateTable(name: [Identifier])
    /// `DESCRIBE [FORMATTED|EXTENDED] table`.
    case describe(name: [Identifier])
    /// `USE db`.
    case use(database: Identifier)
}

/// Athena `CREATE EXTERNAL TABLE`.
public struct CreateExternalTable: Hashable, Sendable {
    /// `db.name` or `name`.
    public var name: [Identifier]
    /// `IF NOT EXISTS`.
    public var ifNotExists: Bool
    /// The data columns.
    public var columns: [ColumnDefinition]
    /// `PARTITIONED BY (…)` columns.
    public var partitionedBy: [ColumnDefinition]
    /// `COMMENT '…'` on the table.
    public var comment: String?
    /// `ROW FORMAT …`.
    public var rowFormat: RowFormat?
    /// `STORED AS PARQUET|TEXTFILE|JSON|ORC|…` (upper-cased).
    public var storedAs: String?
    /// `LOCATION 's3://…'`.
    public var location: String?
    /// `TBLPROPERTIES ('k' = 'v', …)` in order.
    public var properties: [Property]

    /// Creates the statement.
    public init(
        name: [Identifier], ifNotExists: Bool = false, columns: [ColumnDefinition], partitionedBy: [ColumnDefinition] = [],
        comment: String? = nil, rowFormat: RowFormat? = nil, storedAs: String? = nil, location: String? = nil,
        properties: [Property] = []
    ) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.partitionedBy = partitionedBy
        self.comment = comment
        self.rowFormat = rowFormat
        self.storedAs = storedAs
        self.location = location
        self.properties = properties
    }
}

/// `name type [COMMENT '…']`.
public struct ColumnDefinition: Hashable, Sendable {
    /// The column name.
    public var name: Identifier
    /// Its type.
    public var type: TypeName
    /// Optional comment.
    public var comment: String?

    /// Creates a definition.
    public init(name: Identifier, type: TypeName, comment: String? = nil) {
        self.name = name
        self.type = type
        self.comment = comment
    }
}

/// Hive `ROW FORMAT` clause.
public enum RowFormat: Hashable, Sendable {
    /// `ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' [ESCAPED BY '\\'] [LINES TERMINATED BY '\n']`.
    case delimited(fieldsTerminatedBy: String?, escapedBy: String?, linesTerminatedBy: String?)
    /// `ROW FORMAT SERDE 'class' [WITH SERDEPROPERTIES (…)]`.
    case serde(className: String, properties: [Property])
}

/// A `'key' = 'value'` property, or `key = expression` in a CTAS `WITH` list.
public struct Property: Hashable, Sendable {
    /// The key.
    public var key: String
    /// The value.
    public var value: Expression

    /// Creates a property.
    public init(key: String, value: Expression) {
        self.key = key
        self.value = value
    }
}

/// `CREATE TABLE name WITH (format = 'PARQUET', …) AS query [WITH [NO] DATA]`.
public struct CreateTableAsSelect: Hashable, Sendable {
    /// The new table.
    public var name: [Identifier]
    /// `IF NOT EXISTS`.
    public var ifNotExists: Bool
    /// The `WITH (…)` properties in order.
    public var properties: [Property]
    /// The query producing the rows.
    public var query: Query
    /// False for `WITH NO DATA`.
    public var withData: Bool

    /// Creates the statement.
    public init(name: [Identifier], ifNotExists: Bool = false, properties: [Property] = [], query: Query, withData: Bool = true) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.properties = properties
        self.query = query
        self.withData = withData
    }
}

/// `PARTITION (year = 2024, month = '01') [LOCATION '…']`.
public struct PartitionSpec: Hashable, Sendable {
    /// Column = literal pairs in order.
    public var values: [PartitionValue]
    /// Optional explicit location.
    public var location: String?

    /// Creates a spec.
    public init(values: [PartitionValue], location: String? = nil) {
        self.values = values
        self.location = location
    }
}

/// One `column = literal` of a partition spec.
public struct PartitionValue: Hashable, Sendable {
    /// The partition column.
    public var column: Identifier
    /// The literal value.
    public var value: Expression

    /// Creates a value.
    public init(column: Identifier, value: Expression) {
        self.column = column
        self.value = value
    }
}
