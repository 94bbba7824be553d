"""Server-side encryption at rest (SSE-S3, SSE-KMS, S3 Bucket Keys) through boto3 against a real
server: response headers as S3 sends them, ranged GETs, copy, multipart, bucket default
encryption, disabled/deleted/rotated keys — and a scan of the data directory that must find no
plaintext."""
import base64
import json
import os
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, make_s3_client


@pytest.fixture(scope="module")
def kms(server):
    return make_client("kms", server.endpoint)


@pytest.fixture
def key(kms):
    return kms.create_key(Description="sse test")["KeyMetadata"]


def marker(name, size):
    unit = f"PLAINTEXT-{name}-{uuid.uuid4().hex[:8]}-".encode()
    return unit, (unit * (size // len(unit) + 1))[:size]


def scan(data_dir, needle):
    hits = []
    for root, _, files in os.walk(data_dir):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    if needle in f.read():
                        hits.append(path)
            except OSError:
                pass
    return hits


def test_default_is_sse_s3(s3, bucket):
    config = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert config["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    assert put["ServerSideEncryption"] == "AES256"
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello"


def test_sse_kms_headers_get_range(s3, bucket, key):
    unit, body = marker("kms", 300_000)
    put = s3.put_object(Bucket=bucket, Key="obj", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key["Arn"]
    got = s3.get_object(Bucket=bucket, Key="obj")
    assert got["ServerSideEncryption"] == "aws:kms" and got["SSEKMSKeyId"] == key["Arn"]
    assert got["Body"].read() == body
    for start, end in [(0, 0), (65530, 65545), (100_000, 299_999), (131_072, 131_072)]:
        part = s3.get_object(Bucket=bucket, Key="obj", Range=f"bytes={start}-{end}")
        assert part["Body"].read() == body[start:end + 1]
        assert part["ContentRange"] == f"bytes {start}-{end}/{len(body)}"


def test_encryption_context_header(s3, bucket, key):
    context = base64.b64encode(json.dumps({"dept": "sales"}).encode()).decode()
    put = s3.put_object(Bucket=bucket, Key="ctx", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"],
                        SSEKMSEncryptionContext=context)
    assert json.loads(base64.b64decode(put["SSEKMSEncryptionContext"])) == {"dept": "sales"}
    assert s3.get_object(Bucket=bucket, Key="ctx")["Body"].read() == b"x"


def test_bucket_key_and_default_kms_encryption(s3, bucket, key):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}, "BucketKeyEnabled": True}]})
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key["Arn"] and rule["BucketKeyEnabled"] is True
    for i in range(5):
        put = s3.put_object(Bucket=bucket, Key=f"bk/{i}", Body=b"bucket key %d" % i)
        assert put["ServerSideEncryption"] == "aws:kms" and put["BucketKeyEnabled"] is True and put["SSEKMSKeyId"] == key["Arn"]
    for i in range(5):
        assert s3.get_object(Bucket=bucket, Key=f"bk/{i}")["Body"].read() == b"bucket key %d" % i
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.put_object(Bucket=bucket, Key="after", Body=b"x")["ServerSideEncryption"] == "AES256"


def test_bucket_keys_reduce_kms_calls(s3, bucket, key, server):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["KeyId"]}, "BucketKeyEnabled": True}]})
    for i in range(20):
        s3.put_object(Bucket=bucket, Key=f"n/{i}", Body=b"x")
        s3.get_object(Bucket=bucket, Key=f"n/{i}")["Body"].read()
    with open(f"{server.data_dir}/keys/audit/kms.jsonl") as f:
        uses = [json.loads(line) for line in f if key["KeyId"] in line]
    crypto = [e for e in uses if e["operation"] in ("GenerateDataKey", "Decrypt")]
    # One bucket key for 20 objects: one GenerateDataKey, no Decrypt (it is cached).
    assert len(crypto) <= 2, crypto


