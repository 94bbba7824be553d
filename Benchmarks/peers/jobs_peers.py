#!/usr/bin/env python3
"""ETL jobs benchmark: raw sales CSV -> validated, deduplicated, partitioned Snappy Parquet.

Runs, in the same invocation and on the same file:
  * Tarn: `TarnBench jobs-sales SALES.csv retail-jobs.json` (release build): the whole `sales`
    job of the retail example lake -- typed parsing, standardization, every validation rule,
    dedupe on (order_id, line_no) with a durable key index, year/month/day partitions, Snappy
    Parquet staged as multipart uploads, quarantine JSON Lines, manifest, commit and publish.
  * DuckDB with 2 threads: the equivalent
        COPY (SELECT DISTINCT ... FROM read_csv(..., ignore_errors=true) WHERE <the same rules>)
        TO DIR (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (year, month, day))
    in a child process (so its peak RSS is its own).

Prints wall seconds, rows/s, MB/s, rows written, peak RSS and the time ratio Tarn/DuckDB.

    python3 Benchmarks/peers/jobs_peers.py --data DIR [--sf 1] [--tarnbench .build/release/TarnBench] [--repeat 1]

DIR/csv/sales.csv is generated with gen_retail.py (--tables sales) when missing.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GENERATOR = os.path.join(ROOT, "Tests", "interop", "data", "gen_retail.py")
DEFINITIONS = os.path.join(ROOT, "Tests", "JobsTests", "Fixtures", "retail-jobs.json")

DUCKDB_CHILD = r"""
import json, resource, sys, time, duckdb
sql, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET threads=2")
con.execute("SET preserve_insertion_order=false")
start, cpu_start = time.perf_counter(), time.process_time()
con.execute(sql)
wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
rows = con.execute(f"SELECT count(*) FROM read_parquet('{out}/*/*/*/*.parquet')").fetchone()[0]
print(json.dumps({"wall": wall, "cpu": cpu, "rows": rows, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def duckdb_sql(job, csv_path, out_dir):
    """The job's rules as DuckDB SQL over read_csv."""
    types = {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "timestamp": "TIMESTAMP", "date": "DATE"}
    columns, selects, where = [], [], []
    for column in job["target"]["columns"]:
        name, hive, rules = column["name"], column["type"], column.get("rules", {})
        if "derived" in column:
            d = column["derived"]
            selects.append(f"{d['function']}({d['column']}) AS {name}")
            continue
        duck = types.get(hive, hive.upper())
        columns.append(f"'{name}': '{duck}'")
        expr = name
        for t in column.get("transforms", []):
            expr = {"trim": f"trim({expr})", "lower": f"lower({expr})", "upper": f"upper({expr})"}.get(t, expr)
        selects.append(f"{expr} AS {name}" if expr != name else name)
        checks = []
        if rules.get("required"):
            where.append(f"{name} IS NOT NULL" + (f" AND {expr} <> ''" if hive == "string" else ""))
        if "minimum" in rules:
            checks.append(f"{name} >= {literal(rules['minimum'], hive)}")
        if "maximum" in rules:
            checks.append(f"{name} <= {literal(rules['maximum'], hive)}")
        if "allowedValues" in rules:
            checks.append(f"{expr} IN ({', '.join(literal(v, hive) for v in rules['allowedValues'])})")
        if "pattern" in rules:
            checks.append(f"regexp_full_match({expr}, '{rules['pattern']}')")
        if "maxLength" in rules:
            checks.append(f"strlen({expr}) <= {rules['maxLength']}")
        if checks:
            where.append(f"({name} IS NULL OR ({' AND '.join(checks)}))")
    return (f"COPY (SELECT DISTINCT {', '.join(selects)} FROM read_csv('{csv_path}', header=true, "
            f"columns={{{', '.join(columns)}}}, ignore_errors=true) WHERE {' AND '.join(where)}) "
            f"TO '{out_dir}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (year, month, day))")


def literal(value, hive):
    if hive in ("string",):
        return "'" + value.replace("'", "''") + "'"
    if hive in ("timestamp", "date"):
        return f"{hive.upper()} '{value}'"
    return value


def run_tarn(tarnbench, csv_path, expect):
    cmd = [tarnbench, "jobs-sales", csv_path, DEFINITIONS]
    if expect is not None:
        cmd += ["--expect-rows", str(expect)]
    output = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    results = {m.group(1): float(m.group(2)) for m in re.finditer(r"RESULT (\S+)=(\S+)", output)}
    return {"wall": results["jobs_sales_wall"], "cpu": results["jobs_sales_cpu"], "rows": int(results["jobs_sales_rows_written"]),
            "peak_rss": int(results["jobs_sales_peak_rss"]), "read": int(results["jobs_sales_rows_read"]),
            "quarantined": int(results["jobs_sales_rows_quarantined"]), "duplicate": int(results["jobs_sales_rows_duplicate"]),
            "files": int(results["jobs_sales_files"]), "processing": results["jobs_sales_processing"]}


def run_duckdb(sql_template, csv_path):
    out = tempfile.mkdtemp(prefix="duckdb-jobs-")
    try:
        shutil.rmtree(out)
        sql = sql_template.replace("__OUT__", out)
        child = subprocess.run([sys.executable, "-c", DUCKDB_CHILD, sql, out], check=True, capture_output=True, text=True)
        return json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--sf", type=float, default=1.0)
    ap.add_argument("--tarnbench", default=os.path.join(ROOT, ".build", "release", "TarnBench"))
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    csv_path = os.path.join(a.data, "csv", "sales.csv")
    if not os.path.exists(csv_path):
        subprocess.run([sys.executable, GENERATOR, "--out", a.data, "--sf", str(a.sf), "--tables", "sales"], check=True)
    with open(os.path.join(a.data, "manifest.json")) as f:
        expect = json.load(f)["sales"]["clean_distinct_rows"]
    with open(DEFINITIONS) as f:
        job = next(j for j in json.load(f) if j["name"] == "sales")
    sql = duckdb_sql(job, csv_path, "__OUT__")
    size = os.path.getsize(csv_path)

    best = {}
    for _ in range(a.repeat):
        for name, fn in (("Tarn", lambda: run_tarn(a.tarnbench, csv_path, expect)), ("DuckDB 2 threads", lambda: run_duckdb(sql, csv_path))):
            load = os.getloadavg()[0]
            result = fn()
            result["load"] = load
            if name not in best or result["wall"] < best[name]["wall"]:
                best[name] = result
    print(f"sales.csv: {size / 1e6:.0f} MB, expected clean distinct rows {expect}")
    print(f"| tool | wall s | CPU s | rows/s | MB/s | rows written | peak RSS MiB | load avg |")
    print(f"|---|---|---|---|---|---|---|---|")
    tarn, duck = best["Tarn"], best["DuckDB 2 threads"]
    for name, r in best.items():
        print(f"| {name} | {r['wall']:.2f} | {r['cpu']:.2f} | {r.get('read', expect) / r['wall']:,.0f} | {size / 1e6 / r['wall']:.0f} | {r['rows']} | "
              f"{r['peak_rss'] / 2**20:.0f} | {r['load']:.1f} |")
    print(f"time ratio Tarn / DuckDB: wall {tarn['wall'] / duck['wall']:.2f}, CPU {tarn['cpu'] / duck['cpu']:.2f}")
    print(f"Tarn: CPU {tarn['cpu']:.2f} s, read {tarn['read']} = written {tarn['rows']} + quarantined {tarn['quarantined']} + "
          f"duplicate {tarn['duplicate']}, {tarn['files']} files")
    if best["DuckDB 2 threads"]["rows"] != expect or tarn["rows"] != expect:
        print("WARNING: row counts differ from the generator's clean_distinct_rows", file=sys.stderr)


if __name__ == "__main__":
    main()
