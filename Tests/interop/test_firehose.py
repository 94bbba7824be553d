"""Firehose (Firehose_20150804) delivery to S3 against a real `tarn server`, with boto3.

Covers CreateDeliveryStream / Describe / List / Delete, PutRecord(Batch), buffering by size and
by interval, prefix expressions and the default YYYY/MM/DD/HH/ layout, AppendDelimiterToRecord,
dynamic partitioning with the error output prefix, and a Kinesis data stream as source.
Behaviour follows docs.aws.amazon.com/firehose/latest/dev/ (basic-deliver, s3-prefixes,
dynamic-partitioning).
"""
import json
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import firehose_role, make_client


@pytest.fixture(scope="module")
def firehose(server):
    firehose_role(server.endpoint)  # the RoleARN every destination() names
    return make_client("firehose", server.endpoint)


@pytest.fixture(scope="module")
def kinesis(server):
    return make_client("kinesis", server.endpoint)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def wait_for_objects(s3, bucket, prefix="", count=1, timeout=15):
    deadline = time.time() + timeout
    while True:
        objects = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        if len(objects) >= count or time.time() > deadline:
            return sorted(objects, key=lambda o: o["Key"])
        time.sleep(0.1)


def body(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def destination(bucket, **overrides):
    config = {
        "RoleARN": "arn:aws:iam::000000000000:role/firehose",
        "BucketARN": f"arn:aws:s3:::{bucket}",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 1},
    }
    config.update(overrides)
    return config


NAME_PATTERN = r"(?P<name>[\w.-]+)-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_create_describe_list_delete(firehose, s3, bucket):
    name = f"d-{uuid.uuid4().hex[:10]}"
    arn = firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration=destination(bucket, Prefix="raw/"),
        Tags=[{"Key": "team", "Value": "web"}])["DeliveryStreamARN"]
    assert arn.endswith(f":deliverystream/{name}")
    description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert description["DeliveryStreamStatus"] == "ACTIVE" and description["DeliveryStreamType"] == "DirectPut"
    extended = description["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert extended["BucketARN"] == f"arn:aws:s3:::{bucket}" and extended["Prefix"] == "raw/"
    assert extended["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 1} and extended["CompressionFormat"] == "UNCOMPRESSED"
    assert name in firehose.list_delivery_streams()["DeliveryStreamNames"]
    assert name in firehose.list_delivery_streams(DeliveryStreamType="DirectPut")["DeliveryStreamNames"]
    assert name not in firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource")["DeliveryStreamNames"]
    assert firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)["Tags"] == [{"Key": "team", "Value": "web"}]
    with pytest.raises(ClientError) as excinfo:
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=destination(bucket))
    assert error_code(excinfo) == "ResourceInUseException"
    firehose.delete_delivery_stream(DeliveryStreamName=name)
    with pytest.raises(ClientError) as excinfo:
        firehose.describe_delivery_stream(DeliveryStreamName=name)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_invalid_configurations(firehose, bucket):
    cases = [
        destination("no-such-bucket-here"),
        destination(bucket, BufferingHints={"SizeInMBs": 129, "IntervalInSeconds": 60}),
        destination(bucket, Prefix="raw/!{timestamp:yyyy}/"),  # expressions need an ErrorOutputPrefix
        destination(bucket, Prefix="raw/!{nope:x}/", ErrorOutputPrefix="e/"),
        destination(bucket, Prefix="raw/!{partitionKeyFromQuery:t}/", ErrorOutputPrefix="e/"),  # not enabled
        destination(  # dynamic partitioning needs at least 64 MiB buffers (as on AWS)
            bucket, Prefix="raw/!{partitionKeyFromQuery:t}/", ErrorOutputPrefix="e/!{firehose:error-output-type}/",
            DynamicPartitioningConfiguration={"Enabled": True},
            ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
                {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{t:.t}"},
                {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]}),
    ]
    for config in cases:
        with pytest.raises(ClientError) as excinfo:
            firehose.create_delivery_stream(DeliveryStreamName=f"d-{uuid.uuid4().hex[:10]}", ExtendedS3DestinationConfiguration=config)
        assert error_code(excinfo) == "InvalidArgumentException", config


