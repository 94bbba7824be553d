"""lake.yaml's security settings after `tarn demo`, checked from outside with real clients.

The demo applies the retail lake.yaml: each environment gets its own customer managed KMS key
(rotation on, a key policy only the account root user and the environment's roles may use),
SSE-KMS default encryption with a Bucket Key, a TLS-only bucket policy, Block Public Access and
the lifecycle rules per zone; roles dev-etl, dev-ingest, dev-analyst (and prod-…) are scoped to
their environment. Then `tarn review` reports nothing of severity medium or above.
"""
import json
import os
import socket
import subprocess
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, REGION, SECRET_KEY, TarnProcess, free_port, make_client, make_s3_client, tarn_binary

ENV = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
DEV, PROD = "retail-dev-data", "retail-prod-data"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = str(tmp_path_factory.mktemp("secdemo") / "lake")
    result = subprocess.run(
        # The demo's default scale and days: the lake a user gets from `tarn demo`.
        [tarn_binary(), "demo", "--data", data, "--listen", "127.0.0.1:0", "--no-serve"],
        capture_output=True, text=True, env=ENV, timeout=900)
    assert result.returncode == 0, f"tarn demo failed:\n{result.stdout}\n{result.stderr}"
    return data, result.stdout


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


@pytest.fixture(scope="module")
def server(demo):
    data, _ = demo
    tls_port = free_port()
    process = TarnProcess(data, extra_args=["--tls-listen", f"127.0.0.1:{tls_port}"]).start()
    wait_for_port(tls_port)
    process.https = f"https://127.0.0.1:{tls_port}"
    process.ca = os.path.join(data, "tls", "cert.pem")
    yield process
    process.stop()


def https_s3(server, **credentials):
    keys = dict(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    keys.update(credentials)
    return boto3.client("s3", endpoint_url=server.https, region_name=REGION, verify=server.ca,
                        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}), **keys)


def role_s3(server, role):
    sts = make_client("sts", server.endpoint)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::000000000000:role/{role}", RoleSessionName="interop")["Credentials"]
    return https_s3(server, aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])


def denied(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"]


def test_demo_uploaded_over_https_and_says_how_to_connect(demo):
    data, out = demo
    assert "+ key alias/retail-dev" in out and "+ key alias/retail-prod" in out
    assert "+ role dev-etl" in out
    assert "serving" in out and "https://127.0.0.1:" in out
    assert f"--ca-bundle {os.path.join(data, 'tls', 'cert.pem')}" in out


def test_review_reports_nothing_medium_or_above(demo):
    data, _ = demo
    result = subprocess.run([tarn_binary(), "review", "--data", data, "--format", "json", "--fail-on", "medium"],
                            capture_output=True, text=True, env=ENV, timeout=300)
    report = json.loads(result.stdout)
    serious = [f for f in report["findings"] if f["severity"] in ("medium", "high")]
    assert not serious, json.dumps(serious, indent=1)
    assert result.returncode == 0, result.stderr
    for check in ("security.unencrypted-bucket", "security.tls-only-policy", "security.block-public-access", "security.key-rotation",
                  "security.encryption-not-as-declared"):
        assert check in report["checksRun"], check


def test_buckets_are_sse_kms_with_their_environments_key_and_tls_only(server):
    kms = make_client("kms", server.endpoint)
    s3 = https_s3(server)
    for bucket, alias in ((DEV, "alias/retail-dev"), (PROD, "alias/retail-prod")):
        key = kms.describe_key(KeyId=alias)["KeyMetadata"]
        assert kms.get_key_rotation_status(KeyId=key["Arn"])["KeyRotationEnabled"]
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key["Arn"]
        assert rule["BucketKeyEnabled"] is True
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values()), block
        rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
        raw = rules["zone-raw"]
        assert [(t["Days"], t["StorageClass"]) for t in raw["Transitions"]] == [(180, "STANDARD_IA"), (730, "GLACIER")]
        assert raw["Expiration"]["Days"] == 1825
        assert rules["abort-incomplete-uploads"]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7
    # The raw objects the demo uploaded are encrypted with the dev key.
    key = s3.list_objects_v2(Bucket=DEV, Prefix="raw/sales/")["Contents"][0]["Key"]
    head = s3.head_object(Bucket=DEV, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == kms.describe_key(KeyId="alias/retail-dev")["KeyMetadata"]["Arn"]
    # Plain HTTP is denied, even with the root credentials.
    plain = make_s3_client(server.endpoint)
    assert denied(lambda: plain.get_object(Bucket=DEV, Key=key)) == "AccessDenied"
    assert denied(lambda: plain.put_object(Bucket=PROD, Key="raw/x.csv", Body=b"a")) == "AccessDenied"


def test_prod_key_policy_names_only_prod_roles(server):
    kms = make_client("kms", server.endpoint)
    policy = json.loads(kms.get_key_policy(KeyId="alias/retail-prod", PolicyName="default")["Policy"])
    principals = json.dumps([s.get("Principal") for s in policy["Statement"]])
    assert "role/prod-etl" in principals and "role/dev-" not in principals
    assert not any("kms:CreateGrant" in json.dumps(s.get("Action")) for s in policy["Statement"])


def test_roles_are_least_privilege(server):
    s3 = https_s3(server)
    raw_key = s3.list_objects_v2(Bucket=DEV, Prefix="raw/sales/")["Contents"][0]["Key"]
    cleansed_key = next(o["Key"] for o in s3.list_objects_v2(Bucket=DEV, Prefix="cleansed/sales/")["Contents"] if o["Key"].endswith(".parquet"))

    ingest = role_s3(server, "dev-ingest")
    ingest.put_object(Bucket=DEV, Key="raw/interop/new.csv", Body=b"id\n1\n")
    assert denied(lambda: ingest.get_object(Bucket=DEV, Key=raw_key)) == "AccessDenied"
    assert denied(lambda: ingest.put_object(Bucket=DEV, Key="cleansed/interop/x.parquet", Body=b"x")) == "AccessDenied"

    etl = role_s3(server, "dev-etl")
    assert etl.get_object(Bucket=DEV, Key=raw_key)["Body"].read()
    assert denied(lambda: etl.get_object(Bucket=DEV, Key=cleansed_key.replace("cleansed/", "analytics/"))) == "AccessDenied"

    analyst = role_s3(server, "dev-analyst")
    assert analyst.get_object(Bucket=DEV, Key=cleansed_key)["Body"].read()[:4] == b"PAR1"
    assert denied(lambda: analyst.get_object(Bucket=DEV, Key=raw_key)) == "AccessDenied"

    # A dev role cannot read prod, and prod's key would not let it decrypt even if IAM did.
    prod_key = "raw/interop/prod.csv"
    s3.put_object(Bucket=PROD, Key=prod_key, Body=b"id\n7\n")
    assert denied(lambda: etl.get_object(Bucket=PROD, Key=prod_key)) == "AccessDenied"
    iam = make_client("iam", server.endpoint)
    iam.put_role_policy(RoleName="dev-etl", PolicyName="interop-too-broad",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}))
    try:
        broad = role_s3(server, "dev-etl")
        assert denied(lambda: broad.get_object(Bucket=PROD, Key=prod_key)) == "AccessDenied"
        assert role_s3(server, "prod-etl").get_object(Bucket=PROD, Key=prod_key)["Body"].read() == b"id\n7\n"
    finally:
        iam.delete_role_policy(RoleName="dev-etl", PolicyName="interop-too-broad")
