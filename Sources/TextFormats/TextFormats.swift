/// # TextFormats
///
/// Streaming CSV (RFC 4180) and JSON Lines readers and writers that produce and consume
/// `Columnar` record batches, with schema inference for files that arrive without one. Used by
/// the ETL jobs (validate every row, quarantine rejects), the SQL engine (`read_csv`,
/// `read_json`, Athena TEXTFILE / JSON tables), `tarn convert` and Firehose.
///
/// ```
///  bytes (any chunking; gunzip first with Codecs.GzipDecompressor)
///    │ push
///    ▼
///  CSVReader ── CSVTokenizer ──▶ field table (flat Int32 bounds, line numbers, no per-field allocation)
///  JSONLinesReader ── JSONParser ──▶ JSONTape (16-byte tokens) ──▶ member slots per schema field
///    │                                   │
///    └──────── TextFieldSource ──────────┘
///                    ▼
///          TypedBatchBuilder: one tight loop per column (Values/: integers, doubles,
///          exact decimals, booleans, dates, timestamps → UTC, UTF-8 checks); a bad field marks
///          its row rejected; rejected rows are slid out in place
///                    ▼
///          TextBatch = RecordBatch (good rows) + [RejectedRow] (line, column, reason, text)
///
///  RecordBatch ──▶ CSVWriter / JSONLinesWriter ──▶ bytes
///  sample bytes ──▶ CSVSchemaInference / JSONSchemaInference ──▶ Schema
/// ```
///
/// Folders follow the pipeline: `CSV/` and `JSON/` (tokenizing, parsing, readers, writers),
/// `Batch/` (the typed builder shared by both readers, rejections, compaction, column text
/// formatting for the writers), `Values/` (text ↔ value conversions), `Inference/`.
///
/// Invariants: no row is dropped silently (every source row is in a batch or in `rejected`);
/// malformed input never traps; results do not depend on how the input was chunked; memory is
/// bounded by a batch plus the largest accepted record.
public enum TextFormatsModule {}