def test_buffering_by_interval_with_default_layout(firehose, s3, bucket):
    name = f"d-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        ExtendedS3DestinationConfiguration=destination(
            bucket, Prefix="raw/clickstream/",
            ProcessingConfiguration={"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    events = [json.dumps({"event_type": "view", "n": i}).encode() for i in range(10)]
    result = firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": e} for e in events[:9]])
    assert result["FailedPutCount"] == 0 and len(result["RequestResponses"]) == 9
    assert all(r["RecordId"] for r in result["RequestResponses"])
    firehose.put_record(DeliveryStreamName=name, Record={"Data": events[9]})
    started = time.time()
    objects = wait_for_objects(s3, bucket, "raw/clickstream/")
    assert objects, "the 1 s buffering interval should have delivered an object"
    assert time.time() - started < 6
    key = objects[0]["Key"]
    # Default layout: prefix + YYYY/MM/DD/HH/ + name-version-timestamp-id.
    assert re.fullmatch(r"raw/clickstream/\d{4}/\d{2}/\d{2}/\d{2}/" + NAME_PATTERN, key), key
    assert re.fullmatch(r".*/" + NAME_PATTERN, key).group("name") == name
    delivered = b"".join(body(s3, bucket, o["Key"]) for o in wait_for_objects(s3, bucket, "raw/clickstream/", timeout=1))
    assert delivered == b"".join(e + b"\n" for e in events)
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_buffering_by_size(firehose, s3, bucket):
    name = f"d-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, ExtendedS3DestinationConfiguration=destination(bucket, Prefix="big/", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 900}))
    record = b"r" * 100_000
    for _ in range(7):  # 3.5 MB in batches of 5 records
        firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": record}] * 5)
    objects = wait_for_objects(s3, bucket, "big/", count=3)
    assert len(objects) == 3, [o["Size"] for o in objects]
    assert all(o["Size"] >= 1 << 20 for o in objects)
    time.sleep(1.5)
    # The last half megabyte waits for the size or the 900 s interval.
    assert len(wait_for_objects(s3, bucket, "big/", count=4, timeout=0.5)) == 3
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_prefix_expressions(firehose, s3, bucket):
    name = f"d-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        ExtendedS3DestinationConfiguration=destination(
            bucket, Prefix="raw/year=!{timestamp:yyyy}/month=!{timestamp:MM}/!{firehose:random-string}/",
            ErrorOutputPrefix="errors/!{firehose:error-output-type}/", FileExtension=".json"))
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"a":1}'})
    objects = wait_for_objects(s3, bucket, "raw/")
    now = time.gmtime()
    key = objects[0]["Key"]
    assert re.fullmatch(rf"raw/year={now.tm_year}/month={now.tm_mon:02d}/[A-Za-z0-9]{{11}}/" + NAME_PATTERN + r"\.json", key), key
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_dynamic_partitioning_and_error_prefix(firehose, s3, bucket):
    name = f"d-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        ExtendedS3DestinationConfiguration=destination(
            bucket, Prefix="raw/clickstream/event_type=!{partitionKeyFromQuery:event_type}/",
            ErrorOutputPrefix="errors/!{firehose:error-output-type}/", BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 1},
            DynamicPartitioningConfiguration={"Enabled": True},
            ProcessingConfiguration={"Enabled": True, "Processors": [
                {"Type": "MetadataExtraction", "Parameters": [
                    {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{event_type:.event_type}"},
                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
                {"Type": "AppendDelimiterToRecord", "Parameters": []}]}))
    records = [json.dumps({"event_type": t, "i": i}).encode() for i, t in enumerate(["view", "cart", "view", "buy", "view"])]
    records.append(b"not json at all")
    records.append(json.dumps({"other": 1}).encode())
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records])
    objects = wait_for_objects(s3, bucket, "raw/clickstream/", count=3)
    by_type = {}
    for o in objects:
        match = re.fullmatch(r"raw/clickstream/event_type=(\w+)/" + NAME_PATTERN, o["Key"])
        assert match, o["Key"]
        by_type[match.group(1)] = [json.loads(line) for line in body(s3, bucket, o["Key"]).splitlines()]
    assert {t: [r["i"] for r in rows] for t, rows in by_type.items()} == {"view": [0, 2, 4], "cart": [1], "buy": [3]}
    errors = wait_for_objects(s3, bucket, "errors/partitioning-failed/")
    assert len(errors) == 1
    assert re.fullmatch(r"errors/partitioning-failed/\d{4}/\d{2}/\d{2}/\d{2}/" + NAME_PATTERN, errors[0]["Key"])
    documents = [json.loads(line) for line in body(s3, bucket, errors[0]["Key"]).splitlines()]
    import base64
    assert [base64.b64decode(d["rawData"]) for d in documents] == records[5:]
    assert all(d["errorCode"] and d["errorMessage"] for d in documents)
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_kinesis_stream_as_source(firehose, kinesis, s3, bucket):
    stream = f"s-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=stream, ShardCount=2)
    kinesis.put_record(StreamName=stream, Data=b"before\n", PartitionKey="p")  # before creation: not delivered (LATEST)
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    name = f"d-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": "arn:aws:iam::000000000000:role/firehose"},
        ExtendedS3DestinationConfiguration=destination(bucket, Prefix="from-kinesis/"))
    description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert description["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"] == arn
    # The stream is read as this role (stored with the delivery stream).
    assert description["Source"]["KinesisStreamSourceDescription"]["RoleARN"] == "arn:aws:iam::000000000000:role/firehose"
    with pytest.raises(ClientError) as excinfo:
        firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    assert error_code(excinfo) == "InvalidArgumentException"
    sent = [f"event-{i}\n".encode() for i in range(40)]
    kinesis.put_records(StreamName=stream, Records=[{"Data": d, "PartitionKey": f"k{i}"} for i, d in enumerate(sent[:20])])
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=3, ScalingType="UNIFORM_SCALING")
    kinesis.put_records(StreamName=stream, Records=[{"Data": d, "PartitionKey": f"k{i}"} for i, d in enumerate(sent[20:])])
    deadline = time.time() + 20
    delivered = []
    while time.time() < deadline:
        delivered = [line + b"\n" for o in wait_for_objects(s3, bucket, "from-kinesis/", timeout=0)
                     for line in body(s3, bucket, o["Key"]).splitlines()]
        if len(delivered) >= len(sent):
            break
        time.sleep(0.2)
    assert sorted(delivered) == sorted(sent)
    firehose.delete_delivery_stream(DeliveryStreamName=name)
    kinesis.delete_stream(StreamName=stream)


