/// # Jobs
///
/// Glue-style ETL: a job reads new raw objects (CSV or JSON Lines, optionally gzip) under a
/// prefix, validates every row against the table's schema and rules, standardizes it,
/// deduplicates it against the run and everything already cleansed, and writes Snappy Parquet
/// into the cleansed zone partitioned `year=/month=/day=`, registering partitions in the
/// catalog. Rejected rows go to quarantine as JSON Lines with object, line and reason; nothing is
/// dropped silently: per object, rows read = written + quarantined + duplicates.
///
/// ```
///  JobDefinition ──JobPlan(_:)──▶ JobPlan (types parsed, rules compiled, indices resolved)
///
///  parse thread                                  write thread
///  ─────────────                                 ────────────
///  SourceReader: ranged GETs, gunzip,            RunWriter: dedupe (KeySet per partition,
///    CSV/JSON reader → typed batches               loaded from key files) → PartitionRouter →
///  BatchTransformer: standardize, derive,   ══▶    one ParquetWriter per partition, row groups
///    validate (RowValidator), fingerprint          flushed under a memory budget, files rolled
///    dedupe keys (KeyHasher)        BlockingQueue  at the target size → StagedUpload (one-part
///                                                  multipart upload, invisible) ; rejects →
///                                                  QuarantineWriter
///
///  JobRunner: plan (list − bookmarks) → process → key files → manifest → COMMIT → PUBLISH
///  TriggerService: ObjectCreated events (Debouncer) and cron schedules (CronSchedule) → run
/// ```
///
/// ## Commit protocol
///
/// A run's outputs become visible all at once or not at all, and a run interrupted anywhere is
/// either finished or undone by recovery (`JobRunner.recover()`, also run before every run of a
/// job). The durable state is the job-state database (`DIR/jobs/state.db`, SQLite WAL with
/// `synchronous=FULL`) and the object store's metadata index.
///
/// 1. **Plan.** List the source prefix, drop objects bookmarked by (key, ETag), and record the
///    run as `running` with its objects and its *batch id* — a hash of the job and the planned
///    objects. Crash after this: recovery marks the run failed; nothing else exists yet.
/// 2. **Stage.** Every output file (Parquet per partition, quarantine JSON Lines, the manifest)
///    is written into a one-part multipart upload whose key carries the batch id. Uploads in
///    progress are invisible to listings and GETs (S3 semantics). Crash here: recovery aborts
///    the uploads whose keys carry the batch id and marks the run failed; the objects stay
///    unbookmarked, so the next run reads them again, and since equal inputs give an equal batch
///    id and the writers are deterministic, it produces byte-identical files at the same keys.
/// 3. **Key files.** The run's new dedupe fingerprints are written per partition to
///    `DIR/jobs/keys/<table>/<partition>/<batch>.keys` (temp file, fsync, rename). Unreferenced
///    until the commit; recovery deletes them with the batch.
/// 4. **Commit** — the moment the run happens: one SQLite transaction sets the run `committed`
///    with its manifest and its publish plan (uploads to complete, files to delete, partitions to
///    register), bookmarks its objects, adds its files to the table's committed file list and its
///    key files to the dedupe index.
/// 5. **Publish.** One object-store metadata transaction (`ObjectStore.publish`) completes every
///    staged upload and deletes the files a compaction replaced: a lister sees the whole run or
///    none of it. Idempotent: an upload already completed into an object with the expected ETag
///    is skipped, so recovery replays this step safely.
/// 6. **Register** new partitions in the catalog (`ifNotExists`), then mark the run `succeeded`.
///    Crash after 4: recovery replays 5 and 6.
///
/// Readers: anything listing the table's prefix (the SQL engine over catalog partition
/// locations, DuckDB, Athena-style tools) sees only whole runs, because of step 5. A new
/// partition appears in the catalog just after its files become visible (step 6), never before.
/// `JobRunner.committedFiles(job:)` gives the committed file list, which changes only at
/// commits, for readers that want a snapshot by file list instead of by listing.
///
/// ## Dedupe index
///
/// Rows are identified by a 128-bit fingerprint of their dedupe key columns (`KeyHasher`). With
/// `DedupeScope.partition` (the default for partitioned tables) a run loads only the key files
/// of the partitions it touches, so memory follows the run, not the table's history; with
/// `.table` every key is loaded. Within a run the first occurrence of a key wins.
///
/// ## Memory and threads
///
/// Two dedicated threads per run (parse+validate, dedupe+encode) joined by a bounded queue, so
/// both cores work; async store calls from them go through `Blocking.wait`. Memory is bounded
/// by: the queue (8 batches of 8,192 rows), one open row group per partition file with their
/// sum capped by `OutputOptions.bufferBytes` (the largest is flushed first), the dedupe sets of
/// the touched partitions (~23 bytes per key), and one 4 MiB input chunk.
///
/// ## Layout
///
/// ```
///  DIR/jobs/state.db                         definitions, runs, bookmarks, committed files, key files
///  DIR/jobs/keys/<db.table>/<partition>/<batch>.keys
///  s3://<target>/<prefix>/year=Y/month=M/day=D/part-<batch>-<n>.snappy.parquet
///  s3://<quarantine>/part-<batch>-<n>.jsonl
///  s3://<manifests>/<run>.json               (default: manifests/<job>/ in the target bucket)
/// ```
public enum JobsModule {}
