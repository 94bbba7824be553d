"""The `tarn server` process: virtual-hosted-style addressing with `--domain`, one owner per data
directory, generated root credentials, graceful SIGTERM, and data surviving restarts."""
import json
import os
import signal
import socket
import stat
import subprocess
import threading
import time

import boto3
import pytest
from botocore.config import Config

from conftest import ACCESS_KEY, REGION, SECRET_KEY, TarnProcess, free_port, make_s3_client, tarn_binary
from s3support import assert_error, pattern_bytes, raw_request, sign_v4


@pytest.fixture
def localhost_subdomains(monkeypatch):
    """Resolves `*.localhost` to 127.0.0.1 inside this process.

    RFC 6761 reserves `.localhost` for loopback and systemd-resolved answers it, but plain
    `files dns` resolvers (this machine's) do not; boto3's virtual-hosted requests connect to
    `bucket.localhost`, so the test resolves it the way such resolvers do."""
    original = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return original(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_virtual_hosted_style(start_server, localhost_subdomains):
    server = start_server(extra_args=["--domain", "localhost"])
    endpoint = f"http://localhost:{server.port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY,
                          config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}))
    client.create_bucket(Bucket="vhost-bucket")
    client.put_object(Bucket="vhost-bucket", Key="dir/key with space", Body=b"virtual")
    assert client.get_object(Bucket="vhost-bucket", Key="dir/key with space")["Body"].read() == b"virtual"
    listed = client.list_objects_v2(Bucket="vhost-bucket", Delimiter="/")
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["dir/"]
    # Presigned virtual-hosted URLs, V4 and the V2 default.
    url = client.generate_presigned_url("get_object", Params={"Bucket": "vhost-bucket", "Key": "dir/key with space"})
    assert url.startswith(f"http://vhost-bucket.localhost:{server.port}/")
    import requests
    assert requests.get(url, timeout=10).content == b"virtual"
    legacy = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, config=Config(s3={"addressing_style": "virtual"}))
    v2 = legacy.generate_presigned_url("get_object", Params={"Bucket": "vhost-bucket", "Key": "dir/key with space"})
    assert "AWSAccessKeyId=" in v2 and requests.get(v2, timeout=10).content == b"virtual"
    # Path style keeps working on the same server, and sees the same data.
    path_client = make_s3_client(endpoint)
    assert path_client.get_object(Bucket="vhost-bucket", Key="dir/key with space")["Body"].read() == b"virtual"
    # A raw request with a Host header naming the bucket, signed with botocore.
    url = f"http://127.0.0.1:{server.port}/dir/key%20with%20space"
    headers = sign_v4("GET", url, {"Host": f"vhost-bucket.localhost:{server.port}"})
    headers["Host"] = f"vhost-bucket.localhost:{server.port}"
    response = raw_request("GET", url, headers)
    assert response.status_code == 200 and response.content == b"virtual"
    # Bucket-level operation on the virtual host: the bucket root.
    client.delete_object(Bucket="vhost-bucket", Key="dir/key with space")
    client.delete_bucket(Bucket="vhost-bucket")
    assert "vhost-bucket" not in [b["Name"] for b in path_client.list_buckets()["Buckets"]]


def test_second_server_on_same_directory_fails_clearly(start_server, tmp_path):
    data = str(tmp_path / "shared")
    first = start_server(data_dir=data)
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    second = subprocess.run([tarn_binary(), "server", "--data", data, "--listen", f"127.0.0.1:{free_port()}"], env=env,
                            capture_output=True, timeout=60)
    assert second.returncode != 0
    message = (second.stdout + second.stderr).decode()
    assert "in use by another tarn process" in message and str(first.proc.pid) in message, message
    # The first server is unaffected.
    make_s3_client(first.endpoint).list_buckets()


