import Foundation

/// What a run does.
public enum RunKind: String, Sendable, Codable, Equatable {
    /// Reads new raw objects into the cleansed table.
    case ingest
    /// Merges a partition's small files into larger ones.
    case compaction
}

/// What started a run.
public enum RunTrigger: String, Sendable, Codable, Equatable {
    /// `tarn jobs run` or an API call.
    case manual
    /// `ObjectCreated` events under the source prefix.
    case objectCreated
    /// The job's cron schedule.
    case schedule
}

/// Where a run is in the commit protocol.
public enum RunStatus: String, Sendable, Codable, Equatable {
    /// Planned and processing; nothing visible. A crash here is rolled back by recovery.
    case running
    /// The commit record is durable; publishing may still be in progress (recovery finishes it).
    case committed
    /// Published and registered.
    case succeeded
    /// Stopped before committing; nothing it wrote is visible, its bookmarks were not advanced.
    case failed
}

/// One run of a job, as `tarn jobs history` shows it.
public struct RunRecord: Sendable, Codable, Equatable {
    /// Unique id of this attempt.
    public var runID: String
    /// The job.
    public var job: String
    /// Per-job sequence number (1, 2, …).
    public var sequence: Int
    /// Ingest or compaction.
    public var kind: RunKind
    /// What started it.
    public var trigger: RunTrigger
    /// Where it is.
    public var status: RunStatus
    /// Digest of the job and its inputs; names the run's output files.
    public var batchID: String
    /// When it started.
    public var startedAt: Date
    /// When it succeeded or failed.
    public var finishedAt: Date?
    /// The objects it planned to read (ingest) or the files it planned to merge (compaction).
    public var sources: [SourceObject]
    /// What it did (set at commit).
    public var manifest: RunManifest?
    /// Why it failed.
    public var error: String?
}

/// The record of a run that is stored in the lake (`manifests/<job>/<run>.json`) and in the
/// job-state database: every source object with its row accounting, every file written, the
/// partitions touched, sizes and timings.
public struct RunManifest: Sendable, Codable, Equatable {
    /// The job.
    public var job: String
    /// The run attempt.
    public var runID: String
    /// The batch id naming the output files.
    public var batchID: String
    /// Ingest or compaction.
    public var kind: RunKind
    /// What started the run.
    public var trigger: RunTrigger
    /// `database.table`.
    public var table: String
    /// When the run started.
    public var startedAt: Date
    /// When processing ended (just before the commit).
    public var processedAt: Date
    /// Per source object: identity and counts.
    public var sources: [SourceReport]
    /// Sums over `sources`.
    public var totals: ObjectCounts
    /// Hive paths of the partitions written to.
    public var partitions: [String]
    /// Files made visible by the run.
    public var files: [FileReport]
    /// Files the run removed (compaction).
    public var replacedFiles: [FileReport]
    /// Bytes of all files written.
    public var bytesWritten: Int64
    /// Seconds spent planning (listing, recovery), processing, and staging keys and manifest.
    public var durations: Durations
    /// Problems that did not stop the run.
    public var warnings: [String]

    /// One source object and what became of its rows.
    public struct SourceReport: Sendable, Codable, Equatable {
        /// The object.
        public var object: SourceObject
        /// Its counts.
        public var counts: ObjectCounts
    }

    /// One file written (or replaced).
    public struct FileReport: Sendable, Codable, Equatable {
        /// `data`, `quarantine` or `manifest`.
        public var kind: StagedFile.Kind
        /// `s3://bucket/key`.
        public var uri: String
        /// Hive partition path, for data files of partitioned tables.
        public var partition: String?
        /// Rows.
        public var rows: Int64
        /// Bytes.
        public var bytes: Int64
    }

    /// Wall-clock seconds per phase.
    public struct Durations: Sendable, Codable, Equatable {
        /// Recovery, listing and bookmark filtering.
        public var planning: Double
        /// Reading, validating, deduplicating and writing.
        public var processing: Double
        /// Writing key files and the manifest.
        public var staging: Double
    }
}
