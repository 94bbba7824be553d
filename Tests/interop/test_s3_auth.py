"""Authentication end to end: SigV4 header and presigned URLs, legacy SigV2 (header and presigned),
aws-chunked streaming uploads, and the exact S3 errors for bad keys, signatures, expiry and skew."""
import datetime
import time
import urllib.parse

import boto3
import pytest
import requests
from botocore.config import Config

from conftest import ACCESS_KEY, REGION, SECRET_KEY, make_s3_client
from s3support import (assert_error, crc32_b64, pattern_bytes, raw_request, s3_error, sign_v4, signed_chunked_body,
                       signed_request, unsigned_chunked_body)


def legacy_client(endpoint, **config):
    """A client with no signature version configured: its presigned S3 URLs are SigV2, as boto3
    still generates them by default."""
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, config=Config(s3={"addressing_style": "path"}, **config))


# ---------------------------------------------------------------------------------------------
# Presigned URLs used with plain HTTP


def test_presigned_v4_get_and_put(s3, bucket):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "presigned"}, ExpiresIn=300)
    assert "X-Amz-Signature=" in put_url
    assert requests.put(put_url, data=b"uploaded via presigned url", timeout=10).status_code == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "presigned"}, ExpiresIn=300)
    response = requests.get(get_url, timeout=10)
    assert response.status_code == 200 and response.content == b"uploaded via presigned url"
    ranged = requests.get(get_url, headers={"Range": "bytes=0-7"}, timeout=10)
    assert ranged.status_code == 206 and ranged.content == b"uploaded"
    head_url = s3.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": "presigned"}, ExpiresIn=300)
    assert requests.head(head_url, timeout=10).headers["content-length"] == str(len(b"uploaded via presigned url"))
    # response-* overrides are part of the signed query.
    override = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "presigned",
                                                              "ResponseContentDisposition": "attachment; filename=x.txt"})
    assert requests.get(override, timeout=10).headers["content-disposition"] == "attachment; filename=x.txt"


def test_presigned_v2_is_boto3_default(server, bucket):
    client = legacy_client(server.endpoint)
    put_url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "v2"}, ExpiresIn=300)
    assert "AWSAccessKeyId=" in put_url and "Signature=" in put_url and "X-Amz-Signature" not in put_url
    assert requests.put(put_url, data=b"sigv2 body", timeout=10).status_code == 200
    get_url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v2"}, ExpiresIn=300)
    response = requests.get(get_url, timeout=10)
    assert response.status_code == 200 and response.content == b"sigv2 body"


def test_presigned_expiry(s3, server, bucket):
    s3.put_object(Bucket=bucket, Key="expiring", Body=b"x")
    v4 = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "expiring"}, ExpiresIn=1)
    v2 = legacy_client(server.endpoint).generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "expiring"}, ExpiresIn=1)
    assert requests.get(v4, timeout=10).status_code == 200
    time.sleep(2.2)
    assert_error(requests.get(v4, timeout=10), 403, "AccessDenied")
    assert_error(requests.get(v2, timeout=10), 403, "AccessDenied")


def test_presigned_v4_expiry_limit(s3, bucket):
    # SigV4 presigned URLs live at most 7 days (604,800 seconds).
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604801)
    response = requests.get(url, timeout=10)
    assert_error(response, 400, "AuthorizationQueryParametersError")


def tamper(url, **changes):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, changes.pop(k, v)) for k, v in query] + list(changes.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, quote_via=urllib.parse.quote)))


def test_tampered_presigned_urls(s3, server, bucket):
    s3.put_object(Bucket=bucket, Key="target", Body=b"secret")
    s3.put_object(Bucket=bucket, Key="other", Body=b"other")
    v4 = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "target"}, ExpiresIn=300)
    assert_error(requests.get(v4.replace("/target?", "/other?"), timeout=10), 403, "SignatureDoesNotMatch")
    assert_error(requests.get(tamper(v4, **{"X-Amz-Expires": "3000"}), timeout=10), 403, "SignatureDoesNotMatch")
    assert_error(requests.get(tamper(v4, extra="param"), timeout=10), 403, "SignatureDoesNotMatch")
    signature = urllib.parse.parse_qs(urllib.parse.urlsplit(v4).query)["X-Amz-Signature"][0]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    assert_error(requests.get(tamper(v4, **{"X-Amz-Signature": flipped}), timeout=10), 403, "SignatureDoesNotMatch")
    # A presigned GET cannot be used for a PUT.
    assert_error(requests.put(v4, data=b"overwrite", timeout=10), 403, "SignatureDoesNotMatch")
    assert s3.get_object(Bucket=bucket, Key="target")["Body"].read() == b"secret"
    v2 = legacy_client(server.endpoint).generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "target"}, ExpiresIn=300)
    assert_error(requests.get(v2.replace("/target?", "/other?"), timeout=10), 403, "SignatureDoesNotMatch")
    expires = urllib.parse.parse_qs(urllib.parse.urlsplit(v2).query)["Expires"][0]
    assert_error(requests.get(tamper(v2, Expires=str(int(expires) + 100)), timeout=10), 403, "SignatureDoesNotMatch")


