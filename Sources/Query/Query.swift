/// # Query
///
/// The engine facade — Athena's role: every SQL statement goes through `QueryService`, which
/// runs DDL and catalog statements itself and queries through `QueryEngine` over the lake's
/// files, counts what each query read, and keeps a history of queries for the cost report.
///
/// ```
///  SQL ─▶ QueryService.execute ─┬─ DDL (DDL/): CREATE DATABASE/EXTERNAL TABLE, DROP, ALTER … PARTITION,
///                               │   MSCK REPAIR, SHOW/DESCRIBE ─▶ CatalogStore
///                               ├─ CTAS / INSERT INTO (Write/): query ─▶ PartitionedParquetWriter
///                               │   ─▶ staged uploads ─▶ one ObjectStore.commit ─▶ catalog
///                               └─ query / EXPLAIN [ANALYZE] ─▶ QueryEngine(LakeCatalog)
///  LakeCatalog (Catalog/): catalog tables and read_parquet/read_csv/read_json ─▶ TableSources
///  Scan/: ParquetSource  list files ─▶ prune partitions ─▶ footer by ranged reads ─▶ skip row
///                        groups by min/max ─▶ read only the needed column chunks
///         TextSource     CSV / JSON Lines (gzip), split at line boundaries when no quoting
///  Files/: FileLocation (s3://bucket/prefix, local paths, globs) · FileStore (list, open) ·
///          FileListing (hidden files, Hive key=value partitions)
///  ScanLedger: bytes read per table ─▶ QueryHistory (SQLite) ─▶ cost report; enforces the
///             workgroup's BytesScannedCutoffPerQuery on every read (CANCELLED past it)
///  Output/: ResultFormatter (aligned table, RFC 4180 CSV, JSON)
/// ```
///
/// Bytes scanned are the bytes actually read from objects (footers and column chunks for
/// Parquet, object bytes for text), the figure Athena bills.
public enum QueryModule {}
