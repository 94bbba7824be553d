import Catalog
import Foundation
import Logging
import Storage
import Synchronization
import TarnCore

/// Runs ETL jobs against a lake's object store and catalog: the API the CLI (embedded mode),
/// the server and the trigger service all call.
///
/// ```swift
/// let runner = try JobRunner(store: lake.store, catalog: catalog, directory: dataDir + "/jobs")
/// try await runner.recover()                       // finish or roll back interrupted runs
/// try await runner.define(salesJob)                // validate, store, create the catalog table
/// let run = try await runner.run("sales")          // process new objects, commit, publish
/// print(run.manifest!.totals)                      // rows read / written / quarantined / duplicate
/// ```
///
/// Runs that write the same table never overlap (they queue on a per-table lock), so a run
/// always deduplicates against everything committed before it. Runs of different tables
/// proceed in parallel.
public final class JobRunner: Sendable {
    /// The object store jobs read from and write to.
    public let store: ObjectStore
    /// The catalog tables and partitions are registered in.
    public let catalog: CatalogStore
    /// Definitions, runs, bookmarks, committed files and the dedupe index.
    public let state: JobStateStore
    /// The jobs directory (`state.db`, `keys/`).
    public let directory: String
    /// Makes the role sessions of jobs that declare a `role`; nil when the runner has no IAM
    /// (such jobs then fail rather than run unchecked).
    let accessProvider: (any ObjectAccessProvider)?
    let clock: any WallClock
    let logger: Logger
    let locks = TableLocks()
    /// Bumped by every `define` and `remove`, so a `TriggerService` re-reads definitions at once
    /// instead of matching events against a stale list until its next refresh.
    public let definitionGeneration = Atomic<Int>(0)

