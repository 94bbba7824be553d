"""Storage classes, lifecycle configuration, RestoreObject and the cost commands against a real
`tarn server`, driven by boto3 and the `tarn` CLI as users drive them."""
import datetime
import hashlib
import json
import os
import subprocess
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, SECRET_KEY, make_s3_client, tarn_binary

RETAIL_RULES = {
    "Rules": [
        {
            "ID": "retail-retention",
            "Filter": {"Prefix": ""},
            "Status": "Enabled",
            "Transitions": [{"Days": 180, "StorageClass": "STANDARD_IA"}, {"Days": 730, "StorageClass": "GLACIER"}],
            "Expiration": {"Days": 1825},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        }
    ]
}


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def tarn(*args, data, endpoint=None, check=True):
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    cmd = [tarn_binary(), *args, "--data", data]
    if endpoint:
        cmd += ["--endpoint", endpoint]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def day(offset_days):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=offset_days)).strftime("%Y-%m-%d")


# --- lifecycle configuration -------------------------------------------------------------------

def test_lifecycle_configuration_round_trip(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_code(excinfo) == ("NoSuchLifecycleConfiguration", 404)
    rules = {
        "Rules": RETAIL_RULES["Rules"] + [
            {
                "ID": "tagged-logs",
                "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "tier", "Value": "cold"}], "ObjectSizeGreaterThan": 1024}},
                "Status": "Disabled",
                "Transitions": [{"Days": 0, "StorageClass": "GLACIER_IR"}],
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            },
            {
                "ID": "by-date",
                "Filter": {"Tag": {"Key": "project", "Value": "x"}},
                "Status": "Enabled",
                "Expiration": {"Date": datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)},
            },
        ]
    }
    response = s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules)
    assert response["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    by_id = {rule["ID"]: rule for rule in got["Rules"]}
    assert by_id["retail-retention"]["Transitions"] == RETAIL_RULES["Rules"][0]["Transitions"]
    assert by_id["retail-retention"]["Expiration"] == {"Days": 1825}
    assert by_id["retail-retention"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert by_id["tagged-logs"]["Filter"]["And"] == {"Prefix": "logs/", "Tags": [{"Key": "tier", "Value": "cold"}], "ObjectSizeGreaterThan": 1024}
    assert by_id["tagged-logs"]["Status"] == "Disabled"
    assert by_id["by-date"]["Expiration"]["Date"] == datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration=RETAIL_RULES, TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_code(excinfo) == ("NoSuchLifecycleConfiguration", 404)


@pytest.mark.parametrize("rule, code, fragment", [
    ({"Transitions": [{"Days": 20, "StorageClass": "STANDARD_IA"}]}, "InvalidArgument", "greater than or equal to 30 for storageClass 'STANDARD_IA'"),
    ({"Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 45, "StorageClass": "GLACIER"}]}, "InvalidArgument", "must be 30 days more than"),
    ({"Transitions": [{"Days": 400, "StorageClass": "GLACIER"}], "Expiration": {"Days": 365}}, "InvalidArgument", "must be greater than 'Days' in the Transition action"),
    ({"Expiration": {"Days": 0}}, "InvalidArgument", "must be a positive integer"),
    ({"Transitions": [{"Days": 30, "StorageClass": "STANDARD"}]}, "MalformedXML", ""),
    ({"Filter": {"Tag": {"Key": "a", "Value": "b"}}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}, "InvalidRequest", "cannot be specified with Tags"),
    ({"Expiration": {"Date": datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.timezone.utc)}}, "InvalidArgument", "midnight GMT"),
    ({}, "InvalidRequest", "At least one action"),
])
def test_lifecycle_validation_errors(s3, bucket, rule, code, fragment):
    full = {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": ""}, **rule}
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [full]})
    assert error_code(excinfo) == (code, 400)
    assert fragment in excinfo.value.response["Error"]["Message"]


def test_lifecycle_on_missing_bucket(s3):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_lifecycle_configuration(Bucket=f"missing-{uuid.uuid4().hex[:8]}", LifecycleConfiguration=RETAIL_RULES)
    assert error_code(excinfo) == ("NoSuchBucket", 404)


# --- storage classes ---------------------------------------------------------------------------

CLASSES = ["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]


def test_storage_classes_on_put_head_list_copy_multipart(s3, bucket):
    body = os.urandom(1000) + b"x" * 300_000
    for storage_class in CLASSES:
        s3.put_object(Bucket=bucket, Key=f"k/{storage_class}", Body=body, StorageClass=storage_class)
        head = s3.head_object(Bucket=bucket, Key=f"k/{storage_class}")
        assert head.get("StorageClass", "STANDARD") == storage_class
        if storage_class in ("GLACIER", "DEEP_ARCHIVE"):
            with pytest.raises(ClientError) as excinfo:
                s3.get_object(Bucket=bucket, Key=f"k/{storage_class}")
            assert error_code(excinfo) == ("InvalidObjectState", 403)
            assert "Restore" not in head
        else:
            assert s3.get_object(Bucket=bucket, Key=f"k/{storage_class}")["Body"].read() == body
            # Ranged reads work on every readable tier (the archive tier is chunk-compressed).
            ranged = s3.get_object(Bucket=bucket, Key=f"k/{storage_class}", Range="bytes=999-1010")["Body"].read()
            assert ranged == body[999:1011]
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="k/")["Contents"]}
    assert listed == {f"k/{c}": c for c in CLASSES}
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"x", StorageClass="NOPE")
    assert error_code(excinfo)[0] == "InvalidStorageClass"
    # Copy changes the class; an archived source needs a restore first.
    s3.copy_object(Bucket=bucket, Key="copied", CopySource={"Bucket": bucket, "Key": "k/STANDARD"}, StorageClass="GLACIER_IR")
    assert s3.head_object(Bucket=bucket, Key="copied")["StorageClass"] == "GLACIER_IR"
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == body
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="copied2", CopySource={"Bucket": bucket, "Key": "k/GLACIER"}, StorageClass="STANDARD")
    assert error_code(excinfo) == ("InvalidObjectState", 403)
    # Multipart: the class given at creation applies to every part and the object.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", StorageClass="STANDARD_IA")
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=body)
    assert s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload["UploadId"])["StorageClass"] == "STANDARD_IA"
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert s3.head_object(Bucket=bucket, Key="mp")["StorageClass"] == "STANDARD_IA"
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == body