def raw_call(endpoint, target, body):
    """A signed JSON 1.1 call with members boto3's model does not know (Tarn extensions)."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import requests
    from conftest import ACCESS_KEY, REGION, SECRET_KEY
    request = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY), "firehose", REGION).add_auth(request)
    return requests.post(endpoint + "/", data=request.body, headers=dict(request.headers), timeout=30)


def test_gzip_compression(firehose, s3, bucket):
    import gzip
    name = f"d-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, ExtendedS3DestinationConfiguration=destination(bucket, Prefix="gz/", CompressionFormat="GZIP"))
    records = [f"line {i}\n".encode() for i in range(1000)]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records[:500]])
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records[500:]])
    deadline = time.time() + 15
    content = b""
    while time.time() < deadline and len(content) < sum(map(len, records)):
        objects = wait_for_objects(s3, bucket, "gz/")
        content = b"".join(gzip.decompress(body(s3, bucket, o["Key"])) for o in objects)
    assert all(o["Key"].endswith(".gz") for o in objects)
    assert content == b"".join(records)
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_parquet_conversion_read_back_with_pyarrow(server, s3, bucket):
    import io
    import pyarrow.parquet as pq
    name = f"d-{uuid.uuid4().hex[:10]}"
    created = raw_call(server.endpoint, "Firehose_20150804.CreateDeliveryStream", {
        "DeliveryStreamName": name, "DeliveryStreamType": "DirectPut",
        "ExtendedS3DestinationConfiguration": destination(
            bucket, Prefix="parquet/clickstream/", ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
            DataFormatConversionConfiguration={
                "Enabled": True,
                "SchemaConfiguration": {
                    "DatabaseName": "retail", "TableName": "clickstream", "RoleARN": "arn:aws:iam::000000000000:role/r",
                    "TarnColumns": [{"Name": "event_type", "Type": "string"}, {"Name": "user_id", "Type": "bigint"},
                                    {"Name": "price", "Type": "double"}, {"Name": "at", "Type": "timestamp"}]},
                "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}}})})
    assert created.status_code == 200, created.text
    firehose = make_client("firehose", server.endpoint)
    good = [{"event_type": t, "user_id": i, "price": i * 1.5, "at": f"2024-03-01T10:00:{i:02d}Z"} for i, t in enumerate(["view", "cart", "buy"])]
    records = [json.dumps(r).encode() for r in good] + [b'{"event_type": "view", "user_id": "not a number"}', b"garbage"]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records])
    objects = wait_for_objects(s3, bucket, "parquet/clickstream/")
    assert len(objects) == 1 and objects[0]["Key"].endswith(".parquet")
    table = pq.read_table(io.BytesIO(body(s3, bucket, objects[0]["Key"])))
    assert table.column_names == ["event_type", "user_id", "price", "at"]
    assert table.column("event_type").to_pylist() == ["view", "cart", "buy"]
    assert table.column("user_id").to_pylist() == [0, 1, 2]
    assert table.column("price").to_pylist() == [0.0, 1.5, 3.0]
    assert [t.second for t in table.column("at").to_pylist()] == [0, 1, 2]
    errors = wait_for_objects(s3, bucket, "errors/format-conversion-failed/")
    documents = [json.loads(line) for line in body(s3, bucket, errors[0]["Key"]).splitlines()]
    import base64
    assert sorted(base64.b64decode(d["rawData"]) for d in documents) == sorted(records[3:])
    assert all(d["dataCatalogTable"]["tableName"] == "clickstream" for d in documents)
    # Without inline columns and without a catalog table, creation fails.
    missing = raw_call(server.endpoint, "Firehose_20150804.CreateDeliveryStream", {
        "DeliveryStreamName": name + "x", "ExtendedS3DestinationConfiguration": destination(
            bucket, DataFormatConversionConfiguration={"Enabled": True, "SchemaConfiguration": {"DatabaseName": "d", "TableName": "t"}})})
    assert missing.status_code == 400 and missing.json()["__type"].endswith("InvalidArgumentException")
    firehose.delete_delivery_stream(DeliveryStreamName=name)
