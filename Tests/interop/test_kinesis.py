"""Kinesis Data Streams API (Kinesis_20131202) against a real `tarn server`, with boto3.

Behaviour follows the Kinesis API reference (docs.aws.amazon.com/kinesis/latest/APIReference/);
each test names the action it covers.
"""
import hashlib
import math
import time
import uuid

import pytest
from botocore.exceptions import ClientError

import boto3
from botocore.config import Config

from conftest import ACCESS_KEY, REGION, SECRET_KEY, make_client


@pytest.fixture(scope="module")
def kinesis(server):
    return make_client("kinesis", server.endpoint)


@pytest.fixture
def stream(kinesis):
    name = f"s-{uuid.uuid4().hex[:12]}"
    kinesis.create_stream(StreamName=name, ShardCount=2)
    yield name
    try:
        kinesis.delete_stream(StreamName=name)
    except ClientError:
        pass


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def read_all(kinesis, name, shard_id, iterator_type="TRIM_HORIZON", **kwargs):
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard_id, ShardIteratorType=iterator_type, **kwargs)["ShardIterator"]
    records = []
    while iterator:
        page = kinesis.get_records(ShardIterator=iterator, Limit=1000)
        records += page["Records"]
        iterator = page.get("NextShardIterator")
        if not page["Records"] and page["MillisBehindLatest"] == 0:
            break
    return records


