"""ETL jobs survive a real `kill -9`: a `tarn jobs run` killed mid-run and run again leaves exactly
the cleansed data (same keys, same bytes: same ETags) as an uninterrupted run, and nothing of the
killed run is ever visible half-done.

Raw objects are uploaded through a real `tarn server` with boto3, then the server is stopped and
`tarn jobs` runs in embedded mode on the same data directory (as an operator without a server
would). Two kinds of kill:

* from outside, at a time during the run (SIGKILL from this process), and
* from inside at each step of the commit protocol (`TARN_JOBS_KILL_AT=step`), where the process
  sends itself SIGKILL, so every step is hit exactly.
"""
import json
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import ACCESS_KEY, SECRET_KEY, TarnProcess, make_s3_client, tarn_binary

BUCKET = "retail"
OBJECTS = 4
ROWS = 60_000
REFERENCE_RUN_SECONDS = []  # wall time of the uninterrupted run, process start to exit


def events_job():
    """The same job as the Swift tests' SyntheticEvents: CSV events partitioned by day."""
    return {
        "name": "events",
        "source": {"bucket": BUCKET, "prefix": "raw/events/", "format": "csv"},
        "target": {
            "database": "test", "table": "events", "bucket": BUCKET, "prefix": "cleansed/events/",
            "columns": [
                {"name": "id", "type": "string", "rules": {"required": True, "pattern": "E[0-9]{7}"}},
                {"name": "seq", "type": "bigint", "rules": {"required": True, "minimum": "0"}},
                {"name": "amount", "type": "decimal(10,2)", "rules": {"minimum": "0"}},
                {"name": "kind", "type": "string", "transforms": ["trim", "lower"], "rules": {"required": True, "allowedValues": ["a", "b", "c"]}},
                {"name": "at", "type": "timestamp", "rules": {"required": True}},
                {"name": "year", "type": "int", "derived": {"function": "year", "column": "at"}},
                {"name": "month", "type": "int", "derived": {"function": "month", "column": "at"}},
                {"name": "day", "type": "int", "derived": {"function": "day", "column": "at"}},
            ],
            "partitionKeys": ["year", "month", "day"],
        },
        "dedupe": {"keys": ["id"]},
        "quarantine": {"bucket": BUCKET, "prefix": "quarantine/events/"},
        "output": {"rowGroupRows": 20000},
    }


def raw_object(index):
    rng = random.Random(index)
    lines = ["id,seq,amount,kind,at"]
    for row in range(ROWS):
        n = index * ROWS + row
        if row % 40 == 39:
            lines.append(lines[-5])  # re-sent row: a duplicate
            continue
        day = 1 + (n // 20000) % 9
        line = f"E{n:07d},{n},{rng.randint(0, 99999) / 100:.2f},{' Ab'[n % 3] if n % 3 else 'c'},2024-03-0{day}T{n % 24:02d}:{n % 60:02d}:00"
        if row % 101 == 100:
            line = f"E{n:07d},oops,1.00,a,2024-03-01T00:00:00"  # not a number: quarantined
        lines.append(line)
    return ("\n".join(lines) + "\n").encode()


def tarn(data, *args, env=None, check=True):
    run_env = dict(os.environ, **(env or {}))
    result = subprocess.run([tarn_binary(), *args, "--data", data], capture_output=True, text=True, env=run_env, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"tarn {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def prepare(data_dir, tmp_path):
    """Creates the bucket, uploads the raw objects through a server, and defines the job."""
    server = TarnProcess(data_dir).start()
    try:
        s3 = make_s3_client(server.endpoint)
        s3.create_bucket(Bucket=BUCKET)
        for index in range(OBJECTS):
            s3.put_object(Bucket=BUCKET, Key=f"raw/events/part-{index}.csv", Body=raw_object(index))
    finally:
        server.stop()
    definition = tmp_path / "events.json"
    definition.write_text(json.dumps(events_job()))
    tarn(data_dir, "jobs", "define", str(definition))


def outputs(data_dir):
    """(key, ETag, size) of every visible object under the job's outputs, and pending uploads."""
    server = TarnProcess(data_dir).start()
    try:
        s3 = make_s3_client(server.endpoint)
        listed = {}
        for prefix in ("cleansed/events/", "quarantine/events/"):
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
                for o in page.get("Contents", []):
                    listed[o["Key"]] = (o["ETag"], o["Size"])
        pending = [u["Key"] for u in s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])]
        return listed, pending
    finally:
        server.stop()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run's outputs (its wall time is kept in REFERENCE_RUN_SECONDS)."""
    tmp = tmp_path_factory.mktemp("jobs-reference")
    data = str(tmp / "data")
    prepare(data, tmp)
    started = time.monotonic()
    run = json.loads(tarn(data, "jobs", "run", "events", "--format", "json").stdout)
    REFERENCE_RUN_SECONDS.append(time.monotonic() - started)
    assert run["status"] == "succeeded"
    totals = run["manifest"]["totals"]
    assert totals["rowsRead"] == totals["rowsWritten"] + totals["rowsQuarantined"] + totals["rowsDuplicate"]
    assert totals["rowsQuarantined"] > 0 and totals["rowsDuplicate"] > 0
    listed, pending = outputs(data)
    assert listed and not pending
    return listed


