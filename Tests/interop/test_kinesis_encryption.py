"""Kinesis server-side encryption (StartStreamEncryption / StopStreamEncryption) against a real
`tarn server`, with boto3: records put after StartStreamEncryption must not appear in plaintext
in any file under DATA/streams, yet GetRecords returns them (API_StartStreamEncryption).
"""
import os
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import make_client


def streams_files_contain(data_dir, needle):
    found = False
    files = 0
    for root, _, names in os.walk(os.path.join(data_dir, "streams")):
        for name in names:
            files += 1
            with open(os.path.join(root, name), "rb") as handle:
                if needle in handle.read():
                    found = True
    assert files > 1, "expected streams.db and segment files"
    return found


def read_shard(kinesis, name):
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    out = []
    while iterator:
        page = kinesis.get_records(ShardIterator=iterator, Limit=1000)
        out += [record["Data"] for record in page["Records"]]
        iterator = page.get("NextShardIterator")
        if not page["Records"] and page["MillisBehindLatest"] == 0:
            break
    return out


def test_start_stream_encryption_hides_new_records_on_disk(start_server):
    server = start_server()
    kinesis = make_client("kinesis", server.endpoint)
    kms = make_client("kms", server.endpoint)
    key_id = kms.create_key(Description="kinesis sse")["KeyMetadata"]["KeyId"]
    name = f"sse-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.put_record(StreamName=name, Data=b"plain-BEFOREMARK", PartitionKey="p")
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["EncryptionType"] == "NONE"

    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_id)
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["EncryptionType"] == "KMS" and summary["KeyId"] == key_id
    description = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert description["EncryptionType"] == "KMS" and description["KeyId"] == key_id

    marker = b"SECRETMARKER-" + uuid.uuid4().hex.encode()
    kinesis.put_record(StreamName=name, Data=marker, PartitionKey="p")
    kinesis.put_records(StreamName=name, Records=[{"Data": marker + b"-%d" % i, "PartitionKey": f"k{i}"} for i in range(10)])
    assert read_shard(kinesis, name) == [b"plain-BEFOREMARK", marker] + [marker + b"-%d" % i for i in range(10)]
    assert streams_files_contain(server.data_dir, b"BEFOREMARK")
    assert not streams_files_contain(server.data_dir, marker)

    # After a restart the data key is unwrapped through KMS again.
    server.stop()
    server.start()
    kinesis = make_client("kinesis", server.endpoint)
    assert read_shard(kinesis, name)[1] == marker

    kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_id)
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["EncryptionType"] == "NONE"
    kinesis.put_record(StreamName=name, Data=b"plain-AFTERMARK", PartitionKey="p")
    assert read_shard(kinesis, name)[-1] == b"plain-AFTERMARK"
    assert not streams_files_contain(server.data_dir, marker)


def test_start_stream_encryption_errors_and_disabled_key(start_server):
    # The data key is reused for up to five minutes, as in Kinesis; 0 checks KMS on every call.
    server = start_server(env={"TARN_KINESIS_DATA_KEY_REUSE_MS": "0"})
    kinesis = make_client("kinesis", server.endpoint)
    kms = make_client("kms", server.endpoint)
    name = f"sse-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    with pytest.raises(ClientError) as excinfo:
        kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/does-not-exist")
    assert excinfo.value.response["Error"]["Code"] == "KMSNotFoundException"

    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key_id)
    kinesis.put_record(StreamName=name, Data=b"one", PartitionKey="p")
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as excinfo:
        kinesis.put_record(StreamName=name, Data=b"two", PartitionKey="p")
    assert excinfo.value.response["Error"]["Code"] == "KMSDisabledException"
    kms.enable_key(KeyId=key_id)
    kinesis.put_record(StreamName=name, Data=b"two", PartitionKey="p")
    assert read_shard(kinesis, name) == [b"one", b"two"]