def test_presigned_with_unknown_key(s3, server, bucket):
    stranger = make_s3_client(server.endpoint, access_key="AKIAUNKNOWNUNKNOWN00", secret_key="whatever")
    url = stranger.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert_error(requests.get(url, timeout=10), 403, "InvalidAccessKeyId")


# ---------------------------------------------------------------------------------------------
# Header signatures


def test_sigv2_header_client(server, bucket):
    client = make_s3_client(server.endpoint, signature_version="s3")
    client.put_object(Bucket=bucket, Key="v2-header", Body=b"legacy", ContentType="text/plain", Metadata={"m": "1"})
    got = client.get_object(Bucket=bucket, Key="v2-header")
    assert got["Body"].read() == b"legacy" and got["Metadata"] == {"m": "1"}
    assert [o["Key"] for o in client.list_objects(Bucket=bucket)["Contents"]] == ["v2-header"]
    bad = make_s3_client(server.endpoint, signature_version="s3", secret_key="wrong-secret")
    with s3_error("SignatureDoesNotMatch", 403):
        bad.get_object(Bucket=bucket, Key="v2-header")


def test_wrong_access_key(server, bucket):
    client = make_s3_client(server.endpoint, access_key="AKIANOSUCHKEY0000000")
    with s3_error("InvalidAccessKeyId", 403):
        client.list_objects_v2(Bucket=bucket)


def test_wrong_secret(server, bucket):
    client = make_s3_client(server.endpoint, secret_key="not-the-secret")
    with s3_error("SignatureDoesNotMatch", 403) as info:
        client.put_object(Bucket=bucket, Key="nope", Body=b"x")
    # S3 echoes what it signed, so clients can debug: the canonical request and string to sign.
    assert "StringToSign" in info.value.response["Error"] and "CanonicalRequest" in info.value.response["Error"]
    with s3_error("NoSuchKey", 404):
        make_s3_client(server.endpoint).get_object(Bucket=bucket, Key="nope")


def test_wrong_region_in_scope(server, bucket):
    # S3 answers AuthorizationHeaderMalformed naming the right region ...
    url = f"{server.endpoint}/{bucket}?list-type=2"
    fields = assert_error(raw_request("GET", url, sign_v4("GET", url, region="eu-west-1")), 400, "AuthorizationHeaderMalformed")
    assert fields["Region"] == "us-east-1"
    # ... which botocore's region redirector uses to re-sign and retry transparently.
    client = boto3.client("s3", endpoint_url=server.endpoint, region_name="eu-west-1", aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY,
                          config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    assert client.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("minutes,ok", [(-14, True), (14, True), (-16, False), (16, False), (-120, False)])
def test_clock_skew(server, bucket, minutes, ok):
    # S3 allows 15 minutes between the request's signing time and its own clock.
    when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(minutes=minutes)
    url = f"{server.endpoint}/{bucket}?list-type=2"
    response = raw_request("GET", url, sign_v4("GET", url, timestamp=when))
    if ok:
        assert response.status_code == 200, response.text
    else:
        fields = assert_error(response, 403, "RequestTimeTooSkewed")
        assert fields.get("ServerTime") and fields.get("RequestTime")


def test_payload_hash_mismatch(server, bucket):
    url = f"{server.endpoint}/{bucket}/hashed"
    headers = sign_v4("PUT", url, body=b"the signed body")
    assert_error(raw_request("PUT", url, headers, b"a different body"), 400, "XAmzContentSHA256Mismatch")
    assert raw_request("GET", url, sign_v4("GET", url)).status_code == 404


def test_unsigned_payload(server, s3, bucket):
    url = f"{server.endpoint}/{bucket}/unsigned"
    headers = sign_v4("PUT", url, payload_hash="UNSIGNED-PAYLOAD")
    assert raw_request("PUT", url, headers, b"not covered by the signature").status_code == 200
    assert s3.get_object(Bucket=bucket, Key="unsigned")["Body"].read() == b"not covered by the signature"


def test_signed_header_tampering(server, bucket):
    url = f"{server.endpoint}/{bucket}/meta"
    headers = sign_v4("PUT", url, {"x-amz-meta-owner": "alice"}, body=b"x")
    headers["x-amz-meta-owner"] = "mallory"
    assert_error(raw_request("PUT", url, headers, b"x"), 403, "SignatureDoesNotMatch")


def test_malformed_authorization(server, bucket):
    url = f"{server.endpoint}/{bucket}"
    assert_error(raw_request("GET", url, {"Authorization": "AWS4-HMAC-SHA256 Credential=garbage", "x-amz-date": "20250101T000000Z",
                                          "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}), 400, "AuthorizationHeaderMalformed")
    assert_error(raw_request("GET", url, {"Authorization": "Bearer token"}), 400, "InvalidArgument")


# ---------------------------------------------------------------------------------------------
# aws-chunked streaming uploads (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)


def streaming_put(url, body, chunk_size=64 * 1024, tamper_chunk=None, declared=None, mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                  extra=None):
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(declared if declared is not None else len(body))}
    headers.update(extra or {})
    probe = signed_chunked_body(body, chunk_size, {"X-Amz-Date": "20000101T000000Z", "Authorization": "Signature=" + "0" * 64})
    headers["Content-Length"] = str(len(probe))
    signed = sign_v4("PUT", url, headers, payload_hash=mode)
    return raw_request("PUT", url, signed, signed_chunked_body(body, chunk_size, signed, tamper_chunk=tamper_chunk))


def test_streaming_signed_payload(server, s3, bucket):
    body = pattern_bytes(1_000_000, seed=60)
    url = f"{server.endpoint}/{bucket}/streamed"
    response = streaming_put(url, body, extra={"Content-Type": "text/csv", "x-amz-meta-source": "chunked"})
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="streamed")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/csv" and got["Metadata"] == {"source": "chunked"}
    assert "ContentEncoding" not in got
    # Chunks of 8 KiB (S3's minimum) and an empty body.
    assert streaming_put(f"{server.endpoint}/{bucket}/small-chunks", body[:100_000], chunk_size=8192).status_code == 200
    assert s3.get_object(Bucket=bucket, Key="small-chunks")["Body"].read() == body[:100_000]
    assert streaming_put(f"{server.endpoint}/{bucket}/empty-stream", b"").status_code == 200
    assert s3.get_object(Bucket=bucket, Key="empty-stream")["Body"].read() == b""


def test_streaming_tampered_chunk(server, s3, bucket):
    body = pattern_bytes(300_000, seed=61)
    url = f"{server.endpoint}/{bucket}/tampered"
    response = streaming_put(url, body, tamper_chunk=2)
    assert_error(response, 403, "SignatureDoesNotMatch")
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="tampered")


def test_streaming_wrong_decoded_length(server, s3, bucket):
    body = pattern_bytes(100_000, seed=62)
    response = streaming_put(f"{server.endpoint}/{bucket}/short", body, declared=len(body) + 10)
    assert response.status_code == 400, response.text
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="short")


