import Foundation
import TarnCore

/// What a committed run still has to make visible: replayed after a crash until it is done.
struct PublishPlan: Sendable, Codable, Equatable {
    /// Staged uploads to complete (data, quarantine, manifest).
    var staged: [StagedFile]
    /// Objects to delete in the same step (files replaced by compaction).
    var deletions: [ObjectRef]
    /// Partitions to register in the catalog: Hive path and values.
    var partitions: [PartitionRef]
    /// Key files (relative paths) the commit replaced, deleted once published.
    var obsoleteKeyFiles: [String] = []
}

/// A bucket and key.
struct ObjectRef: Sendable, Codable, Equatable, Hashable {
    var bucket: String
    var key: String
}

/// A partition of the target table.
struct PartitionRef: Sendable, Codable, Equatable {
    var spec: String
    var values: [String?]
}

/// A committed file of a job-managed table, as readers that want a run-consistent snapshot see it.
public struct CommittedFile: Sendable, Codable, Equatable {
    /// Hive partition path (empty for unpartitioned tables).
    public var partition: String
    /// Bucket.
    public var bucket: String
    /// Key.
    public var key: String
    /// Bytes.
    public var size: Int64
    /// Rows.
    public var rows: Int64
    /// The run that wrote it.
    public var runID: String
}

/// A committed dedupe key file.
struct KeyFileRecord: Sendable, Equatable {
    var partition: String
    /// Path relative to the jobs directory.
    var path: String
    var keys: Int
}

/// The job-state database (`DIR/jobs/state.db`): definitions, runs, bookmarks, the committed
/// file list of every job-managed table and the dedupe key index, in SQLite (WAL,
/// `synchronous=FULL`). A run's commit is one transaction here; that transaction is the moment
/// the run happens.
public final class JobStateStore: Sendable {
    let database: SQLiteDatabase

