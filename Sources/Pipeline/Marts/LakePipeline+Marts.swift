import Catalog
import Foundation
import Query
import Storage
import TarnCore

/// What one mart refresh did.
public struct MartRefresh: Sendable, Codable, Equatable {
    /// `database.mart`.
    public var mart: String
    /// The version directory under the mart's analytics prefix.
    public var location: String
    /// Rows in the new version (of the rewritten partitions, when incremental).
    public var rows: Int64
    /// Parquet bytes written.
    public var bytes: Int64
    /// Bytes the CTAS read from the mart's inputs.
    public var bytesScanned: Int64
    /// Whether only some partitions were rebuilt.
    public var incremental: Bool
    /// The partitions rebuilt as Hive paths (`year=2024/month=4`), when incremental; a path the
    /// SQL no longer yields rows for was removed.
    public var partitions: [String]?
    /// Wall time.
    public var seconds: Double
    /// When it finished.
    public var finishedAt: Date
}

extension LakePipeline {
    /// The table property holding the SQL a mart's files were computed with: an incremental
    /// refresh is only consistent with the partitions it keeps when the SQL is still the same.
    static let martSQLProperty = "tarn.mart.sql"

    /// Rebuilds a mart, whole or by partition.
    ///
    /// In full, it runs the mart's SQL as a CTAS into a new version directory
    /// (`analytics/<mart>/v<id>/`), swaps the catalog entry to it in one transaction, then deletes
    /// the previous versions' files. Readers see the old mart or the new one, never a mix or
    /// nothing. A crash before the swap leaves a staged table and files, which the next refresh
    /// removes.
    ///
    /// With `partitions` (values in the mart's `partitionedBy` order), it runs the SQL filtered to
    /// those partitions as a CTAS into a new version directory, replaces exactly those partitions
    /// of the mart in one catalog transaction (`CatalogStore.replacePartitions`), then deletes the
    /// replaced partitions' files. The mart's other partitions keep their files and locations. It
    /// falls back to a full refresh when the mart table does not exist yet, was built by other SQL
    /// or with other partition keys, or the filtered query yields other columns.
    ///
    /// With `role` (the environment's `marts` role), the refresh acts as a session of it: the
    /// CTAS lists and reads the tables and writes the new version, and the old versions are
    /// deleted, all authorized by the role's policies, with SSE-KMS keys requested as the role.
    public func refresh(
        _ mart: MartConfig, in environment: EnvironmentConfig, zones: ZoneConfig, role: String? = nil, partitions: Set<[String]>? = nil
    ) async throws -> MartRefresh {
        let base = partitions?.isEmpty == false ? try incrementalBase(of: mart, in: environment) : nil
        return try await refresh(mart, in: environment, zones: zones, role: role, partitions: partitions, base: base)
    }