def test_root_credentials_generated_with_mode_0600(tmp_path):
    data = str(tmp_path / "fresh")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARN_ROOT_")}
    process = TarnProcess(data, port=port)
    process.env = env
    process.start()
    try:
        path = os.path.join(data, "root-credentials.json")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
        credentials = json.load(open(path))
        assert len(credentials["accessKeyId"]) == 20 and len(credentials["secretAccessKey"]) == 40
        # Printed once on first start, usable by clients.
        deadline = time.time() + 10
        while credentials["secretAccessKey"] not in process.read_log() and time.time() < deadline:
            time.sleep(0.1)
        assert credentials["secretAccessKey"] in process.read_log()
        client = make_s3_client(process.endpoint, access_key=credentials["accessKeyId"], secret_key=credentials["secretAccessKey"])
        client.create_bucket(Bucket="generated")
        with pytest.raises(Exception):
            make_s3_client(process.endpoint).list_buckets()  # the test suite's usual key is not valid here
    finally:
        process.stop()
    # A restart reuses the stored credentials and does not print the secret again.
    again = TarnProcess(data, port=free_port())
    again.env = env
    again.start()
    try:
        client = make_s3_client(again.endpoint, access_key=credentials["accessKeyId"], secret_key=credentials["secretAccessKey"])
        assert [b["Name"] for b in client.list_buckets()["Buckets"]] == ["generated"]
        assert credentials["secretAccessKey"] not in again.read_log()
    finally:
        again.stop()


def test_sigterm_is_graceful_and_data_survives_restart(start_server, tmp_path):
    data = str(tmp_path / "graceful")
    server = start_server(data_dir=data)
    s3 = make_s3_client(server.endpoint)
    s3.create_bucket(Bucket="keep")
    body = pattern_bytes(4 * 1024 * 1024, seed=80)
    s3.put_object(Bucket="keep", Key="before-stop", Body=body)
    # An upload in flight when SIGTERM arrives is allowed to finish.
    slow_result = {}
    big = pattern_bytes(40 * 1024 * 1024, seed=81)

    def slow_upload():
        def trickle():
            for offset in range(0, len(big), 1024 * 1024):
                yield big[offset:offset + 1024 * 1024]
                time.sleep(0.03)
        url = f"{server.endpoint}/keep/in-flight"
        headers = sign_v4("PUT", url, {"Content-Length": str(len(big))}, payload_hash="UNSIGNED-PAYLOAD")
        slow_result["response"] = raw_request("PUT", url, headers, trickle(), timeout=120)

    thread = threading.Thread(target=slow_upload)
    thread.start()
    time.sleep(0.4)
    started = time.time()
    server.proc.send_signal(signal.SIGTERM)
    thread.join(timeout=120)
    assert server.proc.wait(timeout=60) == 0, server.read_log()
    assert time.time() - started < 60
    assert slow_result["response"].status_code == 200, slow_result["response"].text
    # New connections are refused once it has stopped.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    restarted = start_server(data_dir=data)
    s3 = make_s3_client(restarted.endpoint)
    assert s3.get_object(Bucket="keep", Key="before-stop")["Body"].read() == body
    assert s3.get_object(Bucket="keep", Key="in-flight")["Body"].read() == big


def test_listen_errors_are_reported(tmp_path):
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    result = subprocess.run([tarn_binary(), "server", "--data", str(tmp_path / "d"), "--listen", "nonsense:port"], env=env,
                            capture_output=True, timeout=60)
    assert result.returncode != 0 and b"--listen" in (result.stdout + result.stderr)


def test_error_responses_for_head_have_no_body(server):
    url = f"{server.endpoint}/no-such-bucket-head/key"
    response = raw_request("HEAD", url, sign_v4("HEAD", url))
    assert response.status_code == 404 and response.content == b""
    assert response.headers.get("x-amz-request-id")


def test_keep_alive_after_errors(server):
    # Errors must not poison the connection: several requests on one keep-alive connection.
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    for path in ("/missing-bucket-a", "/missing-bucket-b/key", "/"):
        url = f"{server.endpoint}{path}"
        connection.request("GET", path, headers=sign_v4("GET", url))
        response = connection.getresponse()
        response.read()
        assert response.status in (200, 404)
    connection.close()
