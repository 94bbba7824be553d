"""Writes the dictionary-side fixtures for DictionaryColumnTests (pyarrow 26).

- strings_fallback.parquet: one row group whose string column starts dictionary-encoded and
  falls back to PLAIN pages when the dictionary page outgrows its limit (mixed pages in one
  column chunk), with NULLs.
- strings_row_groups.parquet: three row groups of 6 rows with different dictionaries (other
  values, other order), NULLs, and a last row group whose string column is entirely NULL
  (an empty dictionary).
"""
import pyarrow as pa
import pyarrow.parquet as pq

values = [None if i % 7 == 3 else f"value-{i:05d}-{'x' * (i % 13)}" for i in range(4000)]
pq.write_table(pa.table({"s": pa.array(values, pa.string())}), "strings_fallback.parquet",
               use_dictionary=True, dictionary_pagesize_limit=2048, data_page_size=1024, compression="snappy")

groups = [
    ["b", "a", None, "b", "c", "a"],
    ["zz", None, "a", "zz", "zz", "y"],
    [None] * 6,
]
writer = pq.ParquetWriter("strings_row_groups.parquet", pa.schema([("s", pa.string()), ("n", pa.int64())]), use_dictionary=True)
for g, rows in enumerate(groups):
    writer.write_table(pa.table({"s": pa.array(rows, pa.string()), "n": pa.array([g * 10 + i for i in range(6)], pa.int64())}))
writer.close()
