import Catalog
import Foundation
import Jobs
import Logging
import Query
import Storage
import Synchronization
import TarnCore

/// The declared pipeline of a lake: applies a `lake.yaml` (buckets, databases, jobs, marts) and
/// refreshes marts. The last applied file is kept as `DIR/pipeline/lake.yaml`, which is what
/// the server's `MartService` reads and what the next `apply` is compared with.
public final class LakePipeline: Sendable {
    let store: ObjectStore
    let catalog: CatalogStore
    let jobs: JobRunner
    let query: QueryService
    let directory: String
    let logger: Logger
    /// Makes the sessions mart refreshes run as when the configuration declares a `marts` role.
    let accessProvider: (any ObjectAccessProvider)?
    /// The parsed applied configuration (nil inside: none applied yet), so object events — the
    /// mart service looks at every one — never re-read and re-validate the file.
    private let cache = Mutex<PipelineConfig??>(nil)

    /// The applied configuration's file name inside the pipeline directory.
    public static let appliedFile = "lake.yaml"

    /// Opens the pipeline state in `directory` (created when missing).
    /// - Parameter access: makes role sessions (the lake's IAM); with a `marts` role declared and
    ///   no provider, refreshes fail rather than run unchecked.
    public init(
        store: ObjectStore, catalog: CatalogStore, jobs: JobRunner, query: QueryService, directory: String, logger: Logger = Logger(label: "tarn.pipeline"),
        access: (any ObjectAccessProvider)? = nil
    ) throws {
        try FileSystem.createDirectory(directory)
        self.store = store
        self.catalog = catalog
        self.jobs = jobs
        self.query = query
        self.directory = directory
        self.logger = logger
        self.accessProvider = access
    }

    /// The configuration applied last, or nil before the first `apply`.
    public func applied() throws -> PipelineConfig? {
        if let cached = cache.withLock({ $0 }) { return cached }
        let path = directory + "/" + Self.appliedFile
        let config = FileSystem.exists(path) ? try PipelineConfigParser.load(path: path) : nil
        cache.withLock { $0 = .some(config) }
        return config
    }

    /// What `apply` would change, without changing anything.
    public func plan(_ config: PipelineConfig) throws -> [PipelineChange] {
        var changes: [PipelineChange] = []
        for environment in config.environments {
            if (try? store.bucket(environment.bucket)) == nil { changes.append(PipelineChange(.create, "bucket", environment.bucket)) }
            if try catalog.database(environment.database) == nil { changes.append(PipelineChange(.create, "database", environment.database)) }
            for table in config.tables {
                let wanted = config.job(table, in: environment)
                guard let existing = try? jobs.definition(wanted.name) else {
                    changes.append(PipelineChange(.create, "job", wanted.name))
                    continue
                }
                let differences = Self.differences(existing, wanted)
                if !differences.isEmpty { changes.append(PipelineChange(.update, "job", wanted.name, detail: differences.joined(separator: ", "))) }
            }
        }
        let previous = try applied()
        if let previous {
            for environment in previous.environments {
                for table in previous.tables {
                    let name = PipelineConfig.jobName(table: table.name, environment: environment.name)
                    let kept = config.environments.contains { $0.name == environment.name } && config.tables.contains { $0.name == table.name }
                    if !kept, (try? jobs.definition(name)) != nil { changes.append(PipelineChange(.delete, "job", name)) }
                }
            }
        }
        for environment in config.environments {
            let before = previous?.environment(environment.name).flatMap { $0.sameLocation(environment) ? previous : nil }
            for mart in config.marts {
                let name = environment.database + "." + mart.name
                guard let old = before?.marts.first(where: { $0.name == mart.name }) else {
                    changes.append(PipelineChange(.create, "mart", name))
                    continue
                }
                var differences: [String] = []
                if old.sql != mart.sql { differences.append("sql") }
                if old.partitionedBy != mart.partitionedBy { differences.append("partitionedBy") }
                if old.dependsOn != mart.dependsOn { differences.append("dependsOn") }
                if old.refresh != mart.refresh { differences.append("refresh") }
                if old.description != mart.description { differences.append("description") }
                if !differences.isEmpty { changes.append(PipelineChange(.update, "mart", name, detail: differences.joined(separator: ", "))) }
            }
        }
        if let previous {
            for environment in previous.environments {
                for mart in previous.marts {
                    let kept = config.environment(environment.name)?.sameLocation(environment) == true && config.marts.contains { $0.name == mart.name }
                    if !kept { changes.append(PipelineChange(.delete, "mart", environment.database + "." + mart.name)) }
                }
            }
        }
        return changes
    }