    static let schema = """
        CREATE TABLE IF NOT EXISTS jobs (
            name TEXT PRIMARY KEY,
            definition TEXT NOT NULL,
            updated_ms INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT PRIMARY KEY,
            job TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            trigger TEXT NOT NULL,
            status TEXT NOT NULL,
            batch TEXT NOT NULL,
            started_ms INTEGER NOT NULL,
            finished_ms INTEGER,
            sources TEXT NOT NULL,
            manifest TEXT,
            publish TEXT,
            error TEXT
        );
        CREATE INDEX IF NOT EXISTS runs_by_job ON runs (job, seq);
        CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
        CREATE TABLE IF NOT EXISTS bookmarks (
            job TEXT NOT NULL,
            bucket TEXT NOT NULL,
            key BLOB NOT NULL,
            etag TEXT NOT NULL,
            run_id TEXT NOT NULL,
            PRIMARY KEY (job, bucket, key, etag)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS table_files (
            tbl TEXT NOT NULL,
            partition TEXT NOT NULL,
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            size INTEGER NOT NULL,
            rows INTEGER NOT NULL,
            run_id TEXT NOT NULL,
            PRIMARY KEY (bucket, key)
        );
        CREATE INDEX IF NOT EXISTS table_files_by_partition ON table_files (tbl, partition);
        CREATE TABLE IF NOT EXISTS key_files (
            tbl TEXT NOT NULL,
            partition TEXT NOT NULL,
            path TEXT PRIMARY KEY,
            keys INTEGER NOT NULL,
            run_id TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS key_files_by_partition ON key_files (tbl, partition);
        """

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// Opens (creating if needed) the database at `path`.
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(Self.schema)
    }

    static func encode<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, what: String) throws -> T {
        guard let text else { throw TarnError(.corrupt, "job state: \(what) is missing") }
        do { return try decoder.decode(type, from: Data(text.utf8)) } catch { throw TarnError(.corrupt, "job state: \(what) does not decode: \(error)") }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    // MARK: definitions

    /// Stores (or replaces) a job definition.
    func saveDefinition(_ definition: JobDefinition, at date: Date) throws {
        try database.query(
            "INSERT INTO jobs (name, definition, updated_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_ms = excluded.updated_ms",
            [definition.name, try Self.encode(definition), Self.milliseconds(date)])
    }

    /// Removes a job definition (its runs and bookmarks stay, for history).
    func deleteDefinition(_ name: String) throws -> Bool {
        try database.transaction { tx in
            try tx.query("DELETE FROM jobs WHERE name = ?", [name])
            return tx.changes > 0
        }
    }

    /// One job definition, or nil.
    public func definition(_ name: String) throws -> JobDefinition? {
        try database.query("SELECT definition FROM jobs WHERE name = ?", [name]).first.map {
            try Self.decode(JobDefinition.self, $0["definition"].string, what: "definition of job \(name)")
        }
    }

    /// Every job definition, by name.
    public func definitions() throws -> [JobDefinition] {
        try database.query("SELECT name, definition FROM jobs ORDER BY name").map {
            try Self.decode(JobDefinition.self, $0["definition"].string, what: "definition of job \($0["name"].string ?? "?")")
        }
    }

    // MARK: runs

    /// Records a new run as `running` and returns it with its sequence number.
    func beginRun(_ run: RunRecord) throws -> RunRecord {
        var run = run
        try database.transaction { tx in
            let last = try tx.query("SELECT MAX(seq) AS seq FROM runs WHERE job = ?", [run.job]).first?["seq"].int ?? 0
            run.sequence = Int(last) + 1
            try tx.query(
                "INSERT INTO runs (run_id, job, seq, kind, trigger, status, batch, started_ms, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run.runID, run.job, run.sequence, run.kind.rawValue, run.trigger.rawValue, RunStatus.running.rawValue, run.batchID,
                 Self.milliseconds(run.startedAt), try Self.encode(run.sources)])
        }
        return run
    }

    /// Runs of `job`, newest first.
    public func runs(job: String, limit: Int = 100) throws -> [RunRecord] {
        try database.query("SELECT * FROM runs WHERE job = ? ORDER BY seq DESC LIMIT ?", [job, limit]).map(Self.runRecord)
    }

    /// One run, or nil.
    public func run(_ runID: String) throws -> RunRecord? {
        try database.query("SELECT * FROM runs WHERE run_id = ?", [runID]).first.map(Self.runRecord)
    }

    /// Runs that did not finish (status `running` or `committed`), oldest first; of one job or all.
    func unfinishedRuns(job: String? = nil) throws -> [(RunRecord, PublishPlan?)] {
        let rows: [SQLiteRow]
        if let job {
            rows = try database.query("SELECT * FROM runs WHERE status IN ('running', 'committed') AND job = ? ORDER BY started_ms, seq", [job])
        } else {
            rows = try database.query("SELECT * FROM runs WHERE status IN ('running', 'committed') ORDER BY started_ms, seq")
        }
        return try rows.map { row in
            let plan = try row["publish"].string.map { try Self.decode(PublishPlan.self, $0, what: "publish plan") }
            return (try Self.runRecord(row), plan)
        }
    }

    static func runRecord(_ row: SQLiteRow) throws -> RunRecord {
        let runID = row["run_id"].string ?? ""
        guard let kind = RunKind(rawValue: row["kind"].string ?? ""), let trigger = RunTrigger(rawValue: row["trigger"].string ?? ""),
            let status = RunStatus(rawValue: row["status"].string ?? "")
        else { throw TarnError(.corrupt, "job state: run \(runID) has an unknown kind, trigger or status") }
        return RunRecord(
            runID: runID, job: row["job"].string ?? "", sequence: Int(row["seq"].int ?? 0), kind: kind, trigger: trigger, status: status,
            batchID: row["batch"].string ?? "", startedAt: date(row["started_ms"].int ?? 0), finishedAt: row["finished_ms"].int.map(date),
            sources: try decode([SourceObject].self, row["sources"].string, what: "sources of run \(runID)"),
            manifest: try row["manifest"].string.map { try decode(RunManifest.self, $0, what: "manifest of run \(runID)") },
            error: row["error"].string)
    }

    /// The commit: in one transaction the run becomes `committed` with its manifest and publish
    /// plan, its source objects are bookmarked, its files enter the table's committed file list
    /// (replacing `removedFiles`), and its key files join the dedupe index (replacing
    /// `removedKeyFiles`).
    /// - Throws: `TarnError(.conflict)` when the run is no longer `running` (recovered meanwhile)
    ///   or a file key is already committed by another run.
    func commit(
        run: RunRecord, manifest: RunManifest, plan: PublishPlan, table: String, bookmarks: [SourceObject], removedFiles: [ObjectRef],
        keyFiles: [KeyFileRecord], removedKeyFiles: [String]
    ) throws {
        let manifestText = try Self.encode(manifest), planText = try Self.encode(plan)
        try database.transaction { tx in
            try tx.query(
                "UPDATE runs SET status = 'committed', manifest = ?, publish = ? WHERE run_id = ? AND status = 'running'",
                [manifestText, planText, run.runID])
            guard tx.changes == 1 else { throw TarnError(.conflict, "run \(run.runID) of job \(run.job) is no longer running; not committing it") }
            for object in bookmarks {
                try tx.query(
                    "INSERT OR REPLACE INTO bookmarks (job, bucket, key, etag, run_id) VALUES (?, ?, ?, ?, ?)",
                    [run.job, object.bucket, Array(object.key.utf8), object.etag, run.runID])
            }
            for removed in removedFiles {
                try tx.query("DELETE FROM table_files WHERE bucket = ? AND key = ?", [removed.bucket, removed.key])
            }
            for file in plan.staged where file.kind == .data {
                if try !tx.query("SELECT 1 FROM table_files WHERE bucket = ? AND key = ?", [file.bucket, file.key]).isEmpty {
                    throw TarnError(.conflict, "s3://\(file.bucket)/\(file.key) is already a committed file of \(table)")
                }
                try tx.query(
                    "INSERT INTO table_files (tbl, partition, bucket, key, size, rows, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [table, file.partition ?? "", file.bucket, file.key, file.size, file.rows, run.runID])
            }
            for path in removedKeyFiles { try tx.query("DELETE FROM key_files WHERE path = ?", [path]) }
            for file in keyFiles {
                try tx.query(
                    "INSERT INTO key_files (tbl, partition, path, keys, run_id) VALUES (?, ?, ?, ?, ?)",
                    [table, file.partition, file.path, file.keys, run.runID])
            }
        }
    }

    /// Marks a committed run succeeded (publish and registration done).
    func markSucceeded(_ runID: String, at date: Date) throws {
        try database.query(
            "UPDATE runs SET status = 'succeeded', finished_ms = ?, publish = NULL WHERE run_id = ? AND status = 'committed'",
            [Self.milliseconds(date), runID])
    }

    /// Records a run with nothing to do as succeeded in one step.
    func markEmptySucceeded(_ runID: String, manifest: RunManifest, at date: Date) throws {
        try database.query(
            "UPDATE runs SET status = 'succeeded', finished_ms = ?, manifest = ? WHERE run_id = ? AND status = 'running'",
            [Self.milliseconds(date), try Self.encode(manifest), runID])
    }

    /// Marks a run that never committed as failed.
    func markFailed(_ runID: String, error: String, at date: Date) throws {
        try database.query(
            "UPDATE runs SET status = 'failed', finished_ms = ?, error = ? WHERE run_id = ? AND status = 'running'",
            [Self.milliseconds(date), error, runID])
    }

    // MARK: bookmarks, files, keys

    /// The objects `job` has processed, as `bucket/key/etag` identities.
    func bookmarks(job: String) throws -> Set<SourceIdentity> {
        var result = Set<SourceIdentity>()
        for row in try database.query("SELECT bucket, key, etag FROM bookmarks WHERE job = ?", [job]) {
            result.insert(SourceIdentity(bucket: row["bucket"].string ?? "", key: String(decoding: row["key"].bytes ?? [], as: UTF8.self), etag: row["etag"].string ?? ""))
        }
        return result
    }

    /// The committed files of `table` (`database.table`), optionally of one partition, by key.
    public func committedFiles(table: String, partition: String? = nil) throws -> [CommittedFile] {
        let rows: [SQLiteRow]
        if let partition {
            rows = try database.query("SELECT * FROM table_files WHERE tbl = ? AND partition = ? ORDER BY key", [table, partition])
        } else {
            rows = try database.query("SELECT * FROM table_files WHERE tbl = ? ORDER BY partition, key", [table])
        }
        return rows.map {
            CommittedFile(
                partition: $0["partition"].string ?? "", bucket: $0["bucket"].string ?? "", key: $0["key"].string ?? "",
                size: $0["size"].int ?? 0, rows: $0["rows"].int ?? 0, runID: $0["run_id"].string ?? "")
        }
    }

    /// The committed key files of one partition (`""`: the whole-table index).
    func keyFiles(table: String, partition: String) throws -> [KeyFileRecord] {
        try database.query("SELECT partition, path, keys FROM key_files WHERE tbl = ? AND partition = ? ORDER BY path", [table, partition]).map {
            KeyFileRecord(partition: $0["partition"].string ?? "", path: $0["path"].string ?? "", keys: Int($0["keys"].int ?? 0))
        }
    }

    /// Every committed key file of a table.
    func allKeyFiles(table: String) throws -> [KeyFileRecord] {
        try database.query("SELECT partition, path, keys FROM key_files WHERE tbl = ? ORDER BY partition, path", [table]).map {
            KeyFileRecord(partition: $0["partition"].string ?? "", path: $0["path"].string ?? "", keys: Int($0["keys"].int ?? 0))
        }
    }
}

/// An object version as bookmarks identify it.
struct SourceIdentity: Hashable, Sendable {
    var bucket: String
    var key: String
    var etag: String
}
