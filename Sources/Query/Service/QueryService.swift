import Catalog
import Columnar
import Dispatch
import Foundation
import Parquet
import QueryExecution
import QueryPlanner
import SQLParser
import Storage
import Synchronization
import TarnCore

/// Settings of the query service.
public struct QueryServiceOptions: Sendable {
    /// Engine settings (memory limit, parallelism, optimizer rules).
    public var engine: EngineOptions
    /// Whether `read_*` table functions may read local paths (embedded CLI only: in the server
    /// a SQL user must not read the server's files).
    public var allowLocalFiles: Bool
    /// Where CTAS puts a table without `external_location` when its database has no location:
    /// `<warehouse>/<database>/<table>/`. The bucket is created on first use.
    public var warehouseLocation: String
    /// Parquet layout of CTAS and INSERT files (Snappy, dictionary, statistics).
    public var parquet: WriteOptions
    /// Bytes of row groups CTAS and INSERT may buffer across open partition files.
    public var writeMemoryLimit: Int
    /// Workgroups with settings, by name (`DIR/tarn.yaml`'s `workgroups`); a workgroup not
    /// listed has no limits.
    public var workgroups: [String: WorkgroupConfiguration]

    /// Default options.
    public init(
        engine: EngineOptions = EngineOptions(), allowLocalFiles: Bool = false, warehouseLocation: String = "s3://tarn-warehouse/",
        parquet: WriteOptions = QueryServiceOptions.defaultParquet, writeMemoryLimit: Int = 512 << 20,
        workgroups: [String: WorkgroupConfiguration] = [:]
    ) {
        self.engine = engine
        self.allowLocalFiles = allowLocalFiles
        self.warehouseLocation = warehouseLocation
        self.parquet = parquet
        self.writeMemoryLimit = writeMemoryLimit
        self.workgroups = workgroups
    }

    /// The engine's default per-query memory limit (`MemoryLimits.defaultPerQuery`: 80 % of the
    /// memory the process may use), what `engine.memoryLimit` is unless someone sets it.
    public static var defaultMemoryLimit: Int { MemoryLimits.defaultPerQuery }

    /// Snappy, row groups of 128 Ki rows (small enough for statistics to skip and for two
    /// workers to share a file, large enough to compress well).
    public static var defaultParquet: WriteOptions {
        var options = WriteOptions()
        options.compression = .snappy
        options.rowGroupRows = 128 * 1024
        return options
    }
}

/// Runs SQL statements against the lake — the Athena of Tarn.
///
/// ```swift
/// let service = try QueryService(directory: dataDir, objects: lake.store, options: .init(allowLocalFiles: true))
/// var context = QueryContext(database: "retail")
/// let result = try await service.execute("SELECT region, sum(total) FROM sales GROUP BY 1", context: &context)
/// print(result.statistics.summary)   // rows, bytes scanned, files and row groups read/skipped, time
/// ```
///
/// DDL and catalog statements run against the `CatalogStore`; queries, EXPLAIN and EXPLAIN
/// ANALYZE through `QueryEngine` over `LakeCatalog`; CTAS and INSERT INTO stream the query's
/// result into staged Parquet files that become visible together. Every statement, failed or
/// not, is recorded in the `QueryHistory`. A workgroup's `BytesScannedCutoffPerQuery`
/// (`QueryServiceOptions.workgroups`) cancels a statement while it scans, as soon as its bytes
/// scanned pass the limit; the history records it as `CANCELLED` with the bytes read so far. Safe to use from many tasks at once; blocking work
/// runs off the cooperative pool.
public final class QueryService: Sendable {
    /// The table catalog.
    public let catalog: CatalogStore
    /// The object store tables live in.
    public let objects: ObjectStore
    /// The statement history (nil: not recorded).
    public let history: QueryHistory?
    /// The settings.
    public let options: QueryServiceOptions
    let files: FileStore
    private let defaultDatabaseReady = Atomic<Bool>(false)

    /// Creates a service over an open catalog and object store.
    public init(catalog: CatalogStore, objects: ObjectStore, history: QueryHistory?, options: QueryServiceOptions = QueryServiceOptions()) {
        self.catalog = catalog
        self.objects = objects
        self.history = history
        self.options = options
        self.files = FileStore(objects: objects, allowLocalFiles: options.allowLocalFiles)
    }