def test_restore_of_a_non_archived_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x", StorageClass="STANDARD_IA")
    with pytest.raises(ClientError) as excinfo:
        s3.restore_object(Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert error_code(excinfo) == ("InvalidObjectState", 403)
    with pytest.raises(ClientError) as excinfo:
        s3.restore_object(Bucket=bucket, Key="absent", RestoreRequest={"Days": 1})
    assert error_code(excinfo) == ("NoSuchKey", 404)


@pytest.fixture
def quick_restore_server(start_server, tmp_path):
    """A server whose GLACIER Standard restores take 2 seconds (configured in tarn.yaml)."""
    data = tmp_path / "quick"
    data.mkdir()
    (data / "tarn.yaml").write_text("restore:\n  GLACIER: { Expedited: 0, Standard: 2s, Bulk: 1h }\nlifecycle: { enabled: false }\n")
    return start_server(str(data))


def test_restore_flow(quick_restore_server):
    s3 = make_s3_client(quick_restore_server.endpoint)
    s3.create_bucket(Bucket="archive")
    body = b"cold data " * 50_000
    s3.put_object(Bucket="archive", Key="old.csv", Body=body, StorageClass="GLACIER")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket="archive", Key="old.csv")
    assert error_code(excinfo) == ("InvalidObjectState", 403)

    first = s3.restore_object(Bucket="archive", Key="old.csv", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}})
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket="archive", Key="old.csv")["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError) as excinfo:
        s3.restore_object(Bucket="archive", Key="old.csv", RestoreRequest={"Days": 2})
    assert error_code(excinfo) == ("RestoreAlreadyInProgress", 409)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket="archive", Key="old.csv")
    assert error_code(excinfo) == ("InvalidObjectState", 403)

    time.sleep(2.5)
    head = s3.head_object(Bucket="archive", Key="old.csv")
    assert head["StorageClass"] == "GLACIER"
    assert head["Restore"].startswith('ongoing-request="false", expiry-date="')
    assert head["Restore"].endswith(' 00:00:00 GMT"')
    got = s3.get_object(Bucket="archive", Key="old.csv")
    assert got["Body"].read() == body
    assert got["Restore"] == head["Restore"]
    again = s3.restore_object(Bucket="archive", Key="old.csv", RestoreRequest={"Days": 10})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.head_object(Bucket="archive", Key="old.csv")["Restore"] != head["Restore"]

    # Expedited is immediate here; Deep Archive has no Expedited tier.
    s3.put_object(Bucket="archive", Key="now", Body=b"x", StorageClass="GLACIER")
    assert s3.restore_object(Bucket="archive", Key="now", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.get_object(Bucket="archive", Key="now")["Body"].read() == b"x"
    s3.put_object(Bucket="archive", Key="deep", Body=b"x", StorageClass="DEEP_ARCHIVE")
    with pytest.raises(ClientError) as excinfo:
        s3.restore_object(Bucket="archive", Key="deep", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert error_code(excinfo)[0] == "InvalidArgument"


# --- lifecycle runs, plan, cost and review through the CLI --------------------------------------

def test_lifecycle_run_plan_cost_review_against_the_server(start_server, tmp_path):
    server = start_server(str(tmp_path / "lake"))
    s3 = make_s3_client(server.endpoint)
    s3.create_bucket(Bucket="retail-raw")
    s3.put_bucket_lifecycle_configuration(Bucket="retail-raw", LifecycleConfiguration=RETAIL_RULES)
    body = os.urandom(200_000)
    for index in range(3):
        s3.put_object(Bucket="retail-raw", Key=f"raw/sales/day-{index}.csv", Body=body)
    upload = s3.create_multipart_upload(Bucket="retail-raw", Key="raw/sales/big.csv")

    plan = json.loads(tarn("lifecycle", "plan", "--format", "json", data=server.data_dir, endpoint=server.endpoint).stdout)
    steps = [(a["key"], a["action"], a.get("toClass")) for a in plan["Actions"]]
    assert ("raw/sales/day-0.csv", "transition", "STANDARD_IA") in steps
    assert ("raw/sales/day-0.csv", "transition", "GLACIER") in steps
    assert ("raw/sales/day-0.csv", "expire", None) in steps
    assert ("raw/sales/big.csv", "abort-multipart-upload", None) in steps

    # As of 200 days from now: Standard-IA; the stalled upload is aborted.
    run = tarn("lifecycle", "run", "--as-of", day(200), data=server.data_dir, endpoint=server.endpoint)
    assert "took 4 action(s)" in run.stdout, run.stdout
    classes = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket="retail-raw")["Contents"]}
    assert classes == {f"raw/sales/day-{i}.csv": "STANDARD_IA" for i in range(3)}
    assert s3.get_object(Bucket="retail-raw", Key="raw/sales/day-1.csv")["Body"].read() == body
    assert s3.list_multipart_uploads(Bucket="retail-raw").get("Uploads", []) == []
    # As of 800 days: Glacier (archived: GET needs a restore).
    tarn("lifecycle", "run", "--as-of", day(800), data=server.data_dir, endpoint=server.endpoint)
    head = s3.head_object(Bucket="retail-raw", Key="raw/sales/day-1.csv")
    assert head["StorageClass"] == "GLACIER" and head["ContentLength"] == len(body)

    cost = json.loads(tarn("cost", "--format", "json", data=server.data_dir, endpoint=server.endpoint).stdout)
    rows = {(r["bucket"], r["zone"], r["storageClass"]): r for r in cost["footprint"]}
    assert rows[("retail-raw", "raw", "GLACIER")]["objects"] == 3
    assert rows[("retail-raw", "raw", "GLACIER")]["bytes"] == 3 * len(body)
    assert cost["projection"]["years"] == 5 and len(cost["projection"]["withLifecycle"]) == 5

    # The log records every action.
    log = [json.loads(line) for line in open(os.path.join(server.data_dir, "storage", "lifecycle", "actions.log"))]
    assert [entry["action"] for entry in log].count("transition") == 6
    assert any(entry["action"] == "abort-multipart-upload" and entry["uploadID"] == upload["UploadId"] for entry in log)

    # Review: a bucket without lifecycle rules holding aged data fails the gate.
    s3.create_bucket(Bucket="scratch")
    s3.put_object(Bucket="scratch", Key="old.bin", Body=b"x" * 1000)
    clean = tarn("review", "--fail-on", "high", data=server.data_dir, endpoint=server.endpoint, check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    gated = tarn("review", "--as-of", day(60), data=server.data_dir, endpoint=server.endpoint, check=False)
    assert gated.returncode == 2, gated.stdout + gated.stderr
    assert "cost.lifecycle-missing" in gated.stdout and "s3://scratch" in gated.stdout


# --- crash in the middle of a transition --------------------------------------------------------

@pytest.mark.slow
def test_kill_during_transition_loses_nothing(start_server, tmp_path):
    """kill -9 an embedded `tarn lifecycle run` while it copies a large object to the compressed
    archive tier, at several points; after each crash the object is whole (in its old class or
    its new one) and, once a server has started, no copy is left behind."""
    data = str(tmp_path / "crash")
    server = start_server(data)
    s3 = make_s3_client(server.endpoint)
    s3.create_bucket(Bucket="lake")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lake", LifecycleConfiguration={"Rules": [{"ID": "g", "Filter": {"Prefix": ""}, "Status": "Enabled", "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]}]})
    body = (b"retail,line,with,some,repetition," * 8 + os.urandom(64)) * 200_000  # ~64 MiB
    digest = hashlib.md5(body).hexdigest()
    s3.put_object(Bucket="lake", Key="big.csv", Body=body)
    server.stop()
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    archive = os.path.join(data, "storage", "tiers", "archive")
    for delay in (0.2, 0.5, 1.0):
        proc = subprocess.Popen([tarn_binary(), "lifecycle", "run", "--as-of", day(5), "--data", data], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        server = start_server(data)
        s3 = make_s3_client(server.endpoint)
        head = s3.head_object(Bucket="lake", Key="big.csv")
        assert head["ContentLength"] == len(body)
        if head.get("StorageClass", "STANDARD") == "STANDARD":
            assert hashlib.md5(s3.get_object(Bucket="lake", Key="big.csv")["Body"].read()).hexdigest() == digest
        server.stop()
    server = start_server(data)
    s3 = make_s3_client(server.endpoint)
    time.sleep(1)  # start-up recovery runs in the background
    server.stop()
    tarn("lifecycle", "run", "--as-of", day(5), data=data)
    server = start_server(data)
    s3 = make_s3_client(server.endpoint)
    assert s3.head_object(Bucket="lake", Key="big.csv")["StorageClass"] == "GLACIER"
    s3.restore_object(Bucket="lake", Key="big.csv", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    blobs = [name for sub in os.listdir(archive) for name in os.listdir(os.path.join(archive, sub))]
    assert len(blobs) == 1, f"left-over copies in the archive tier: {blobs}"
    server.stop()
