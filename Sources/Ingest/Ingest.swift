/// # Ingest
///
/// Streaming ingestion: Kinesis-style data streams and Firehose-style delivery streams, durable
/// on local disk and independent of HTTP (the `Server` module speaks the JSON 1.1 wire
/// protocols on top of this module).
///
/// ```
///  PutRecords ─▶ DataStreams ─▶ route by MD5(partition key) ─▶ ShardLog (segmented, append-only)
///                   │                                            │ pwrite per batch
///                   │                                            ▼
///                   │                               DurabilityScheduler (one fdatasync round
///                   │                               shared by every concurrent producer)
///                   ▼
///  GetRecords ◀── ShardIterator (opaque, 5 min) ◀── durable prefix of each shard
///
///  Firehose PutRecordBatch ─▶ internal single-shard log ─┐
///  Kinesis stream as source ─────────────────────────────┤
///                                                        ▼
///                         Deliverer: buffer (size / interval) ─▶ plan (durable intent)
///                             ─▶ objects in S3 (deterministic keys) ─▶ checkpoint
/// ```
///
/// **Durability.** A `PutRecords` call is answered only after every record it accepted has
/// been written to its shard's segment file and that file has been `fdatasync`ed. Concurrent
/// producers share each sync round, so sixty-four callers cost about one sync between them.
/// On start-up each shard's newest segment is scanned and cut at the first frame whose
/// checksum fails: such a frame was never acknowledged.
///
/// **Metadata** (streams, shards, lineage, tags, delivery streams, checkpoints) lives in SQLite
/// (`streams.db`), committed before any change is reported to the caller.
public enum IngestModule {}