    /// Makes the lake match `config` and records it as applied. Idempotent: applying the same
    /// file again changes nothing and reports no changes. Removing a table or mart from the file
    /// removes its job or mart table; the cleansed data of a removed job stays (as Glue keeps
    /// S3 data when a job is deleted), a removed mart's analytics files are deleted.
    /// - Parameter text: the file's text, stored as the applied configuration.
    /// - Returns: what changed.
    @discardableResult
    public func apply(_ config: PipelineConfig, text: String) async throws -> [PipelineChange] {
        let changes = try plan(config)
        let previous = try applied()
        for environment in config.environments {
            if (try? store.bucket(environment.bucket)) == nil { try await store.createBucket(environment.bucket) }
            try await catalog.createDatabase(DatabaseDefinition(name: environment.database, created: store.clock.now()), ifNotExists: true)
        }
        for change in changes where change.kind == "job" {
            switch change.action {
            case .create, .update:
                guard let (table, environment) = Self.locate(change.name, in: config) else { continue }
                try await jobs.define(config.job(table, in: environment))
            case .delete:
                try jobs.remove(job: change.name)
            }
        }
        for change in changes where change.kind == "mart" && change.action == .delete {
            guard let previous else { continue }
            let parts = change.name.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let environment = previous.environments.first(where: { $0.database == parts[0] }) else { continue }
            try await dropMart(parts[1], environment: environment, zones: previous.zones)
        }
        try FileSystem.writeAtomically(Array(text.utf8), to: directory + "/" + Self.appliedFile)
        cache.withLock { $0 = .some(config) }
        return changes
    }

    static func locate(_ job: String, in config: PipelineConfig) -> (TableConfig, EnvironmentConfig)? {
        for environment in config.environments {
            for table in config.tables where PipelineConfig.jobName(table: table.name, environment: environment.name) == job {
                return (table, environment)
            }
        }
        return nil
    }

    static func differences(_ a: JobDefinition, _ b: JobDefinition) -> [String] {
        var names: [String] = []
        if a.source != b.source { names.append("source") }
        if a.target.columns != b.target.columns { names.append("columns") }
        if a.target.partitionKeys != b.target.partitionKeys { names.append("partitionKeys") }
        if a.target.database != b.target.database || a.target.table != b.target.table || a.target.location != b.target.location {
            names.append("target")
        }
        if a.dedupe != b.dedupe { names.append("dedupe") }
        if a.quarantine != b.quarantine || a.manifests != b.manifests { names.append("locations") }
        if a.output != b.output { names.append("output") }
        if a.triggers != b.triggers { names.append("triggers") }
        if a.description != b.description { names.append("description") }
        if a.role != b.role { names.append("role") }
        return names
    }

    /// Drops a mart's table and deletes its files.
    func dropMart(_ name: String, environment: EnvironmentConfig, zones: ZoneConfig) async throws {
        try await catalog.dropTable(database: environment.database, name: name, ifExists: true)
        try await deleteObjects(bucket: environment.bucket, prefix: zones.analytics + name + "/", keeping: [])
    }

    /// Deletes every object under `prefix` except those under one of the prefixes `keeping`.
    func deleteObjects(bucket: String, prefix: String, keeping: [String], access: any ObjectAccess = TarnObjectAccess()) async throws {
        var doomed: [String] = []
        try access.authorizeList(bucket: bucket, prefix: prefix)
        try store.forEachObject(bucket: bucket, prefix: prefix) { object in
            guard !keeping.contains(where: { object.key.hasPrefix($0) }) else { return }
            try access.authorize(.delete, bucket: bucket, key: object.key)
            doomed.append(object.key)
        }
        for start in stride(from: 0, to: doomed.count, by: 1000) {
            try await store.delete(bucket: bucket, keys: Array(doomed[start..<min(start + 1000, doomed.count)]))
        }
    }
}
