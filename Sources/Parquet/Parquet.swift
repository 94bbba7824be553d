/// # Parquet
///
/// A reader and writer for Apache Parquet files, written from the parquet-format specification
/// (parquet.thrift, Encodings.md, LogicalTypes.md). Decoders do no I/O: they say which byte
/// ranges they need and the caller supplies them, so the same code reads local files and S3
/// range GETs.
///
/// ```
///  read:  tail bytes ─▶ ParquetMetadata.decode ─▶ FileMetaData (Thrift/) ─▶ ParquetSchema (Schema/)
///         byteRanges(rowGroup:selection:) ─▶ caller fetches chunks ─▶ decodeRowGroup
///           ColumnChunkDecoder (Column/): page headers, Codecs, levels (Encoding/RLEHybrid…),
///           values (Plain, Dictionary, Delta*, ByteStreamSplit) ─▶ DecodedLeaf
///           ColumnAssembler: definition/repetition levels ─▶ Columnar columns (lists, structs, maps)
///  write: RecordBatch ─▶ ParquetWriter (Writer/) ─▶ ColumnChunkWriter per column: dictionary
///         (PLAIN fallback), RLE levels, pages v1/v2, Codecs, statistics ─▶ ByteSink ─▶ footer
///  look:  ParquetInspector (schema / meta reports), ParquetCat (CSV / JSON Lines), ColumnStatistics
/// ```
///
/// Entry points: `ParquetFileReader` (local files), `ParquetMetadata` + `decodeRowGroup` (any
/// byte source), `ParquetWriter` (streaming writes), `ParquetInspector` and `ParquetCat` (CLI).
/// Malformed input throws `TarnError(.corrupt)` naming the file, row group, column and page.
public enum ParquetModule {}
