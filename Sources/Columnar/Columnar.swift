/// # Columnar
///
/// Tarn's in-memory data: typed column vectors grouped into record batches, the currency
/// between the Parquet and text readers, the query engine and the writers.
///
/// ```
///  Schema ── [Field(name, DataType, nullable)]
///  RecordBatch ── schema + [Column] (all the same length, a few thousand rows)
///  Column ── type + validity ([Bool]? — nil means no nulls) + ColumnStorage
///  ColumnStorage ── contiguous Swift arrays by physical width:
///      bool [Bool] · int8…int64 · uint8…uint64 · float32/64 · int128 (wide decimals)
///      bytes(offsets [Int32] (count+1), data [UInt8])   strings and binary
///      fixedBytes(width, data [UInt8])                   UUID, FIXED_LEN_BYTE_ARRAY
///      list(offsets [Int32], values Column) · structure([Column]) · map = list of struct(key, value)
/// ```
///
/// Logical types ride on top of physical storage: `date` is `int32` days since 1970-01-01,
/// `timestamp` is `int64` in its unit, `decimal(p, s)` is `int64` unscaled when p ≤ 18 and
/// `int128` otherwise, `string` is UTF-8 `bytes`. Null slots hold an arbitrary (zero) value so
/// kernels can run branch-free over the values and apply validity afterwards.
public enum ColumnarModule {}
