"""256 MiB PUT/GET throughput through a real `tarn server` over HTTP, unencrypted vs SSE-S3 vs
SSE-KMS vs SSE-KMS with an S3 Bucket Key, in one run against one server.

The server runs with `--default-encryption none`, so a bucket without an encryption
configuration stores plaintext (the baseline); the other buckets get PutBucketEncryption. The
client uses pre-signed URLs with `requests` (UNSIGNED-PAYLOAD, no client-side hashing), so the
client's own work is the same in every mode. Reports the best wall-clock throughput of
`--repeat` rounds and the least server CPU time (user + system, from /proc) per PUT and GET.
Prints `RESULT name=value unit` lines.

    python3 Benchmarks/security/sse_http.py --tarn .build/release/tarn [--mib 256] [--repeat 3]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import boto3
import requests
from botocore.config import Config

ACCESS, SECRET = "TARNBENCHROOTKEY0001", "tarn-bench-root-secret-key-000000000000"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (Linux /proc), the measure that holds up on
    a shared machine where wall time mostly reflects the neighbours."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tarn", required=True)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="tarn-sse-bench-")
    port = free_port()
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS, TARN_ROOT_SECRET_ACCESS_KEY=SECRET)
    server = subprocess.Popen([args.tarn, "server", "--data", data, "--listen", f"127.0.0.1:{port}", "--default-encryption", "none",
                               "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        config = Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1})
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET, config=config)
        kms = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET, config=config)
        key = kms.create_key(Description="benchmark")["KeyMetadata"]["Arn"]
        modes = {"none": None, "sse_s3": {"SSEAlgorithm": "AES256"}, "sse_kms": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                 "sse_kms_bucket_key": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}
        for mode, rule in modes.items():
            bucket = "bench-" + mode.replace("_", "-")
            s3.create_bucket(Bucket=bucket)
            if rule:
                s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
                    "ApplyServerSideEncryptionByDefault": rule, "BucketKeyEnabled": mode.endswith("bucket_key")}]})
        body = os.urandom(args.mib * 1024 * 1024)
        best = {mode: [0.0, 0.0] for mode in modes}
        cpu = {mode: [float("inf"), float("inf")] for mode in modes}
        session = requests.Session()
        for round_ in range(args.repeat):
            for mode in modes:
                bucket = "bench-" + mode.replace("_", "-")
                put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": f"o{round_}"}, ExpiresIn=3600)
                start, start_cpu = time.perf_counter(), cpu_seconds(server.pid)
                response = session.put(put_url, data=body)
                put_seconds, put_cpu = time.perf_counter() - start, cpu_seconds(server.pid) - start_cpu
                assert response.status_code == 200, response.text
                expected = None if mode == "none" else ("AES256" if mode == "sse_s3" else "aws:kms")
                assert response.headers.get("x-amz-server-side-encryption") == expected, response.headers
                get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": f"o{round_}"}, ExpiresIn=3600)
                start, start_cpu = time.perf_counter(), cpu_seconds(server.pid)
                received = 0
                with session.get(get_url, stream=True) as got:
                    for piece in got.iter_content(chunk_size=1 << 20):
                        received += len(piece)
                get_seconds, get_cpu = time.perf_counter() - start, cpu_seconds(server.pid) - start_cpu
                assert received == len(body)
                best[mode][0] = max(best[mode][0], args.mib / put_seconds)
                best[mode][1] = max(best[mode][1], args.mib / get_seconds)
                cpu[mode] = [min(cpu[mode][0], put_cpu), min(cpu[mode][1], get_cpu)]
                s3.delete_object(Bucket=bucket, Key=f"o{round_}")
        for mode, (put, get) in best.items():
            print(f"RESULT http_put_{mode}_{args.mib}MiB={put:.1f} MiB/s")
            print(f"RESULT http_get_{mode}_{args.mib}MiB={get:.1f} MiB/s")
            print(f"RESULT server_cpu_put_{mode}_{args.mib}MiB={cpu[mode][0]:.2f} s")
            print(f"RESULT server_cpu_get_{mode}_{args.mib}MiB={cpu[mode][1]:.2f} s")
        for mode in list(modes)[1:]:
            print(f"RESULT http_put_slowdown_{mode}={(1 - best[mode][0] / best['none'][0]) * 100:.1f} %")
            print(f"RESULT http_get_slowdown_{mode}={(1 - best[mode][1] / best['none'][1]) * 100:.1f} %")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
