#!/usr/bin/env python3
"""Prepares the retail SQL benchmark and runs its DuckDB side.

Usage: python3 prepare.py DATA_DIR [--sf 0.1] [--threads 2] [--runs 3]

1. Generates the retail data with ../../../shared/bench/gen_retail.py (unless DATA_DIR/raw exists).
2. Cleans it with DuckDB (drops dirty and duplicate sales rows), derives the hive partition
   columns year/month/day, and writes typed tab-separated files DATA_DIR/typed/<table>.tsv whose
   header names each column with its SQL type (`order_id:varchar`) — the form TarnBench's `sql`
   benchmark loads into in-memory tables.
3. Runs every public query (shared/bench/queries/*.sql) in DuckDB over the same in-memory tables
   with `--threads` threads, best of `--runs`, and writes DATA_DIR/duckdb.json with the times and
   the result rows, which compare.py checks Tarn's answers against.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("TARN_SHARED", "/work/shared")

TYPES = {
    "sales": [("order_id", "varchar"), ("line_no", "bigint"), ("store_id", "varchar"), ("region", "varchar"),
              ("product_id", "varchar"), ("category", "varchar"), ("quantity", "bigint"), ("unit_price", "double"),
              ("discount", "double"), ("total", "double"), ("payment_type", "varchar"), ("customer_id", "varchar"),
              ("sold_at", "timestamp"), ("year", "integer"), ("month", "integer"), ("day", "integer")],
    "clickstream": [("event_id", "varchar"), ("session_id", "varchar"), ("user_id", "varchar"), ("event_type", "varchar"),
                    ("url", "varchar"), ("product_id", "varchar"), ("ts", "timestamp"), ("device", "varchar"),
                    ("referrer", "varchar"), ("region", "varchar"), ("year", "integer"), ("month", "integer"), ("day", "integer")],
    "inventory": [("snapshot_date", "date"), ("store_id", "varchar"), ("product_id", "varchar"), ("on_hand", "bigint"),
                  ("on_order", "bigint")],
    "products": [("product_id", "varchar"), ("product_name", "varchar"), ("category", "varchar"), ("brand", "varchar"),
                 ("list_price", "double"), ("unit_cost", "double")],
    "stores": [("store_id", "varchar"), ("store_name", "varchar"), ("region", "varchar"), ("city", "varchar"),
               ("opened_on", "date"), ("sq_ft", "bigint")],
}


def build_tables(con, raw):
    con.execute(f"""CREATE TABLE sales AS
        SELECT DISTINCT order_id, CAST(line_no AS BIGINT) line_no, store_id, region, product_id, category,
               CAST(quantity AS BIGINT) quantity, CAST(unit_price AS DOUBLE) unit_price, CAST(discount AS DOUBLE) discount,
               CAST(total AS DOUBLE) total, payment_type, NULLIF(customer_id, '') customer_id,
               TRY_CAST(sold_at AS TIMESTAMP) sold_at,
               CAST(year(TRY_CAST(sold_at AS TIMESTAMP)) AS INTEGER) "year",
               CAST(month(TRY_CAST(sold_at AS TIMESTAMP)) AS INTEGER) "month",
               CAST(day(TRY_CAST(sold_at AS TIMESTAMP)) AS INTEGER) "day"
        FROM read_csv('{raw}/csv/sales.csv', header=true, all_varchar=true)
        WHERE coalesce(order_id, '') <> '' AND coalesce(store_id, '') <> '' AND coalesce(product_id, '') <> ''
          AND TRY_CAST(quantity AS BIGINT) IS NOT NULL AND TRY_CAST(sold_at AS TIMESTAMP) IS NOT NULL""")
    con.execute(f"""CREATE TABLE clickstream AS
        SELECT event_id, session_id, user_id, event_type, url, product_id,
               CAST(replace(replace(ts, 'T', ' '), 'Z', '') AS TIMESTAMP) ts, device, referrer, region,
               CAST(year(CAST(replace(replace(ts, 'T', ' '), 'Z', '') AS TIMESTAMP)) AS INTEGER) "year",
               CAST(month(CAST(replace(replace(ts, 'T', ' '), 'Z', '') AS TIMESTAMP)) AS INTEGER) "month",
               CAST(day(CAST(replace(replace(ts, 'T', ' '), 'Z', '') AS TIMESTAMP)) AS INTEGER) "day"
        FROM read_json('{raw}/json/clickstream.jsonl', format='newline_delimited',
             columns={{event_id: 'VARCHAR', session_id: 'VARCHAR', user_id: 'VARCHAR', event_type: 'VARCHAR', url: 'VARCHAR',
                       product_id: 'VARCHAR', ts: 'VARCHAR', device: 'VARCHAR', referrer: 'VARCHAR', region: 'VARCHAR'}})""")
    con.execute(f"CREATE TABLE inventory AS SELECT * FROM read_csv('{raw}/csv/inventory.csv', header=true, "
                "columns={'snapshot_date': 'DATE', 'store_id': 'VARCHAR', 'product_id': 'VARCHAR', 'on_hand': 'BIGINT', 'on_order': 'BIGINT'})")
    con.execute(f"CREATE TABLE products AS SELECT * FROM read_csv('{raw}/csv/products.csv', header=true, "
                "columns={'product_id': 'VARCHAR', 'product_name': 'VARCHAR', 'category': 'VARCHAR', 'brand': 'VARCHAR', "
                "'list_price': 'DOUBLE', 'unit_cost': 'DOUBLE'})")
    con.execute(f"CREATE TABLE stores AS SELECT * FROM read_csv('{raw}/csv/stores.csv', header=true, "
                "columns={'store_id': 'VARCHAR', 'store_name': 'VARCHAR', 'region': 'VARCHAR', 'city': 'VARCHAR', "
                "'opened_on': 'DATE', 'sq_ft': 'BIGINT'})")


def export(con, out):
    os.makedirs(out, exist_ok=True)
    for table, columns in TYPES.items():
        path = os.path.join(out, f"{table}.tsv")
        order = "ORDER BY sold_at, order_id, line_no" if table == "sales" else ("ORDER BY ts, event_id" if table == "clickstream" else "")
        select = ", ".join(f'"{n}"' for n, _ in columns)
        con.execute(f"COPY (SELECT {select} FROM {table} {order}) TO '{path}.body' (FORMAT csv, DELIMITER '\t', HEADER false, "
                    "NULLSTR '\\N', QUOTE '', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S.%f')")
        with open(path, "w") as f:
            f.write("\t".join(f"{n}:{t}" for n, t in columns) + "\n")
        subprocess.run(f"cat '{path}.body' >> '{path}' && rm '{path}.body'", shell=True, check=True)


def queries():
    for path in sorted(glob.glob(os.path.join(SHARED, "bench", "queries", "*.sql"))):
        sql = open(path).read()
        for name in TYPES:
            sql = sql.replace("{{%s}}" % name, name)
        yield os.path.basename(path)[:3], sql


def render(v):
    if v is None:
        return None
    if isinstance(v, float):
        return v
    if isinstance(v, (int,)):
        return v
    return str(v)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--sf", default="0.1")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw = os.path.join(args.data, "raw")
    if not os.path.exists(os.path.join(raw, "manifest.json")):
        subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_retail.py"), "--out", raw, "--sf", args.sf], check=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    build_tables(con, raw)
    typed = os.path.join(args.data, "typed")
    if not os.path.exists(os.path.join(typed, "stores.tsv")):
        export(con, typed)
    results = {}
    for name, sql in queries():
        best = None
        for _ in range(args.runs):
            start = time.perf_counter()
            rows = con.execute(sql).fetchall()
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        results[name] = {"seconds": best, "rows": [[render(v) for v in row] for row in rows]}
        print(f"duckdb {name} {best * 1000:.1f} ms rows={len(rows)}")
    json.dump(results, open(os.path.join(args.data, "duckdb.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