    /// `refresh`, with the mart's table as `incrementalBase` found it (read once by the caller,
    /// which decided `partitions` from it); nil rebuilds in full.
    func refresh(
        _ mart: MartConfig, in environment: EnvironmentConfig, zones: ZoneConfig, role: String?, partitions: Set<[String]>?, base: TableDefinition?
    ) async throws -> MartRefresh {
        let started = Date()
        let access = try martAccess(role: role, mart: mart, environment: environment)
        let stagedPrefix = mart.name + "__v"
        for table in try catalog.tables(database: environment.database) where table.name.hasPrefix(stagedPrefix) {
            try await catalog.dropTable(database: environment.database, name: table.name, ifExists: true)
        }
        let body = Self.martBody(mart)
        let current = partitions?.isEmpty == false ? base : nil
        let version = String(UInt64(store.clock.now().timeIntervalSince1970 * 1000), radix: 16) + Identifiers.randomToken(length: 6).lowercased()
        let staged = stagedPrefix + version
        let martPrefix = zones.analytics + mart.name + "/"
        let versionPrefix = martPrefix + "v" + version + "/"
        var properties = ["format = 'PARQUET'", "external_location = 's3://\(environment.bucket)/\(versionPrefix)'"]
        if !mart.partitionedBy.isEmpty {
            properties.append("partitioned_by = ARRAY[" + mart.partitionedBy.map { "'\($0)'" }.joined(separator: ", ") + "]")
        }
        var query = body
        var rewritten: [[String]]? = nil
        if let current, let partitions, let predicate = Self.partitionPredicate(keys: current.partitionKeys, values: partitions) {
            rewritten = partitions.sorted { $0.lexicographicallyPrecedes($1) }
            query = "SELECT * FROM (\n\(body)\n) AS mart_refresh WHERE \(predicate)"
        }
        let statement = "CREATE TABLE \(staged) WITH (\(properties.joined(separator: ", "))) AS\n\(query)"
        var context = QueryContext(database: environment.database, workgroup: "marts", access: access)
        let result = try await self.query.execute(statement, context: &context)
        guard var built = try catalog.table(database: environment.database, name: staged) else {
            throw TarnError(.internal, "the CTAS of mart \(environment.database).\(mart.name) left no table \(staged)")
        }
        if let current, let values = rewritten {
            guard built.columns.map(\.name) == current.columns.map(\.name), built.columns.map(\.type) == current.columns.map(\.type),
                built.partitionKeys.map(\.type) == current.partitionKeys.map(\.type)
            else {
                // The rebuilt partitions would not match the kept ones: rebuild everything.
                try await catalog.dropTable(database: environment.database, name: staged, ifExists: true)
                try await deleteObjects(bucket: environment.bucket, prefix: versionPrefix, keeping: [], access: access)
                return try await refresh(mart, in: environment, zones: zones, role: role, partitions: nil, base: nil)
            }
            try await catalog.replacePartitions(database: environment.database, table: mart.name, values: values, from: staged)
            // Everything under the mart's prefix that no partition points to goes: the replaced
            // partitions' files, and what a crashed refresh left behind.
            let live = try catalog.partitions(database: environment.database, table: mart.name).compactMap {
                Self.key(of: $0.location, bucket: environment.bucket)
            }
            try await deleteObjects(bucket: environment.bucket, prefix: martPrefix, keeping: live, access: access)
            let refresh = MartRefresh(
                mart: environment.database + "." + mart.name, location: "s3://\(environment.bucket)/\(versionPrefix)",
                rows: Int64(result.result.textRows.first?.first ?? "") ?? 0, bytes: result.bytesWritten,
                bytesScanned: result.result.statistics.bytesScanned, incremental: true,
                partitions: values.map { zip(current.partitionKeys, $0).map { "\($0.name)=\($1)" }.joined(separator: "/") },
                seconds: Date().timeIntervalSince(started), finishedAt: store.clock.now())
            logger.info(
                "mart \(refresh.mart) refreshed \(values.count) partitions: \(refresh.rows) rows, \(refresh.bytes) bytes in \(String(format: "%.2f", refresh.seconds)) s")
            return refresh
        }
        built.properties[Self.martSQLProperty] = body
        try await catalog.updateTable(built)
        try await catalog.replaceTable(database: environment.database, name: mart.name, with: staged)
        try await deleteObjects(bucket: environment.bucket, prefix: martPrefix, keeping: [versionPrefix], access: access)
        let rows = Int64(result.result.textRows.first?.first ?? "") ?? 0
        let refresh = MartRefresh(
            mart: environment.database + "." + mart.name, location: "s3://\(environment.bucket)/\(versionPrefix)", rows: rows,
            bytes: result.bytesWritten, bytesScanned: result.result.statistics.bytesScanned, incremental: false, partitions: nil,
            seconds: Date().timeIntervalSince(started), finishedAt: store.clock.now())
        logger.info("mart \(refresh.mart) refreshed: \(rows) rows, \(refresh.bytes) bytes in \(String(format: "%.2f", refresh.seconds)) s")
        return refresh
    }

