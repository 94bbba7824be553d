"""Generates awscrt.json: S3 requests signed by aws-c-auth (the AWS Common Runtime, via the
`awscrt` Python package), an implementation independent of botocore, for AccessTests.

Run `python3 generate.py` (needs `pip install awscrt`). Paths are given in wire form, as the SDKs
send them; S3 mode: single URI encoding, no path normalisation, x-amz-content-sha256 signed.
"""
import datetime
import json

import awscrt
from awscrt import auth, http

ACCESS_KEY = "AKIATARNCRTTEST"
SECRET_KEY = "crt/Secret+Key/ForTarnAccessTests0123456"
TIME = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)

TARGETS = [
    ("GET", "/lake/data/object.csv", ""),
    ("GET", "/lake/raw%20zone/%C3%BCn%C3%AFc%C3%B6d%C3%A9%20%F0%9F%9A%80.json", ""),
    ("GET", "/lake/a//b/../c/./d", ""),
    ("GET", "/lake/odd/%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40~", ""),
    ("GET", "/lake", "list-type=2&prefix=raw%20zone%2F&max-keys=10&encoding-type=url"),
    ("POST", "/lake/data/object.csv", "uploads"),
    ("PUT", "/lake/data/object.csv", "partNumber=3&uploadId=upload%2F%2Bid%3D%3D"),
    ("GET", "/lake/data/object.csv", "response-content-disposition=attachment%3B%20filename%3D%22a%20b.csv%22&versionId=v1"),
]


def sign(method, path, query, signature_type, body_value, extra_headers):
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4, signature_type=signature_type,
        credentials_provider=auth.AwsCredentialsProvider.new_static(ACCESS_KEY, SECRET_KEY),
        region="us-east-1", service="s3", date=TIME, use_double_uri_encode=False, should_normalize_uri_path=False,
        signed_body_header_type=(auth.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256
                                 if signature_type == auth.AwsSignatureType.HTTP_REQUEST_HEADERS
                                 else auth.AwsSignedBodyHeaderType.NONE),
        signed_body_value=body_value, expiration_in_seconds=900)
    target = path + ("?" + query if query else "")
    request = http.HttpRequest(method, target, http.HttpHeaders([("Host", "localhost:9000")] + extra_headers))
    auth.aws_sign_request(request, config).result()
    return {"method": method, "target": request.path, "headers": [list(h) for h in request.headers]}


cases = []
for index, (method, path, query) in enumerate(TARGETS):
    extra = [("Range", "bytes=0-99"), ("X-Amz-Meta-Note", "  two  spaces  ")] if method == "GET" else []
    header = sign(method, path, query, auth.AwsSignatureType.HTTP_REQUEST_HEADERS, auth.AwsSignedBodyValue.EMPTY_SHA256, extra)
    header["name"] = f"header-{index}"
    cases.append(header)
    presigned = sign(method, path, query, auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS, auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD, [])
    presigned["name"] = f"presigned-{index}"
    cases.append(presigned)

with open("awscrt.json", "w") as f:
    json.dump({"awscrt": awscrt.__version__, "access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY,
               "signed_at": int(TIME.timestamp()), "cases": cases}, f, indent=1)
print(len(cases), "cases")
