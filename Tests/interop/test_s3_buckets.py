"""Buckets with boto3: naming rules, create/head/list/delete, location, versioning answers."""
import uuid

import pytest
import requests

from s3support import assert_error, s3_error, signed_request


def fresh_name():
    return f"bkt-{uuid.uuid4().hex[:20]}"


def test_create_head_list_delete(s3):
    name = fresh_name()
    created = s3.create_bucket(Bucket=name)
    assert created["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    listed = s3.list_buckets()
    assert name in [b["Name"] for b in listed["Buckets"]]
    assert [b["Name"] for b in listed["Buckets"]] == sorted(b["Name"] for b in listed["Buckets"])
    assert all(b["CreationDate"] for b in listed["Buckets"])
    s3.delete_bucket(Bucket=name)
    with s3_error("404", 404):  # HEAD carries no body: botocore reports the status as the code
        s3.head_bucket(Bucket=name)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_create_existing_bucket_is_already_owned(s3, bucket):
    with s3_error("BucketAlreadyOwnedByYou", 409):
        s3.create_bucket(Bucket=bucket)


def test_create_with_location_constraint(s3):
    # us-east-1 is the only region served; naming it explicitly is allowed, another is refused.
    name = fresh_name()
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    s3.delete_bucket(Bucket=name)
    with s3_error("IllegalLocationConstraintException", 400):
        s3.create_bucket(Bucket=fresh_name(), CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})


@pytest.mark.parametrize("name", [
    "ab",                      # too short
    "a" * 64,                  # too long
    "UpperCase",               # uppercase
    "under_score",             # underscore
    "-leading-hyphen",         # must start with letter or digit
    "trailing-hyphen-",
    "two..dots",
    "192.168.5.4",             # IP address
    "xn--punycode",            # reserved prefix
    "sthree-reserved",
    "name-s3alias",            # reserved suffix
    "name--ol-s3",
    "dot.before.end.",
])
def test_invalid_bucket_names(server, name):
    # boto3 validates some names client-side; send the request signed by hand so the server decides.
    response = signed_request("PUT", f"{server.endpoint}/{name}")
    assert_error(response, 400, "InvalidBucketName")


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket.name", "0-9", "with-hyphens-and.dots"])
def test_valid_bucket_names(s3, name):
    s3.create_bucket(Bucket=name)
    try:
        s3.head_bucket(Bucket=name)
    finally:
        s3.delete_bucket(Bucket=name)


def test_delete_only_when_empty(s3):
    name = fresh_name()
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="one", Body=b"1")
    with s3_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=name)
    s3.delete_object(Bucket=name, Key="one")
    upload = s3.create_multipart_upload(Bucket=name, Key="pending")
    # S3 also refuses while a multipart upload is in progress.
    with s3_error("BucketNotEmpty", 409):
        s3.delete_bucket(Bucket=name)
    s3.abort_multipart_upload(Bucket=name, Key="pending", UploadId=upload["UploadId"])
    s3.delete_bucket(Bucket=name)


def test_missing_bucket_errors(s3):
    name = fresh_name()
    with s3_error("NoSuchBucket", 404):
        s3.delete_bucket(Bucket=name)
    with s3_error("NoSuchBucket", 404):
        s3.list_objects_v2(Bucket=name)
    with s3_error("NoSuchBucket", 404):
        s3.put_object(Bucket=name, Key="k", Body=b"x")
    with s3_error("NoSuchBucket", 404):
        s3.get_object(Bucket=name, Key="k")
    with s3_error("NoSuchBucket", 404):
        s3.get_bucket_location(Bucket=name)
    with s3_error("NoSuchBucket", 404):
        s3.create_multipart_upload(Bucket=name, Key="k")


def test_location_versioning_and_versions_of_unversioned_bucket(s3, bucket):
    # GetBucketLocation answers an empty LocationConstraint for us-east-1.
    assert s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") is None
    # An unversioned bucket reports no Status at all.
    versioning = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in versioning and "MFADelete" not in versioning
    s3.put_object(Bucket=bucket, Key="a/1", Body=b"one")
    s3.put_object(Bucket=bucket, Key="b", Body=b"two")
    versions = s3.list_object_versions(Bucket=bucket)
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in versions["Versions"]] == [("a/1", "null", True), ("b", "null", True)]
    assert versions["IsTruncated"] is False
    assert "DeleteMarkers" not in versions
    rolled = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["a/"]
    assert [v["Key"] for v in rolled["Versions"]] == ["b"]
    page = s3.list_object_versions(Bucket=bucket, MaxKeys=1)
    assert page["IsTruncated"] is True and page["NextKeyMarker"] == "a/1"
    rest = s3.list_object_versions(Bucket=bucket, KeyMarker=page["NextKeyMarker"])
    assert [v["Key"] for v in rest["Versions"]] == ["b"]


def test_bucket_tagging(s3, bucket):
    with s3_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "test"}]})
    tags = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"team": "data", "env": "test"}
    s3.delete_bucket_tagging(Bucket=bucket)
    with s3_error("NoSuchTagSet", 404):
        s3.get_bucket_tagging(Bucket=bucket)


def test_unimplemented_subresource_is_not_implemented(s3, bucket):
    with s3_error("NotImplemented", 501):
        s3.get_bucket_website(Bucket=bucket)


def test_anonymous_request_is_denied(server, bucket):
    response = requests.get(f"{server.endpoint}/{bucket}", timeout=10)
    assert_error(response, 403, "AccessDenied")
