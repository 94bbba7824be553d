"""The AWS CLI against Tarn: `aws s3 cp/sync/ls/rm/mb/rb`, `aws s3api …` and `aws s3 presign`."""
import hashlib
import json
import os
import uuid

import requests

from s3support import pattern_bytes

MiB = 1024 * 1024


def ok(result):
    assert result.returncode == 0, f"aws exited {result.returncode}:\n{result.stdout.decode()}\n{result.stderr.decode()}"
    return result.stdout.decode()


def test_mb_ls_rb(aws):
    name = f"cli-{uuid.uuid4().hex[:12]}"
    ok(aws("s3", "mb", f"s3://{name}"))
    assert name in ok(aws("s3", "ls"))
    ok(aws("s3", "rb", f"s3://{name}"))
    assert name not in ok(aws("s3", "ls"))
    failed = aws("s3", "rb", f"s3://{name}")
    assert failed.returncode != 0 and b"NoSuchBucket" in failed.stderr


def test_cp_upload_download_and_multipart(aws, bucket, tmp_path):
    small = tmp_path / "small.txt"
    small.write_bytes(b"hello from the aws cli\n")
    large = tmp_path / "large.bin"
    data = pattern_bytes(20 * MiB + 3, seed=70)
    large.write_bytes(data)
    ok(aws("s3", "cp", str(small), f"s3://{bucket}/docs/small.txt"))
    # The CLI switches to multipart above 8 MiB (its default threshold and chunk size).
    ok(aws("s3", "cp", str(large), f"s3://{bucket}/blobs/large.bin"))
    head = json.loads(ok(aws("s3api", "head-object", "--bucket", bucket, "--key", "blobs/large.bin")))
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"')
    ok(aws("s3", "cp", f"s3://{bucket}/blobs/large.bin", str(tmp_path / "back.bin")))
    assert hashlib.sha256((tmp_path / "back.bin").read_bytes()).digest() == hashlib.sha256(data).digest()
    # Streaming from stdin and to stdout.
    ok(aws("s3", "cp", "-", f"s3://{bucket}/stdin.txt", input=b"piped content"))
    assert aws("s3", "cp", f"s3://{bucket}/stdin.txt", "-").stdout == b"piped content"
    # Server-side copy between keys.
    ok(aws("s3", "cp", f"s3://{bucket}/docs/small.txt", f"s3://{bucket}/docs/copy.txt"))
    listing = ok(aws("s3", "ls", f"s3://{bucket}/docs/"))
    assert "small.txt" in listing and "copy.txt" in listing


def test_sync_ls_recursive_rm(aws, bucket, tmp_path):
    source = tmp_path / "tree"
    files = {"a.csv": b"1,2\n", "sub/b.csv": b"3,4\n", "sub/deeper/c.json": b"{}", "ünï code.txt": b"u"}
    for name, content in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(content)
    ok(aws("s3", "sync", str(source), f"s3://{bucket}/tree"))
    listed = ok(aws("s3", "ls", "--recursive", f"s3://{bucket}/tree/"))
    for name in files:
        assert f"tree/{name}" in listed
    # A second sync uploads nothing (sizes and times match).
    assert "upload:" not in ok(aws("s3", "sync", str(source), f"s3://{bucket}/tree"))
    # Change one file, delete another, sync with --delete.
    (source / "a.csv").write_bytes(b"1,2\n5,6\n")
    os.remove(source / "sub" / "b.csv")
    out = ok(aws("s3", "sync", "--delete", str(source), f"s3://{bucket}/tree"))
    assert "upload:" in out and "delete:" in out
    # Download the tree back and compare.
    target = tmp_path / "back"
    ok(aws("s3", "sync", f"s3://{bucket}/tree", str(target)))
    assert (target / "a.csv").read_bytes() == b"1,2\n5,6\n"
    assert not (target / "sub" / "b.csv").exists()
    assert (target / "ünï code.txt").read_bytes() == b"u"
    top = ok(aws("s3", "ls", f"s3://{bucket}/tree/"))
    assert "PRE sub/" in top
    ok(aws("s3", "rm", "--recursive", f"s3://{bucket}/tree"))
    assert ok(aws("s3", "ls", "--recursive", f"s3://{bucket}/")).strip() == ""


def test_s3api_commands(aws, bucket, tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    put = json.loads(ok(aws("s3api", "put-object", "--bucket", bucket, "--key", "api/obj", "--body", str(empty),
                            "--metadata", "team=lake", "--content-type", "text/plain", "--tagging", "a=b")))
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    head = json.loads(ok(aws("s3api", "head-object", "--bucket", bucket, "--key", "api/obj")))
    assert head["Metadata"] == {"team": "lake"} and head["ContentType"] == "text/plain"
    tags = json.loads(ok(aws("s3api", "get-object-tagging", "--bucket", bucket, "--key", "api/obj")))
    assert tags["TagSet"] == [{"Key": "a", "Value": "b"}]
    listed = json.loads(ok(aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "api/")))
    assert [o["Key"] for o in listed["Contents"]] == ["api/obj"]
    location = json.loads(ok(aws("s3api", "get-bucket-location", "--bucket", bucket)))
    assert location["LocationConstraint"] is None
    upload = json.loads(ok(aws("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "api/mp")))
    uploads = json.loads(ok(aws("s3api", "list-multipart-uploads", "--bucket", bucket)))
    assert [u["UploadId"] for u in uploads["Uploads"]] == [upload["UploadId"]]
    ok(aws("s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "api/mp", "--upload-id", upload["UploadId"]))
    ok(aws("s3api", "delete-object", "--bucket", bucket, "--key", "api/obj"))
    missing = aws("s3api", "get-object", "--bucket", bucket, "--key", "api/obj", "/dev/null")
    assert missing.returncode != 0 and b"NoSuchKey" in missing.stderr


def test_presign_command(aws, bucket):
    ok(aws("s3", "cp", "-", f"s3://{bucket}/shared.txt", input=b"shared by link"))
    url = ok(aws("s3", "presign", f"s3://{bucket}/shared.txt", "--expires-in", "120")).strip()
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == b"shared by link"
