/// # Parquet
///
/// A reader and writer for Apache Parquet files, written from the parquet-format specification.
/// Decoders do no I/O: they say which byte ranges they need and the caller supplies them, so the
/// same code reads local files and S3 range GETs.
public enum ParquetModule {}
