import Jobs

/// A lake's pipeline as declared in `lake.yaml`: environments (one bucket and one catalog
/// database each), the zone prefixes inside every bucket, the cleansed tables with the ETL job
/// that feeds each, and the marts built from them.
///
/// Tables and marts are declared once and exist in every environment: `tarn apply` makes job
/// `<env>.<table>` read `s3://<env bucket>/<raw zone><source>` and write
/// `s3://<env bucket>/<cleansed zone><table>/`, registered as `<env database>.<table>`.
public struct PipelineConfig: Sendable, Equatable {
    /// Environments by name, in file order.
    public var environments: [EnvironmentConfig]
    /// Zone prefixes, shared by every environment's bucket.
    public var zones: ZoneConfig
    /// Cleansed tables and their jobs, in file order.
    public var tables: [TableConfig]
    /// Marts, in file order.
    public var marts: [MartConfig]
    /// Roles created in every environment (`<env>-<role>`), in file order.
    public var roles: [RoleConfig]
    /// Lifecycle rules of every environment's bucket, or nil to leave the buckets' own alone.
    public var lifecycle: LifecycleConfig?

    /// Creates a configuration.
    public init(
        environments: [EnvironmentConfig], zones: ZoneConfig = ZoneConfig(), tables: [TableConfig], marts: [MartConfig] = [],
        roles: [RoleConfig] = [], lifecycle: LifecycleConfig? = nil
    ) {
        self.environments = environments
        self.zones = zones
        self.tables = tables
        self.marts = marts
        self.roles = roles
        self.lifecycle = lifecycle
    }

    /// The IAM role name of `role` in `environment`: `dev-etl`.
    public static func roleName(role: String, environment: String) -> String { "\(environment)-\(role)" }

    /// The declared role whose sessions run the ETL jobs (`<env>-etl`).
    public static let jobRole = "etl"
    /// The declared role whose sessions refresh the marts (`<env>-marts`): it reads cleansed
    /// tables and other marts, and writes and deletes mart versions in the analytics zone.
    /// Neither `analyst` (read-only by design: BI users must not rewrite marts) nor `etl` (no
    /// access to analytics) fits, so marts have their own role.
    public static let martRole = "marts"

    /// The IAM role a worker of `environment` acts as: `<env>-<role>` when `role` is declared
    /// under `roles:`, nil otherwise (the worker then acts as Tarn itself).
    public func workerRole(_ role: String, in environment: EnvironmentConfig) -> String? {
        roles.contains { $0.name == role } ? Self.roleName(role: role, environment: environment.name) : nil
    }

    /// The environment called `name`.
    public func environment(_ name: String) -> EnvironmentConfig? { environments.first { $0.name == name } }

    /// The job name of `table` in `environment`.
    public static func jobName(table: String, environment: String) -> String { "\(environment).\(table)" }

    /// The ETL job of `table` in `environment`, as the job runner takes it.
    public func job(_ table: TableConfig, in environment: EnvironmentConfig) -> JobDefinition {
        let bucket = environment.bucket
        return JobDefinition(
            name: Self.jobName(table: table.name, environment: environment.name),
            source: JobSource(
                bucket: bucket, prefix: zones.raw + table.sourcePrefix, format: table.format, compression: table.compression, csv: table.csv),
            target: JobTarget(
                database: environment.database, table: table.name, bucket: bucket, prefix: zones.cleansed + table.name + "/",
                columns: table.columns, partitionKeys: table.partitionKeys),
            dedupe: table.dedupe,
            quarantine: ObjectLocation(bucket: bucket, prefix: zones.quarantine + table.name + "/"),
            manifests: ObjectLocation(bucket: bucket, prefix: zones.manifests + table.name + "/"),
            output: table.output, triggers: table.triggers, description: table.description, role: workerRole(Self.jobRole, in: environment))
    }
}

/// One environment: its bucket, its catalog database and the bucket's security settings.
public struct EnvironmentConfig: Sendable, Equatable {
    /// `dev`, `prod`, …
    public var name: String
    /// The environment's bucket (all zones are prefixes of it).
    public var bucket: String
    /// The catalog database of its tables and marts.
    public var database: String
    /// Encryption, TLS-only, Block Public Access.
    public var security: EnvironmentSecurity

    /// Creates an environment.
    public init(name: String, bucket: String, database: String, security: EnvironmentSecurity = EnvironmentSecurity()) {
        self.name = name
        self.bucket = bucket
        self.database = database
        self.security = security
    }

