"""TLS listeners and the operator's root key, against real `tarn server` processes."""
import base64
import hashlib
import json
import os
import socket
import ssl
import subprocess
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, REGION, SECRET_KEY, free_port, make_s3_client, tarn_binary


def https_client(port, ca):
    return boto3.client("s3", endpoint_url=f"https://127.0.0.1:{port}", region_name=REGION, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, verify=ca,
                        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


@pytest.fixture
def tls_server(start_server):
    port = free_port()
    server = start_server(extra_args=["--tls-listen", f"127.0.0.1:{port}"])
    wait_for_port(port)
    server.tls_port = port
    return server


def test_generated_certificate_serves_https_with_printed_fingerprint(tls_server):
    cert = os.path.join(tls_server.data_dir, "tls", "cert.pem")
    assert oct(os.stat(os.path.join(tls_server.data_dir, "tls", "key.pem")).st_mode & 0o777) == "0o600"
    with open(cert) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    fingerprint = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    assert fingerprint in tls_server.read_log()
    s3 = https_client(tls_server.tls_port, cert)
    s3.create_bucket(Bucket="secure")
    s3.put_object(Bucket="secure", Key="k", Body=b"over tls")
    assert s3.get_object(Bucket="secure", Key="k")["Body"].read() == b"over tls"
    # Without trusting the certificate, clients refuse it.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://127.0.0.1:{tls_server.tls_port}/secure/k")


def test_tls_1_1_is_refused_and_1_2_accepted(tls_server):
    for version, ok in ((ssl.TLSVersion.TLSv1_1, False), (ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_3, True)):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            context.minimum_version = version
            context.maximum_version = version
            context.set_ciphers("ALL:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            continue
        with socket.create_connection(("127.0.0.1", tls_server.tls_port)) as raw:
            if ok:
                with context.wrap_socket(raw) as tls:
                    assert tls.version() in ("TLSv1.2", "TLSv1.3")
            else:
                with pytest.raises((ssl.SSLError, ConnectionResetError, OSError)):
                    context.wrap_socket(raw).do_handshake()


def test_secure_transport_policy_denies_plain_http(tls_server):
    cert = os.path.join(tls_server.data_dir, "tls", "cert.pem")
    https = https_client(tls_server.tls_port, cert)
    http = make_s3_client(tls_server.endpoint)
    https.create_bucket(Bucket="tls-only")
    https.put_bucket_policy(Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    https.put_object(Bucket="tls-only", Key="k", Body=b"secret")
    assert https.get_object(Bucket="tls-only", Key="k")["Body"].read() == b"secret"
    with pytest.raises(ClientError) as e:
        http.get_object(Bucket="tls-only", Key="k")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as e:
        http.put_object(Bucket="tls-only", Key="k2", Body=b"x")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    # Other buckets still answer over plain HTTP.
    http.create_bucket(Bucket="plain-ok")
    http.put_object(Bucket="plain-ok", Key="k", Body=b"fine")


def test_operator_certificate_and_https_only(start_server, tmp_path):
    first = start_server(extra_args=["--tls-listen", f"127.0.0.1:{free_port()}"])
    cert, key = os.path.join(first.data_dir, "tls", "cert.pem"), os.path.join(first.data_dir, "tls", "key.pem")
    first.stop()
    port = free_port()
    server_port = free_port()
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    proc = subprocess.Popen([tarn_binary(), "server", "--data", str(tmp_path / "d"), "--listen", f"127.0.0.1:{server_port}", "--no-http",
                             "--tls-listen", f"127.0.0.1:{port}", "--tls-cert", cert, "--tls-key", key],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_port(port)
        s3 = https_client(port, cert)
        s3.create_bucket(Bucket="own-cert")
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server_port), timeout=0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_root_key_file_and_wrong_root_key(start_server, tmp_path):
    key_file = tmp_path / "root.key"
    key_file.write_text(base64.b64encode(os.urandom(32)).decode())
    data = str(tmp_path / "data")
    server = start_server(data_dir=data, extra_args=["--root-key-file", str(key_file)])
    s3 = make_s3_client(server.endpoint)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    server.stop()
    assert not os.path.exists(os.path.join(data, "root.key"))
    wrong = tmp_path / "wrong.key"
    wrong.write_text(base64.b64encode(os.urandom(32)).decode())
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY, TARN_ROOT_KEY_FILE=str(wrong))
    result = subprocess.run([tarn_binary(), "server", "--data", data, "--listen", f"127.0.0.1:{free_port()}"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode != 0
    assert "different root key" in result.stderr
    server = start_server(data_dir=data, env={"TARN_ROOT_KEY_FILE": str(key_file)})
    assert make_s3_client(server.endpoint).get_object(Bucket="bkt", Key="k")["Body"].read() == b"x"


def test_generated_root_key_warns(start_server):
    server = start_server()
    log = server.read_log()
    assert "Generated a root key" in log and "outside the data directory" in log
    assert oct(os.stat(os.path.join(server.data_dir, "root.key")).st_mode & 0o777) == "0o600"
