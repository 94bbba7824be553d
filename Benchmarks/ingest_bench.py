#!/usr/bin/env python3
"""Durable streaming-ingest benchmark: Tarn's Kinesis PutRecords next to Redis 7 XADD, and
end-to-end freshness through Firehose. Method and results: docs/BENCHMARKS.md ("Streaming ingest").

Usage: ingest_bench.py [--tarn .build/release/tarn] [--seconds 10] [--shards 4] [--producers 1,8,64]
                       [--skip-redis] [--freshness-samples 20] [--debounce 0.5] [--freshness-only]
                       [--data-root DIR]

Tarn: a real `tarn server` (release build) on a fresh data directory under ./bench-data; each
producer is a thread with its own keep-alive HTTP connection sending SigV4-signed PutRecords
calls of 500 records x 1 KiB (random bytes, random partition keys), one call in flight per
producer. A call's latency is from the first byte sent to the last byte of the answer, which
Tarn sends only after every record in it is fdatasync'ed.

Redis: `redis-server` with `appendonly yes` and `appendfsync always` (then `everysec`), driven
by `redis-benchmark` with the same client counts, pipelines of 500 `XADD` of 1 KiB values
(MAXLEN ~ 100000 keeps memory bounded). Both run on this machine in the same run, sharing its
cores with their load generators.

Freshness: one JSON record via Firehose PutRecord (DirectPut) or Kinesis PutRecord (a delivery
stream reading the stream), 0 s buffering interval. Two times per sample: until list/get of the
destination prefix finds the record in a raw object, and until the record's cleansed Parquet
file is listed under the target prefix of an ETL job (defined with `tarn jobs define` before the
server starts) that is triggered by ObjectCreated under `raw/` with a short debounce. A job
publishes its files and catalog partitions in one commit, so listed means queryable. One
unrecorded warm-up sample per path (the first run creates the table in the catalog).

Prints `RESULT name=value unit` lines and a Markdown table.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "interop"))
from conftest import ACCESS_KEY, REGION, SECRET_KEY, TarnProcess, firehose_role, make_client, make_s3_client  # noqa: E402


def result(name, value, unit):
    print(f"RESULT {name}={value:.6g} {unit}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Signer:
    """SigV4 for JSON 1.1 POSTs whose body is fixed (hash computed once)."""

    def __init__(self, host, body, target, service="kinesis"):
        self.host, self.target, self.service = host, target, service
        self.payload_hash = hashlib.sha256(body).hexdigest()
        self.cache = {}

    def headers(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        if amz_date in self.cache:
            return self.cache[amz_date]
        date = amz_date[:8]
        canonical_headers = f"content-type:application/x-amz-json-1.1\nhost:{self.host}\nx-amz-date:{amz_date}\nx-amz-target:{self.target}\n"
        signed = "content-type;host;x-amz-date;x-amz-target"
        canonical = f"POST\n/\n\n{canonical_headers}\n{signed}\n{self.payload_hash}"
        scope = f"{date}/{REGION}/{self.service}/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = ("AWS4" + SECRET_KEY).encode()
        for part in (date, REGION, self.service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": amz_date, "X-Amz-Target": self.target,
            "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={signed}, Signature={signature}",
        }
        self.cache = {amz_date: headers}
        return headers


def put_records_body(stream, records=500, size=1024):
    rng = random.Random(42)
    entries = [{"Data": base64.b64encode(rng.randbytes(size)).decode(), "PartitionKey": f"user-{rng.getrandbits(48)}"} for _ in range(records)]
    return json.dumps({"StreamName": stream, "Records": entries}).encode()


def run_tarn_producers(endpoint_port, body, producers, seconds):
    host = f"127.0.0.1:{endpoint_port}"
    signer = Signer(host, body, "Kinesis_20131202.PutRecords")
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def producer():
        connection = http.client.HTTPConnection("127.0.0.1", endpoint_port, timeout=60)
        mine = []
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            connection.request("POST", "/", body=body, headers=signer.headers())
            response = connection.getresponse()
            answer = response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200 or b'"FailedRecordCount":0' not in answer:
                with lock:
                    errors.append(answer[:300])
                break
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=producer) for _ in range(producers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"PutRecords failed: {errors[0]!r}")
    return len(latencies) * 500 / elapsed, latencies


def define_freshness_job(data, args):
    """Defines the cleansing job on the Firehose destination (embedded mode: before the server starts)."""
    job = {
        "name": "fresh_events",
        "source": {"bucket": FRESH_BUCKET, "prefix": "raw/", "format": "json"},
        "target": {
            "database": "fresh", "table": "events", "bucket": FRESH_BUCKET, "prefix": CLEANSED_PREFIX,
            "columns": [
                {"name": "id", "type": "string", "rules": {"required": True, "pattern": "[0-9a-f]{32}"}},
                {"name": "path", "type": "string", "transforms": ["lower"], "rules": {"required": True, "allowedValues": ["direct", "kinesis"]}},
                {"name": "at", "type": "timestamp", "rules": {"required": True}},
                {"name": "year", "type": "int", "derived": {"function": "year", "column": "at"}},
                {"name": "month", "type": "int", "derived": {"function": "month", "column": "at"}},
                {"name": "day", "type": "int", "derived": {"function": "day", "column": "at"}},
            ],
            "partitionKeys": ["year", "month", "day"],
        },
        "dedupe": {"keys": ["id"]},
        "quarantine": {"bucket": FRESH_BUCKET, "prefix": "quarantine/events/"},
        "triggers": {"onObjectCreated": True, "debounceSeconds": args.debounce},
    }
    path = os.path.join(data, "..", f"{os.path.basename(data)}-job.json")
    with open(path, "w") as f:
        json.dump(job, f)
    subprocess.run([args.tarn, "jobs", "define", path, "--create-buckets", "--data", data], check=True, capture_output=True)
    os.remove(path)


def bench_tarn(args, rows):
    data = tempfile.mkdtemp(prefix="ingest-", dir=args.data_root)
    os.environ["TARN_BIN"] = args.tarn
    if args.freshness_samples:
        define_freshness_job(data, args)
    server = TarnProcess(data).start()
    try:
        kinesis = make_client("kinesis", server.endpoint)
        for producers in [] if args.freshness_only else args.producers:
            stream = f"bench-{producers}"
            kinesis.create_stream(StreamName=stream, ShardCount=args.shards)
            body = put_records_body(stream)
            run_tarn_producers(server.port, body, producers, 1.0)  # warm-up (connections, page cache)
            cpu_before = cpu_seconds(server.proc.pid)
            client_before = os.times()
            wall_before = time.perf_counter()
            rate, latencies = run_tarn_producers(server.port, body, producers, args.seconds)
            cpu = cpu_seconds(server.proc.pid) - cpu_before
            wall = time.perf_counter() - wall_before
            client_after = os.times()
            client_cpu = (client_after.user - client_before.user) + (client_after.system - client_before.system)
            p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
            result(f"tarn_putrecords_p{producers}_records_per_s", rate, "records/s")
            result(f"tarn_putrecords_p{producers}_mb_per_s", rate * 1024 / 1e6, "MB/s")
            result(f"tarn_putrecords_p{producers}_ack_p50", p50, "ms")
            result(f"tarn_putrecords_p{producers}_ack_p99", p99, "ms")
            result(f"tarn_putrecords_p{producers}_server_cpu_per_million", cpu / (rate * args.seconds) * 1e6, "cpu-s")
            # Cores busy during the run: the server's and the load generator's own (the Python
            # producers share the two cores with the server).
            result(f"tarn_putrecords_p{producers}_server_cores", cpu / wall, "cores")
            result(f"tarn_putrecords_p{producers}_loadgen_cores", client_cpu / wall, "cores")
            rows.append((f"Tarn PutRecords (fdatasync per ack), {producers} producer(s)", rate, p50, p99))
            kinesis.delete_stream(StreamName=stream)
        if args.freshness_samples:
            bench_freshness(server, args, rows)
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


FRESH_BUCKET = "fresh"
CLEANSED_PREFIX = "cleansed/events/"


def bench_freshness(server, args, rows):
    s3 = make_s3_client(server.endpoint)
    firehose = make_client("firehose", server.endpoint)
    kinesis = make_client("kinesis", server.endpoint)
    if FRESH_BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=FRESH_BUCKET)  # --create-buckets of `tarn jobs define` made it already
    role = firehose_role(server.endpoint)  # deliveries are authorized as their RoleARN
    destination = lambda prefix: {  # noqa: E731
        "RoleARN": role, "BucketARN": f"arn:aws:s3:::{FRESH_BUCKET}", "Prefix": prefix,
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}}
    firehose.create_delivery_stream(DeliveryStreamName="fresh-direct", ExtendedS3DestinationConfiguration=destination("raw/direct/"))
    kinesis.create_stream(StreamName="fresh", ShardCount=2)
    arn = kinesis.describe_stream_summary(StreamName="fresh")["StreamDescriptionSummary"]["StreamARN"]
    firehose.create_delivery_stream(
        DeliveryStreamName="fresh-kinesis", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": "arn:aws:iam::000000000000:role/firehose"},
        ExtendedS3DestinationConfiguration=destination("raw/kinesis/"))

    def new_keys(prefix, seen):
        fresh = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=FRESH_BUCKET, Prefix=prefix):
            fresh += [o["Key"] for o in page.get("Contents", []) if o["Key"] not in seen]
        seen.update(fresh)
        return fresh

    def wait_raw(prefix, marker, seen):
        while True:
            for key in new_keys(prefix, seen):
                if marker in s3.get_object(Bucket=FRESH_BUCKET, Key=key)["Body"].read():
                    return
            time.sleep(0.005)

    def contains(parquet, marker):
        try:
            import io
            import pyarrow.parquet as pq
            return marker.decode() in pq.read_table(io.BytesIO(parquet), columns=["id"]).column("id").to_pylist()
        except ImportError:
            return marker in parquet  # a one-row file: the value is stored verbatim

    def wait_cleansed(marker, seen, start):
        """Time until a file holding the record is listed; the check that it holds it is not timed."""
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            keys = new_keys(CLEANSED_PREFIX, seen)
            listed_at = time.perf_counter()
            for key in keys:
                if key.endswith(".parquet") and contains(s3.get_object(Bucket=FRESH_BUCKET, Key=key)["Body"].read(), marker):
                    return (listed_at - start) * 1000
            time.sleep(0.005)
        raise RuntimeError(f"record {marker.decode()} not in a cleansed file after 120 s")

    cleansed_seen = set()
    for label, path, prefix, put in (
        ("Firehose DirectPut", "direct", "raw/direct/", lambda m: firehose.put_record(DeliveryStreamName="fresh-direct", Record={"Data": m})),
        ("Kinesis → Firehose", "kinesis", "raw/kinesis/", lambda m: kinesis.put_record(StreamName="fresh", Data=m, PartitionKey=m.decode())),
    ):
        raw_samples, cleansed_samples, seen = [], [], set()
        for sample in range(args.freshness_samples + 1):
            marker = uuid.uuid4().hex.encode()
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            record = json.dumps({"id": marker.decode(), "path": path, "at": now}).encode()
            start = time.perf_counter()
            put(record)
            wait_raw(prefix, marker, seen)
            raw_ms = (time.perf_counter() - start) * 1000
            cleansed_ms = wait_cleansed(marker, cleansed_seen, start)
            if sample:  # sample 0 warms up (the job's first run creates the table)
                raw_samples.append(raw_ms)
                cleansed_samples.append(cleansed_ms)
        key = label.split()[0].lower()
        result(f"freshness_{key}_p50", percentile(raw_samples, 50), "ms")
        result(f"freshness_{key}_max", max(raw_samples), "ms")
        result(f"freshness_{key}_cleansed_p50", percentile(cleansed_samples, 50), "ms")
        result(f"freshness_{key}_cleansed_max", max(cleansed_samples), "ms")
        rows.append((f"Freshness {label} → object in raw/ (interval 0 s)", None, percentile(raw_samples, 50), max(raw_samples)))
        rows.append((f"Freshness {label} → cleansed Parquet listed (job, debounce {args.debounce:g} s)", None,
                     percentile(cleansed_samples, 50), max(cleansed_samples)))


def bench_redis(args, rows):
    if not shutil.which("redis-server") or not shutil.which("redis-benchmark"):
        print("redis-server/redis-benchmark not installed (apt-get install redis-server); skipping Redis", flush=True)
        return
    value = "x" * 1024
    for fsync in ("always", "everysec"):
        data = tempfile.mkdtemp(prefix=f"redis-{fsync}-", dir=args.data_root)
        port = free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--dir", data, "--appendonly", "yes", "--appendfsync", fsync, "--save", "",
             "--bind", "127.0.0.1", "--protected-mode", "no", "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            for producers in args.producers:
                # Enough commands for about args.seconds at ~200k/s, at least one pipeline per client.
                total = max(producers * 500 * 4, int(200_000 * args.seconds))
                command = ["redis-benchmark", "-p", str(port), "-c", str(producers), "-n", str(total), "-P", "500", "--precision", "3",
                           "XADD", "bench", "MAXLEN", "~", "100000", "*", "f", value]
                out = subprocess.run(command, capture_output=True, text=True, timeout=600).stdout
                rate = float(re.findall(r"throughput summary: ([\d.]+) requests per second", out)[-1])
                latency = re.findall(r"latency summary \(msec\):\s*\n\s*avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.\s]+)\n", out)[-1].split()
                p50, p99 = float(latency[2]), float(latency[4])
                result(f"redis_xadd_{fsync}_p{producers}_records_per_s", rate, "records/s")
                result(f"redis_xadd_{fsync}_p{producers}_p50", p50, "ms")
                result(f"redis_xadd_{fsync}_p{producers}_p99", p99, "ms")
                rows.append((f"Redis 7 XADD appendfsync {fsync}, {producers} client(s), pipeline 500", rate, p50, p99))
                subprocess.run(["redis-cli", "-p", str(port), "DEL", "bench"], capture_output=True)
        finally:
            redis.terminate()
            redis.wait()
            shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tarn", default=os.path.join(ROOT, ".build", "release", "tarn"))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--producers", default="1,8,64")
    parser.add_argument("--skip-redis", action="store_true")
    parser.add_argument("--freshness-samples", type=int, default=20)
    parser.add_argument("--debounce", type=float, default=0.5, help="the freshness job's trigger debounce, seconds")
    parser.add_argument("--freshness-only", action="store_true", help="only the freshness samples (no PutRecords load, no Redis)")
    parser.add_argument("--data-root", default=os.path.join(ROOT, "bench-data"))
    args = parser.parse_args()
    args.producers = [int(p) for p in args.producers.split(",")]
    os.makedirs(args.data_root, exist_ok=True)
    rows = []
    bench_tarn(args, rows)
    if not (args.skip_redis or args.freshness_only):
        bench_redis(args, rows)
    print("\n| workload | records/s | MB/s | p50 ms | p99 (max for freshness) ms |\n|---|---:|---:|---:|---:|")
    for label, rate, p50, p99 in rows:
        rate_text = f"{rate:,.0f}" if rate else "–"
        mb_text = f"{rate * 1024 / 1e6:,.0f}" if rate else "–"
        print(f"| {label} | {rate_text} | {mb_text} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
