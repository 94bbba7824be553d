#!/usr/bin/env python3
"""Peer side of Benchmarks/parquet.sh: one measurement per process, single-threaded.

  parquet_bench.py convert-duckdb CSV OUT     DuckDB COPY (read_csv auto-detect) TO parquet (snappy)
  parquet_bench.py convert-pyarrow CSV OUT    pyarrow streaming CSV reader -> ParquetWriter (snappy)
  parquet_bench.py decode-pyarrow FILE        pyarrow.parquet.read_table, all columns
  parquet_bench.py decode-duckdb FILE         DuckDB: materialise every column into an Arrow table

Prints `RESULT name=value unit` lines like TarnBench. Peak RSS is this process's ru_maxrss.
"""
import resource
import sys
import time


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def result(name, value, unit):
    print("RESULT %s=%s %s" % (name, value, unit), flush=True)


def main():
    command, args = sys.argv[1], sys.argv[2:]
    cpu_start = cpu_seconds()
    if command == "convert-duckdb":
        import duckdb
        con = duckdb.connect()
        con.execute("SET threads = 1")
        start = time.perf_counter()
        con.execute("COPY (SELECT * FROM read_csv('%s')) TO '%s' (FORMAT parquet, COMPRESSION snappy)" % (args[0], args[1]))
        result("duckdb_convert_seconds", time.perf_counter() - start, "s")
    elif command == "convert-pyarrow":
        import pyarrow as pa
        import pyarrow.csv as csv
        import pyarrow.parquet as pq
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        start = time.perf_counter()
        reader = csv.open_csv(args[0], read_options=csv.ReadOptions(use_threads=False, block_size=16 << 20))
        with pq.ParquetWriter(args[1], reader.schema, compression="snappy") as writer:
            for batch in reader:
                writer.write_batch(batch)
        result("pyarrow_convert_seconds", time.perf_counter() - start, "s")
    elif command == "decode-pyarrow":
        import pyarrow as pa
        import pyarrow.parquet as pq
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        start = time.perf_counter()
        table = pq.read_table(args[0], use_threads=False)
        result("pyarrow_decode_seconds", time.perf_counter() - start, "s")
        result("pyarrow_decode_rows", table.num_rows, "rows")
    elif command == "decode-duckdb":
        import duckdb
        con = duckdb.connect()
        con.execute("SET threads = 1")
        start = time.perf_counter()
        table = con.execute("SELECT * FROM read_parquet('%s')" % args[0]).to_arrow_table()
        result("duckdb_decode_seconds", time.perf_counter() - start, "s")
        result("duckdb_decode_rows", table.num_rows, "rows")
    else:
        sys.exit(__doc__)
    # CPU includes the imports (a fraction of a second), the same for every run.
    result("cpu_seconds", cpu_seconds() - cpu_start, "s")
    result("peak_rss", peak_rss(), "bytes")


if __name__ == "__main__":
    main()
