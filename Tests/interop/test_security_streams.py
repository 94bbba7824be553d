"""Kinesis and Firehose requests are authorized per stream, as IAM authorizes them on AWS: the
action is `kinesis:<Operation>` / `firehose:<Operation>` and the resource the stream's ARN
(`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`, `arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME`).
Every case is a real boto3 call with the user's (or role session's) own credentials."""
import json
import subprocess
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION, firehose_role, make_client, make_s3_client, tarn_binary

ACCOUNT = "000000000000"


def stream_arn(name):
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"


def delivery_arn(name):
    return f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def client_for(endpoint, service, key):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], aws_session_token=key.get("SessionToken"),
        config=Config(retries={"max_attempts": 1}))


def denied(call, **kwargs):
    """The AccessDeniedException a call must raise: returns (message, HTTP status)."""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    error = excinfo.value.response
    assert error["Error"]["Code"] == "AccessDeniedException", error
    return error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]


class Streams:
    """Streams A and B, delivery streams DA and DB, and users scoped by policy."""

    def __init__(self, server):
        self.endpoint = server.endpoint
        self.suffix = uuid.uuid4().hex[:8]
        self.iam = make_client("iam", server.endpoint)
        self.kinesis = make_client("kinesis", server.endpoint)
        self.firehose = make_client("firehose", server.endpoint)
        self.a, self.b = f"auth-a-{self.suffix}", f"auth-b-{self.suffix}"
        self.da, self.db = f"auth-da-{self.suffix}", f"auth-db-{self.suffix}"
        for name in (self.a, self.b):
            self.kinesis.create_stream(StreamName=name, ShardCount=1)
        bucket = f"auth-{self.suffix}"
        make_s3_client(server.endpoint).create_bucket(Bucket=bucket)
        role = firehose_role(server.endpoint)
        for name in (self.da, self.db):
            self.firehose.create_delivery_stream(
                DeliveryStreamName=name,
                ExtendedS3DestinationConfiguration={"RoleARN": role, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": f"{name}/",
                                                    "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})

    def user(self, name, *statements):
        """Creates a user with an inline policy; returns its access key."""
        user = f"{name}-{self.suffix}"
        self.iam.create_user(UserName=user)
        self.iam.put_user_policy(UserName=user, PolicyName="streams", PolicyDocument=document(*statements))
        return user, self.iam.create_access_key(UserName=user)["AccessKey"]

    def iterator(self, name):
        return self.kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]


@pytest.fixture(scope="module")
def world(server):
    return Streams(server)


def test_a_user_scoped_to_stream_a_writes_and_reads_a_only(world):
    user, key = world.user("scoped", {
        "Effect": "Allow", "Resource": stream_arn(world.a),
        "Action": ["kinesis:PutRecords", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream"]})
    kinesis = client_for(world.endpoint, "kinesis", key)
    put = kinesis.put_records(StreamName=world.a, Records=[{"Data": b"mine", "PartitionKey": "k"}])
    assert put["FailedRecordCount"] == 0
    assert kinesis.describe_stream(StreamName=world.a)["StreamDescription"]["StreamARN"] == stream_arn(world.a)
    iterator = kinesis.get_shard_iterator(StreamName=world.a, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]] == [b"mine"]

    # Stream B: every operation is denied, in AWS's words, with HTTP 400 as Kinesis answers.
    message, status = denied(kinesis.put_records, StreamName=world.b, Records=[{"Data": b"x", "PartitionKey": "k"}])
    assert status == 400
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: kinesis:PutRecords "
                       f"on resource: {stream_arn(world.b)} because no identity-based policy allows the kinesis:PutRecords action")
    denied(kinesis.describe_stream, StreamName=world.b)
    denied(kinesis.get_shard_iterator, StreamName=world.b, ShardId="shardId-000000000000", ShardIteratorType="LATEST")
    # GetRecords names no stream: the iterator's stream (B, handed over by root) decides.
    message, _ = denied(kinesis.get_records, ShardIterator=world.iterator(world.b))
    assert f"kinesis:GetRecords on resource: {stream_arn(world.b)}" in message
    # Account and lifecycle operations it was not given, even on A.
    denied(kinesis.create_stream, StreamName=f"auth-new-{world.suffix}", ShardCount=1)
    denied(kinesis.delete_stream, StreamName=world.a)
    denied(kinesis.describe_stream_summary, StreamName=world.a)
    denied(kinesis.list_streams)
    # Authorization comes before existence: no probing for names.
    denied(kinesis.describe_stream, StreamName=f"auth-nope-{world.suffix}")
    # Nothing reached B, and A still exists.
    records = world.kinesis.get_records(ShardIterator=world.iterator(world.b))["Records"]
    assert all(r["Data"] != b"x" for r in records)
    assert world.kinesis.describe_stream_summary(StreamName=world.a)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"


def test_stream_arn_parameters_are_authorized_like_names(world):
    _, key = world.user("byarn", {"Effect": "Allow", "Resource": stream_arn(world.a), "Action": ["kinesis:PutRecords", "kinesis:DescribeStreamSummary"]})
    kinesis = client_for(world.endpoint, "kinesis", key)
    assert kinesis.put_records(StreamARN=stream_arn(world.a), Records=[{"Data": b"x", "PartitionKey": "k"}])["FailedRecordCount"] == 0
    assert kinesis.describe_stream_summary(StreamARN=stream_arn(world.a))["StreamDescriptionSummary"]["StreamName"] == world.a
    denied(kinesis.put_records, StreamARN=stream_arn(world.b), Records=[{"Data": b"x", "PartitionKey": "k"}])
    denied(kinesis.describe_stream_summary, StreamARN=stream_arn(world.b))


def test_a_deny_on_b_overrides_a_wildcard_allow(world):
    user, key = world.user(
        "allbutb",
        {"Effect": "Allow", "Action": ["kinesis:*", "firehose:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "kinesis:*", "Resource": stream_arn(world.b)},
        {"Effect": "Deny", "Action": "firehose:PutRecord*", "Resource": "arn:aws:firehose:*:*:deliverystream/auth-db-*"})
    kinesis = client_for(world.endpoint, "kinesis", key)
    firehose = client_for(world.endpoint, "firehose", key)
    assert kinesis.put_records(StreamName=world.a, Records=[{"Data": b"ok", "PartitionKey": "k"}])["FailedRecordCount"] == 0
    assert world.a in kinesis.list_streams(Limit=10_000)["StreamNames"]
    message, _ = denied(kinesis.put_records, StreamName=world.b, Records=[{"Data": b"x", "PartitionKey": "k"}])
    assert message.endswith("with an explicit deny in an identity-based policy") and f"user/{user}" in message
    denied(kinesis.delete_stream, StreamName=world.b)
    denied(kinesis.get_records, ShardIterator=world.iterator(world.b))
    # The wildcard still creates and deletes streams it is not denied.
    name = f"auth-c-{world.suffix}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.delete_stream(StreamName=name)
    # Without the allow, an unknown stream is reported as missing.
    with pytest.raises(ClientError) as excinfo:
        kinesis.describe_stream(StreamName=f"auth-nope-{world.suffix}")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # Firehose: the same user may write DA, not DB.
    assert firehose.put_record_batch(DeliveryStreamName=world.da, Records=[{"Data": b"ok\n"}])["FailedPutCount"] == 0
    message, _ = denied(firehose.put_record_batch, DeliveryStreamName=world.db, Records=[{"Data": b"x\n"}])
    assert f"firehose:PutRecordBatch on resource: {delivery_arn(world.db)} with an explicit deny" in message


def test_firehose_put_record_batch_is_scoped_to_the_delivery_stream(world):
    user, key = world.user("deliver", {"Effect": "Allow", "Action": ["firehose:PutRecordBatch", "firehose:PutRecord"], "Resource": delivery_arn(world.da)})
    firehose = client_for(world.endpoint, "firehose", key)
    assert firehose.put_record_batch(DeliveryStreamName=world.da, Records=[{"Data": b"a\n"}, {"Data": b"b\n"}])["FailedPutCount"] == 0
    assert "RecordId" in firehose.put_record(DeliveryStreamName=world.da, Record={"Data": b"c\n"})
    message, status = denied(firehose.put_record_batch, DeliveryStreamName=world.db, Records=[{"Data": b"x\n"}])
    assert status == 400
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: firehose:PutRecordBatch "
                       f"on resource: {delivery_arn(world.db)} because no identity-based policy allows the firehose:PutRecordBatch action")
    denied(firehose.put_record, DeliveryStreamName=world.db, Record={"Data": b"x\n"})
    denied(firehose.describe_delivery_stream, DeliveryStreamName=world.da)
    denied(firehose.delete_delivery_stream, DeliveryStreamName=world.da)
    denied(firehose.list_delivery_streams)
    assert world.da in world.firehose.list_delivery_streams(Limit=10_000)["DeliveryStreamNames"]


def test_a_role_session_is_authorized_on_its_streams(world):
    role = f"ingest-{world.suffix}"
    world.iam.create_role(RoleName=role, AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
    world.iam.put_role_policy(RoleName=role, PolicyName="ingest", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Resource": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/auth-a-*"}))
    credentials = make_client("sts", world.endpoint).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="producer")["Credentials"]
    kinesis = client_for(world.endpoint, "kinesis", credentials)
    assert "SequenceNumber" in kinesis.put_record(StreamName=world.a, Data=b"from-role", PartitionKey="k")
    message, _ = denied(kinesis.put_record, StreamName=world.b, Data=b"x", PartitionKey="k")
    assert f"assumed-role/{role}/producer is not authorized to perform: kinesis:PutRecord on resource: {stream_arn(world.b)}" in message


def test_simulate_explains_a_stream_decision(start_server):
    server = start_server()
    iam = make_client("iam", server.endpoint)
    iam.create_user(UserName="producer")
    iam.put_user_policy(UserName="producer", PolicyName="clicks", PolicyDocument=document(
        {"Sid": "Clicks", "Effect": "Allow", "Action": "kinesis:PutRecords", "Resource": stream_arn("clicks")}))
    server.stop()
    base = [tarn_binary(), "iam", "simulate", "--data", server.data_dir, "--principal", f"arn:aws:iam::{ACCOUNT}:user/producer",
            "--action", "kinesis:PutRecords", "--format", "json"]
    allowed = json.loads(subprocess.run(base + ["--resource", stream_arn("clicks")], capture_output=True, text=True, timeout=60, check=True).stdout)
    assert allowed["decision"] == "allowed" and allowed["matchedStatements"][0]["statement"] == '"Clicks"'
    other = json.loads(subprocess.run(base + ["--resource", stream_arn("orders")], capture_output=True, text=True, timeout=60, check=True).stdout)
    assert other["decision"] == "implicitly denied" and stream_arn("orders") in other["reason"]
