"""Objects with boto3: put/get/head/delete, ranges, metadata and standard headers, copy, tagging,
batch delete, hostile keys and read-after-write consistency."""
import datetime
import hashlib
import os
import threading

import pytest

from s3support import assert_error, pattern_bytes, raw_request, s3_error, sign_v4, signed_request


def etag_of(data):
    return f'"{hashlib.md5(data).hexdigest()}"'


def test_put_get_head_delete(s3, bucket):
    body = pattern_bytes(100_000, seed=1)
    put = s3.put_object(Bucket=bucket, Key="dir/object.bin", Body=body)
    assert put["ETag"] == etag_of(body)
    got = s3.get_object(Bucket=bucket, Key="dir/object.bin")
    assert got["Body"].read() == body
    assert got["ETag"] == etag_of(body)
    assert got["ContentLength"] == len(body)
    assert got["ContentType"] == "binary/octet-stream"  # S3's default when none was sent
    assert got["AcceptRanges"] == "bytes"
    assert isinstance(got["LastModified"], datetime.datetime)
    head = s3.head_object(Bucket=bucket, Key="dir/object.bin")
    assert head["ContentLength"] == len(body) and head["ETag"] == etag_of(body)
    assert s3.delete_object(Bucket=bucket, Key="dir/object.bin")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="dir/object.bin")
    with s3_error("404", 404):
        s3.head_object(Bucket=bucket, Key="dir/object.bin")
    # Deleting a missing key succeeds, as in S3.
    assert s3.delete_object(Bucket=bucket, Key="never-existed")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_empty_object(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b"" and got["ContentLength"] == 0


def test_overwrite_is_visible_immediately(s3, bucket):
    # Strong read-after-write consistency: every GET and LIST after a PUT's 200 sees it.
    for round in range(30):
        body = f"version {round}".encode()
        s3.put_object(Bucket=bucket, Key="hot", Body=body)
        assert s3.get_object(Bucket=bucket, Key="hot")["Body"].read() == body
        listed = s3.list_objects_v2(Bucket=bucket, Prefix="hot")["Contents"]
        assert listed[0]["ETag"] == etag_of(body) and listed[0]["Size"] == len(body)
    s3.delete_object(Bucket=bucket, Key="hot")
    assert s3.list_objects_v2(Bucket=bucket, Prefix="hot")["KeyCount"] == 0


def test_concurrent_overwrites_leave_one_whole_version(s3, bucket):
    bodies = [pattern_bytes(300_000 + i, seed=i) for i in range(8)]

    def writer(body):
        for _ in range(3):
            s3.put_object(Bucket=bucket, Key="contended", Body=body)

    threads = [threading.Thread(target=writer, args=(b,)) for b in bodies]
    [t.start() for t in threads]
    [t.join() for t in threads]
    got = s3.get_object(Bucket=bucket, Key="contended")
    data = got["Body"].read()
    assert data in bodies and got["ETag"] == etag_of(data)


@pytest.mark.parametrize("header,expected,content_range", [
    ("bytes=0-9", (0, 10), "bytes 0-9/1000"),
    ("bytes=990-", (990, 1000), "bytes 990-999/1000"),
    ("bytes=-25", (975, 1000), "bytes 975-999/1000"),
    ("bytes=500-5000", (500, 1000), "bytes 500-999/1000"),  # last beyond the end is clamped
    ("bytes=999-999", (999, 1000), "bytes 999-999/1000"),
    ("bytes=-5000", (0, 1000), "bytes 0-999/1000"),          # suffix longer than the object
])
def test_range_get(s3, bucket, header, expected, content_range):
    body = pattern_bytes(1000, seed=2)
    s3.put_object(Bucket=bucket, Key="ranged", Body=body)
    got = s3.get_object(Bucket=bucket, Key="ranged", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == content_range
    assert got["Body"].read() == body[expected[0]:expected[1]]
    assert got["ContentLength"] == expected[1] - expected[0]


def test_unsatisfiable_and_ignored_ranges(s3, bucket):
    body = pattern_bytes(1000, seed=3)
    s3.put_object(Bucket=bucket, Key="ranged", Body=body)
    with s3_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=1000-")
    with s3_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=5000-6000")
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    with s3_error("InvalidRange", 416):
        s3.get_object(Bucket=bucket, Key="empty", Range="bytes=0-0")
    # A malformed or multi-range header is ignored: the whole object comes back with 200.
    for ignored in ("bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=abc"):
        got = s3.get_object(Bucket=bucket, Key="ranged", Range=ignored)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 200, ignored
        assert got["Body"].read() == body


def test_head_with_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="r", Body=b"0123456789")
    head = s3.head_object(Bucket=bucket, Key="r", Range="bytes=2-4")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 3 and head["ContentRange"] == "bytes 2-4/10"


def test_user_metadata_and_standard_headers(s3, bucket):
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    s3.put_object(
        Bucket=bucket, Key="described", Body=b"<html/>", ContentType="text/html; charset=utf-8", ContentEncoding="identity",
        ContentDisposition='attachment; filename="a.html"', ContentLanguage="en-GB", CacheControl="max-age=60", Expires=expires,
        Metadata={"Owner": "alice", "purpose": "test value", "empty": ""}, StorageClass="STANDARD_IA")
    for response in (s3.get_object(Bucket=bucket, Key="described"), s3.head_object(Bucket=bucket, Key="described")):
        assert response["ContentType"] == "text/html; charset=utf-8"
        assert response["ContentEncoding"] == "identity"
        assert response["ContentDisposition"] == 'attachment; filename="a.html"'
        assert response["ContentLanguage"] == "en-GB"
        assert response["CacheControl"] == "max-age=60"
        assert response["Expires"] == expires
        # S3 lowercases metadata names.
        assert response["Metadata"] == {"owner": "alice", "purpose": "test value", "empty": ""}
        assert response["StorageClass"] == "STANDARD_IA"


def test_response_header_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket, Key="o", ResponseContentType="application/json", ResponseContentDisposition="inline",
        ResponseCacheControl="no-cache", ResponseContentLanguage="fr", ResponseContentEncoding="gzip")
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "fr"
    assert got["ContentEncoding"] == "gzip"


