"""`tarn streams list/describe/tail` and `tarn firehose list/describe`, against a running
server (over HTTP) and on a stopped data directory (embedded)."""
import json
import os
import subprocess
import time

from conftest import ACCESS_KEY, SECRET_KEY, firehose_role, make_client, make_s3_client, tarn_binary


def tarn(data, endpoint, *args):
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    return subprocess.run([tarn_binary(), *args, "--data", data, "--endpoint", endpoint], capture_output=True, text=True, env=env, timeout=120)


def test_streams_and_firehose_cli(start_server, tmp_path):
    data = str(tmp_path / "cli-data")
    server = start_server(data)
    kinesis = make_client("kinesis", server.endpoint)
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    make_s3_client(server.endpoint).create_bucket(Bucket="lake")
    make_client("firehose", server.endpoint).create_delivery_stream(
        DeliveryStreamName="clicks-s3",
        ExtendedS3DestinationConfiguration={"RoleARN": firehose_role(server.endpoint), "BucketARN": "arn:aws:s3:::lake", "Prefix": "raw/clickstream/"})

    listed = tarn(data, server.endpoint, "streams", "list")
    assert listed.returncode == 0, listed.stderr
    assert "clicks" in listed.stdout and "PROVISIONED" in listed.stdout
    described = tarn(data, server.endpoint, "streams", "describe", "clicks", "--format", "json")
    assert [s["ShardId"] for s in json.loads(described.stdout)["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    missing = tarn(data, server.endpoint, "streams", "describe", "nope")
    assert missing.returncode == 1 and "not found" in missing.stderr
    assert "s3://lake/raw/clickstream/" in tarn(data, server.endpoint, "firehose", "list").stdout
    assert "DirectPut" in tarn(data, server.endpoint, "firehose", "describe", "clicks-s3").stdout

    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    follower = subprocess.Popen(
        [tarn_binary(), "streams", "tail", "clicks", "--data", data, "--endpoint", server.endpoint, "--limit", "4", "--format", "json"],
        stdout=subprocess.PIPE, text=True, env=env)
    time.sleep(1.5)  # the follower starts at LATEST
    kinesis.put_records(StreamName="clicks", Records=[{"Data": f"hello {i}".encode(), "PartitionKey": str(i)} for i in range(2)])
    kinesis.update_shard_count(StreamName="clicks", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    kinesis.put_records(StreamName="clicks", Records=[{"Data": f"hello {i}".encode(), "PartitionKey": str(i)} for i in range(2, 4)])
    out, _ = follower.communicate(timeout=30)
    assert sorted(json.loads(line)["Data"] for line in out.splitlines()) == [f"hello {i}" for i in range(4)]

    server.stop()
    embedded = tarn(data, server.endpoint, "streams", "tail", "clicks", "--from", "trim-horizon", "--no-follow")
    assert embedded.returncode == 0, embedded.stderr
    assert sorted(line.split()[-1] for line in embedded.stdout.splitlines()) == ["0", "1", "2", "3"]
