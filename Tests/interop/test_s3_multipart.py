"""Multipart uploads with boto3: create, upload part (5 MiB+), upload part copy, list parts,
complete with part validation, abort, list uploads, multipart ETags and boto3's managed transfers."""
import hashlib

import pytest
from boto3.s3.transfer import TransferConfig

from s3support import assert_error, multipart_etag, pattern_bytes, s3_error, signed_request

MiB = 1024 * 1024


def upload_parts(s3, bucket, key, parts):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etags = []
    for number, data in enumerate(parts, start=1):
        etags.append(s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"])
    return upload_id, etags


def completed(etags, numbers=None):
    numbers = numbers or range(1, len(etags) + 1)
    return {"Parts": [{"PartNumber": n, "ETag": e} for n, e in zip(numbers, etags)]}


def test_multipart_round_trip_and_etag(s3, bucket):
    parts = [pattern_bytes(5 * MiB, seed=10), pattern_bytes(6 * MiB + 7, seed=11), pattern_bytes(1234, seed=12)]
    upload_id, etags = upload_parts(s3, bucket, "mp/object", parts)
    assert etags == [f'"{hashlib.md5(p).hexdigest()}"' for p in parts]
    listed = s3.list_parts(Bucket=bucket, Key="mp/object", UploadId=upload_id)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]] == [
        (i + 1, len(p), etags[i]) for i, p in enumerate(parts)]
    assert listed["IsTruncated"] is False
    # Not visible until completed.
    with s3_error("NoSuchKey", 404):
        s3.get_object(Bucket=bucket, Key="mp/object")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp/object", UploadId=upload_id, MultipartUpload=completed(etags))
    assert done["ETag"] == multipart_etag(parts)
    assert done["Bucket"] == bucket and done["Key"] == "mp/object"
    whole = b"".join(parts)
    got = s3.get_object(Bucket=bucket, Key="mp/object")
    assert got["ETag"] == multipart_etag(parts) and got["ContentLength"] == len(whole)
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(whole).digest()
    # GET ?partNumber=N returns that part with the part count.
    second = s3.get_object(Bucket=bucket, Key="mp/object", PartNumber=2)
    assert second["PartsCount"] == 3 and second["ContentLength"] == len(parts[1])
    assert second["ContentRange"] == f"bytes {5 * MiB}-{5 * MiB + len(parts[1]) - 1}/{len(whole)}"
    assert second["Body"].read() == parts[1]
    assert s3.head_object(Bucket=bucket, Key="mp/object", PartNumber=3)["ContentLength"] == 1234
    # S3 answers 416 InvalidPartNumber for a part the object does not have.
    with s3_error("InvalidPartNumber", 416):
        s3.get_object(Bucket=bucket, Key="mp/object", PartNumber=4)
    # A part is a range itself: both together are refused.
    with s3_error("InvalidRequest", 400):
        s3.get_object(Bucket=bucket, Key="mp/object", PartNumber=1, Range="bytes=0-1")
    # A range across the part boundary reads through both blobs.
    boundary = s3.get_object(Bucket=bucket, Key="mp/object", Range=f"bytes={5 * MiB - 10}-{5 * MiB + 9}")["Body"].read()
    assert boundary == whole[5 * MiB - 10:5 * MiB + 10]
    # The upload is gone.
    with s3_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="mp/object", UploadId=upload_id)


def test_complete_with_a_subset_of_parts_and_replaced_part(s3, bucket):
    parts = [pattern_bytes(5 * MiB, seed=20), pattern_bytes(5 * MiB, seed=21), pattern_bytes(100, seed=22)]
    upload_id, etags = upload_parts(s3, bucket, "subset", parts)
    # Re-uploading a part number replaces it.
    replacement = pattern_bytes(5 * MiB, seed=23)
    etags[0] = s3.upload_part(Bucket=bucket, Key="subset", UploadId=upload_id, PartNumber=1, Body=replacement)["ETag"]
    assert len(s3.list_parts(Bucket=bucket, Key="subset", UploadId=upload_id)["Parts"]) == 3
    # Parts need not be contiguous: 1 and 3 only.
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="subset", UploadId=upload_id, MultipartUpload=completed([etags[0], etags[2]], [1, 3]))
    assert done["ETag"] == multipart_etag([replacement, parts[2]])
    assert s3.get_object(Bucket=bucket, Key="subset")["Body"].read() == replacement + parts[2]