def test_metadata_too_large(s3, bucket):
    with s3_error("MetadataTooLarge", 400):
        s3.put_object(Bucket=bucket, Key="big-meta", Body=b"x", Metadata={"a": "v" * 2100})


def test_invalid_storage_class(s3, bucket, server):
    response = signed_request("PUT", f"{server.endpoint}/{bucket}/k", headers={"x-amz-storage-class": "PLATINUM"}, body=b"x")
    assert_error(response, 400, "InvalidStorageClass")


def test_copy_same_and_cross_bucket(s3, bucket):
    other = bucket + "-copy"
    s3.create_bucket(Bucket=other)
    try:
        body = pattern_bytes(3_000_000, seed=4)
        s3.put_object(Bucket=bucket, Key="src key+with spaces", Body=body, ContentType="image/png", Metadata={"a": "1"},
                      Tagging="t=1")
        # Same bucket, metadata directive COPY (the default): metadata and tags come along.
        copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src key+with spaces"})
        assert copied["CopyObjectResult"]["ETag"] == etag_of(body)
        head = s3.head_object(Bucket=bucket, Key="dst")
        assert head["ContentType"] == "image/png" and head["Metadata"] == {"a": "1"}
        assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "t", "Value": "1"}]
        # Cross bucket with REPLACE: new headers and metadata, the same bytes.
        s3.copy_object(Bucket=other, Key="dst2", CopySource=f"{bucket}/src key+with spaces", MetadataDirective="REPLACE",
                       ContentType="text/plain", Metadata={"b": "2"}, TaggingDirective="REPLACE", Tagging="u=2")
        got = s3.get_object(Bucket=other, Key="dst2")
        assert got["Body"].read() == body
        assert got["ContentType"] == "text/plain" and got["Metadata"] == {"b": "2"}
        assert s3.get_object_tagging(Bucket=other, Key="dst2")["TagSet"] == [{"Key": "u", "Value": "2"}]
        # The source is untouched.
        assert s3.head_object(Bucket=bucket, Key="src key+with spaces")["Metadata"] == {"a": "1"}
    finally:
        for key in ("dst2",):
            s3.delete_object(Bucket=other, Key=key)
        s3.delete_bucket(Bucket=other)


def test_copy_onto_itself(s3, bucket):
    s3.put_object(Bucket=bucket, Key="self", Body=b"same", Metadata={"v": "1"})
    with s3_error("InvalidRequest", 400):
        s3.copy_object(Bucket=bucket, Key="self", CopySource={"Bucket": bucket, "Key": "self"})
    # Replacing the metadata makes the self-copy legal (how S3 clients "edit" metadata).
    s3.copy_object(Bucket=bucket, Key="self", CopySource={"Bucket": bucket, "Key": "self"}, MetadataDirective="REPLACE",
                   Metadata={"v": "2"})
    got = s3.get_object(Bucket=bucket, Key="self")
    assert got["Body"].read() == b"same" and got["Metadata"] == {"v": "2"}


