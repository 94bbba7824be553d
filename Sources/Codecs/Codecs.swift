/// # Codecs
///
/// Compression for Parquet pages and for raw objects, as thin Swift APIs over the well-kept C
/// libraries (system-library targets `CZstd`, `CSnappy`, `CLZ4`, `CZlib`):
///
/// ```
///  block codecs (Parquet pages): UNCOMPRESSED · SNAPPY · GZIP · ZSTD · LZ4_RAW
///  streams (raw zone objects, Firehose output): gzip inflate / deflate
/// ```
///
/// Callers own the output buffers (`compress(into:)`), so page loops reuse one allocation.
public enum CodecsModule {}