    /// Opens the catalog (`DIR/catalog/catalog.db`) and history (`DIR/query/history.db`) of a
    /// data directory.
    public convenience init(directory: String, objects: ObjectStore, options: QueryServiceOptions = QueryServiceOptions()) throws {
        try FileSystem.createDirectory(directory + "/catalog", permissions: 0o700)
        try FileSystem.createDirectory(directory + "/query", permissions: 0o700)
        self.init(
            catalog: try CatalogStore(path: directory + "/catalog/catalog.db"), objects: objects,
            history: try QueryHistory(path: directory + "/query/history.db"), options: options)
    }

    /// Runs one statement.
    /// - Parameters:
    ///   - sql: the statement (a trailing `;` is allowed).
    ///   - context: the session; `USE db` changes its database.
    /// - Returns: rows and statistics.
    /// - Throws: `TarnError` — syntax, semantic and type errors with positions, catalog errors
    ///   (`EntityNotFoundException`, `AlreadyExistsException`), I/O and data errors.
    public func execute(_ sql: String, context: inout QueryContext) async throws -> StatementResult {
        let id = UUID().uuidString.lowercased()
        let submitted = Date()
        let start = DispatchTime.now().uptimeNanoseconds
        let ledger = ScanLedger(
            bytesScannedCutoff: options.workgroups[context.workgroup]?.bytesScannedCutoffPerQuery, workgroup: context.workgroup)
        let database = context.database
        var statementType: QueryRecord.StatementType? = nil
        do {
            let statement = try SQLParser.parse(sql)
            statementType = Self.statementType(statement)
            try await ensureDefaultDatabase()
            var outcome = try await run(statement, id: id, context: &context, ledger: ledger)
            outcome.result.statistics.wallTime = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            outcome.tables = Self.tableScans(ledger)
            let s = outcome.result.statistics
            try await history?.record(
                QueryRecord(
                    id: id, workgroup: context.workgroup, database: database, query: sql, statementType: outcome.statementType, state: .succeeded,
                    submitted: submitted, wallTime: s.wallTime, rows: Int64(s.rows), bytesScanned: s.bytesScanned, filesRead: s.filesRead,
                    filesSkipped: s.filesSkipped, rowGroupsRead: s.rowGroupsRead, rowGroupsSkipped: s.rowGroupsSkipped,
                    bytesWritten: outcome.bytesWritten, tables: outcome.tables))
            return outcome
        } catch {
            var tarnError = error as? TarnError ?? TarnError(.internal, "\(error)")
            let tables = Self.tableScans(ledger)
            let cancelled = ledger.cancelledByCutoff
            if cancelled, let cutoff = ledger.bytesScannedCutoff, tarnError.code != .limitExceeded {
                // An operator may wrap or replace the scan's error; the statement was still cancelled by the limit.
                tarnError = ScanLedger.cutoffError(scanned: ledger.total, cutoff: cutoff, workgroup: context.workgroup)
            }
            try? await history?.record(
                QueryRecord(
                    id: id, workgroup: context.workgroup, database: database, query: sql, statementType: statementType,
                    state: cancelled ? .cancelled : .failed,
                    errorCode: tarnError.code.rawValue, error: tarnError.message, submitted: submitted,
                    wallTime: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                    bytesScanned: tables.reduce(0) { $0 + $1.bytesScanned }, tables: tables))
            if cancelled { throw tarnError }
            throw error
        }
    }

    /// Runs every statement of a script (statements separated by `;`) in order, stopping at
    /// the first failure.
    public func executeScript(_ script: String, context: inout QueryContext) async throws -> [StatementResult] {
        var results: [StatementResult] = []
        for statement in SQLScript.split(script) { results.append(try await execute(statement, context: &context)) }
        return results
    }

    /// Athena's statement type of a parsed statement.
    static func statementType(_ statement: Statement) -> QueryRecord.StatementType {
        switch statement {
        case .query, .createTableAsSelect, .insert: .dml
        case .createDatabase, .dropDatabase, .createExternalTable, .dropTable, .msckRepairTable, .alterTableAddPartitions, .alterTableDropPartitions: .ddl
        case .explain, .showDatabases, .showTables, .showPartitions, .showColumns, .showCreateTable, .describe, .use: .utility
        }
    }

    static func tableScans(_ ledger: ScanLedger) -> [QueryRecord.TableScan] {
        ledger.byTable.sorted { $0.key < $1.key }.map { name, bytes in
            if !name.contains("("), let dot = name.firstIndex(of: ".") {
                return QueryRecord.TableScan(database: String(name[..<dot]), table: String(name[name.index(after: dot)...]), bytesScanned: bytes)
            }
            return QueryRecord.TableScan(database: nil, table: name, bytesScanned: bytes)
        }
    }

