"""Crash safety of streaming ingest: many concurrent PutRecords callers, `kill -9` of the server
mid-stream, restart; then every record whose PutRecords response was received is readable
exactly once at its position, in order per shard, and reaches S3 through Firehose exactly once
(redelivery after the crash overwrites the same object keys instead of duplicating).
"""
import threading
import time
import uuid

import boto3
import pytest
from botocore.config import Config

from conftest import ACCESS_KEY, REGION, SECRET_KEY, firehose_role, make_client, make_s3_client


def client(service, endpoint):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=10))


def read_shard(kinesis, stream, shard_id):
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    while iterator:
        page = kinesis.get_records(ShardIterator=iterator, Limit=10000)
        records += page["Records"]
        iterator = page.get("NextShardIterator")
        if not page["Records"] and page["MillisBehindLatest"] == 0:
            break
    return records


@pytest.mark.slow
def test_kill_dash_nine_mid_stream(start_server, tmp_path):
    data = str(tmp_path / "crash-data")
    server = start_server(data)
    kinesis = make_client("kinesis", server.endpoint)
    firehose = make_client("firehose", server.endpoint)
    s3 = make_s3_client(server.endpoint)
    bucket = f"crash-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    kinesis.create_stream(StreamName="clicks", ShardCount=4)
    arn = kinesis.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"]["StreamARN"]
    firehose.create_delivery_stream(
        DeliveryStreamName="clicks-to-s3", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": firehose_role(server.endpoint)},
        ExtendedS3DestinationConfiguration={
            "RoleARN": firehose_role(server.endpoint), "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/clickstream/", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 1},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}})

    acknowledged = {}  # sequence number -> (shard, payload)
    lock = threading.Lock()
    stop = threading.Event()

    def produce(worker):
        producer = client("kinesis", server.endpoint)
        batch = 0
        while not stop.is_set():
            payloads = [f"w{worker}-b{batch}-r{i}".encode() for i in range(50)]
            try:
                result = producer.put_records(
                    StreamName="clicks", Records=[{"Data": p, "PartitionKey": f"user-{worker}-{i % 7}"} for i, p in enumerate(payloads)])
            except Exception:
                return  # the server died: this batch was never acknowledged
            with lock:
                for payload, entry in zip(payloads, result["Records"]):
                    assert "ErrorCode" not in entry
                    acknowledged[entry["SequenceNumber"]] = (entry["ShardId"], payload)
            batch += 1

    threads = [threading.Thread(target=produce, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    server.kill9()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) > 1000, "producers should have been acknowledged before the crash"

    restarted = start_server(data)
    kinesis = make_client("kinesis", restarted.endpoint)
    s3 = make_s3_client(restarted.endpoint)
    stored = {}
    payload_count = {}
    for shard in kinesis.list_shards(StreamName="clicks")["Shards"]:
        records = read_shard(kinesis, "clicks", shard["ShardId"])
        numbers = [int(r["SequenceNumber"]) for r in records]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), "in order, each position once"
        for r in records:
            stored[r["SequenceNumber"]] = (shard["ShardId"], r["Data"])
            payload_count[r["Data"]] = payload_count.get(r["Data"], 0) + 1
    for number, value in acknowledged.items():
        assert stored.get(number) == value, f"acknowledged record {number} lost or changed"
    assert all(count == 1 for count in payload_count.values()), "no record is stored twice"

    # Firehose picks up where its durable checkpoints say and delivers every record exactly once.
    deadline = time.time() + 60
    delivered = {}
    while time.time() < deadline:
        delivered = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="raw/clickstream/"):
            for o in page.get("Contents", []):
                for line in s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read().splitlines():
                    delivered[line] = delivered.get(line, 0) + 1
        if len(delivered) >= len(payload_count):
            break
        time.sleep(0.5)
    missing = [v[1] for v in acknowledged.values() if v[1] not in delivered]
    assert not missing, f"{len(missing)} acknowledged records never reached S3"
    assert set(delivered) == set(payload_count)
    duplicated = [k for k, c in delivered.items() if c > 1]
    assert not duplicated, f"{len(duplicated)} records delivered twice"