def test_copy_and_multipart(s3, bucket, key):
    unit, body = marker("mpu", 5 * 1024 * 1024 + 1000)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mpu", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    assert upload["ServerSideEncryption"] == "aws:kms" and upload["SSEKMSKeyId"] == key["Arn"]
    parts = []
    for number, chunk in ((1, body[:5 * 1024 * 1024]), (2, body[5 * 1024 * 1024:])):
        part = s3.upload_part(Bucket=bucket, Key="mpu", UploadId=upload["UploadId"], PartNumber=number, Body=chunk)
        assert part["ServerSideEncryption"] == "aws:kms"
        parts.append({"PartNumber": number, "ETag": part["ETag"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts})
    assert done["ServerSideEncryption"] == "aws:kms" and done["SSEKMSKeyId"] == key["Arn"]
    mid = 5 * 1024 * 1024
    assert s3.get_object(Bucket=bucket, Key="mpu", Range=f"bytes={mid - 10}-{mid + 9}")["Body"].read() == body[mid - 10:mid + 10]
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "mpu"}, ServerSideEncryption="AES256")
    assert copied["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == body
    copied = s3.copy_object(Bucket=bucket, Key="copy2", CopySource={"Bucket": bucket, "Key": "copy"}, ServerSideEncryption="aws:kms",
                            SSEKMSKeyId=key["Arn"])
    assert copied["SSEKMSKeyId"] == key["Arn"]
    assert s3.head_object(Bucket=bucket, Key="copy2")["ContentLength"] == len(body)


def test_no_plaintext_in_data_directory(s3, bucket, key, server):
    needles = []
    for mode in ("AES256", "aws:kms", "bucket-key", "multipart"):
        unit, body = marker(mode.replace(":", ""), 200_000)
        needles.append(unit)
        if mode == "AES256":
            s3.put_object(Bucket=bucket, Key=mode, Body=body, ServerSideEncryption="AES256")
        elif mode == "aws:kms":
            s3.put_object(Bucket=bucket, Key=mode, Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
        elif mode == "bucket-key":
            s3.put_object(Bucket=bucket, Key=mode, Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"], BucketKeyEnabled=True)
        else:
            upload = s3.create_multipart_upload(Bucket=bucket, Key=mode)
            part = s3.upload_part(Bucket=bucket, Key=mode, UploadId=upload["UploadId"], PartNumber=1, Body=body)
            s3.complete_multipart_upload(Bucket=bucket, Key=mode, UploadId=upload["UploadId"],
                                         MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        assert s3.get_object(Bucket=bucket, Key=mode)["Body"].read() == body
    for needle in needles:
        assert scan(server.data_dir, needle) == [], f"plaintext {needle!r} found on disk"


def test_disabled_deleted_and_rotated_keys(s3, kms, bucket, key):
    s3.put_object(Bucket=bucket, Key="k", Body=b"guarded", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    s3.put_object(Bucket=bucket, Key="bk", Body=b"guarded too", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"], BucketKeyEnabled=True)
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"guarded"
    kms.disable_key(KeyId=key["KeyId"])
    for name in ("k", "bk"):
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket=bucket, Key=name)
        assert e.value.response["Error"]["Code"] == "KMS.DisabledException"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="new", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    assert e.value.response["Error"]["Code"] == "KMS.DisabledException"
    kms.enable_key(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="bk")["Body"].read() == b"guarded too"
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert e.value.response["Error"]["Code"] == "KMS.KMSInvalidStateException"
    # HEAD needs no key: metadata stays readable.
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "aws:kms"
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"guarded"


def test_invalid_encryption_requests(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", SSEKMSKeyId="alias/whatever")
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=str(uuid.uuid4()))
    assert e.value.response["Error"]["Code"] == "KMS.NotFoundException"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey="k" * 32)
    assert e.value.response["Error"]["Code"] == "NotImplemented"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "abc"}}]})
    assert e.value.response["Error"]["Code"] == "InvalidArgument"


def test_aws_managed_key_when_none_named(s3, kms, bucket):
    put = s3.put_object(Bucket=bucket, Key="managed", Body=b"m", ServerSideEncryption="aws:kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert "alias/aws/s3" in aliases and put["SSEKMSKeyId"].endswith(aliases["alias/aws/s3"])
    assert s3.get_object(Bucket=bucket, Key="managed")["Body"].read() == b"m"


def test_default_encryption_none_is_only_for_measuring(start_server):
    server = start_server(extra_args=["--default-encryption", "none"])
    s3 = make_s3_client(server.endpoint)
    s3.create_bucket(Bucket="plain")
    unit, body = marker("plain", 100_000)
    assert "ServerSideEncryption" not in s3.put_object(Bucket="plain", Key="k", Body=body)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_encryption(Bucket="plain")
    assert e.value.response["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError"
    assert scan(server.data_dir, unit) != []  # really stored as sent
    s3.put_bucket_encryption(Bucket="plain", ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    unit2, body2 = marker("now-encrypted", 100_000)
    assert s3.put_object(Bucket="plain", Key="k2", Body=body2)["ServerSideEncryption"] == "AES256"
    assert scan(server.data_dir, unit2) == []
