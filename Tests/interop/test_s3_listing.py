"""ListObjectsV2 and ListObjects with boto3: prefix, delimiter and CommonPrefixes, max-keys,
continuation tokens, start-after, markers, URL encoding, byte order, and 10,000 keys."""
import concurrent.futures
import urllib.parse

import pytest

from s3support import s3_error


def put_keys(s3, bucket, keys):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=bucket, Key=key, Body=b""), keys))


TREE = ["a.txt", "photos/2024/jan/1.jpg", "photos/2024/jan/2.jpg", "photos/2024/feb/1.jpg", "photos/2025/mar/1.jpg",
        "photos/readme", "videos/x.mp4", "videos/y.mp4", "zeta"]


@pytest.fixture
def tree(s3, bucket):
    put_keys(s3, bucket, TREE)
    return bucket


def v2_all(s3, **kwargs):
    """Every page of a V2 listing, followed by continuation tokens by hand."""
    pages = []
    token = None
    while True:
        args = dict(kwargs)
        if token:
            args["ContinuationToken"] = token
        page = s3.list_objects_v2(**args)
        pages.append(page)
        if not page["IsTruncated"]:
            return pages
        token = page["NextContinuationToken"]


def test_v2_plain_listing(s3, tree):
    page = s3.list_objects_v2(Bucket=tree)
    assert [o["Key"] for o in page["Contents"]] == sorted(TREE)
    assert page["KeyCount"] == len(TREE) and page["MaxKeys"] == 1000 and page["IsTruncated"] is False
    assert "NextContinuationToken" not in page
    assert all(o["StorageClass"] == "STANDARD" and o["ETag"].startswith('"') for o in page["Contents"])
    assert "Owner" not in page["Contents"][0]
    owned = s3.list_objects_v2(Bucket=tree, FetchOwner=True)
    assert "ID" in owned["Contents"][0]["Owner"]