def test_copy_errors_and_source_conditions(s3, bucket):
    with s3_error("NoSuchKey", 404):
        s3.copy_object(Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "missing"})
    with s3_error("NoSuchBucket", 404):
        s3.copy_object(Bucket=bucket, Key="d", CopySource={"Bucket": bucket + "-missing", "Key": "x"})
    put = s3.put_object(Bucket=bucket, Key="src", Body=b"abc")
    s3.copy_object(Bucket=bucket, Key="d1", CopySource={"Bucket": bucket, "Key": "src"}, CopySourceIfMatch=put["ETag"])
    with s3_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="d2", CopySource={"Bucket": bucket, "Key": "src"}, CopySourceIfMatch='"0000"')
    with s3_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="d3", CopySource={"Bucket": bucket, "Key": "src"}, CopySourceIfNoneMatch=put["ETag"])
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    with s3_error("PreconditionFailed", 412):
        s3.copy_object(Bucket=bucket, Key="d4", CopySource={"Bucket": bucket, "Key": "src"}, CopySourceIfModifiedSince=future)


def test_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="project=tarn&stage=dev%20test")
    assert s3.get_object(Bucket=bucket, Key="tagged")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"project": "tarn", "stage": "dev test"}
    s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == [{"Key": "only", "Value": "one"}]
    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == []
    with s3_error("NoSuchKey", 404):
        s3.put_object_tagging(Bucket=bucket, Key="missing", Tagging={"TagSet": []})
    with s3_error("InvalidTag", 400):
        s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    with s3_error("BadRequest", 400):
        s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": f"k{i}", "Value": ""} for i in range(11)]})


def test_delete_objects(s3, bucket):
    for i in range(5):
        s3.put_object(Bucket=bucket, Key=f"batch/{i}", Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"batch/{i}"} for i in range(3)] + [{"Key": "batch/absent"}]})
    # Missing keys are reported as deleted, as S3 does.
    assert sorted(d["Key"] for d in result["Deleted"]) == ["batch/0", "batch/1", "batch/2", "batch/absent"]
    assert "Errors" not in result
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "batch/3"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["batch/4"]


def test_delete_objects_malformed(server, bucket):
    url = f"{server.endpoint}/{bucket}?delete"
    body = b"<Delete><Object><Key>a</Key></Object>"
    import base64
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    assert_error(signed_request("POST", url, headers={"Content-MD5": md5}, body=body), 400, "MalformedXML")
    good = b"<Delete><Object><Key>a</Key></Object></Delete>"
    assert_error(signed_request("POST", url, headers={"Content-MD5": md5}, body=good), 400, "BadDigest")
    empty = b"<Delete></Delete>"
    empty_md5 = base64.b64encode(hashlib.md5(empty).digest()).decode()
    assert_error(signed_request("POST", url, headers={"Content-MD5": empty_md5}, body=empty), 400, "MalformedXML")
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Delete><Object><Key>&a;</Key></Object></Delete>'
    doctype_md5 = base64.b64encode(hashlib.md5(doctype).digest()).decode()
    assert_error(signed_request("POST", url, headers={"Content-MD5": doctype_md5}, body=doctype), 400, "MalformedXML")


def test_buffered_bodies_are_covered_by_the_signature(server, s3, bucket):
    # Regression: XML bodies (DeleteObjects, tagging, CompleteMultipartUpload) used to be parsed
    # without checking x-amz-content-sha256, so a body could be swapped under a valid signature.
    import base64
    s3.put_object(Bucket=bucket, Key="keep", Body=b"k")
    signed_body = b"<Delete><Object><Key>other</Key></Object></Delete>"
    swapped = b"<Delete><Object><Key>keep</Key></Object></Delete>"
    url = f"{server.endpoint}/{bucket}?delete"
    headers = sign_v4("POST", url, {"Content-MD5": base64.b64encode(hashlib.md5(swapped).digest()).decode()}, signed_body)
    assert_error(raw_request("POST", url, headers, swapped), 400, "XAmzContentSHA256Mismatch")
    tagging = b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"
    tag_url = f"{server.endpoint}/{bucket}/keep?tagging"
    headers = sign_v4("PUT", tag_url, body=tagging)
    assert_error(raw_request("PUT", tag_url, headers, tagging.replace(b">b<", b">c<")), 400, "XAmzContentSHA256Mismatch")
    # A wrong x-amz-checksum-* header on a buffered body is BadDigest, as for objects.
    from s3support import crc32_b64
    headers = sign_v4("POST", url, {"x-amz-checksum-crc32": crc32_b64(b"something else")}, swapped)
    assert_error(raw_request("POST", url, headers, swapped), 400, "BadDigest")
    assert s3.get_object(Bucket=bucket, Key="keep")["Body"].read() == b"k"
    assert s3.get_object_tagging(Bucket=bucket, Key="keep")["TagSet"] == []
    # boto3's own DeleteObjects (a CRC32 checksum header) still works.
    assert [d["Key"] for d in s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "keep"}]})["Deleted"]] == ["keep"]