    /// Whether the mart's declaration allows rebuilding some partitions: partitioned, and not
    /// `refresh: full`.
    static func mayRefreshByPartition(_ mart: MartConfig) -> Bool { mart.refresh == .automatic && !mart.partitionedBy.isEmpty }

    /// The mart's table when a refresh may replace only some of its partitions: it exists, has
    /// the mart's partition keys, and was built by the mart's current SQL; else nil.
    func incrementalBase(of mart: MartConfig, in environment: EnvironmentConfig) throws -> TableDefinition? {
        guard let existing = try catalog.table(database: environment.database, name: mart.name),
            existing.partitionKeys.map(\.name) == mart.partitionedBy.map({ $0.lowercased() }),
            existing.properties[Self.martSQLProperty] == Self.martBody(mart)
        else { return nil }
        return existing
    }

    /// The mart's query as the CTAS runs it: without surrounding blanks and trailing `;`.
    static func martBody(_ mart: MartConfig) -> String {
        mart.sql.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
    }

    /// The key prefix of `s3://bucket/prefix/` in `bucket` (with a trailing slash), or nil.
    static func key(of location: String, bucket: String) -> String? {
        let scheme = "s3://" + bucket + "/"
        guard location.hasPrefix(scheme) else { return nil }
        let key = String(location.dropFirst(scheme.count))
        return key.hasSuffix("/") ? key : key + "/"
    }

    /// Who a refresh acts as: a session of `role`, or Tarn itself without one.
    func martAccess(role: String?, mart: MartConfig, environment: EnvironmentConfig) throws -> any ObjectAccess {
        guard let role else { return TarnObjectAccess() }
        guard let accessProvider else {
            throw TarnError(.accessDenied, "mart \(environment.database).\(mart.name) refreshes as role \(role), but this pipeline has no IAM to act as it")
        }
        return try accessProvider.access(role: role, session: RoleSessionName.cleaned("mart-\(environment.name).\(mart.name)"))
    }

    /// Refreshes the marts of `environment` that depend (directly or through other marts) on
    /// any of `tables` — or all of them when `tables` is nil — in dependency order, in full.
    public func refreshMarts(in environment: String, after tables: Set<String>? = nil) async throws -> [MartRefresh] {
        try await refreshMarts(in: environment, changes: tables.map { Dictionary(uniqueKeysWithValues: $0.map { ($0, TableChange.whole) }) })
    }

    /// Refreshes the marts of `environment` that depend (directly or through other marts) on a
    /// table of `changes` — or all of them, in full, when `changes` is nil — in dependency order.
    /// A mart is rebuilt by partition when `changedPartitions` allows it; what a refresh rebuilt
    /// is in turn the change seen by the marts that read it.
    public func refreshMarts(in environment: String, changes: [String: TableChange]?) async throws -> [MartRefresh] {
        guard let config = try applied(), let environment = config.environment(environment) else { return [] }
        guard let ordered = MartOrder.sorted(config.marts) else { throw TarnError(.invalidArgument, "mart dependencies form a cycle") }
        var changed = changes
        var refreshes: [MartRefresh] = []
        for mart in ordered {
            var partitions: Set<[String]>? = nil
            var base: TableDefinition? = nil
            if let current = changed {
                guard mart.dependsOn.contains(where: { current[$0] != nil }) else { continue }
                // The mart's table is read once: what decides the partitions is what they replace.
                base = Self.mayRefreshByPartition(mart) ? try incrementalBase(of: mart, in: environment) : nil
                partitions = try changedPartitions(of: mart, changes: current, in: environment, base: base)
                // The changed tables touched no partition (a run that wrote nothing): nothing to redo.
                if partitions?.isEmpty == true { continue }
            }
            let refresh = try await refresh(
                mart, in: environment, zones: config.zones, role: config.workerRole(PipelineConfig.martRole, in: environment), partitions: partitions,
                base: base)
            refreshes.append(refresh)
            changed?[mart.name] = refresh.partitions.map { .partitions(Set($0)) } ?? .whole
        }
        return refreshes
    }

