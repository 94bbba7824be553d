"""Helpers shared by the S3 interop tests: error assertions, hand-signed requests (botocore's own
SigV4 signer), aws-chunked bodies, checksums and data-directory inspection.

These exist so the tests can send what boto3 will not send on its own over plain HTTP
(aws-chunked streaming bodies, skewed clocks, tampered signatures) while still signing with an
independent, widely used implementation rather than with Tarn's.
"""
import base64
import contextlib
import hashlib
import hmac
import http.client
import os
import re
import xml.etree.ElementTree as ET
import zlib
from urllib.parse import urlsplit

import botocore.auth
import botocore.credentials
import pytest
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, REGION, SECRET_KEY

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


# ---------------------------------------------------------------------------------------------
# Errors


@contextlib.contextmanager
def s3_error(code, status=None):
    """Expects the block to raise a botocore ClientError with S3 error `code` (and HTTP `status`),
    carrying a request id, as S3's XML error shape does."""
    with pytest.raises(ClientError) as info:
        yield info
    error = info.value.response.get("Error", {})
    metadata = info.value.response.get("ResponseMetadata", {})
    assert error.get("Code") == code, f"expected {code}, got {info.value.response}"
    if status is not None:
        assert metadata.get("HTTPStatusCode") == status, f"expected HTTP {status}, got {metadata.get('HTTPStatusCode')}"
    assert metadata.get("RequestId") or metadata.get("HTTPHeaders", {}).get("x-amz-request-id"), "error without a request id"


def parse_error(response):
    """The fields of an S3 XML error body (`<Error><Code>…`) as a dict; asserts the shape."""
    assert response.headers.get("content-type", "").startswith("application/xml"), response.headers
    root = ET.fromstring(response.content)
    assert root.tag == "Error", response.text
    fields = {child.tag: (child.text or "") for child in root}
    assert fields.get("Code"), response.text
    assert fields.get("RequestId"), response.text
    assert response.headers.get("x-amz-request-id") == fields["RequestId"]
    return fields


def assert_error(response, status, code):
    """Asserts a raw HTTP response is S3 error `code` with `status`; returns its fields."""
    assert response.status_code == status, f"expected {status} {code}, got {response.status_code}: {response.text[:500]}"
    fields = parse_error(response)
    assert fields["Code"] == code, fields
    return fields


# ---------------------------------------------------------------------------------------------
# Signing with botocore's SigV4 implementation


class S3Signer(botocore.auth.S3SigV4Auth):
    """botocore's S3 SigV4 signer (S3 path rules: no normalisation, single encoding) with a
    caller-chosen payload hash and an optional fixed signing time (for clock-skew tests)."""

    def __init__(self, credentials, region, payload_hash, timestamp=None, service="s3"):
        super().__init__(credentials, service, region)
        self.payload_hash = payload_hash
        self.fixed_timestamp = timestamp

    def payload(self, request):
        return self.payload_hash

    def add_auth(self, request):
        if self.fixed_timestamp is None:
            return super().add_auth(request)
        original = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda: self.fixed_timestamp
        try:
            return super().add_auth(request)
        finally:
            botocore.auth.get_current_datetime = original


def sign_v4(method, url, headers=None, body=b"", payload_hash=None, access_key=ACCESS_KEY, secret_key=SECRET_KEY, timestamp=None,
            service="s3", region=REGION):
    """Signs a request with botocore's SigV4 and returns the headers to send (with Host).

    `payload_hash` is the `x-amz-content-sha256` value: a hex SHA-256 (default: of `body`),
    `UNSIGNED-PAYLOAD` or one of the `STREAMING-…` modes."""
    payload_hash = payload_hash or hashlib.sha256(body if isinstance(body, bytes) else b"").hexdigest()
    request = AWSRequest(method=method, url=url, headers=dict(headers or {}), data=b"")
    credentials = botocore.credentials.Credentials(access_key, secret_key)
    S3Signer(credentials, region, payload_hash, timestamp, service).add_auth(request)
    signed = dict(request.headers.items())
    signed.setdefault("Host", urlsplit(url).netloc)
    return signed


class RawResponse:
    """The parts of an HTTP response the tests look at (a `requests`-like surface)."""

    def __init__(self, status, headers, content):
        self.status_code = status
        self.headers = {k.lower(): v for k, v in headers}
        self.content = content

    @property
    def text(self):
        return self.content.decode(errors="replace")