def test_create_describe_list_delete(kinesis):
    name = f"s-{uuid.uuid4().hex[:12]}"
    kinesis.create_stream(StreamName=name, ShardCount=3)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    description = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert description["StreamStatus"] == "ACTIVE"
    assert description["StreamARN"].endswith(f":stream/{name}")
    assert description["RetentionPeriodHours"] == 24
    shards = description["Shards"]
    assert [s["ShardId"] for s in shards] == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]
    # The shards cover the 128-bit key space contiguously, split as Kinesis splits it.
    assert shards[0]["HashKeyRange"]["StartingHashKey"] == "0"
    assert shards[-1]["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)
    for left, right in zip(shards, shards[1:]):
        assert int(left["HashKeyRange"]["EndingHashKey"]) + 1 == int(right["HashKeyRange"]["StartingHashKey"])
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 3 and summary["StreamModeDetails"]["StreamMode"] == "PROVISIONED"
    assert name in kinesis.list_streams()["StreamNames"]
    listed = kinesis.list_shards(StreamName=name, MaxResults=2)
    assert len(listed["Shards"]) == 2 and "NextToken" in listed
    rest = kinesis.list_shards(NextToken=listed["NextToken"])
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000002"]
    by_arn = kinesis.describe_stream_summary(StreamARN=description["StreamARN"])["StreamDescriptionSummary"]
    assert by_arn["StreamName"] == name

    with pytest.raises(ClientError) as excinfo:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    assert error_code(excinfo) == "ResourceInUseException"

    kinesis.delete_stream(StreamName=name)
    assert name not in kinesis.list_streams()["StreamNames"]
    with pytest.raises(ClientError) as excinfo:
        kinesis.describe_stream(StreamName=name)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_on_demand_stream(kinesis):
    name = f"s-{uuid.uuid4().hex[:12]}"
    kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"]["StreamMode"] == "ON_DEMAND" and summary["OpenShardCount"] == 4
    kinesis.delete_stream(StreamName=name)


def test_missing_stream_errors(kinesis):
    for call in (
        lambda: kinesis.put_record(StreamName="nope-nope", Data=b"x", PartitionKey="k"),
        lambda: kinesis.put_records(StreamName="nope-nope", Records=[{"Data": b"x", "PartitionKey": "k"}]),
        lambda: kinesis.list_shards(StreamName="nope-nope"),
        lambda: kinesis.get_shard_iterator(StreamName="nope-nope", ShardId="shardId-000000000000", ShardIteratorType="LATEST"),
        lambda: kinesis.delete_stream(StreamName="nope-nope"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ResourceNotFoundException"


def test_put_record_routes_by_md5_and_get_records(kinesis, stream):
    shards = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"]
    sent = {}
    for i in range(20):
        key = f"user-{i}"
        result = kinesis.put_record(StreamName=stream, Data=f"event {i}".encode(), PartitionKey=key)
        digest = int(hashlib.md5(key.encode()).hexdigest(), 16)
        owner = next(s for s in shards if int(s["HashKeyRange"]["StartingHashKey"]) <= digest <= int(s["HashKeyRange"]["EndingHashKey"]))
        assert result["ShardId"] == owner["ShardId"]
        sent[result["SequenceNumber"]] = (key, f"event {i}".encode(), result["ShardId"])
    got = {}
    for shard in shards:
        records = read_all(kinesis, stream, shard["ShardId"])
        numbers = [int(r["SequenceNumber"]) for r in records]
        assert numbers == sorted(numbers), "sequence numbers increase within a shard"
        for r in records:
            got[r["SequenceNumber"]] = (r["PartitionKey"], r["Data"], shard["ShardId"])
            assert abs(r["ApproximateArrivalTimestamp"].timestamp() - time.time()) < 120
    assert got == sent


def test_explicit_hash_key(kinesis, stream):
    result = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="any", ExplicitHashKey=str(2**128 - 1))
    assert result["ShardId"] == "shardId-000000000001"
    result = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="any", ExplicitHashKey="0")
    assert result["ShardId"] == "shardId-000000000000"


def test_put_records_batch_of_500(kinesis, stream):
    records = [{"Data": bytes([i % 256]) * 1024, "PartitionKey": f"k{i}"} for i in range(500)]
    result = kinesis.put_records(StreamName=stream, Records=records)
    assert result["FailedRecordCount"] == 0
    assert len(result["Records"]) == 500
    per_shard = {}
    for i, entry in enumerate(result["Records"]):
        per_shard.setdefault(entry["ShardId"], []).append((int(entry["SequenceNumber"]), i))
    total = 0
    for shard_id, entries in per_shard.items():
        stored = read_all(kinesis, stream, shard_id)
        total += len(stored)
        # Within a shard, request order is storage order.
        assert [int(r["SequenceNumber"]) for r in stored] == [n for n, _ in entries]
        assert [r["PartitionKey"] for r in stored] == [f"k{i}" for _, i in entries]
        assert [r["Data"] for r in stored] == [bytes([i % 256]) * 1024 for _, i in entries]
    assert total == 500


def test_put_records_limits(kinesis, stream):
    with pytest.raises(ClientError) as excinfo:
        kinesis.put_records(StreamName=stream, Records=[{"Data": b"x", "PartitionKey": "k"}] * 501)
    assert error_code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        # 6 records of 1 MiB: each is allowed, together they exceed 5 MiB.
        kinesis.put_records(StreamName=stream, Records=[{"Data": b"y" * (1 << 20), "PartitionKey": "k"}] * 6)
    assert error_code(excinfo) == "InvalidArgumentException"


def test_iterator_types(kinesis):
    name = f"s-{uuid.uuid4().hex[:12]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    shard = "shardId-000000000000"
    numbers = []
    boundary = None
    for i in range(10):
        if i == 5:
            # botocore sends whole epoch seconds: put the second half after a second boundary.
            boundary = math.ceil(time.time()) + 0.001
            time.sleep(boundary - time.time())
        numbers.append(kinesis.put_record(StreamName=name, Data=str(i).encode(), PartitionKey="p")["SequenceNumber"])
    assert [r["Data"] for r in read_all(kinesis, name, shard)] == [str(i).encode() for i in range(10)]
    at = read_all(kinesis, name, shard, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[4])
    assert [r["Data"] for r in at] == [str(i).encode() for i in range(4, 10)]
    after = read_all(kinesis, name, shard, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[4])
    assert [r["Data"] for r in after] == [str(i).encode() for i in range(5, 10)]
    stamped = read_all(kinesis, name, shard, "AT_TIMESTAMP", Timestamp=math.floor(boundary))
    assert [r["Data"] for r in stamped] == [str(i).encode() for i in range(5, 10)]

    latest = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    page = kinesis.get_records(ShardIterator=latest)
    assert page["Records"] == [] and page["MillisBehindLatest"] == 0
    kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="p")
    page = kinesis.get_records(ShardIterator=page["NextShardIterator"])
    assert [r["Data"] for r in page["Records"]] == [b"new"]

    # A limited read is behind the tip and says so.
    first = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    page = kinesis.get_records(ShardIterator=first, Limit=2)
    assert len(page["Records"]) == 2 and page["MillisBehindLatest"] > 0

    with pytest.raises(ClientError) as excinfo:
        kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER")
    assert error_code(excinfo) == "InvalidArgumentException"
    with pytest.raises(ClientError) as excinfo:
        kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber="12345")
    assert error_code(excinfo) == "InvalidArgumentException"
    with pytest.raises(ClientError) as excinfo:
        kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000009", ShardIteratorType="LATEST")
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        kinesis.get_records(ShardIterator="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert error_code(excinfo) == "InvalidArgumentException"
    kinesis.delete_stream(StreamName=name)


def test_retention_period(kinesis, stream):
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 48
    with pytest.raises(ClientError) as excinfo:
        kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=30)
    assert error_code(excinfo) == "InvalidArgumentException"
    with pytest.raises(ClientError) as excinfo:
        kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=72)
    assert error_code(excinfo) == "InvalidArgumentException"
    with pytest.raises(ClientError) as excinfo:
        kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=9000)
    assert error_code(excinfo) == "InvalidArgumentException"
    kinesis.decrease_stream_retention_period(StreamName=stream, RetentionPeriodHours=24)
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 24


