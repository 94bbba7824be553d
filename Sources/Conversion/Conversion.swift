/// # Conversion
///
/// Streaming conversion of raw text files (CSV, JSON Lines, optionally gzip-compressed) into
/// Parquet — `tarn convert`, and the building block for loading local files into the lake.
///
/// ```
///  bytes ─▶ [gunzip] ─▶ CSVReader / JSONLinesReader ─▶ RecordBatch ─▶ ParquetWriter ─▶ file
///                              └─▶ rejected rows (line, column, reason, text) ─▶ rejects JSONL
/// ```
///
/// Memory is bounded by one read chunk, one batch and the Parquet writer's open row group. A row
/// that does not fit the schema is never dropped silently: it is returned as a reject, and the
/// caller writes it out.
public enum ConversionModule {}
