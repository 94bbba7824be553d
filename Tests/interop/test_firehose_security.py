"""Firehose security against a real `tarn server`, with boto3: deliveries act as the delivery
stream's RoleARN (a role that may not write the prefix delivers nothing and loses nothing), and
StartDeliveryStreamEncryption keeps buffered records out of plaintext on disk.
"""
import json
import os
import time
import uuid

import pytest
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