    /// Athena always has a `default` database.
    private func ensureDefaultDatabase() async throws {
        if defaultDatabaseReady.load(ordering: .acquiring) { return }
        try await catalog.createDatabase(DatabaseDefinition(name: "default", description: "Default database"), ifNotExists: true)
        defaultDatabaseReady.store(true, ordering: .releasing)
    }

    private func run(_ statement: Statement, id: String, context: inout QueryContext, ledger: ScanLedger) async throws -> StatementResult {
        let type = Self.statementType(statement)
        func done(_ result: QueryResult, bytesWritten: Int64 = 0) -> StatementResult {
            StatementResult(queryID: id, statementType: type, result: result, bytesWritten: bytesWritten)
        }
        switch statement {
        case .query, .explain(.query, _):
            let engine = self.engine(context: context, ledger: ledger)
            return done(try await BlockingIO.run { try engine.execute(statement) })
        case .explain(let inner, let analyze):
            return done(try await explainWrite(inner, analyze: analyze, context: context, ledger: ledger))
        case .createDatabase(let name, let ifNotExists, let comment, let location):
            try await catalog.createDatabase(DatabaseDefinition(name: name.canonical, description: comment, location: location), ifNotExists: ifNotExists)
            return done(.empty)
        case .dropDatabase(let name, let ifExists, let cascade):
            try await catalog.dropDatabase(name.canonical, ifExists: ifExists, cascade: cascade)
            return done(.empty)
        case .createExternalTable(let table):
            try await createExternalTable(table, context: context)
            return done(.empty)
        case .dropTable(let name, let ifExists):
            let (database, table) = try qualified(name, context)
            try await catalog.dropTable(database: database, name: table, ifExists: ifExists)
            return done(.empty)
        case .msckRepairTable(let name):
            return done(try await repairTable(name, context: context))
        case .alterTableAddPartitions(let name, let ifNotExists, let partitions):
            try await addPartitions(name, ifNotExists: ifNotExists, partitions, context: context)
            return done(.empty)
        case .alterTableDropPartitions(let name, let ifExists, let partitions):
            try await dropPartitions(name, ifExists: ifExists, partitions, context: context)
            return done(.empty)
        case .createTableAsSelect(let ctas):
            let (result, written) = try await createTableAsSelect(ctas, id: id, context: context, ledger: ledger)
            return done(result, bytesWritten: written)
        case .insert(let table, let columns, let query):
            let (result, written) = try await insert(table, columns: columns, query: query, id: id, context: context, ledger: ledger)
            return done(result, bytesWritten: written)
        case .showDatabases(let like):
            return done(try showDatabases(like: like))
        case .showTables(let database, let like):
            return done(try showTables(database: database?.canonical ?? context.database, like: like))
        case .showPartitions(let name):
            return done(try showPartitions(name, context: context))
        case .showColumns(let name):
            return done(try showColumns(name, context: context))
        case .showCreateTable(let name):
            return done(try showCreateTable(name, context: context))
        case .describe(let name):
            return done(try describe(name, context: context))
        case .use(let database):
            guard try catalog.database(database.canonical) != nil else {
                throw TarnError(.entityNotFound, "Database \(database.canonical) not found.")
            }
            context.database = database.canonical
            return done(.empty)
        }
    }

    /// An engine for one statement: the session's settings and a catalog that charges this
    /// statement's ledger.
    func engine(context: QueryContext, ledger: ScanLedger) -> QueryEngine {
        var engineOptions = options.engine
        engineOptions.binder.parseDecimalLiteralsAsDouble = context.parseDecimalLiteralsAsDouble
        let lakeCatalog = LakeCatalog(defaultDatabase: context.database, store: catalog, files: files.scoped(context.access), ledger: ledger)
        return QueryEngine(catalog: lakeCatalog, options: engineOptions)
    }

    /// `(database, table)` of a possibly qualified name.
    func qualified(_ name: [Identifier], _ context: QueryContext) throws -> (String, String) {
        switch name.count {
        case 1: return (context.database, name[0].canonical)
        case 2: return (name[0].canonical, name[1].canonical)
        case 3 where name[0].canonical == "awsdatacatalog": return (name[1].canonical, name[2].canonical)
        default: throw TarnError(.invalidArgument, "table name \(name.map(\.name).joined(separator: ".")) has too many parts")
        }
    }

    /// The catalog entry of a table, or `EntityNotFoundException`.
    func requireTable(_ name: [Identifier], _ context: QueryContext) throws -> TableDefinition {
        let (database, table) = try qualified(name, context)
        guard let definition = try catalog.table(database: database, name: table) else {
            throw TarnError(.entityNotFound, "Table \(database).\(table) not found.")
        }
        return definition
    }
}
