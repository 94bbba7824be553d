"""Additional checksums (docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
`x-amz-checksum-*` headers as boto3 sends them by default, aws-chunked trailers, composite
multipart checksums, and BadDigest for wrong values."""
import pytest

from s3support import (assert_error, crc32_b64, crc32c_b64, crc64nvme_b64, pattern_bytes, s3_error, sha1_b64, sha256_b64,
                       sign_v4, signed_chunked_body, raw_request, unsigned_chunked_body)

MiB = 1024 * 1024

ALGORITHMS = {"CRC32": crc32_b64, "CRC32C": crc32c_b64, "SHA1": sha1_b64, "SHA256": sha256_b64, "CRC64NVME": crc64nvme_b64}


def test_boto3_default_checksum(s3, bucket):
    # Recent boto3 computes a CRC32 for every PutObject and sends it as x-amz-checksum-crc32.
    body = pattern_bytes(70_000, seed=50)
    put = s3.put_object(Bucket=bucket, Key="default", Body=body)
    assert put["ChecksumCRC32"] == crc32_b64(body)
    got = s3.get_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == crc32_b64(body)
    assert got["Body"].read() == body  # boto3 also validates the returned checksum itself
    head = s3.head_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == crc32_b64(body) and head["ChecksumType"] == "FULL_OBJECT"
    # Without checksum mode, no checksum headers.
    assert "ChecksumCRC32" not in s3.head_object(Bucket=bucket, Key="default")


@pytest.mark.parametrize("algorithm", sorted(ALGORITHMS))
def test_each_algorithm(s3, bucket, algorithm):
    body = pattern_bytes(33_333, seed=51)
    put = s3.put_object(Bucket=bucket, Key=f"algo-{algorithm}", Body=body, ChecksumAlgorithm=algorithm)
    expected = ALGORITHMS[algorithm](body)
    assert put[f"Checksum{algorithm}"] == expected
    head = s3.head_object(Bucket=bucket, Key=f"algo-{algorithm}", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected
    # ListObjectsV2 names the algorithm.
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"algo-{algorithm}")["Contents"][0]
    assert listed["ChecksumAlgorithm"] == [algorithm]


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_wrong_checksum_header_is_bad_digest(server, bucket, algorithm):
    body = b"the body"
    wrong = ALGORITHMS[algorithm](b"something else")
    url = f"{server.endpoint}/{bucket}/wrong-{algorithm}"
    headers = sign_v4("PUT", url, {f"x-amz-checksum-{algorithm.lower()}": wrong}, body)
    assert_error(raw_request("PUT", url, headers, body), 400, "BadDigest")
    assert raw_request("GET", url, sign_v4("GET", url)).status_code == 404


def test_wrong_checksum_through_boto3(s3, bucket):
    with s3_error("BadDigest", 400):
        s3.put_object(Bucket=bucket, Key="bad", Body=b"data", ChecksumSHA256=sha256_b64(b"other"))


def test_unsupported_checksum_algorithm(server, bucket):
    url = f"{server.endpoint}/{bucket}/x"
    headers = sign_v4("PUT", url, {"x-amz-sdk-checksum-algorithm": "MD4"}, b"x")
    assert_error(raw_request("PUT", url, headers, b"x"), 400, "InvalidRequest")


def chunked_put(server, bucket, key, body, mode, trailer=None, chunk_size=64 * 1024, tamper_chunk=None, extra=None):
    url = f"{server.endpoint}/{bucket}/{key}"
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(body))}
    if trailer:
        headers["x-amz-trailer"] = trailer[0]
    headers.update(extra or {})
    if mode == "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
        encoded = unsigned_chunked_body(body, chunk_size, [trailer] if trailer else [])
        headers["Content-Length"] = str(len(encoded))
        signed = sign_v4("PUT", url, headers, payload_hash=mode)
    else:
        # The seed signature covers Content-Length, so the framing length is computed first from
        # a dummy signature of the same size.
        probe = signed_chunked_body(body, chunk_size, {"X-Amz-Date": "20000101T000000Z", "Authorization": "Signature=" + "0" * 64},
                                    trailer=trailer)
        headers["Content-Length"] = str(len(probe))
        signed = sign_v4("PUT", url, headers, payload_hash=mode)
        encoded = signed_chunked_body(body, chunk_size, signed, tamper_chunk=tamper_chunk, trailer=trailer)
    return raw_request("PUT", url, signed, encoded), url


def test_unsigned_payload_trailer_with_crc32(server, s3, bucket):
    body = pattern_bytes(300_000, seed=52)
    response, _ = chunked_put(server, bucket, "trailer-ok", body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                              trailer=("x-amz-checksum-crc32", crc32_b64(body)))
    assert response.status_code == 200, response.text
    assert response.headers["x-amz-checksum-crc32"] == crc32_b64(body)
    got = s3.get_object(Bucket=bucket, Key="trailer-ok", ChecksumMode="ENABLED")
    assert got["Body"].read() == body and got["ChecksumCRC32"] == crc32_b64(body)
    # aws-chunked is a transfer detail: it is not stored as the object's Content-Encoding.
    assert "ContentEncoding" not in got