def test_streaming_upload_part(server, s3, bucket):
    part = pattern_bytes(5 * 1024 * 1024, seed=63)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="streamed-mp")["UploadId"]
    url = f"{server.endpoint}/{bucket}/streamed-mp?partNumber=1&uploadId={upload_id}"
    response = streaming_put(url, part, chunk_size=1024 * 1024)
    assert response.status_code == 200, response.text
    import hashlib
    assert response.headers["etag"] == f'"{hashlib.md5(part).hexdigest()}"'
    s3.complete_multipart_upload(Bucket=bucket, Key="streamed-mp", UploadId=upload_id,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": response.headers["etag"]}]})
    assert s3.get_object(Bucket=bucket, Key="streamed-mp")["Body"].read() == part


def test_streaming_unsigned_trailer_presented_as_boto3_would_over_https(server, s3, bucket):
    # What botocore sends over HTTPS by default: unsigned aws-chunked body with a CRC32 trailer.
    body = pattern_bytes(2_000_000, seed=64)
    url = f"{server.endpoint}/{bucket}/https-style"
    encoded = unsigned_chunked_body(body, 65_536, [("x-amz-checksum-crc32", crc32_b64(body))])
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(body)),
               "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm": "CRC32", "Content-Length": str(len(encoded))}
    response = raw_request("PUT", url, sign_v4("PUT", url, headers, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER"), encoded)
    assert response.status_code == 200, response.text
    assert s3.get_object(Bucket=bucket, Key="https-style", ChecksumMode="ENABLED")["ChecksumCRC32"] == crc32_b64(body)


def test_streaming_signed_mode_requires_sigv4(server, bucket):
    # STREAMING-AWS4-HMAC-SHA256-PAYLOAD chains from a SigV4 seed signature; a presigned or
    # unsigned request cannot use it.
    url = f"{server.endpoint}/{bucket}/x"
    response = raw_request("PUT", url, {"x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked",
                                        "x-amz-decoded-content-length": "1"}, b"1;chunk-signature=00\r\nx\r\n")
    assert response.status_code in (400, 403)
    assert parse_code(response) in ("AccessDenied", "InvalidRequest", "InvalidArgument")


def parse_code(response):
    from s3support import parse_error
    return parse_error(response)["Code"]


def test_signed_request_error_has_request_id_header(server):
    response = signed_request("GET", f"{server.endpoint}/no-such-bucket-anywhere")
    fields = assert_error(response, 404, "NoSuchBucket")
    assert response.headers["x-amz-request-id"] == fields["RequestId"]