def test_content_md5(s3, bucket):
    import base64
    body = b"checked body"
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="md5", Body=body, ContentMD5=good)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with s3_error("BadDigest", 400):
        s3.put_object(Bucket=bucket, Key="md5-bad", Body=body, ContentMD5=wrong)
    with s3_error("InvalidDigest", 400):
        s3.put_object(Bucket=bucket, Key="md5-bad", Body=body, ContentMD5="not-base64!")
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="md5-bad")


# ---------------------------------------------------------------------------------------------
# Conditional requests (docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html)


def test_conditional_get(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="c", Body=b"conditional")
    etag = put["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    before = modified - datetime.timedelta(hours=1)
    after = modified + datetime.timedelta(hours=1)
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"conditional"
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch="*")["ETag"] == etag
    with s3_error("PreconditionFailed", 412):
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"ffffffffffffffffffffffffffffffff"')
    with s3_error("304", 304):
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="c", IfNoneMatch='"other"')["ETag"] == etag
    with s3_error("304", 304):
        s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=after)
    assert s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=before)["ETag"] == etag
    with s3_error("PreconditionFailed", 412):
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=before)
    assert s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=after)["ETag"] == etag
    # RFC 9110 §13.2.2: If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since.
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=before)["ETag"] == etag
    with s3_error("304", 304):
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag, IfModifiedSince=before)
    # HEAD answers the same, without bodies.
    with s3_error("412", 412):
        s3.head_object(Bucket=bucket, Key="c", IfMatch='"nope"')
    with s3_error("304", 304):
        s3.head_object(Bucket=bucket, Key="c", IfNoneMatch=etag)


def test_conditional_create_with_if_none_match_star(s3, bucket):
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    with s3_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_conditional_create_race_has_one_winner(s3, bucket):
    results = []

    def attempt(i):
        try:
            s3.put_object(Bucket=bucket, Key="race", Body=f"writer {i}".encode(), IfNoneMatch="*")
            results.append(("ok", i))
        except Exception as error:  # noqa: BLE001 - the loser's error is checked below
            results.append((error.response["Error"]["Code"], i))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    winners = [i for code, i in results if code == "ok"]
    assert len(winners) == 1, results
    assert all(code in ("PreconditionFailed", "ConditionalRequestConflict") for code, _ in results if code != "ok")
    assert s3.get_object(Bucket=bucket, Key="race")["Body"].read() == f"writer {winners[0]}".encode()


def test_conditional_overwrite_with_if_match(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="cas", Body=b"v1")
    second = s3.put_object(Bucket=bucket, Key="cas", Body=b"v2", IfMatch=first["ETag"])
    with s3_error("PreconditionFailed", 412):
        s3.put_object(Bucket=bucket, Key="cas", Body=b"v3", IfMatch=first["ETag"])
    assert s3.get_object(Bucket=bucket, Key="cas")["ETag"] == second["ETag"]
    with s3_error("NoSuchKey", 404):
        s3.put_object(Bucket=bucket, Key="cas-missing", Body=b"v1", IfMatch=first["ETag"])


# ---------------------------------------------------------------------------------------------
# Keys


def test_utf8_and_special_keys_round_trip(s3, bucket):
    keys = ["ünïcödé/ключ/鍵", "spaces in key", "plus+sign", "percent%20literal", "question?mark", "hash#tag", "a//double/slash",
            "trailing/", "emoji-😀", "semi;colon,comma", "tab\there", "amp&lt;", "~tilde*star'quote\"", "x" * 1024]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    for key in keys:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode(), key
    listed = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])]
    assert listed == sorted(keys, key=lambda k: k.encode())


