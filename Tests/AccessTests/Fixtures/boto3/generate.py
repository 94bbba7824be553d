"""Generates boto3.json: requests signed by boto3/botocore, offline, for AccessTests.

Run `python3 generate.py` (needs boto3). Nothing is sent: presigned URLs need no network, and
header-signed requests are captured from botocore's `before-send` event, which then answers with a
canned response. Each case records when it was signed so the Swift tests can set their clock.
"""
import base64
import io
import json
import time
from urllib.parse import urlsplit

import boto3
import botocore
from botocore.awsrequest import AWSResponse
from botocore.config import Config

ACCESS_KEY = "AKIATARNBOTO3TEST"
SECRET_KEY = "boto3/Secret+Key/ForTarnAccessTests0123"
TOKEN = "FwoGZXIvYXdzEBoaDTarnSessionToken/with+slash=="
ENDPOINT = "http://localhost:9000"
EXPIRES = 3600

KEYS = {
    "plain": "data/object.csv",
    "spaces-unicode": "raw zone/ünïcödé файл 🚀.json",
    "specials": "odd/!$&'()*+,;=:@~[]{}%25 key",
    "double-slash": "a//b/../c/./d",
}


def client(signature_version=None, token=None, addressing="path", service="s3", endpoint=ENDPOINT):
    config = Config(
        signature_version=signature_version,
        s3={"addressing_style": addressing},
        retries={"max_attempts": 1},
    )
    return boto3.client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=token,
        region_name="us-east-1",
        config=config,
    )


cases = []


def presigned(name, signature_version, operation, params, token=None, addressing="path", method="GET"):
    now = int(time.time())
    url = client(signature_version, token, addressing).generate_presigned_url(
        operation, Params=params, ExpiresIn=EXPIRES
    )
    cases.append({
        "name": name, "kind": "presigned", "signature_version": signature_version or "default",
        "method": method, "url": url, "headers": [], "body": "", "signed_at": now,
        "expires": EXPIRES, "token": token, "addressing": addressing,
    })


def captured(name, signature_version, operation, params, token=None, addressing="path", service="s3", endpoint=ENDPOINT):
    records = []

    def before_send(request, **kwargs):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        records.append((request.method, request.url, list(request.headers.items()), body or b""))
        return AWSResponse(request.url, 200, {}, None)

    c = client(signature_version, token, addressing, service, endpoint)
    c.meta.events.register("before-send", before_send)
    now = int(time.time())
    try:
        getattr(c, operation)(**params)
    except Exception:
        pass  # the canned response may not parse; the request was captured already
    method, url, headers, body = records[0]
    cases.append({
        "name": name, "kind": "header", "signature_version": signature_version or "default",
        "method": method, "url": url,
        "headers": [[k, v.decode() if isinstance(v, bytes) else v] for k, v in headers],
        "body": base64.b64encode(body).decode(), "signed_at": now, "token": token,
        "addressing": addressing, "service": service,
    })


# boto3 presigns S3 URLs with SigV2 by default but signs requests with SigV4 unless told "s3".
for version, header_version in [(None, "s3"), ("s3v4", "s3v4")]:
    tag = "v2" if version is None else "v4"
    for label, key in KEYS.items():
        presigned(f"{tag}-presigned-get-{label}", version, "get_object", {"Bucket": "lake", "Key": key})
    presigned(f"{tag}-presigned-put", version, "put_object", {"Bucket": "lake", "Key": KEYS["plain"]}, method="PUT")
    presigned(f"{tag}-presigned-get-overrides", version, "get_object", {
        "Bucket": "lake", "Key": KEYS["plain"], "ResponseContentDisposition": 'attachment; filename="a b.csv"',
        "ResponseContentType": "text/csv", "VersionId": "v1/+=",
    })
    presigned(f"{tag}-presigned-upload-part", version, "upload_part", {
        "Bucket": "lake", "Key": KEYS["plain"], "PartNumber": 3, "UploadId": "upload/+id==",
    }, method="PUT")
    presigned(f"{tag}-presigned-list", version, "list_objects_v2", {"Bucket": "lake", "Prefix": "raw zone/", "MaxKeys": 10})
    presigned(f"{tag}-presigned-tagging", version, "get_object_tagging", {"Bucket": "lake", "Key": KEYS["plain"]})
    presigned(f"{tag}-presigned-token", version, "get_object", {"Bucket": "lake", "Key": KEYS["plain"]}, token=TOKEN)
    presigned(f"{tag}-presigned-virtual-host", version, "get_object", {"Bucket": "lake", "Key": KEYS["spaces-unicode"]}, addressing="virtual")

    captured(f"{tag}-header-get-{'specials'}", header_version, "get_object", {"Bucket": "lake", "Key": KEYS["specials"], "Range": "bytes=0-9"})
    captured(f"{tag}-header-put", header_version, "put_object", {
        "Bucket": "lake", "Key": KEYS["spaces-unicode"], "Body": b"hello, lake\n", "Metadata": {"origin": "pos  terminal"},
        "ContentType": "text/plain",
    })
    captured(f"{tag}-header-create-multipart", header_version, "create_multipart_upload", {"Bucket": "lake", "Key": KEYS["plain"]})
    captured(f"{tag}-header-token", header_version, "head_object", {"Bucket": "lake", "Key": KEYS["plain"]}, token=TOKEN)
    captured(f"{tag}-header-virtual-host", header_version, "get_object", {"Bucket": "lake", "Key": KEYS["double-slash"]}, addressing="virtual")

# Over HTTPS botocore streams uploads as aws-chunked with a trailing CRC32 and signs
# UNSIGNED-PAYLOAD for other requests.
captured("v4-https-put-streaming-trailer", "s3v4", "put_object", {
    "Bucket": "lake", "Key": KEYS["plain"], "Body": io.BytesIO(b"order_id,sku\n1,A-1\n" * 100),
}, endpoint="https://localhost:9443")
captured("v4-https-get-unsigned-payload", "s3v4", "get_object", {"Bucket": "lake", "Key": KEYS["plain"]}, endpoint="https://localhost:9443")
captured("v4-kinesis-put-record", None, "put_record", {
    "StreamName": "clicks", "Data": b'{"sku":"A-1"}', "PartitionKey": "store-7",
}, service="kinesis")
captured("v4-glue-get-table", None, "get_table", {"DatabaseName": "retail", "Name": "orders"}, service="glue")

with open("boto3.json", "w") as f:
    json.dump({"boto3": boto3.__version__, "botocore": botocore.__version__, "access_key_id": ACCESS_KEY,
               "secret_access_key": SECRET_KEY, "session_token": TOKEN, "cases": cases}, f, indent=1, ensure_ascii=False)
print(f"{len(cases)} cases")