def test_complete_validation_errors(s3, bucket):
    small = [b"a" * 100, b"b" * 100]
    upload_id, etags = upload_parts(s3, bucket, "bad", small)
    with s3_error("EntityTooSmall", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id, MultipartUpload=completed(etags))
    with s3_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id,
                                     MultipartUpload=completed(['"00000000000000000000000000000000"']))
    with s3_error("InvalidPart", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id, MultipartUpload=completed([etags[0]], [7]))
    with s3_error("InvalidPartOrder", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id,
                                     MultipartUpload=completed([etags[1], etags[0]], [2, 1]))
    with s3_error("MalformedXML", 400):
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id, MultipartUpload={"Parts": []})
    with s3_error("NoSuchUpload", 404):
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId="no-such-upload", MultipartUpload=completed(etags))
    with s3_error("NoSuchUpload", 404):
        # An upload id is bound to its key.
        s3.complete_multipart_upload(Bucket=bucket, Key="other-key", UploadId=upload_id, MultipartUpload=completed(etags))
    # A single small part is a valid (last) part.
    done = s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload_id, MultipartUpload=completed([etags[0]]))
    assert done["ETag"] == multipart_etag([small[0]])


def test_complete_malformed_body(server, s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    url = f"{server.endpoint}/{bucket}/m?uploadId={upload_id}"
    assert_error(signed_request("POST", url, body=b"<CompleteMultipartUpload><Part>"), 400, "MalformedXML")
    assert_error(signed_request("POST", url, body=b"not xml at all"), 400, "MalformedXML")
    assert_error(signed_request("POST", url, body=b"<Other/>"), 400, "MalformedXML")
    assert_error(signed_request("POST", url, body=b"<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>"),
                 400, "MalformedXML")


def test_part_number_bounds(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="bounds")["UploadId"]
    for number in (0, 10001):
        with s3_error("InvalidArgument", 400):
            s3.upload_part(Bucket=bucket, Key="bounds", UploadId=upload_id, PartNumber=number, Body=b"x")
    with s3_error("NoSuchUpload", 404):
        s3.upload_part(Bucket=bucket, Key="bounds", UploadId="missing", PartNumber=1, Body=b"x")
    s3.upload_part(Bucket=bucket, Key="bounds", UploadId=upload_id, PartNumber=10000, Body=b"x")


def test_abort(s3, bucket):
    upload_id, _ = upload_parts(s3, bucket, "aborted", [b"x" * 1000])
    s3.abort_multipart_upload(Bucket=bucket, Key="aborted", UploadId=upload_id)
    with s3_error("NoSuchUpload", 404):
        s3.list_parts(Bucket=bucket, Key="aborted", UploadId=upload_id)
    with s3_error("NoSuchUpload", 404):
        s3.upload_part(Bucket=bucket, Key="aborted", UploadId=upload_id, PartNumber=2, Body=b"x")
    with s3_error("NoSuchUpload", 404):
        s3.abort_multipart_upload(Bucket=bucket, Key="aborted", UploadId=upload_id)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


def test_list_multipart_uploads(s3, bucket):
    ids = {}
    for key in ["logs/a", "logs/b", "logs/b", "data/x", "top"]:
        ids.setdefault(key, []).append(s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in listed["Uploads"]] == ["data/x", "logs/a", "logs/b", "logs/b", "top"]
    # Uploads of one key are ordered by initiation time.
    assert [u["UploadId"] for u in listed["Uploads"] if u["Key"] == "logs/b"] == ids["logs/b"]
    assert all(u["Initiated"] and u["StorageClass"] == "STANDARD" for u in listed["Uploads"])
    rolled = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["data/", "logs/"]
    assert [u["Key"] for u in rolled["Uploads"]] == ["top"]
    prefixed = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/")
    assert [u["Key"] for u in prefixed["Uploads"]] == ["logs/a", "logs/b", "logs/b"]
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert page["IsTruncated"] is True and len(page["Uploads"]) == 2
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"])
    assert [u["Key"] for u in page["Uploads"] + rest["Uploads"]] == ["data/x", "logs/a", "logs/b", "logs/b", "top"]


def test_list_parts_pagination(s3, bucket):
    upload_id, etags = upload_parts(s3, bucket, "many", [bytes([i]) * 10 for i in range(7)])
    first = s3.list_parts(Bucket=bucket, Key="many", UploadId=upload_id, MaxParts=3)
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2, 3]
    assert first["IsTruncated"] is True and first["NextPartNumberMarker"] == 3
    second = s3.list_parts(Bucket=bucket, Key="many", UploadId=upload_id, PartNumberMarker=3)
    assert [p["PartNumber"] for p in second["Parts"]] == [4, 5, 6, 7]
    assert second["IsTruncated"] is False


