/// # TextFormats
///
/// Streaming CSV (RFC 4180) and JSON Lines readers and writers that produce and consume
/// `Columnar` record batches, with schema inference for files that arrive without one.
public enum TextFormatsModule {}