def raw_request(method, url, headers=None, body=b"", timeout=120):
    """Sends a request exactly as given: `http.client` does not normalise `..` or `//` in the
    path, unlike `requests`/urllib3, which matters for hostile-key tests. `body` may be bytes or an
    iterable of bytes (sent with chunked transfer encoding when no Content-Length is given)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path + (("?" + parts.query) if parts.query else "")
    headers = dict(headers or {})
    try:
        connection.putrequest(method, target, skip_host="Host" in headers, skip_accept_encoding=True)
        chunked = not isinstance(body, (bytes, bytearray)) and not any(k.lower() == "content-length" for k in headers)
        if isinstance(body, (bytes, bytearray)) and not any(k.lower() == "content-length" for k in headers):
            headers["Content-Length"] = str(len(body))
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if isinstance(body, (bytes, bytearray)):
            if body:
                connection.send(body)
        else:
            for piece in body:
                if chunked:
                    connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    connection.send(piece)
            if chunked:
                connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return RawResponse(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def signed_request(method, url, headers=None, body=b"", payload_hash=None, timeout=120, **sign):
    """Sends a SigV4-signed request (botocore's signer) over `http.client` and returns the response."""
    send_headers = sign_v4(method, url, headers, body, payload_hash, **sign)
    return raw_request(method, url, send_headers, body, timeout=timeout)


def signing_key(secret_key, date, region=REGION, service="s3"):
    """The SigV4 signing key: HMAC chain over date, region, service, "aws4_request"."""
    key = ("AWS4" + secret_key).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def seed_signature(headers):
    """The `Signature=` of a signed Authorization header."""
    return re.search(r"Signature=([0-9a-f]{64})", headers["Authorization"]).group(1)


# ---------------------------------------------------------------------------------------------
# aws-chunked bodies (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)


def chunks_of(body, chunk_size):
    return [body[i:i + chunk_size] for i in range(0, len(body), chunk_size)] + [b""]


def chunk_signature(key, amz_date, scope, previous, data):
    """String to sign of one chunk: algorithm, date, scope, previous signature, hash of the empty
    string, hash of the chunk's data."""
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_SHA256, hashlib.sha256(data).hexdigest()])
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def signed_chunked_body(body, chunk_size, headers, secret_key=SECRET_KEY, tamper_chunk=None, trailer=None):
    """`STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)` framing of `body` chained from the seed
    signature in `headers`. `tamper_chunk` flips a byte of that chunk after signing it. With
    `trailer` (name, value) the trailing header is signed with `AWS4-HMAC-SHA256-TRAILER`."""
    amz_date = headers["X-Amz-Date"]
    date = amz_date[:8]
    scope = f"{date}/{REGION}/s3/aws4_request"
    key = signing_key(secret_key, date)
    previous = seed_signature(headers)
    out = bytearray()
    for index, data in enumerate(chunks_of(body, chunk_size)):
        previous = chunk_signature(key, amz_date, scope, previous, data)
        if tamper_chunk == index and data:
            data = bytes([data[0] ^ 1]) + data[1:]
        out += f"{len(data):x};chunk-signature={previous}\r\n".encode() + data
        if data or trailer is None:
            out += b"\r\n"
    if trailer is not None:
        name, value = trailer
        trailer_text = f"{name}:{value}\n"
        string_to_sign = "\n".join(
            ["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous, hashlib.sha256(trailer_text.encode()).hexdigest()])
        trailer_signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        out += f"{name}:{value}\r\nx-amz-trailer-signature:{trailer_signature}\r\n\r\n".encode()
    return bytes(out)


def unsigned_chunked_body(body, chunk_size, trailers=()):
    """`STREAMING-UNSIGNED-PAYLOAD-TRAILER` framing: `size\\r\\ndata\\r\\n`…, `0\\r\\n`, trailers, CRLF."""
    out = bytearray()
    for data in chunks_of(body, chunk_size):
        out += f"{len(data):x}\r\n".encode() + data
        if data:
            out += b"\r\n"
    for name, value in trailers:
        out += f"{name}:{value}\r\n".encode()
    out += b"\r\n"
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Checksums as S3 encodes them (base64 of the big-endian digest)


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def crc32c_b64(data):
    from awscrt import checksums
    return base64.b64encode(checksums.crc32c(data).to_bytes(4, "big")).decode()


def crc64nvme_b64(data):
    from awscrt import checksums
    return base64.b64encode(checksums.crc64nvme(data).to_bytes(8, "big")).decode()


def sha1_b64(data):
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def multipart_etag(parts):
    """S3's multipart ETag: MD5 of the concatenated binary part MD5s, `-N`."""
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


# ---------------------------------------------------------------------------------------------
# Data


def pattern_bytes(size, seed=0):
    """`size` deterministic pseudo-random bytes (fast: a random 1 MiB block, varied per MiB)."""
    import random
    block = random.Random(seed).randbytes(min(size, 1 << 20) or 1)
    out = bytearray()
    index = 0
    while len(out) < size:
        piece = block if index == 0 else bytes([index & 0xFF]) + block[1:]
        out += piece[:size - len(out)]
        index += 1
    return bytes(out)


def blob_files(data_dir):
    """Every blob file in a data directory's object store."""
    root = os.path.join(data_dir, "storage", "blobs")
    found = []
    for fanout in os.listdir(root):
        directory = os.path.join(root, fanout)
        if os.path.isdir(directory):
            found += [os.path.join(directory, name) for name in os.listdir(directory)]
    return found


def small_blob_ids(data_dir):
    """Ids of the small blobs kept in the metadata database (read-only; fine while the server runs)."""
    import sqlite3
    path = os.path.join(data_dir, "storage", "meta", "objects.db")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM small_blobs")]
    finally:
        connection.close()


def stored_blob_count(data_dir):
    """Blobs stored in any form: files plus small-blob rows."""
    return len(blob_files(data_dir)) + len(small_blob_ids(data_dir))


def url_path(url):
    return urlsplit(url).path