    /// Whether both name the same bucket and database (what jobs and marts depend on; security
    /// settings change the bucket, not where the data lives).
    public func sameLocation(_ other: EnvironmentConfig) -> Bool { name == other.name && bucket == other.bucket && database == other.database }
}

/// Zone prefixes inside an environment's bucket, as the AWS retail design lays them out.
public struct ZoneConfig: Sendable, Equatable {
    /// Landing zone: files as they arrive.
    public var raw = "raw/"
    /// Validated, deduplicated, partitioned Parquet.
    public var cleansed = "cleansed/"
    /// Marts.
    public var analytics = "analytics/"
    /// Rejected rows, as JSON Lines with their reasons.
    public var quarantine = "quarantine/"
    /// Job run manifests.
    public var manifests = "manifests/"

    /// The default zones.
    public init() {}

    /// Every zone by name.
    public var all: [(name: String, prefix: String)] {
        [("raw", raw), ("cleansed", cleansed), ("analytics", analytics), ("quarantine", quarantine), ("manifests", manifests)]
    }
}

/// A cleansed table and the job that fills it from the raw zone.
public struct TableConfig: Sendable, Equatable {
    /// Table name (the catalog table and the cleansed prefix).
    public var name: String
    /// Shown by `tarn jobs list`.
    public var description: String?
    /// Raw file format.
    public var format: SourceFormat
    /// Raw file compression.
    public var compression: SourceCompression
    /// CSV dialect.
    public var csv: CSVSourceOptions
    /// Prefix under the raw zone (default `<name>/`).
    public var sourcePrefix: String
    /// Columns with their types, rules, transforms and derivations.
    public var columns: [JobColumn]
    /// Hive partition columns (derived columns, last in `columns`).
    public var partitionKeys: [String]
    /// Deduplication.
    public var dedupe: DedupeSpec?
    /// What starts the job.
    public var triggers: TriggerSpec
    /// File sizes and Parquet layout.
    public var output: OutputOptions
    /// The line of the table in `lake.yaml`, for messages.
    public var line: Int

    /// Creates a table.
    public init(
        name: String, description: String? = nil, format: SourceFormat = .csv, compression: SourceCompression = .auto,
        csv: CSVSourceOptions = CSVSourceOptions(), sourcePrefix: String? = nil, columns: [JobColumn], partitionKeys: [String] = [],
        dedupe: DedupeSpec? = nil, triggers: TriggerSpec = TriggerSpec(onObjectCreated: true), output: OutputOptions = OutputOptions(), line: Int = 0
    ) {
        self.name = name
        self.description = description
        self.format = format
        self.compression = compression
        self.csv = csv
        self.sourcePrefix = sourcePrefix ?? name + "/"
        self.columns = columns
        self.partitionKeys = partitionKeys
        self.dedupe = dedupe
        self.triggers = triggers
        self.output = output
        self.line = line
    }
}

/// A mart: SQL over cleansed tables (or other marts), materialized as Parquet in the analytics
/// zone and refreshed after the jobs of the tables it reads.
public struct MartConfig: Sendable, Equatable {
    /// Mart name (the catalog table and the analytics prefix).
    public var name: String
    /// What it answers.
    public var description: String?
    /// The tables and marts it reads; their updates refresh it.
    public var dependsOn: [String]
    /// Hive partition columns (the query's last columns, as in Athena's CTAS).
    public var partitionedBy: [String]
    /// The query, run with the environment's database as the default.
    public var sql: String
    /// Whether a refresh may rewrite only the changed partitions (`refresh:` in `lake.yaml`).
    public var refresh: MartRefreshPolicy
    /// The line of the mart in `lake.yaml`, for messages.
    public var line: Int

    /// Creates a mart.
    public init(
        name: String, description: String? = nil, dependsOn: [String], partitionedBy: [String] = [], sql: String,
        refresh: MartRefreshPolicy = .automatic, line: Int = 0
    ) {
        self.name = name
        self.description = description
        self.dependsOn = dependsOn
        self.partitionedBy = partitionedBy
        self.sql = sql
        self.refresh = refresh
        self.line = line
    }
}

/// How a mart is refreshed after its dependencies change.
public enum MartRefreshPolicy: String, Sendable, Equatable, CaseIterable {
    /// By partition when the mart is partitioned by partition keys of the changed tables and the
    /// changes say which partitions they touched; otherwise the whole mart.
    case automatic = "auto"
    /// Always the whole mart: for SQL whose output partitions read other partitions of its
    /// inputs (a window over months, a rolling 7-day join), which the partition-key rule cannot see.
    case full
}