def finish_and_compare(data, reference):
    """Runs the job again after the kill; the result must equal the uninterrupted run."""
    run = json.loads(tarn(data, "jobs", "run", "events", "--format", "json").stdout)
    assert run["status"] == "succeeded"
    listed, pending = outputs(data)
    assert pending == []
    assert listed == reference
    history = json.loads(tarn(data, "jobs", "history", "events", "--format", "json").stdout)
    assert all(r["status"] in ("succeeded", "failed") for r in history)
    again = json.loads(tarn(data, "jobs", "run", "events", "--format", "json").stdout)
    assert again["sources"] == []


STEPS = ["planned", "batchProcessed:3", "fileStaged:2", "keysWritten", "manifestStaged", "committed", "published",
         "partitionsRegistered", "finished"]


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_kill_at_each_commit_step(tmp_path, reference, step):
    data = str(tmp_path / "data")
    prepare(data, tmp_path)
    killed = tarn(data, "jobs", "run", "events", env={"TARN_JOBS_KILL_AT": step}, check=False)
    assert killed.returncode == -signal.SIGKILL, f"expected SIGKILL at {step}, got {killed.returncode}: {killed.stderr}"
    listed, _ = outputs(data)
    # Before the commit nothing is ever visible; after the publish transaction everything is.
    # Killed right after the commit, the server's start-up recovery (which `outputs` starts)
    # may already have published the run: all of it or, if it had not got there yet, none.
    name = step.split(":")[0]
    if name in ("published", "partitionsRegistered", "finished"):
        assert listed == reference
    elif name == "committed":
        assert listed in ({}, reference)
    else:
        assert listed == {}
    finish_and_compare(data, reference)


@pytest.mark.slow
def test_kill_from_outside_mid_run(tmp_path, reference):
    """SIGKILL from another process at several points in time during the run."""
    killed_mid_run = 0
    # Kill times are fractions of an uninterrupted run's duration, so a fast machine (release
    # build, idle cores) gets killed mid-run as reliably as a slow one.
    for attempt, fraction in enumerate([0.1, 0.3, 0.5, 0.7, 0.9]):
        delay = fraction * REFERENCE_RUN_SECONDS[-1]
        data = str(tmp_path / f"data-{attempt}")
        prepare(data, tmp_path)
        process = subprocess.Popen([tarn_binary(), "jobs", "run", "events", "--data", data], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        process.wait()
        listed, _ = outputs(data)
        assert listed in ({}, reference), "a killed run is never half visible"
        finish_and_compare(data, reference)
    assert killed_mid_run >= 2, "the runs finished before they could be killed; use more data"