def test_unsigned_payload_trailer_with_wrong_crc32_is_bad_digest(server, s3, bucket):
    body = pattern_bytes(100_000, seed=53)
    response, _ = chunked_put(server, bucket, "trailer-bad", body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                              trailer=("x-amz-checksum-crc32", crc32_b64(body + b"!")))
    assert_error(response, 400, "BadDigest")
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="trailer-bad")


@pytest.mark.parametrize("algorithm", ["crc32c", "sha256"])
def test_unsigned_payload_trailer_other_algorithms(server, s3, bucket, algorithm):
    body = pattern_bytes(10_000, seed=54)
    value = ALGORITHMS[algorithm.upper()](body)
    response, _ = chunked_put(server, bucket, f"trailer-{algorithm}", body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                              trailer=(f"x-amz-checksum-{algorithm}", value), chunk_size=4096)
    assert response.status_code == 200, response.text
    head = s3.head_object(Bucket=bucket, Key=f"trailer-{algorithm}", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm.upper()}"] == value


def test_signed_streaming_with_signed_trailer(server, s3, bucket):
    body = pattern_bytes(200_000, seed=55)
    response, _ = chunked_put(server, bucket, "signed-trailer", body, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                              trailer=("x-amz-checksum-crc32c", crc32c_b64(body)))
    assert response.status_code == 200, response.text
    head = s3.head_object(Bucket=bucket, Key="signed-trailer", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32C"] == crc32c_b64(body)
    assert s3.get_object(Bucket=bucket, Key="signed-trailer")["Body"].read() == body
    bad, _ = chunked_put(server, bucket, "signed-trailer-bad", body, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                         trailer=("x-amz-checksum-crc32c", crc32c_b64(b"no")))
    assert_error(bad, 400, "BadDigest")


def test_multipart_composite_checksum(s3, bucket):
    parts = [pattern_bytes(5 * MiB, seed=56), pattern_bytes(1000, seed=57)]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="composite", ChecksumAlgorithm="SHA256")
    upload_id = upload["UploadId"]
    assert upload["ChecksumAlgorithm"] == "SHA256"
    entries = []
    for number, data in enumerate(parts, start=1):
        result = s3.upload_part(Bucket=bucket, Key="composite", UploadId=upload_id, PartNumber=number, Body=data,
                                ChecksumAlgorithm="SHA256")
        assert result["ChecksumSHA256"] == sha256_b64(data)
        entries.append({"PartNumber": number, "ETag": result["ETag"], "ChecksumSHA256": result["ChecksumSHA256"]})
    listed = s3.list_parts(Bucket=bucket, Key="composite", UploadId=upload_id)
    assert [p["ChecksumSHA256"] for p in listed["Parts"]] == [sha256_b64(p) for p in parts]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="composite", UploadId=upload_id, MultipartUpload={"Parts": entries})
    import base64
    import hashlib
    composite = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()).decode() + "-2"
    assert done["ChecksumSHA256"] == composite
    head = s3.head_object(Bucket=bucket, Key="composite", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == composite and head["ChecksumType"] == "COMPOSITE"


def test_multipart_part_checksum_mismatch_on_complete(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mismatch", ChecksumAlgorithm="CRC32")["UploadId"]
    result = s3.upload_part(Bucket=bucket, Key="mismatch", UploadId=upload_id, PartNumber=1, Body=b"abc", ChecksumAlgorithm="CRC32")
    with s3_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="mismatch", UploadId=upload_id, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": result["ETag"], "ChecksumCRC32": crc32_b64(b"xyz")}]})
    with s3_error("BadDigest", 400):
        s3.upload_part(Bucket=bucket, Key="mismatch", UploadId=upload_id, PartNumber=2, Body=b"abc", ChecksumCRC32=crc32_b64(b"abd"))


def test_part_checksum_verified_without_upload_algorithm(server, s3, bucket):
    # Regression: a part's x-amz-checksum-* value was ignored when CreateMultipartUpload named no algorithm.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="plain")["UploadId"]
    url = f"{server.endpoint}/{bucket}/plain?partNumber=1&uploadId={upload_id}"
    headers = sign_v4("PUT", url, {"x-amz-checksum-crc32": crc32_b64(b"other")}, b"data")
    assert_error(raw_request("PUT", url, headers, b"data"), 400, "BadDigest")
    headers = sign_v4("PUT", url, {"x-amz-checksum-crc32": crc32_b64(b"data")}, b"data")
    response = raw_request("PUT", url, headers, b"data")
    assert response.status_code == 200 and response.headers["x-amz-checksum-crc32"] == crc32_b64(b"data")
    # A part naming another algorithm than the upload's is refused.
    sha_upload = s3.create_multipart_upload(Bucket=bucket, Key="sha", ChecksumAlgorithm="SHA256")["UploadId"]
    with s3_error("InvalidRequest", 400):
        s3.upload_part(Bucket=bucket, Key="sha", UploadId=sha_upload, PartNumber=1, Body=b"x", ChecksumAlgorithm="CRC32")