    /// Opens (creating if needed) the job state in `directory`.
    /// - Parameters:
    ///   - store: the lake's object store.
    ///   - catalog: the lake's catalog.
    ///   - directory: where `state.db` and the dedupe key files live.
    ///   - clock: time source for run records and manifests.
    ///   - access: makes the role sessions jobs with a `role` run as (the lake passes its IAM);
    ///     jobs without a role act as Tarn itself.
    public init(
        store: ObjectStore, catalog: CatalogStore, directory: String, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "tarn.jobs"),
        access: (any ObjectAccessProvider)? = nil
    ) throws {
        try FileSystem.createDirectory(directory + "/keys")
        self.store = store
        self.catalog = catalog
        self.state = try JobStateStore(path: directory + "/state.db")
        self.directory = directory
        self.clock = clock
        self.logger = logger
        self.accessProvider = access
    }

    /// Who a run of `definition` acts as: a session of its role (named after the job and the
    /// run, so KMS audit lines and denials say which run it was), or Tarn itself without one.
    /// - Throws: `AccessDenied` when the job has a role but the runner has no IAM to make its
    ///   session (it must not run with more rights than declared); `NoSuchEntity` for a
    ///   missing role.
    func access(for definition: JobDefinition, runID: String) throws -> any ObjectAccess {
        guard let role = definition.role else { return TarnObjectAccess() }
        guard let accessProvider else {
            throw TarnError(.accessDenied, "job '\(definition.name)' runs as role \(role), but this job runner has no IAM to act as it")
        }
        return try accessProvider.access(role: role, session: RoleSessionName.cleaned("\(definition.name)@\(runID)"))
    }

    // MARK: definitions

    /// Validates and stores a job (replacing one of the same name), and creates its catalog
    /// database and table when missing.
    /// - Returns: the stored definition.
    /// - Throws: `TarnError(.invalidArgument)` for an invalid definition; `NoSuchBucket` when a
    ///   bucket it names does not exist.
    @discardableResult
    public func define(_ definition: JobDefinition) async throws -> JobDefinition {
        let plan = try JobPlan(definition)
        for bucket in Set([definition.source.bucket, definition.target.bucket, definition.quarantine.bucket, definition.manifests.bucket]) {
            try store.bucket(bucket)
        }
        try await ensureCatalog(plan)
        try state.saveDefinition(definition, at: clock.now())
        definitionGeneration.add(1, ordering: .releasing)
        return definition
    }

    /// Removes a job's definition; its history, bookmarks and the table's files stay.
    /// - Returns: whether it existed.
    @discardableResult
    public func remove(job: String) throws -> Bool {
        defer { definitionGeneration.add(1, ordering: .releasing) }
        return try state.deleteDefinition(job)
    }

    /// Every defined job, by name.
    public func definitions() throws -> [JobDefinition] { try state.definitions() }

    /// The job called `name`, or `TarnError(.notFound)`.
    public func definition(_ name: String) throws -> JobDefinition {
        guard let definition = try state.definition(name) else { throw TarnError(.notFound, "no job named '\(name)'") }
        return definition
    }

    /// Runs of a job, newest first.
    public func history(job: String, limit: Int = 100) throws -> [RunRecord] { try state.runs(job: job, limit: limit) }

    /// The committed files of a job's table: the set a reader that wants whole runs only (never
    /// half of one) should read, since it changes only at commits.
    public func committedFiles(job: String) throws -> [CommittedFile] {
        let definition = try definition(job)
        return try state.committedFiles(table: Self.tableName(definition))
    }

    /// `database.table`, lower-cased as the catalog stores names.
    static func tableName(_ definition: JobDefinition) -> String {
        "\(definition.target.database.lowercased()).\(definition.target.table.lowercased())"
    }

    /// Creates the target database and table in the catalog if they do not exist, and brings an
    /// existing table's columns up to date when the job's columns changed (new files carry the
    /// new schema; Athena-style readers read old files by column name).
    /// - Throws: `TarnError(.conflict)` when the partition keys or the location would change
    ///   under existing partitions, which would orphan them.
    func ensureCatalog(_ plan: JobPlan) async throws {
        let target = plan.definition.target
        try await catalog.createDatabase(DatabaseDefinition(name: target.database, created: clock.now()), ifNotExists: true)
        var wanted = plan.tableDefinition()
        guard let existing = try catalog.table(database: target.database, name: target.table) else {
            wanted.created = clock.now()
            try await catalog.createTable(wanted, ifNotExists: true)
            return
        }
        wanted.created = existing.created
        wanted.tableType = existing.tableType
        guard existing.columns != wanted.columns || existing.partitionKeys != wanted.partitionKeys || existing.location != wanted.location
            || existing.properties != wanted.properties || existing.comment != wanted.comment
        else { return }
        if existing.partitionKeys != wanted.partitionKeys || existing.normalizedLocation != wanted.normalizedLocation,
            try !catalog.partitions(database: target.database, table: target.table).isEmpty
        {
            throw TarnError(
                .conflict,
                "job '\(plan.definition.name)': table \(target.database).\(target.table) already has partitions under \(existing.location) keyed by \(existing.partitionKeys.map(\.name)); the job would write \(wanted.location) keyed by \(wanted.partitionKeys.map(\.name)). Drop the table or use another one.")
        }
        try await catalog.updateTable(wanted)
    }

    // MARK: identifiers

    /// A new run id: UTC start time and random bits, so ids sort by start.
    func newRunID() -> String {
        let seconds = Int64(clock.now().timeIntervalSince1970)
        let days = Int(CivilCalendar.floorDivide(seconds, 86_400))
        let time = Int(seconds - Int64(days) * 86_400)
        let date = ValueText.date(days).replacingOccurrences(of: "-", with: "")
        let clockText = String(time / 3600).leftPadded(2) + String(time / 60 % 60).leftPadded(2) + String(time % 60).leftPadded(2)
        return "\(date)T\(clockText)Z-\(Identifiers.randomHex(byteCount: 3, uppercase: false))"
    }

    /// The batch id: 128 bits of hash over the job, the run kind and its inputs, in hex. Equal
    /// inputs give equal ids, so a retried batch writes the same keys.
    static func batchID(job: String, kind: RunKind, inputs: [SourceObject]) -> String {
        var text = "\(job)\n\(kind.rawValue)\n"
        for input in inputs { text += "\(input.bucket)\u{0}\(input.key)\u{0}\(input.etag)\n" }
        let bytes = Array(text.utf8)
        let (high, low) = bytes.withUnsafeBytes {
            (KeyHasher.hashBytes($0, seed: 0x5851_F42D_4C95_7F2D), KeyHasher.hashBytes($0, seed: 0x1405_7B7E_F767_814F))
        }
        return String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(16)
    }
}

/// One async lock per table name: runs writing the same table queue in arrival order.
actor TableLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` holding the lock for `table`.
    func withLock<T: Sendable>(_ table: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(table)
        do {
            let result = try await body()
            release(table)
            return result
        } catch {
            release(table)
            throw error
        }
    }

    private func acquire(_ table: String) async {
        if !held.contains(table) {
            held.insert(table)
            return
        }
        await withCheckedContinuation { waiters[table, default: []].append($0) }
    }

    private func release(_ table: String) {
        if var queue = waiters[table], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[table] = queue.isEmpty ? nil : queue
            next.resume()  // ownership passes directly to the next waiter
        } else {
            held.remove(table)
        }
    }

    /// Whether a run of `table` is in progress.
    func isHeld(_ table: String) -> Bool { held.contains(table) }
}
