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
    /// Rows in the new version.
    public var rows: Int64
    /// Parquet bytes written.
    public var bytes: Int64
    /// Wall time.
    public var seconds: Double
    /// When it finished.
    public var finishedAt: Date
}

extension LakePipeline {
    /// Rebuilds a mart: runs its SQL as a CTAS into a new version directory
    /// (`analytics/<mart>/v<id>/`), swaps the catalog entry to it in one transaction, then deletes
    /// the previous versions' files. Readers see the old mart or the new one, never a mix or
    /// nothing. A crash before the swap leaves a staged table and files, which the next refresh
    /// removes.
    ///
    /// Every refresh recomputes the whole mart (no incremental refresh by partition yet).
    ///
    /// With `role` (the environment's `marts` role), the refresh acts as a session of it: the
    /// CTAS lists and reads the tables and writes the new version, and the old versions are
    /// deleted, all authorized by the role's policies, with SSE-KMS keys requested as the role.
    public func refresh(_ mart: MartConfig, in environment: EnvironmentConfig, zones: ZoneConfig, role: String? = nil) async throws -> MartRefresh {
        let started = Date()
        let access = try martAccess(role: role, mart: mart, environment: environment)
        let stagedPrefix = mart.name + "__v"
        for table in try catalog.tables(database: environment.database) where table.name.hasPrefix(stagedPrefix) {
            try await catalog.dropTable(database: environment.database, name: table.name, ifExists: true)
        }
        let version = String(UInt64(store.clock.now().timeIntervalSince1970 * 1000), radix: 16) + Identifiers.randomToken(length: 6).lowercased()
        let staged = stagedPrefix + version
        let martPrefix = zones.analytics + mart.name + "/"
        let versionPrefix = martPrefix + "v" + version + "/"
        var properties = ["format = 'PARQUET'", "external_location = 's3://\(environment.bucket)/\(versionPrefix)'"]
        if !mart.partitionedBy.isEmpty {
            properties.append("partitioned_by = ARRAY[" + mart.partitionedBy.map { "'\($0)'" }.joined(separator: ", ") + "]")
        }
        let body = mart.sql.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
        let statement = "CREATE TABLE \(staged) WITH (\(properties.joined(separator: ", "))) AS\n\(body)"
        var context = QueryContext(database: environment.database, workgroup: "marts", access: access)
        let result = try await query.execute(statement, context: &context)
        try await catalog.replaceTable(database: environment.database, name: mart.name, with: staged)
        try await deleteObjects(bucket: environment.bucket, prefix: martPrefix, keeping: versionPrefix, access: access)
        let rows = Int64(result.result.textRows.first?.first ?? "") ?? 0
        let refresh = MartRefresh(
            mart: environment.database + "." + mart.name, location: "s3://\(environment.bucket)/\(versionPrefix)", rows: rows,
            bytes: result.bytesWritten, seconds: Date().timeIntervalSince(started), finishedAt: store.clock.now())
        logger.info("mart \(refresh.mart) refreshed: \(rows) rows, \(refresh.bytes) bytes in \(String(format: "%.2f", refresh.seconds)) s")
        return refresh
    }

    /// Who a refresh acts as: a session of `role`, or Tarn itself without one.
    func martAccess(role: String?, mart: MartConfig, environment: EnvironmentConfig) throws -> any ObjectAccess {
        guard let role else { return TarnObjectAccess() }
        guard let accessProvider else {
            throw TarnError(.accessDenied, "mart \(environment.database).\(mart.name) refreshes as role \(role), but this pipeline has no IAM to act as it")
        }
        // STS role session names are at most 64 characters of [\w+=,.@-].
        return try accessProvider.access(role: role, session: String("mart-\(environment.name).\(mart.name)".prefix(64)))
    }

    /// Refreshes the marts of `environment` that depend (directly or through other marts) on
    /// any of `tables` — or all of them when `tables` is nil — in dependency order.
    public func refreshMarts(in environment: String, after tables: Set<String>? = nil) async throws -> [MartRefresh] {
        guard let config = try applied(), let environment = config.environment(environment) else { return [] }
        guard let ordered = MartOrder.sorted(config.marts) else { throw TarnError(.invalidArgument, "mart dependencies form a cycle") }
        var changed = tables
        var refreshes: [MartRefresh] = []
        for mart in ordered {
            if let current = changed {
                guard mart.dependsOn.contains(where: current.contains) else { continue }
            }
            refreshes.append(try await refresh(mart, in: environment, zones: config.zones, role: config.workerRole(PipelineConfig.martRole, in: environment)))
            changed?.insert(mart.name)
        }
        return refreshes
    }
}
