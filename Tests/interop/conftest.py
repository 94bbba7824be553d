"""Shared fixtures for Tarn's interop tests: a real `tarn server` process and real AWS clients.

Every test here talks to the server over HTTP with boto3, the AWS CLI or plain `requests`,
exactly as users do. Nothing of Tarn is mocked.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACCESS_KEY = "TARNTESTROOTKEY00001"
SECRET_KEY = "tarn-test-root-secret-key-0000000000000"
REGION = "us-east-1"


def tarn_binary():
    """The tarn executable under test: $TARN_BIN, else the release build, else the debug build."""
    if os.environ.get("TARN_BIN"):
        return os.environ["TARN_BIN"]
    for config in ("release", "debug"):
        path = os.path.join(ROOT, ".build", config, "tarn")
        if os.path.exists(path):
            return path
    raise RuntimeError("no tarn binary: run `swift build` first or set TARN_BIN")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TarnProcess:
    """One `tarn server` child process on a data directory."""

    def __init__(self, data_dir, port=None, extra_args=(), env=None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY, **(env or {}))
        self.proc = None
        self.log_path = os.path.join(tempfile.gettempdir(), f"tarn-server-{uuid.uuid4().hex[:8]}.log")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        self.log = open(self.log_path, "ab")
        cmd = [tarn_binary(), "server", "--data", self.data_dir, "--listen", f"127.0.0.1:{self.port}", *self.extra_args]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tarn server exited with {self.proc.returncode}:\n{self.read_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"tarn server did not listen within {timeout}s:\n{self.read_log()}")

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        """Graceful stop (SIGTERM), as an operator would."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def kill9(self):
        """Crash: SIGKILL, no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def make_s3_client(endpoint, signature_version="s3v4", access_key=ACCESS_KEY, secret_key=SECRET_KEY, **config):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        config=Config(signature_version=signature_version, s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config))


def make_client(service, endpoint, **config):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}, **config))


FIREHOSE_SOURCE_READ = ["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]


def firehose_role(endpoint, name="firehose"):
    """An IAM role for Firehose to act as, as the destination's RoleARN (deliveries are authorized
    as it, as on AWS) and as KinesisStreamSourceConfiguration.RoleARN (a Kinesis source is read as
    it): it may write objects, use KMS keys and read Kinesis streams (the four actions AWS asks
    of a source role). Returns its ARN; creating it twice is fine."""
    iam = make_client("iam", endpoint)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    try:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListBucket", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
        {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"},
        {"Effect": "Allow", "Action": FIREHOSE_SOURCE_READ, "Resource": "arn:aws:kinesis:*:*:stream/*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="deliver", PolicyDocument=json.dumps(policy))
    return f"arn:aws:iam::000000000000:role/{name}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the whole session."""
    data = str(tmp_path_factory.mktemp("tarn-data"))
    process = TarnProcess(data).start()
    yield process
    process.stop()
    if os.environ.get("TARN_KEEP_DATA") is None:
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def start_server(tmp_path):
    """Factory for private servers (crash and restart tests); all are stopped afterwards."""
    started = []

    def start(data_dir=None, **kwargs):
        process = TarnProcess(data_dir or str(tmp_path / f"data-{len(started)}"), **kwargs).start()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.proc and process.proc.poll() is None:
            process.stop()


@pytest.fixture(scope="session")
def s3(server):
    return make_s3_client(server.endpoint)


@pytest.fixture
def bucket(s3):
    """A fresh bucket per test, emptied and deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
    for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture(scope="session")
def aws(server):
    """Runs the AWS CLI against the server; returns CompletedProcess (check=False)."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_DEFAULT_REGION=REGION,
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")

    def run(*args, input=None):
        return subprocess.run(["aws", "--endpoint-url", server.endpoint, *args], env=env, input=input, capture_output=True, timeout=600)

    return run
