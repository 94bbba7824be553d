"""Firehose security against a real `tarn server`, with boto3: deliveries act as the delivery
stream's RoleARN (a role that may not write the prefix delivers nothing and loses nothing), a
Kinesis source is read as KinesisStreamSourceConfiguration.RoleARN, CreateDeliveryStream needs
iam:PassRole on the roles it names, and StartDeliveryStreamEncryption keeps buffered records out
of plaintext on disk.
"""
import json
import os
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import firehose_role, make_client, make_s3_client


def firehose_files_contain(data_dir, needle):
    found, files = False, 0
    for root, _, names in os.walk(os.path.join(data_dir, "firehose")):
        for name in names:
            files += 1
            with open(os.path.join(root, name), "rb") as handle:
                if needle in handle.read():
                    found = True
    assert files > 0
    return found


def listed(s3, bucket, prefix):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def test_delivery_acts_as_its_role(start_server):
    server = start_server()
    s3, iam, firehose = make_s3_client(server.endpoint), make_client("iam", server.endpoint), make_client("firehose", server.endpoint)
    bucket = f"fh-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    role = firehose_role(server.endpoint, "narrow-writer")
    # Only other/ may be written: deliveries to raw/ are denied.
    iam.put_role_policy(RoleName="narrow-writer", PolicyName="deliver", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/other/*"},
                                               {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}))
    firehose.create_delivery_stream(DeliveryStreamName="narrow", ExtendedS3DestinationConfiguration={
        "RoleARN": role, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
    firehose.put_record(DeliveryStreamName="narrow", Record={"Data": b"denied-then-delivered\n"})
    deadline = time.time() + 20
    failure = None
    while time.time() < deadline and failure is None:
        failure = firehose.describe_delivery_stream(DeliveryStreamName="narrow")["DeliveryStreamDescription"].get("FailureDescription")
        time.sleep(0.2)
    assert failure and "AccessDenied" in failure["Details"] and "assumed-role/narrow-writer" in failure["Details"], failure
    assert listed(s3, bucket, "raw/") == []
    # Granting the prefix lets the buffered record through: nothing was lost.
    iam.put_role_policy(RoleName="narrow-writer", PolicyName="deliver", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/raw/*"},
                                               {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}))
    deadline = time.time() + 30
    while time.time() < deadline and not listed(s3, bucket, "raw/"):
        time.sleep(0.2)
    keys = listed(s3, bucket, "raw/")
    assert len(keys) == 1
    assert s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == b"denied-then-delivered\n"


def test_unknown_role_is_refused_at_create(start_server):
    server = start_server()
    s3, firehose = make_s3_client(server.endpoint), make_client("firehose", server.endpoint)
    s3.create_bucket(Bucket="fh-norole")
    with pytest.raises(ClientError) as info:
        firehose.create_delivery_stream(DeliveryStreamName="x", ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::000000000000:role/does-not-exist", "BucketARN": "arn:aws:s3:::fh-norole"})
    assert info.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_delivery_stream_encryption_keeps_buffers_off_disk(start_server):
    server = start_server()
    s3, kms, firehose = make_s3_client(server.endpoint), make_client("kms", server.endpoint), make_client("firehose", server.endpoint)
    s3.create_bucket(Bucket="fh-sse")
    key_arn = kms.create_key(Description="firehose buffers")["KeyMetadata"]["Arn"]
    # A long buffering interval keeps the records in the buffer log while the disk is scanned.
    firehose.create_delivery_stream(DeliveryStreamName="sse", ExtendedS3DestinationConfiguration={
        "RoleARN": firehose_role(server.endpoint), "BucketARN": "arn:aws:s3:::fh-sse", "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 900}})
    described = firehose.describe_delivery_stream(DeliveryStreamName="sse")["DeliveryStreamDescription"]
    assert described["DeliveryStreamEncryptionConfiguration"]["Status"] == "DISABLED"
    with pytest.raises(ClientError) as info:
        firehose.start_delivery_stream_encryption(DeliveryStreamName="sse", DeliveryStreamEncryptionConfigurationInput={"KeyType": "AWS_OWNED_CMK"})
    assert info.value.response["Error"]["Code"] == "InvalidArgumentException"

    firehose.start_delivery_stream_encryption(
        DeliveryStreamName="sse", DeliveryStreamEncryptionConfigurationInput={"KeyARN": key_arn, "KeyType": "CUSTOMER_MANAGED_CMK"})
    config = firehose.describe_delivery_stream(DeliveryStreamName="sse")["DeliveryStreamDescription"]["DeliveryStreamEncryptionConfiguration"]
    assert config["Status"] == "ENABLED" and config["KeyARN"] == key_arn
    marker = b"FIREHOSE-SECRET-" + uuid.uuid4().hex.encode()
    answer = firehose.put_record_batch(DeliveryStreamName="sse", Records=[{"Data": marker + b"-%d\n" % i} for i in range(20)])
    assert answer["Encrypted"] is True and answer["FailedPutCount"] == 0
    assert not firehose_files_contain(server.data_dir, marker)

    firehose.stop_delivery_stream_encryption(DeliveryStreamName="sse")
    assert firehose.describe_delivery_stream(DeliveryStreamName="sse")["DeliveryStreamDescription"]["DeliveryStreamEncryptionConfiguration"]["Status"] == "DISABLED"
    plain = b"FIREHOSE-PLAIN-" + uuid.uuid4().hex.encode()
    assert firehose.put_record(DeliveryStreamName="sse", Record={"Data": plain + b"\n"})["Encrypted"] is False
    assert firehose_files_contain(server.data_dir, plain), "the scan finds what is stored in plaintext"


def wait_for(condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()


def delivered_lines(s3, bucket, prefix):
    return sorted(line for key in listed(s3, bucket, prefix)
                  for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines())


def test_kinesis_source_is_read_as_the_source_role(start_server):
    """KinesisStreamSourceConfiguration.RoleARN must allow kinesis:DescribeStream, ListShards,
    GetShardIterator and GetRecords on the source stream, as on AWS: without GetRecords nothing is
    delivered and DescribeDeliveryStream shows why; once the role is fixed every record arrives."""
    server = start_server()
    s3, iam = make_s3_client(server.endpoint), make_client("iam", server.endpoint)
    kinesis, firehose = make_client("kinesis", server.endpoint), make_client("firehose", server.endpoint)
    bucket = f"fh-src-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    stream_arn = kinesis.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"]["StreamARN"]
    writer = firehose_role(server.endpoint, "source-writer")
    reader = firehose_role(server.endpoint, "source-reader")

    def reader_may(actions):
        iam.put_role_policy(RoleName="source-reader", PolicyName="deliver", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": stream_arn}]}))

    reader_may(["kinesis:DescribeStream", "kinesis:ListShards", "kinesis:GetShardIterator"])
    firehose.create_delivery_stream(
        DeliveryStreamName="clicks-to-s3", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": reader},
        ExtendedS3DestinationConfiguration={
            "RoleARN": writer, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}})
    source = firehose.describe_delivery_stream(DeliveryStreamName="clicks-to-s3")["DeliveryStreamDescription"]["Source"]
    assert source["KinesisStreamSourceDescription"]["RoleARN"] == reader
    sent = [f"click-{i}" for i in range(60)]
    for start in range(0, len(sent), 20):
        result = kinesis.put_records(StreamName="clicks", Records=[{"Data": d.encode(), "PartitionKey": f"user-{i}"} for i, d in enumerate(sent[start:start + 20])])
        assert result["FailedRecordCount"] == 0

    failure = wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName="clicks-to-s3")["DeliveryStreamDescription"].get("FailureDescription"))
    assert failure, "a denied source read must be visible in DescribeDeliveryStream"
    details = failure["Details"]
    assert "AccessDenied" in details and "kinesis:GetRecords" in details and stream_arn in details, details
    assert "assumed-role/source-reader/firehose-clicks-to-s3" in details, details
    time.sleep(1)
    assert listed(s3, bucket, "raw/") == []

    # The fix: every record is delivered, none lost and none twice, and the failure is gone.
    reader_may(["kinesis:DescribeStream", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"])
    assert wait_for(lambda: delivered_lines(s3, bucket, "raw/") == sorted(sent)), delivered_lines(s3, bucket, "raw/")
    assert wait_for(lambda: "FailureDescription" not in firehose.describe_delivery_stream(DeliveryStreamName="clicks-to-s3")["DeliveryStreamDescription"])


def test_unknown_source_role_is_refused_at_create(start_server):
    server = start_server()
    s3, kinesis, firehose = make_s3_client(server.endpoint), make_client("kinesis", server.endpoint), make_client("firehose", server.endpoint)
    s3.create_bucket(Bucket="fh-nosource")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    stream_arn = kinesis.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"]["StreamARN"]
    with pytest.raises(ClientError) as info:
        firehose.create_delivery_stream(
            DeliveryStreamName="x", DeliveryStreamType="KinesisStreamAsSource",
            KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": "arn:aws:iam::000000000000:role/does-not-exist"},
            ExtendedS3DestinationConfiguration={"RoleARN": firehose_role(server.endpoint), "BucketARN": "arn:aws:s3:::fh-nosource"})
    assert info.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert "does-not-exist" in info.value.response["Error"]["Message"]
    assert firehose.list_delivery_streams()["DeliveryStreamNames"] == []


def test_create_delivery_stream_requires_pass_role(start_server):
    """iam:PassRole on every role handed to Firehose, with iam:PassedToService, as on AWS."""
    server = start_server()
    s3, iam, kinesis = make_s3_client(server.endpoint), make_client("iam", server.endpoint), make_client("kinesis", server.endpoint)
    s3.create_bucket(Bucket="fh-pass")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    stream_arn = kinesis.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"]["StreamARN"]
    deliver, admin = firehose_role(server.endpoint, "deliver"), firehose_role(server.endpoint, "admin")
    iam.create_user(UserName="creator")
    iam.put_user_policy(UserName="creator", PolicyName="create", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "firehose:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": deliver,
         "Condition": {"StringEquals": {"iam:PassedToService": "firehose.amazonaws.com"}}}]}))
    key = iam.create_access_key(UserName="creator")["AccessKey"]
    firehose = boto3.client("firehose", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"], config=Config(retries={"max_attempts": 1}))

    def create(name, role, source_role=None):
        arguments = {"DeliveryStreamName": name, "ExtendedS3DestinationConfiguration": {"RoleARN": role, "BucketARN": "arn:aws:s3:::fh-pass"}}
        if source_role:
            arguments.update(DeliveryStreamType="KinesisStreamAsSource",
                             KinesisStreamSourceConfiguration={"KinesisStreamARN": stream_arn, "RoleARN": source_role})
        return firehose.create_delivery_stream(**arguments)

    def refused(name, role, source_role=None):
        with pytest.raises(ClientError) as info:
            create(name, role, source_role)
        return info.value.response["Error"]

    error = refused("escalate", admin)
    assert error["Code"] == "AccessDeniedException"
    assert error["Message"] == (
        f"User: arn:aws:iam::000000000000:user/creator is not authorized to perform: iam:PassRole on resource: {admin} "
        "because no identity-based policy allows the iam:PassRole action")
    assert refused("escalate-source", deliver, source_role=admin)["Code"] == "AccessDeniedException"
    # A role that does not exist is not revealed to a caller who may not pass it.
    assert refused("probe", "arn:aws:iam::000000000000:role/nope")["Code"] == "AccessDeniedException"
    assert create("allowed", deliver)["DeliveryStreamARN"].endswith("deliverystream/allowed")
    assert create("allowed-source", deliver, source_role=deliver)["DeliveryStreamARN"].endswith("deliverystream/allowed-source")
    assert sorted(firehose.list_delivery_streams()["DeliveryStreamNames"]) == ["allowed", "allowed-source"]
