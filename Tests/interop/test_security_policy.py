"""Identity and access through the real API: IAM users, keys, policies and roles (boto3 `iam` and
`sts` clients), bucket policies, Block Public Access, Object Ownership, and a table of allow/deny
cases each checked by making the request with the principal's own credentials."""
import json
import subprocess
import uuid

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, REGION, SECRET_KEY, make_client, make_s3_client, tarn_binary


def allow_all(actions, resources, condition=None, effect="Allow"):
    statement = {"Effect": effect, "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class World:
    """Buckets, users with policies and their clients, a role session, seeded objects."""

    def __init__(self, server):
        self.server = server
        self.iam = make_client("iam", server.endpoint)
        self.root = make_s3_client(server.endpoint)
        suffix = uuid.uuid4().hex[:8]
        self.raw, self.prod = f"sec-raw-{suffix}", f"sec-prod-{suffix}"
        for name in (self.raw, self.prod):
            self.root.create_bucket(Bucket=name)
        raw, prod = self.raw, self.prod
        for key in ("data.csv", "incoming/a.csv", "home/alice/notes.txt", "home/bob/notes.txt"):
            self.root.put_object(Bucket=raw, Key=key, Body=b"raw " + key.encode())
        for key in ("public/report.csv", "secret.csv"):
            self.root.put_object(Bucket=prod, Key=key, Body=b"prod " + key.encode())
        r = lambda b: [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]
        policies = {
            "reader": [allow_all(["s3:GetObject", "s3:ListBucket"], r(raw))],
            "writer": [allow_all("s3:PutObject", f"arn:aws:s3:::{raw}/incoming/*"), allow_all("s3:GetObject", f"arn:aws:s3:::{raw}/incoming/*")],
            "admin": [allow_all(["s3:*", "sts:AssumeRole"], "*")],
            "alice": [
                allow_all("s3:ListBucket", f"arn:aws:s3:::{raw}", {"StringLike": {"s3:prefix": ["home/${aws:username}/", "home/${aws:username}/*"]}}),
                allow_all(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], f"arn:aws:s3:::{raw}/home/${{aws:username}}/*"),
            ],
            "nobody": [],
            "farip": [allow_all("s3:*", "*", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
            "localip": [allow_all("s3:GetObject", "*", {"IpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}})],
            "encuser": [allow_all("s3:PutObject", f"arn:aws:s3:::{prod}/*", {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}),
                        allow_all("s3:GetObject", f"arn:aws:s3:::{prod}/*"),
                        # SSE-KMS with the AWS managed key also needs the KMS permissions.
                        allow_all(["kms:GenerateDataKey", "kms:Decrypt"], "*")],
            "expired": [allow_all("s3:GetObject", "*", {"DateLessThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}})],
            "future": [allow_all("s3:GetObject", "*", {"DateGreaterThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}})],
            "denydel": [allow_all("s3:*", r(raw)), allow_all("s3:DeleteObject", f"arn:aws:s3:::{raw}/*", effect="Deny")],
            "notaction": [{"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"}],
            "getstar": [allow_all("s3:Get*", f"arn:aws:s3:::{raw}/*")],
        }
        self.clients = {"root": self.root}
        for user, statements in policies.items():
            name = f"{user}"
            try:
                self.iam.create_user(UserName=name)
            except ClientError as e:
                assert e.response["Error"]["Code"] == "EntityAlreadyExists"
            if statements:
                self.iam.put_user_policy(UserName=name, PolicyName=f"p-{suffix}", PolicyDocument=document(*statements))
            key = self.iam.create_access_key(UserName=name)["AccessKey"]
            self.clients[user] = make_s3_client(server.endpoint, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
        self.root.put_bucket_policy(Bucket=prod, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "ReaderPublicReports", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/reader"},
             "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{prod}/public/*"},
            {"Sid": "OnlyAdminDeletes", "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::000000000000:user/admin"},
             "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{prod}/*"},
        ]}))
        role = f"etl-{suffix}"
        self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"}]}))
        self.iam.put_role_policy(RoleName=role, PolicyName="etl", PolicyDocument=document(
            allow_all("s3:GetObject", f"arn:aws:s3:::{raw}/*"), allow_all("s3:PutObject", f"arn:aws:s3:::{prod}/etl/*")))
        sts = make_client("sts", server.endpoint)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::000000000000:role/{role}", RoleSessionName="job-1")["Credentials"]
        self.clients["etl"] = boto3.client(
            "s3", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"],
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
        self.clients["anonymous"] = boto3.client(
            "s3", endpoint_url=server.endpoint, region_name=REGION,
            config=Config(signature_version=UNSIGNED, s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
        self.role = role


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def run(world, who, op, bucket, key=None, **extra):
    s3 = world.clients[who]
    b = getattr(world, bucket)
    if op == "get":
        return s3.get_object(Bucket=b, Key=key)["Body"].read()
    if op == "head":
        return s3.head_object(Bucket=b, Key=key)
    if op == "put":
        return s3.put_object(Bucket=b, Key=key, Body=b"written by " + who.encode(), **extra)
    if op == "delete":
        return s3.delete_object(Bucket=b, Key=key)
    if op == "list":
        return s3.list_objects_v2(Bucket=b, **({"Prefix": key} if key is not None else {}))
    if op == "tagging":
        return s3.get_object_tagging(Bucket=b, Key=key)
    if op == "copy":
        source, target = key
        return s3.copy_object(Bucket=b, Key=target, CopySource={"Bucket": b, "Key": source})
    if op == "buckets":
        return s3.list_buckets()
    raise AssertionError(op)


ALLOW, DENY = "allow", "deny"
CASES = [
    ("reader", "get", "raw", "data.csv", ALLOW), ("reader", "head", "raw", "data.csv", ALLOW), ("reader", "list", "raw", None, ALLOW),
    ("reader", "put", "raw", "x.csv", DENY), ("reader", "delete", "raw", "data.csv", DENY), ("reader", "get", "prod", "secret.csv", DENY),
    ("reader", "get", "prod", "public/report.csv", ALLOW), ("reader", "list", "prod", None, DENY), ("reader", "get", "raw", "incoming/a.csv", ALLOW),
    ("reader", "tagging", "raw", "data.csv", DENY),
    ("writer", "put", "raw", "incoming/new.csv", ALLOW), ("writer", "put", "raw", "other.csv", DENY), ("writer", "get", "raw", "incoming/a.csv", ALLOW),
    ("writer", "get", "raw", "data.csv", DENY), ("writer", "list", "raw", None, DENY), ("writer", "delete", "raw", "incoming/a.csv", DENY),
    ("writer", "copy", "raw", ("incoming/a.csv", "incoming/copy.csv"), ALLOW), ("writer", "copy", "raw", ("data.csv", "incoming/stolen.csv"), DENY),
    ("admin", "get", "prod", "secret.csv", ALLOW), ("admin", "put", "prod", "admin.txt", ALLOW), ("admin", "delete", "prod", "admin.txt", ALLOW),
    ("admin", "list", "prod", None, ALLOW),
    ("root", "get", "prod", "secret.csv", ALLOW), ("root", "delete", "prod", "secret.csv", DENY),
    ("alice", "list", "raw", "home/alice/", ALLOW), ("alice", "list", "raw", "home/bob/", DENY), ("alice", "list", "raw", None, DENY),
    ("alice", "get", "raw", "home/alice/notes.txt", ALLOW), ("alice", "get", "raw", "home/bob/notes.txt", DENY),
    ("alice", "put", "raw", "home/alice/new.txt", ALLOW), ("alice", "put", "raw", "home/bob/new.txt", DENY),
    ("alice", "delete", "raw", "home/alice/new.txt", ALLOW),
    ("nobody", "get", "raw", "data.csv", DENY), ("nobody", "list", "raw", None, DENY), ("nobody", "put", "raw", "x", DENY),
    ("nobody", "buckets", "raw", None, DENY),
    ("farip", "get", "raw", "data.csv", DENY), ("farip", "list", "raw", None, DENY),
    ("localip", "get", "raw", "data.csv", ALLOW), ("localip", "get", "prod", "secret.csv", ALLOW), ("localip", "put", "raw", "x", DENY),
    ("expired", "get", "raw", "data.csv", DENY), ("future", "get", "raw", "data.csv", ALLOW),
    ("denydel", "get", "raw", "data.csv", ALLOW), ("denydel", "put", "raw", "denydel.txt", ALLOW), ("denydel", "delete", "raw", "denydel.txt", DENY),
    ("denydel", "list", "raw", None, ALLOW),
    ("notaction", "get", "raw", "data.csv", ALLOW), ("notaction", "put", "raw", "na.txt", ALLOW), ("notaction", "delete", "raw", "na.txt", DENY),
    ("notaction", "get", "prod", "secret.csv", ALLOW),
    ("getstar", "get", "raw", "data.csv", ALLOW), ("getstar", "tagging", "raw", "data.csv", ALLOW), ("getstar", "put", "raw", "x", DENY),
    ("etl", "get", "raw", "data.csv", ALLOW), ("etl", "put", "prod", "etl/out.csv", ALLOW), ("etl", "put", "prod", "other.csv", DENY),
    ("etl", "get", "prod", "secret.csv", DENY), ("etl", "list", "raw", None, DENY),
    ("anonymous", "get", "raw", "data.csv", DENY), ("anonymous", "list", "raw", None, DENY),
]
ENCRYPTION_CASES = [
    ("encuser", "prod", "enc-kms.txt", {"ServerSideEncryption": "aws:kms"}, ALLOW),
    ("encuser", "prod", "enc-plain.txt", {}, DENY),
    ("encuser", "prod", "enc-aes.txt", {"ServerSideEncryption": "AES256"}, DENY),
]


@pytest.mark.parametrize("who,op,bucket,key,expected", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}-{c[4]}" for c in CASES])
def test_access_table(world, who, op, bucket, key, expected):
    if expected == ALLOW:
        run(world, who, op, bucket, key)
    else:
        with pytest.raises(ClientError) as e:
            run(world, who, op, bucket, key)
        assert e.value.response["Error"]["Code"] == "AccessDenied", e.value.response
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize("who,bucket,key,extra,expected", ENCRYPTION_CASES, ids=[c[2] for c in ENCRYPTION_CASES])
def test_encryption_condition(world, who, bucket, key, extra, expected):
    if expected == ALLOW:
        run(world, who, "put", bucket, key, **extra)
    else:
        with pytest.raises(ClientError) as e:
            run(world, who, "put", bucket, key, **extra)
        assert e.value.response["Error"]["Code"] == "AccessDenied"


@pytest.mark.parametrize("who,method,key,expected", [
    ("reader", "get_object", "data.csv", 200), ("reader", "put_object", "presigned.txt", 403),
    ("nobody", "get_object", "data.csv", 403), ("writer", "put_object", "incoming/presigned.txt", 200),
])
def test_presigned_urls_obey_the_signer(world, who, method, key, expected):
    url = world.clients[who].generate_presigned_url(method, Params={"Bucket": world.raw, "Key": key}, ExpiresIn=300)
    response = requests.get(url) if method == "get_object" else requests.put(url, data=b"presigned body")
    assert response.status_code == expected, response.text


def test_total_case_count():
    assert len(CASES) + len(ENCRYPTION_CASES) + 4 >= 60


def test_iam_api_errors_and_key_lifecycle(server):
    iam = make_client("iam", server.endpoint)
    name = f"u-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=name)
    assert e.value.response["Error"]["Code"] == "EntityAlreadyExists"
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName="no-such-user-here")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=f"bad-{name}", PolicyDocument='{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}')
    assert e.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    arn = iam.create_policy(PolicyName=f"p-{name}", PolicyDocument=document(allow_all("s3:ListAllMyBuckets", "*")))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]] == [arn]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    client = make_s3_client(server.endpoint, access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    client.list_buckets()
    who = boto3.client("sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                       aws_secret_access_key=key["SecretAccessKey"]).get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::000000000000:user/{name}" and who["Account"] == "000000000000"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=name)
    assert e.value.response["Error"]["Code"] == "DeleteConflict"
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as e:
        client.list_buckets()
    assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    iam.detach_user_policy(UserName=name, PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    iam.delete_user(UserName=name)
    assert name not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_users_without_iam_permissions_cannot_administer(world):
    key = world.iam.create_access_key(UserName="reader")["AccessKey"]
    reader_iam = boto3.client("iam", endpoint_url=world.server.endpoint, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                              aws_secret_access_key=key["SecretAccessKey"], config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as e:
        reader_iam.create_user(UserName="sneaky")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    world.iam.delete_access_key(UserName="reader", AccessKeyId=key["AccessKeyId"])


def test_assume_role_needs_trust(world, server):
    role = f"locked-{uuid.uuid4().hex[:6]}"
    world.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/admin"}, "Action": "sts:AssumeRole"}]}))
    with pytest.raises(ClientError) as e:
        make_client("sts", server.endpoint).assume_role(RoleArn=f"arn:aws:iam::000000000000:role/{role}", RoleSessionName="denied-session")
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_bucket_policy_api_and_block_public_access(s3, bucket, server):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=bucket)
    assert e.value.response["Error"]["Code"] == "NoSuchBucketPolicy"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy="{nope")
    assert e.value.response["Error"]["Code"] == "MalformedPolicy"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                                              "Resource": "arn:aws:s3:::some-other-bucket/*"}]}))
    assert e.value.response["Error"]["Code"] == "MalformedPolicy"
    public = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                                 "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    s3.put_object(Bucket=bucket, Key="open.txt", Body=b"for everyone")
    anonymous_url = f"{server.endpoint}/{bucket}/open.txt"
    assert requests.get(anonymous_url).status_code == 403
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(public)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    response = requests.get(anonymous_url)
    assert response.status_code == 200 and response.content == b"for everyone"
    assert requests.put(anonymous_url, data=b"x").status_code == 403
    s3.delete_bucket_policy(Bucket=bucket)
    s3.delete_public_access_block(Bucket=bucket)
    assert requests.get(anonymous_url).status_code == 403


def test_object_ownership_disables_acls(s3, bucket):
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    acl = s3.get_object_acl(Bucket=bucket, Key="k")
    assert acl["Grants"][0]["Permission"] == "FULL_CONTROL"
    for call in (lambda: s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read"),
                 lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read"),
                 lambda: s3.put_object(Bucket=bucket, Key="k2", Body=b"x", ACL="public-read")):
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "AccessControlListNotSupported"
    s3.put_object(Bucket=bucket, Key="k3", Body=b"x", ACL="bucket-owner-full-control")
    s3.get_bucket_acl(Bucket=bucket)


def test_kms_key_policy_separates_dev_and_prod(world, server):
    kms = make_client("kms", server.endpoint)
    prod_key = kms.create_key(Description="prod", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/admin"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": "*"},
    ]}))["KeyMetadata"]
    world.root.put_object(Bucket=world.prod, Key="kms/secret.csv", Body=b"prod secret", ServerSideEncryption="aws:kms", SSEKMSKeyId=prod_key["KeyId"])
    assert run(world, "admin", "get", "prod", "kms/secret.csv") == b"prod secret"
    # localip may s3:GetObject anything, but neither the key policy nor its IAM policy allows kms:Decrypt.
    with pytest.raises(ClientError) as e:
        run(world, "localip", "get", "prod", "kms/secret.csv")
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_simulate_explains_decisions(start_server, tmp_path):
    server = start_server()
    iam = make_client("iam", server.endpoint)
    iam.create_user(UserName="analyst")
    iam.put_user_policy(UserName="analyst", PolicyName="read", PolicyDocument=document(allow_all("s3:GetObject", "arn:aws:s3:::lake/*")))
    s3 = make_s3_client(server.endpoint)
    s3.create_bucket(Bucket="lake")
    s3.put_bucket_policy(Bucket="lake", Policy=json.dumps({"Statement": [{"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::lake", "arn:aws:s3:::lake/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    server.stop()
    base = [tarn_binary(), "iam", "simulate", "--data", server.data_dir, "--principal", "arn:aws:iam::000000000000:user/analyst",
            "--action", "s3:GetObject", "--resource", "arn:aws:s3:::lake/sales.csv"]
    allowed = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("ALLOWED") and "user analyst: inline policy read" in allowed.stdout
    denied = subprocess.run(base + ["--context", "aws:SecureTransport=false", "--format", "json"], capture_output=True, text=True, timeout=60)
    result = json.loads(denied.stdout)
    assert result["decision"] == "explicitly denied" and any(m["statement"] == '"TLSOnly"' for m in result["matchedStatements"])
