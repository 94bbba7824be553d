#!/usr/bin/env python3
"""Peer timings for `TarnBench textformats-csv` / `textformats-json`: the same files parsed into
typed columns, single-threaded, by DuckDB (`read_csv` / `read_json`, threads=1) and pyarrow
(`csv.read_csv` / `json.read_json`, use_threads=False).

Usage: csv_peers.py SALES_CSV [CLICKSTREAM_JSONL] [--repeat N] [--tarnbench PATH]

With --tarnbench (the release TarnBench binary) the Tarn numbers are measured in the same run,
interleaved with the peers', and a Markdown table with the ratios is printed at the end (the
rows of the "Text formats" section of docs/BENCHMARKS.md).

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
import os
import subprocess
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
    RESULTS[name] = value
    print(f"RESULT {name}={value} {unit}", flush=True)


def table():
    """Markdown rows: wall and CPU seconds per tool, and Tarn's ratio (peer time / Tarn time)."""
    rows = [("CSV typed (sales.csv)", "csv_typed", "tarn_csv_typed"),
            ("CSV all strings (sales.csv)", "csv_strings", "tarn_csv_strings"),
            ("JSON Lines typed (clickstream.jsonl)", "json", "tarn_json")]
    print("\n| workload | tool | wall s | CPU s | MB/s (wall) | rows | peer CPU / Tarn CPU |")
    print("|---|---|---|---|---|---|---|")
    for title, key, tarn_key in rows:
        tarn_cpu = RESULTS.get(f"{tarn_key}_cpu_seconds")
        for tool, prefix in (("Tarn", tarn_key), ("DuckDB 1 thread", f"duckdb_{key}"), ("pyarrow 1 thread", f"pyarrow_{key}")):
            if f"{prefix}_seconds" not in RESULTS:
                continue
            wall, cpu = RESULTS[f"{prefix}_seconds"], RESULTS[f"{prefix}_cpu_seconds"]
            ratio = f"{cpu / tarn_cpu:.2f}" if tarn_cpu and tool != "Tarn" else "1.00" if tool == "Tarn" else "-"
            print(f"| {title} | {tool} | {wall:.2f} | {cpu:.2f} | {RESULTS.get(prefix + '_MBps', 0):.0f} | "
                  f"{int(RESULTS.get(prefix + '_rows', 0))} | {ratio} |")


def best(fn, repeat):
    """Best wall and best CPU (process) seconds of `repeat` runs, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), out


def duckdb_csv(path, typed):
    # count(col) of every column makes DuckDB parse and convert every field (projection pushdown
    # cannot skip any) without the cost of storing a table, the closest match to producing
    # batches and dropping them.
    con = duckdb.connect()
    con.execute("SET threads=1")
    cols = ", ".join(f"'{n}': '{t if typed else 'VARCHAR'}'" for n, t, _ in SALES)
    counts = ", ".join(f"count({n})" for n, _, _ in SALES)
    sql = (f"SELECT count(*), {counts} FROM read_csv('{path}', header=true, columns={{{cols}}}, "
           f"ignore_errors={'true' if typed else 'false'}, parallel=false)")
    return con.execute(sql).fetchone()[0]


def pyarrow_csv(path, typed):
    # pyarrow cannot skip rows whose values fail to convert, so the dirty columns stay strings.
    types = {n: (t if typed and n not in ("quantity", "sold_at") else pa.string()) for n, _, t in SALES}
    table = pcsv.read_csv(path, read_options=pcsv.ReadOptions(use_threads=False, block_size=4 << 20),
                          convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=False))
    return table.num_rows


def duckdb_json(path):
    con = duckdb.connect()
    con.execute("SET threads=1")
    cols = ", ".join(f"'{n}': '{t}'" for n, t, _ in CLICKS)
    counts = ", ".join(f"count({n})" for n, _, _ in CLICKS)
    return con.execute(f"SELECT count(*), {counts} FROM read_json('{path}', format='newline_delimited', columns={{{cols}}})").fetchone()[0]


def pyarrow_json(path):
    schema = pa.schema([(n, t) for n, _, t in CLICKS])
    table = pjson.read_json(path, read_options=pjson.ReadOptions(use_threads=False, block_size=4 << 20),
                            parse_options=pjson.ParseOptions(explicit_schema=schema))
    return table.num_rows


RESULTS = {}


def tarn(binary, args, repeat):
    """Runs TarnBench and collects its RESULT lines."""
    out = subprocess.run([binary, *args, "--repeat", str(repeat)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("RESULT "):
            name, rest = line[7:].split("=", 1)
            value, unit = rest.split(" ", 1)
            report("tarn_" + name, float(value), unit)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sales")
    parser.add_argument("clickstream", nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tarnbench")
    args = parser.parse_args()
    size = os.path.getsize(args.sales)
    for typed in (True, False):
        mode = "typed" if typed else "strings"
        if args.tarnbench:
            tarn(args.tarnbench, ["textformats-csv", args.sales, mode], args.repeat)
        seconds, cpu, rows = best(lambda: duckdb_csv(args.sales, typed), args.repeat)
        report(f"duckdb_csv_{mode}_seconds", seconds, "s")
        report(f"duckdb_csv_{mode}_cpu_seconds", cpu, "s")
        report(f"duckdb_csv_{mode}_MBps", size / seconds / 1e6, "MB/s")
        report(f"duckdb_csv_{mode}_rows", rows, "rows")
        seconds, cpu, rows = best(lambda: pyarrow_csv(args.sales, typed), args.repeat)
        report(f"pyarrow_csv_{mode}_seconds", seconds, "s")
        report(f"pyarrow_csv_{mode}_cpu_seconds", cpu, "s")
        report(f"pyarrow_csv_{mode}_MBps", size / seconds / 1e6, "MB/s")
        report(f"pyarrow_csv_{mode}_rows", rows, "rows")
    if args.clickstream:
        size = os.path.getsize(args.clickstream)
        if args.tarnbench:
            tarn(args.tarnbench, ["textformats-json", args.clickstream], args.repeat)
        seconds, cpu, rows = best(lambda: duckdb_json(args.clickstream), args.repeat)
        report("duckdb_json_seconds", seconds, "s")
        report("duckdb_json_cpu_seconds", cpu, "s")
        report("duckdb_json_MBps", size / seconds / 1e6, "MB/s")
        report("duckdb_json_rows", rows, "rows")
        seconds, cpu, rows = best(lambda: pyarrow_json(args.clickstream), args.repeat)
        report("pyarrow_json_seconds", seconds, "s")
        report("pyarrow_json_cpu_seconds", cpu, "s")
        report("pyarrow_json_MBps", size / seconds / 1e6, "MB/s")
        report("pyarrow_json_rows", rows, "rows")
    table()


if __name__ == "__main__":
    main()