def test_key_too_long(s3, bucket):
    with s3_error("KeyTooLongError", 400):
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    with s3_error("KeyTooLongError", 400):
        s3.create_multipart_upload(Bucket=bucket, Key="é" * 513)  # 1,026 bytes of UTF-8


@pytest.mark.parametrize("raw_key", ["..", "../../escape", "a/../../../b", "..%2F..%2Fetc%2Fpasswd", "%00nul", "nul%00in%00key",
                                     "a/./b/../../c", "./.", "/leading", "%C3%28"])
def test_hostile_keys_stay_inside_the_data_directory(server, bucket, raw_key):
    url = f"{server.endpoint}/{bucket}/{raw_key}"
    before = set(walk(server.data_dir))
    put = signed_request("PUT", url, body=b"hostile")
    if raw_key == "%C3%28":
        # Not UTF-8 once decoded: S3 refuses the URI.
        assert_error(put, 400, "InvalidURI")
    else:
        assert put.status_code == 200, put.text
        got = signed_request("GET", url)
        assert got.status_code == 200 and got.content == b"hostile"
        assert signed_request("DELETE", url).status_code == 204
    # Nothing was created outside the store's own blob and metadata files.
    created = set(walk(server.data_dir)) - before
    assert all("/storage/blobs/" in path or "/storage/meta/" in path for path in created), created
    assert not os.path.exists(os.path.join(os.path.dirname(server.data_dir), "escape"))
    assert not os.path.exists(os.path.join(os.path.dirname(server.data_dir), "b"))


def walk(root):
    for directory, _, files in os.walk(root):
        for name in files:
            yield os.path.join(directory, name)


def test_object_in_bucket_path_without_key_is_a_bucket_operation(server, bucket):
    # `/bucket/` is the bucket itself (a listing), never an object with an empty key.
    response = signed_request("GET", f"{server.endpoint}/{bucket}/")
    assert response.status_code == 200 and b"<ListBucketResult" in response.content


def test_get_missing_object_error_body(server, bucket):
    response = signed_request("GET", f"{server.endpoint}/{bucket}/no/such/key")
    fields = assert_error(response, 404, "NoSuchKey")
    assert fields["Resource"] == f"/{bucket}/no/such/key"
    assert fields["Message"]


def test_method_not_allowed(server, bucket):
    response = signed_request("PATCH", f"{server.endpoint}/{bucket}/k", body=b"")
    assert_error(response, 405, "MethodNotAllowed")


def test_chunked_transfer_encoding_is_streamed(server, bucket):
    # HTTP/1.1 chunked transfer without Content-Length: Tarn streams it (MinIO does the same;
    # S3 itself insists on a length). The payload is declared UNSIGNED-PAYLOAD.
    def generate():
        yield b"abc"
        yield b"def"
    from s3support import raw_request, sign_v4
    url = f"{server.endpoint}/{bucket}/streamed"
    headers = sign_v4("PUT", url, payload_hash="UNSIGNED-PAYLOAD")
    response = raw_request("PUT", url, headers, generate())
    assert response.status_code == 200, response.text
    assert signed_request("GET", url).content == b"abcdef"


def test_missing_content_length(server, bucket):
    # A PUT whose head announces neither Content-Length nor chunked transfer: 411 MissingContentLength.
    import socket
    from s3support import sign_v4
    url = f"{server.endpoint}/{bucket}/no-length"
    headers = sign_v4("PUT", url, payload_hash="UNSIGNED-PAYLOAD")
    lines = [f"PUT /{bucket}/no-length HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()] + ["Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall("\r\n".join(lines).encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status_line = reply.split(b"\r\n", 1)[0]
    assert b" 411 " in status_line, reply[:300]
    assert b"<Code>MissingContentLength</Code>" in reply


def test_entity_too_large(server, bucket):
    # A single PUT above 5 GiB is refused from its Content-Length, before any body is read.
    import socket
    from s3support import sign_v4
    url = f"{server.endpoint}/{bucket}/too-large"
    headers = sign_v4("PUT", url, {"Content-Length": str(5 * 1024 ** 3 + 1)}, payload_hash="UNSIGNED-PAYLOAD")
    lines = [f"PUT /{bucket}/too-large HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()] + ["", ""]
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall("\r\n".join(lines).encode())
        reply = b""
        while b"</Error>" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    assert reply.split(b"\r\n", 1)[0].split()[1] == b"400", reply[:200]
    assert b"<Code>EntityTooLarge</Code>" in reply
    assert b"<MaxSizeAllowed>5368709120</MaxSizeAllowed>" in reply
