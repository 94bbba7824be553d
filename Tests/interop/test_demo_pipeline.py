"""`tarn demo` end to end, checked from outside with real clients.

The demo (small scale, `--no-serve`) applies the retail lake.yaml, generates data, uploads it
through the S3 API (over HTTPS: the example's buckets are TLS-only), and lets the triggers run the jobs and marts. Then, on the same data
directory: every raw row is accounted for (cleansed + quarantined + duplicates), partitions are
registered, every mart equals its SQL run directly on the cleansed tables, a re-run adds
nothing, and the cleansed Parquet is readable by pyarrow and DuckDB. (A job killed mid-run and
restarted: test_jobs_crash.py, at every step of the commit protocol.)
"""
import contextlib
import csv
import io
import json
import os
import socket
import subprocess
import time

import boto3

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from botocore.config import Config

from conftest import ACCESS_KEY, REGION, ROOT, SECRET_KEY, TarnProcess, free_port, tarn_binary

BUCKET = "retail-dev-data"
DATABASE = "retail_dev"
TABLES = ["sales", "clickstream", "inventory", "products", "stores"]
ENV = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)


def tarn(data, *args):
    result = subprocess.run([tarn_binary(), *args, "--data", data], capture_output=True, text=True, env=ENV, timeout=600)
    assert result.returncode == 0, f"tarn {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def query(data, sql):
    out = tarn(data, "query", "--quiet", "--format", "json", "--database", DATABASE, sql)
    return json.loads(out)["rows"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = str(tmp_path_factory.mktemp("demo") / "lake")
    result = subprocess.run(
        [tarn_binary(), "demo", "--data", data, "--listen", "127.0.0.1:0", "--scale", "0.01", "--days", "3", "--no-serve"],
        capture_output=True, text=True, env=ENV, timeout=900)
    assert result.returncode == 0, f"tarn demo failed:\n{result.stdout}\n{result.stderr}"
    return data, result.stdout


@contextlib.contextmanager
def https_s3(data):
    """A server on the demo's data directory and a boto3 client over its HTTPS listener: the
    retail buckets are TLS-only, so plain HTTP is denied even for the root user."""
    tls_port = free_port()
    server = TarnProcess(data, extra_args=["--tls-listen", f"127.0.0.1:{tls_port}"]).start()
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", tls_port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        yield boto3.client(
            "s3", endpoint_url=f"https://127.0.0.1:{tls_port}", region_name=REGION, aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY, verify=os.path.join(data, "tls", "cert.pem"),
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    finally:
        server.stop()


def history(data, table):
    return json.loads(tarn(data, "jobs", "history", f"dev.{table}", "--format", "json"))


def totals(data, table):
    runs = [r for r in history(data, table) if r["status"] == "succeeded" and r.get("manifest")]
    keys = ["rowsRead", "rowsWritten", "rowsQuarantined", "rowsDuplicate"]
    return {k: sum(r["manifest"]["totals"][k] for r in runs) for k in keys}


def test_demo_reports_its_pipeline(demo):
    _, out = demo
    assert "[demo] uploaded" in out and "[demo] pipeline finished in" in out
    assert "https://127.0.0.1:" in out and "--ca-bundle " in out
    assert "Zones of s3://retail-dev-data/" in out
    for table in TABLES:
        line = next(l for l in out.splitlines() if l.startswith(f"dev.{table} "))
        assert "✓" in line, line
    assert "✗" not in out
    for title in ("Top 5 stores by revenue", "Revenue by region", "Best-selling products", "Clickstream funnel", "Stock-outs"):
        assert title in out


def raw_rows(s3, table):
    """Records in the raw objects, counted the way a CSV / JSON Lines reader counts them."""
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"raw/{table}/"):
        for o in page.get("Contents", []):
            body = s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read().decode("utf-8", errors="replace")
            if o["Key"].endswith(".jsonl"):
                count += sum(1 for line in body.split("\n") if line.strip())
            else:
                count += sum(1 for _ in csv.reader(io.StringIO(body, newline=""))) - 1
    return count


def test_every_raw_row_is_accounted_for(demo):
    data, _ = demo
    with https_s3(data) as s3:
        raw = {table: raw_rows(s3, table) for table in TABLES}
        quarantined_lines = 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="quarantine/"):
            for o in page.get("Contents", []):
                body = s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read().decode()
                records = [json.loads(line) for line in body.splitlines() if line.strip()]
                assert all(r.get("reason") and r.get("line") for r in records), records[:3]
                quarantined_lines += len(records)
    all_quarantined = 0
    for table in TABLES:
        t = totals(data, table)
        assert t["rowsRead"] == raw[table], (table, t, raw[table])
        assert t["rowsRead"] == t["rowsWritten"] + t["rowsQuarantined"] + t["rowsDuplicate"], (table, t)
        assert query(data, f"SELECT count(*) FROM {table}") == [[t["rowsWritten"]]]
        all_quarantined += t["rowsQuarantined"]
    assert quarantined_lines == all_quarantined
    sales = totals(data, "sales")
    assert sales["rowsQuarantined"] > 0 and sales["rowsDuplicate"] > 0, "the generator makes dirty and re-sent rows"


def test_partitions_are_registered(demo):
    data, _ = demo
    for table in ["sales", "clickstream", "inventory"]:
        days = query(data, f"SELECT DISTINCT year, month, day FROM {table} ORDER BY 1, 2, 3")
        partitions = [r[0] for r in query(data, f"SHOW PARTITIONS {table}")]
        assert sorted(partitions) == sorted(f"year={y}/month={m}/day={d}" for y, m, d in days)


def normalized(rows):
    def cell(v):
        return round(v, 9) if isinstance(v, float) else v
    return sorted(([cell(v) for v in row] for row in rows), key=json.dumps)


def test_marts_equal_their_sql_on_cleansed_data(demo):
    data, _ = demo
    with open(os.path.join(ROOT, "examples", "retail", "lake.yaml")) as f:
        marts = yaml.safe_load(f)["marts"]
    assert len(marts) >= 4
    for name, mart in marts.items():
        materialized = query(data, f"SELECT * FROM {name}")
        direct = query(data, mart["sql"])
        assert materialized, f"mart {name} is empty"
        assert normalized(materialized) == normalized(direct), name


def test_a_rerun_adds_nothing(demo):
    data, _ = demo

    def cleansed():
        with https_s3(data) as s3:
            return {o["Key"]: o["ETag"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="cleansed/")
                    for o in page.get("Contents", [])}

    before = cleansed()
    for table in TABLES:
        run = json.loads(tarn(data, "jobs", "run", f"dev.{table}", "--format", "json"))
        assert run["sources"] == [], run
    assert cleansed() == before


def test_cleansed_and_marts_are_standard_parquet(demo, tmp_path):
    data, _ = demo
    with https_s3(data) as s3:
        for prefix in ("cleansed/sales/", "analytics/daily_sales_by_store/"):
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"] if o["Key"].endswith(".parquet")]
            assert keys, prefix
            path = tmp_path / "part.parquet"
            path.write_bytes(s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read())
            table = pq.read_table(path)
            assert table.num_rows > 0
            assert duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall() == [(table.num_rows,)]


def test_apply_is_idempotent_and_validate_reports_lines(demo, tmp_path):
    data, _ = demo
    example = os.path.join(ROOT, "examples", "retail", "lake.yaml")
    out = tarn(data, "apply", example)
    assert "No changes" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(open(example).read().replace("    format: json", "    format: jsn", 1))
    result = subprocess.run([tarn_binary(), "validate", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "'jsn' is not one of" in result.stderr and ":line " in result.stderr, result.stderr