def test_v2_prefix_and_delimiter(s3, tree):
    top = s3.list_objects_v2(Bucket=tree, Delimiter="/")
    assert [o["Key"] for o in top["Contents"]] == ["a.txt", "zeta"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["photos/", "videos/"]
    assert top["KeyCount"] == 4 and top["Delimiter"] == "/"
    photos = s3.list_objects_v2(Bucket=tree, Prefix="photos/", Delimiter="/")
    assert [o["Key"] for o in photos["Contents"]] == ["photos/readme"]
    assert [p["Prefix"] for p in photos["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]
    deep = s3.list_objects_v2(Bucket=tree, Prefix="photos/2024/", Delimiter="/")
    assert "Contents" not in deep
    assert [p["Prefix"] for p in deep["CommonPrefixes"]] == ["photos/2024/feb/", "photos/2024/jan/"]
    # A prefix that is not at a delimiter boundary.
    partial = s3.list_objects_v2(Bucket=tree, Prefix="photos/20", Delimiter="/")
    assert [p["Prefix"] for p in partial["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]
    # A delimiter other than "/".
    dotted = s3.list_objects_v2(Bucket=tree, Delimiter=".")
    assert [p["Prefix"] for p in dotted["CommonPrefixes"]] == [
        "a.", "photos/2024/feb/1.", "photos/2024/jan/1.", "photos/2024/jan/2.", "photos/2025/mar/1.", "videos/x.", "videos/y."]
    assert [o["Key"] for o in dotted["Contents"]] == ["photos/readme", "zeta"]
    # Multi-character delimiter.
    multi = s3.list_objects_v2(Bucket=tree, Delimiter="/20")
    assert [p["Prefix"] for p in multi["CommonPrefixes"]] == ["photos/20"]
    assert s3.list_objects_v2(Bucket=tree, Prefix="nothing")["KeyCount"] == 0


def test_v2_pagination_counts_common_prefixes(s3, tree):
    pages = v2_all(s3, Bucket=tree, Delimiter="/", MaxKeys=1)
    entries = []
    for page in pages:
        entries += [o["Key"] for o in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        assert page["KeyCount"] == 1
    assert entries == ["a.txt", "photos/", "videos/", "zeta"]
    assert len(pages) == 4


def test_v2_max_keys_and_start_after(s3, tree):
    page = s3.list_objects_v2(Bucket=tree, MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == sorted(TREE)[:3]
    assert page["IsTruncated"] is True and page["MaxKeys"] == 3
    rest = s3.list_objects_v2(Bucket=tree, ContinuationToken=page["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == sorted(TREE)[3:]
    assert rest["ContinuationToken"] == page["NextContinuationToken"]
    after = s3.list_objects_v2(Bucket=tree, StartAfter="photos/2024/jan/2.jpg")
    assert [o["Key"] for o in after["Contents"]] == [k for k in sorted(TREE) if k > "photos/2024/jan/2.jpg"]
    assert after["StartAfter"] == "photos/2024/jan/2.jpg"
    # start-after inside a rolled-up prefix: what follows it is listed. (Whether S3 repeats the
    # enclosing prefix "photos/" here is not documented; Tarn does not, so a marker that is a
    # common prefix never loops.)
    rolled = s3.list_objects_v2(Bucket=tree, StartAfter="photos/2024/feb/1.jpg", Delimiter="/")
    assert [o["Key"] for o in rolled["Contents"]] == ["zeta"]
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]][-1:] == ["videos/"]
    zero = s3.list_objects_v2(Bucket=tree, MaxKeys=0)
    assert zero["KeyCount"] == 0 and "Contents" not in zero


def test_v2_invalid_arguments(s3, tree):
    with s3_error("InvalidArgument", 400):
        s3.list_objects_v2(Bucket=tree, ContinuationToken="%%%not-a-token")
    with s3_error("InvalidArgument", 400):
        s3.list_objects_v2(Bucket=tree, MaxKeys=-1)
    with s3_error("InvalidArgument", 400):
        s3.list_objects_v2(Bucket=tree, EncodingType="base64")


def test_v1_markers(s3, tree):
    page = s3.list_objects(Bucket=tree, MaxKeys=4)
    assert [o["Key"] for o in page["Contents"]] == sorted(TREE)[:4]
    assert page["IsTruncated"] is True
    assert "NextMarker" not in page  # only sent with a delimiter; clients continue after the last key
    assert "Owner" in page["Contents"][0]
    rest = s3.list_objects(Bucket=tree, Marker=page["Contents"][-1]["Key"])
    assert [o["Key"] for o in rest["Contents"]] == sorted(TREE)[4:]
    assert rest["Marker"] == page["Contents"][-1]["Key"]
    delimited = s3.list_objects(Bucket=tree, Delimiter="/", MaxKeys=2)
    assert [o["Key"] for o in delimited["Contents"]] == ["a.txt"]
    assert [p["Prefix"] for p in delimited["CommonPrefixes"]] == ["photos/"]
    assert delimited["NextMarker"] == "photos/"
    after = s3.list_objects(Bucket=tree, Delimiter="/", Marker=delimited["NextMarker"])
    assert [o["Key"] for o in after["Contents"]] == ["zeta"]
    assert [p["Prefix"] for p in after["CommonPrefixes"]] == ["videos/"]
    # boto3's paginator drives the markers itself.
    keys = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=tree, PaginationConfig={"PageSize": 2})
            for o in p.get("Contents", [])]
    assert keys == sorted(TREE)


def test_utf8_keys_sorted_by_bytes(s3, bucket):
    # UTF-8 byte order differs from UTF-16 code-unit order and from locale collation:
    # "\uffff" (EF BF BF) sorts before "😀" (F0 9F 98 80), though in UTF-16 it is after; uppercase before lowercase.
    keys = ["b", "B", "a", "é", "e\u0301", "\uffff", "😀", "z", "Z", "0", "~", "ä/x", "ä", "a/b", "a-b", "a.b", "\u00a0"]
    put_keys(s3, bucket, keys)
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == sorted(keys, key=lambda k: k.encode("utf-8"))
    paged = [o["Key"] for p in v2_all(s3, Bucket=bucket, MaxKeys=2) for o in p.get("Contents", [])]
    assert paged == listed


def test_url_encoding_type(s3, bucket):
    keys = ["sp ace/é", "plus+", "ctrl\x01char", "amp&<>"]
    put_keys(s3, bucket, keys)
    # boto3 asks for encoding-type=url by default and decodes the answer; the keys come back intact.
    listed = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == sorted([k for k in keys if "/" not in k], key=lambda k: k.encode())
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["sp ace/"]
    # Without decoding: the raw XML carries percent-encoded keys.
    from s3support import signed_request
    response = signed_request("GET", f"{s3.meta.endpoint_url}/{bucket}?list-type=2&encoding-type=url")
    assert b"<Key>sp%20ace/%C3%A9</Key>" in response.content
    assert b"<Key>ctrl%01char</Key>" in response.content
    assert b"<EncodingType>url</EncodingType>" in response.content


def test_control_characters_in_keys_without_url_encoding(server, bucket, s3):
    # Without encoding-type, S3 writes such keys as XML character references; they must parse.
    s3.put_object(Bucket=bucket, Key="tab\tand\rreturn", Body=b"")
    from s3support import signed_request
    import xml.etree.ElementTree as ET
    response = signed_request("GET", f"{server.endpoint}/{bucket}?list-type=2")
    root = ET.fromstring(response.content)
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    assert [k.text for k in root.findall("s3:Contents/s3:Key", ns)] == ["tab\tand\rreturn"]


def test_ten_thousand_keys_with_delimiters_and_pagination(s3, bucket):
    keys = [f"shard-{s:02d}/day-{d:03d}/part-{p}.parquet" for s in range(20) for d in range(100) for p in range(5)]
    assert len(keys) == 10_000
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=bucket, Key=key, Body=b"x"), keys))
    # Plain pagination: 10 full pages of 1,000.
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket))
    assert [p["KeyCount"] for p in pages] == [1000] * 10
    assert [o["Key"] for p in pages for o in p["Contents"]] == sorted(keys)
    # Delimited at the top: 20 common prefixes in one page.
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == [f"shard-{s:02d}/" for s in range(20)]
    assert top["IsTruncated"] is False
    # One level down, paged 7 at a time: 100 prefixes across 15 pages.
    prefixes = []
    for page in v2_all(s3, Bucket=bucket, Prefix="shard-07/", Delimiter="/", MaxKeys=7):
        assert "Contents" not in page
        prefixes += [p["Prefix"] for p in page["CommonPrefixes"]]
    assert prefixes == [f"shard-07/day-{d:03d}/" for d in range(100)]
    # V1 with markers across the whole set.
    v1 = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=bucket) for o in p["Contents"]]
    assert v1 == sorted(keys)
    # The aws CLI-style cleanup of 10,000 keys: DeleteObjects in batches of 1,000.
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": o["Key"]} for o in page["Contents"]], "Quiet": True})
        assert "Errors" not in result
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_list_url_encoded_request_parameters(s3, bucket):
    put_keys(s3, bucket, ["a b/c", "a b/d", "a+b/e"])
    assert [p["Prefix"] for p in s3.list_objects_v2(Bucket=bucket, Prefix="a b", Delimiter="/")["CommonPrefixes"]] == ["a b/"]
    assert [p["Prefix"] for p in s3.list_objects_v2(Bucket=bucket, Prefix="a+", Delimiter="/")["CommonPrefixes"]] == ["a+b/"]
    assert urllib.parse.quote("a+b") == "a%2Bb"
