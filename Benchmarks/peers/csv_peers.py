#!/usr/bin/env python3
"""Peer timings for `TarnBench textformats-csv` / `textformats-json`: the same files parsed into
typed columns, single-threaded, by DuckDB (`read_csv` / `read_json`, threads=1) and pyarrow
(`csv.read_csv` / `json.read_json`, use_threads=False).

Usage: csv_peers.py SALES_CSV [CLICKSTREAM_JSONL]

Prints `RESULT name=value unit` lines like TarnBench. Each timing is the best of `--repeat`
runs (default 3), as TarnBench's numbers are when run the same number of times.

Schemas match TarnBench's `salesSchema` / `clickstreamSchema`:
  * typed: money as DECIMAL(12,2), quantity and line_no BIGINT, sold_at TIMESTAMP. DuckDB skips
    the dirty rows with ignore_errors=true (Tarn rejects them with reasons). pyarrow has no
    per-row conversion error handling, so it reads quantity and sold_at as strings in this mode
    (`pyarrow_typed*` does less work than the others; noted in docs/BENCHMARKS.md).
  * strings: every column VARCHAR, for all three.
"""
import argparse
import time

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.json as pjson

SALES = [
    ("order_id", "VARCHAR", pa.string()), ("line_no", "BIGINT", pa.int64()), ("store_id", "VARCHAR", pa.string()),
    ("region", "VARCHAR", pa.string()), ("product_id", "VARCHAR", pa.string()), ("category", "VARCHAR", pa.string()),
    ("quantity", "BIGINT", pa.int64()), ("unit_price", "DECIMAL(12,2)", pa.decimal128(12, 2)),
    ("discount", "DECIMAL(12,2)", pa.decimal128(12, 2)), ("total", "DECIMAL(12,2)", pa.decimal128(12, 2)),
    ("payment_type", "VARCHAR", pa.string()), ("customer_id", "VARCHAR", pa.string()),
    ("sold_at", "TIMESTAMP", pa.timestamp("us", tz="UTC")),
]
CLICKS = [
    ("event_id", "VARCHAR", pa.string()), ("session_id", "VARCHAR", pa.string()), ("user_id", "VARCHAR", pa.string()),
    ("event_type", "VARCHAR", pa.string()), ("url", "VARCHAR", pa.string()), ("product_id", "VARCHAR", pa.string()),
    ("ts", "TIMESTAMP", pa.timestamp("us", tz="UTC")), ("device", "VARCHAR", pa.string()),
    ("referrer", "VARCHAR", pa.string()), ("region", "VARCHAR", pa.string()),
]


def report(name, value, unit):
    print(f"RESULT {name}={value} {unit}", flush=True)


def best(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def duckdb_csv(path, typed):
    con = duckdb.connect()
    con.execute("SET threads=1")
    cols = ", ".join(f"'{n}': '{t if typed else 'VARCHAR'}'" for n, t, _ in SALES)
    sql = (f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{path}', header=true, columns={{{cols}}}, "
           f"ignore_errors={'true' if typed else 'false'}, parallel=false)")
    con.execute(sql)
    return con.execute("SELECT count(*) FROM t").fetchone()[0]


def pyarrow_csv(path, typed):
    types = {}
    for n, _, t in SALES:
        types[n] = t if typed and n not in ("quantity", "sold_at") else (pa.string() if not typed or n in ("quantity", "sold_at") else t)
    table = pcsv.read_csv(path, read_options=pcsv.ReadOptions(use_threads=False, block_size=4 << 20),
                          convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=False))
    return table.num_rows


def duckdb_json(path):
    con = duckdb.connect()
    con.execute("SET threads=1")
    cols = ", ".join(f"'{n}': '{t}'" for n, t, _ in CLICKS)
    con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_json('{path}', format='newline_delimited', columns={{{cols}}})")
    return con.execute("SELECT count(*) FROM t").fetchone()[0]


def pyarrow_json(path):
    schema = pa.schema([(n, t) for n, _, t in CLICKS])
    table = pjson.read_json(path, read_options=pjson.ReadOptions(use_threads=False, block_size=4 << 20),
                            parse_options=pjson.ParseOptions(explicit_schema=schema))
    return table.num_rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sales")
    parser.add_argument("clickstream", nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import os
    size = os.path.getsize(args.sales)
    for typed in (True, False):
        mode = "typed" if typed else "strings"
        seconds, rows = best(lambda: duckdb_csv(args.sales, typed), args.repeat)
        report(f"duckdb_csv_{mode}_seconds", seconds, "s")
        report(f"duckdb_csv_{mode}_MBps", size / seconds / 1e6, "MB/s")
        report(f"duckdb_csv_{mode}_rows", rows, "rows")
        seconds, rows = best(lambda: pyarrow_csv(args.sales, typed), args.repeat)
        report(f"pyarrow_csv_{mode}_seconds", seconds, "s")
        report(f"pyarrow_csv_{mode}_MBps", size / seconds / 1e6, "MB/s")
        report(f"pyarrow_csv_{mode}_rows", rows, "rows")
    if args.clickstream:
        size = os.path.getsize(args.clickstream)
        seconds, rows = best(lambda: duckdb_json(args.clickstream), args.repeat)
        report("duckdb_json_seconds", seconds, "s")
        report("duckdb_json_MBps", size / seconds / 1e6, "MB/s")
        report("duckdb_json_rows", rows, "rows")
        seconds, rows = best(lambda: pyarrow_json(args.clickstream), args.repeat)
        report("pyarrow_json_seconds", seconds, "s")
        report("pyarrow_json_MBps", size / seconds / 1e6, "MB/s")
        report("pyarrow_json_rows", rows, "rows")


if __name__ == "__main__":
    main()