def test_upload_part_copy(s3, bucket):
    source = pattern_bytes(12 * MiB, seed=30)
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload_id, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=f"bytes=0-{6 * MiB - 1}")
    second = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload_id, PartNumber=2,
                                 CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=f"bytes={6 * MiB}-{12 * MiB - 1}")
    third = s3.upload_part(Bucket=bucket, Key="assembled", UploadId=upload_id, PartNumber=3, Body=b"tail")
    assert first["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source[:6 * MiB]).hexdigest()}"'
    etags = [first["CopyPartResult"]["ETag"], second["CopyPartResult"]["ETag"], third["ETag"]]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload_id, MultipartUpload=completed(etags))
    assert done["ETag"] == multipart_etag([source[:6 * MiB], source[6 * MiB:], b"tail"])
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == source + b"tail"
    # Whole-object part copy, and the errors.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy2")["UploadId"]
    whole = s3.upload_part_copy(Bucket=bucket, Key="copy2", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/source")
    assert whole["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source).hexdigest()}"'
    with s3_error("InvalidRange", 416):
        s3.upload_part_copy(Bucket=bucket, Key="copy2", UploadId=upload_id, PartNumber=2, CopySource=f"{bucket}/source",
                            CopySourceRange=f"bytes=0-{12 * MiB}")
    with s3_error("InvalidArgument", 400):
        s3.upload_part_copy(Bucket=bucket, Key="copy2", UploadId=upload_id, PartNumber=2, CopySource=f"{bucket}/source",
                            CopySourceRange="bytes=5-")
    with s3_error("NoSuchKey", 404):
        s3.upload_part_copy(Bucket=bucket, Key="copy2", UploadId=upload_id, PartNumber=2, CopySource=f"{bucket}/missing")
    with s3_error("PreconditionFailed", 412):
        s3.upload_part_copy(Bucket=bucket, Key="copy2", UploadId=upload_id, PartNumber=2, CopySource=f"{bucket}/source",
                            CopySourceIfMatch='"0123"')
    s3.abort_multipart_upload(Bucket=bucket, Key="copy2", UploadId=upload_id)


def test_metadata_and_conditions_on_multipart(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="meta", ContentType="application/x-parquet", Metadata={"rows": "42"},
                                           Tagging="zone=raw")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="meta", UploadId=upload_id, PartNumber=1, Body=b"data")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="meta", UploadId=upload_id, MultipartUpload=completed([etag]))
    head = s3.head_object(Bucket=bucket, Key="meta")
    assert head["ContentType"] == "application/x-parquet" and head["Metadata"] == {"rows": "42"}
    assert s3.get_object_tagging(Bucket=bucket, Key="meta")["TagSet"] == [{"Key": "zone", "Value": "raw"}]
    # Conditional completion: If-None-Match: * refuses to overwrite.
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="meta")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="meta", UploadId=upload_id, PartNumber=1, Body=b"new")["ETag"]
    with s3_error("PreconditionFailed", 412):
        s3.complete_multipart_upload(Bucket=bucket, Key="meta", UploadId=upload_id, MultipartUpload=completed([etag]), IfNoneMatch="*")
    s3.abort_multipart_upload(Bucket=bucket, Key="meta", UploadId=upload_id)
    assert s3.get_object(Bucket=bucket, Key="meta")["Body"].read() == b"data"


def test_boto3_managed_transfer(s3, bucket, tmp_path):
    # upload_file/download_file split into 5 MiB parts and ranged GETs on several threads.
    source = tmp_path / "source.bin"
    data = pattern_bytes(23 * MiB + 5, seed=40)
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
    s3.upload_file(str(source), bucket, "managed.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="managed.bin")
    assert head["ETag"].endswith('-5"') and head["ContentLength"] == len(data)
    target = tmp_path / "target.bin"
    s3.download_file(bucket, "managed.bin", str(target), Config=config)
    assert target.read_bytes() == data
