"""Crash safety: `kill -9` the server in the middle of many concurrent PUTs (single and multipart,
bytes to multi-MiB), restart on the same directory, and check that

  * every acknowledged object reads back byte-exact (a ledger of key -> SHA-256 of what was sent),
  * nothing is listed that cannot be read in full, and whatever in-flight write became visible is
    exactly what was sent (never torn),
  * orphaned blobs from interrupted writes are collected: the stored blobs (files, and small-blob
    rows in the metadata database) settle to exactly the ones listed objects and pending multipart
    parts reference.
"""
import hashlib
import random
import threading
import time

import botocore.exceptions
import pytest
import urllib3

from conftest import make_s3_client
from s3support import stored_blob_count

MiB = 1024 * 1024
SIZES = [0, 1, 100, 4096, 65_536, 300_000, MiB, 3 * MiB + 17, 9 * MiB]
WRITERS = 12
ROUNDS = 3


class Ledger:
    """What writers attempted and what the server acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempted = {}      # key -> sha256 of the body being written
        self.acknowledged = {}   # key -> sha256, only after a 200

    def attempt(self, key, digest):
        with self.lock:
            self.attempted[key] = digest

    def acknowledge(self, key, digest):
        with self.lock:
            self.acknowledged[key] = digest


def body_for(key, size):
    """Deterministic content per key, so a torn or mixed-up body cannot match by accident."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    block = random.Random(seed).randbytes(min(size, 256 * 1024) or 1)
    return (block * (size // len(block) + 1))[:size]


def writer(endpoint, bucket, ledger, stop, round_number, index):
    s3 = make_s3_client(endpoint, connect_timeout=2, read_timeout=30)
    rng = random.Random(round_number * 1000 + index)
    sequence = 0
    while not stop.is_set():
        sequence += 1
        key = f"r{round_number}/w{index:02d}/{sequence:05d}"
        try:
            if rng.random() < 0.12:
                # Multipart: two 5 MiB parts and a small tail.
                parts = [body_for(key + "/1", 5 * MiB), body_for(key + "/2", 5 * MiB), body_for(key + "/3", rng.choice([1, 70_000]))]
                whole = b"".join(parts)
                ledger.attempt(key, hashlib.sha256(whole).hexdigest())
                upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
                etags = [s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=p)["ETag"]
                         for n, p in enumerate(parts, start=1)]
                s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={
                    "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
                ledger.acknowledge(key, hashlib.sha256(whole).hexdigest())
            else:
                body = body_for(key, rng.choice(SIZES))
                digest = hashlib.sha256(body).hexdigest()
                ledger.attempt(key, digest)
                s3.put_object(Bucket=bucket, Key=key, Body=body)
                ledger.acknowledge(key, digest)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, urllib3.exceptions.HTTPError, OSError):
            # The server died under us: this write was never acknowledged.
            return


def read_all(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def expected_blob_count(s3, bucket):
    """Blobs the index should reference: one per single-part object, one per part of a multipart
    object (its ETag ends in -N), and one per uploaded part of pending uploads."""
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            etag = entry["ETag"].strip('"')
            count += int(etag.rsplit("-", 1)[1]) if "-" in etag else 1
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        count += len(s3.list_parts(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]).get("Parts", []))
    return count


def wait_for_blob_count(data_dir, expected, timeout=60):
    deadline = time.time() + timeout
    while True:
        found = stored_blob_count(data_dir)
        if found == expected or time.time() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.slow
def test_kill_9_during_concurrent_puts(start_server, tmp_path):
    data = str(tmp_path / "crash-data")
    ledger = Ledger()
    server = start_server(data_dir=data)
    make_s3_client(server.endpoint).create_bucket(Bucket="crash")
    rng = random.Random(7)
    orphans_collected = 0
    for round_number in range(ROUNDS):
        stop = threading.Event()
        threads = [threading.Thread(target=writer, args=(server.endpoint, "crash", ledger, stop, round_number, i)) for i in range(WRITERS)]
        [t.start() for t in threads]
        # Let writes pile up, then pull the plug mid-stream.
        acknowledged_before = len(ledger.acknowledged)
        time.sleep(rng.uniform(2.5, 4.0))
        server.kill9()
        stop.set()
        [t.join(timeout=60) for t in threads]
        assert len(ledger.acknowledged) > acknowledged_before, f"round {round_number}: no writes were acknowledged"
        blobs_after_crash = stored_blob_count(data)

        server = start_server(data_dir=data)
        s3 = make_s3_client(server.endpoint)
        # 1. Every acknowledged object is there, byte-exact.
        for key, digest in sorted(ledger.acknowledged.items()):
            assert hashlib.sha256(read_all(s3, "crash", key)).hexdigest() == digest, f"acknowledged {key} changed"
        # 2. Everything listed reads back whole, with its listed size, and is exactly what a writer sent.
        listed = [o for page in s3.get_paginator("list_objects_v2").paginate(Bucket="crash") for o in page.get("Contents", [])]
        for entry in listed:
            data_bytes = read_all(s3, "crash", entry["Key"])
            assert len(data_bytes) == entry["Size"], entry["Key"]
            assert entry["Key"] in ledger.attempted, f"listed key {entry['Key']} was never written"
            assert hashlib.sha256(data_bytes).hexdigest() == ledger.attempted[entry["Key"]], f"{entry['Key']} is torn"
        assert set(ledger.acknowledged) <= {o["Key"] for o in listed}
        # 3. Orphaned blobs of interrupted writes are collected by start-up recovery.
        expected = expected_blob_count(s3, "crash")
        found = wait_for_blob_count(data, expected)
        assert found == expected, f"round {round_number}: {found} blobs stored, {expected} referenced"
        orphans_collected += blobs_after_crash - expected
        print(f"round {round_number}: {len(ledger.acknowledged)} acknowledged, {len(listed)} listed, {expected} blobs, "
              f"{blobs_after_crash - expected} orphans collected")
    # Writers were killed mid-body, so there were interrupted blobs to collect.
    assert orphans_collected > 0

    # Finally: abort what is pending and delete everything; the blob store drains to empty.
    s3 = make_s3_client(server.endpoint)
    for upload in s3.list_multipart_uploads(Bucket="crash").get("Uploads", []):
        s3.abort_multipart_upload(Bucket="crash", Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="crash"):
        if page.get("Contents"):
            s3.delete_objects(Bucket="crash", Delete={"Objects": [{"Key": o["Key"]} for o in page["Contents"]], "Quiet": True})
    assert wait_for_blob_count(data, 0) == 0
    s3.delete_bucket(Bucket="crash")
