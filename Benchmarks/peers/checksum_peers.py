#!/usr/bin/env python3
"""S3 checksum throughput: Tarn next to the AWS Common Runtime, in one run.

    swift build -c release --product TarnBench
    pip install awscrt          # the checksum code the AWS SDKs use (aws-checksums, SIMD)
    python3 Benchmarks/peers/checksum_peers.py [--bench .build/release/TarnBench]

Runs `TarnBench checksums` (CRC-32, CRC-32C, CRC-64/NVME over a 64 MiB buffer of 0xA5, best of
several passes) and the same computation with awscrt.checksums and, for CRC-32, Python's zlib;
prints GB/s and Tarn's ratio to each peer (above 1: Tarn is faster).
"""
import argparse
import os
import re
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def best(function, data, passes=5):
    fastest = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        function(data)
        fastest = min(fastest, time.perf_counter() - start)
    return len(data) / fastest / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "TarnBench"))
    args = parser.parse_args()
    import zlib
    from awscrt import checksums

    data = bytes([0xA5]) * (64 << 20)
    peers = {
        "crc32": [("awscrt", best(checksums.crc32, data)), ("zlib", best(zlib.crc32, data))],
        "crc32c": [("awscrt", best(checksums.crc32c, data))],
        "crc64nvme": [("awscrt", best(checksums.crc64nvme, data))],
    }
    output = subprocess.run([args.bench, "checksums"], capture_output=True, text=True, check=True).stdout
    tarn = {name: float(value) for name, value in re.findall(r"RESULT (\w+)=([0-9.]+) GB/s", output)}
    print("| algorithm | Tarn GB/s | peer | peer GB/s | Tarn / peer |")
    print("|---|---:|---|---:|---:|")
    for name, rows in peers.items():
        for peer, speed in rows:
            print(f"| {name} | {tarn[name]:.2f} | {peer} | {speed:.2f} | {tarn[name] / speed:.2f}× |")


if __name__ == "__main__":
    main()