def test_tags(kinesis, stream):
    kinesis.add_tags_to_stream(StreamName=stream, Tags={"team": "web", "env": "test"})
    kinesis.add_tags_to_stream(StreamName=stream, Tags={"team": "data"})
    tags = kinesis.list_tags_for_stream(StreamName=stream)
    assert tags["Tags"] == [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}] and not tags["HasMoreTags"]
    page = kinesis.list_tags_for_stream(StreamName=stream, Limit=1)
    assert page["Tags"] == [{"Key": "env", "Value": "test"}] and page["HasMoreTags"]
    kinesis.remove_tags_from_stream(StreamName=stream, TagKeys=["env"])
    assert kinesis.list_tags_for_stream(StreamName=stream)["Tags"] == [{"Key": "team", "Value": "data"}]


def test_update_shard_count_lineage(kinesis, stream):
    result = kinesis.update_shard_count(StreamName=stream, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert result["CurrentShardCount"] == 2 and result["TargetShardCount"] == 4
    shards = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"]
    closed = [s for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    open_ = [s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    assert {s["ShardId"] for s in closed} == {"shardId-000000000000", "shardId-000000000001"}
    assert len(open_) == 4
    assert {s["ParentShardId"] for s in open_} == {"shardId-000000000000", "shardId-000000000001"}
    assert kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["OpenShardCount"] == 4
    with pytest.raises(ClientError) as excinfo:
        kinesis.update_shard_count(StreamName=stream, TargetShardCount=9, ScalingType="UNIFORM_SCALING")
    assert error_code(excinfo) == "LimitExceededException"
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=3, ScalingType="UNIFORM_SCALING")
    open_ = [s for s in kinesis.list_shards(StreamName=stream, ShardFilter={"Type": "AT_LATEST"})["Shards"]]
    assert len(open_) == 3
    for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
        # Lineage stays binary: at most a parent and an adjacent parent.
        assert set(shard) <= {"ShardId", "ParentShardId", "AdjacentParentShardId", "HashKeyRange", "SequenceNumberRange"}


def test_split_and_merge(kinesis):
    name = f"s-{uuid.uuid4().hex[:12]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    shards = {s["ShardId"]: s for s in kinesis.list_shards(StreamName=name)["Shards"]}
    assert shards["shardId-000000000001"]["HashKeyRange"]["EndingHashKey"] == str(2**127 - 1)
    assert shards["shardId-000000000002"]["ParentShardId"] == "shardId-000000000000"
    with pytest.raises(ClientError) as excinfo:
        kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey="5")
    assert error_code(excinfo) == "ResourceInUseException"
    kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000001", AdjacentShardToMerge="shardId-000000000002")
    merged = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert len(merged) == 1 and merged[0]["AdjacentParentShardId"] == "shardId-000000000002"
    kinesis.delete_stream(StreamName=name)


def test_throughput_limit(start_server):
    server = start_server(env={"TARN_KINESIS_SHARD_RECORDS_PER_SECOND": "10"})
    # No client retries: botocore would back off and retry throttled calls until they succeed.
    kinesis = boto3.client(
        "kinesis", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    kinesis.create_stream(StreamName="limited", ShardCount=1)
    result = kinesis.put_records(StreamName="limited", Records=[{"Data": b"x", "PartitionKey": str(i)} for i in range(50)])
    assert 0 < result["FailedRecordCount"] <= 40
    failures = [r for r in result["Records"] if "ErrorCode" in r]
    assert {r["ErrorCode"] for r in failures} == {"ProvisionedThroughputExceededException"}
    # A single put over the limit fails as a whole call.
    with pytest.raises(ClientError) as excinfo:
        kinesis.put_record(StreamName="limited", Data=b"x", PartitionKey="k")
    assert error_code(excinfo) == "ProvisionedThroughputExceededException"