    /// The partitions of `mart` (values in its `partitionedBy` order) that `changes` can have
    /// changed, or nil when it must be rebuilt in full.
    ///
    /// A change to partitions with values V of a table can only change the mart's partitions V
    /// when every mart partition column is a partition key of that table (the rule assumes the
    /// mart's column carries the table's value, as `s.year` does; SQL that mixes partitions, such
    /// as a window over months, must declare `refresh: full`). So: the mart is partitioned and not
    /// `refresh: full`, its table exists and was built by the same SQL, and every changed
    /// dependency is such a table with known partitions. Unchanged dependencies (a dimension
    /// table) do not matter; a changed one without partitions (`TableChange.whole`) forces full.
    public func changedPartitions(of mart: MartConfig, changes: [String: TableChange], in environment: EnvironmentConfig) throws -> Set<[String]>? {
        guard Self.mayRefreshByPartition(mart) else { return nil }
        return try changedPartitions(of: mart, changes: changes, in: environment, base: try incrementalBase(of: mart, in: environment))
    }

    /// `changedPartitions` given the mart's table as `incrementalBase` found it.
    func changedPartitions(of mart: MartConfig, changes: [String: TableChange], in environment: EnvironmentConfig, base: TableDefinition?) throws
        -> Set<[String]>?
    {
        guard Self.mayRefreshByPartition(mart), let existing = base else { return nil }
        var values = Set<[String]>()
        for dependency in mart.dependsOn {
            guard let change = changes[dependency] else { continue }
            guard case .partitions(let paths) = change, let table = try catalog.table(database: environment.database, name: dependency) else {
                return nil
            }
            let keys = Set(table.partitionKeys.map(\.name))
            guard existing.partitionKeys.allSatisfy({ keys.contains($0.name) }) else { return nil }
            for path in paths {
                guard let pairs = TableChange.pairs(path) else { return nil }
                var row: [String] = []
                for key in existing.partitionKeys {
                    guard let raw = pairs[key.name], let value = Self.partitionValue(raw, type: key.type) else { return nil }
                    row.append(value)
                }
                values.insert(row)
            }
        }
        return values
    }

    /// A partition value as the mart's CTAS writes it: integers without leading zeros (a table's
    /// `month=03` is the mart's `month=3`), others as they are; nil when an integer key gets text.
    static func partitionValue(_ raw: String, type: String) -> String? {
        guard raw != HivePartitionPath.nullMarker else { return raw }
        switch type.lowercased() {
        case "tinyint", "smallint", "int", "integer", "bigint": return Int64(raw).map(String.init)
        default: return raw
        }
    }

    /// `(year = 2024 AND month = 4) OR (…)` over the mart's output columns, with literals of the
    /// partition keys' types; nil when a key name or type cannot be written as a plain literal
    /// comparison (the caller then rebuilds everything).
    static func partitionPredicate(keys: [ColumnDefinition], values: Set<[String]>) -> String? {
        var terms: [String] = []
        for row in values.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var conditions: [String] = []
            for (key, value) in zip(keys, row) {
                guard let first = key.name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first),
                    key.name.unicodeScalars.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
                else { return nil }
                if value == HivePartitionPath.nullMarker {
                    conditions.append("\(key.name) IS NULL")
                    continue
                }
                let quoted = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
                let type = key.type.lowercased()
                switch type {
                case "tinyint", "smallint", "int", "integer", "bigint":
                    guard Int64(value) != nil else { return nil }
                    conditions.append("\(key.name) = \(value)")
                case "string": conditions.append("\(key.name) = \(quoted)")
                case "date": conditions.append("\(key.name) = DATE \(quoted)")
                default:
                    guard type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "(" || $0 == ")" || $0 == "," }) else { return nil }
                    conditions.append("\(key.name) = CAST(\(quoted) AS \(type))")
                }
            }
            terms.append("(" + conditions.joined(separator: " AND ") + ")")
        }
        return terms.isEmpty ? nil : terms.joined(separator: " OR ")
    }
}
