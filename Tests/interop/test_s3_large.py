"""Large objects: a 1 GiB streamed single PUT with bounded server memory, ranged and parallel
downloads of it, and a streamed multipart upload of 1 GiB through boto3's transfer manager.
Bodies are generated on the fly, never held in memory or written to disk whole."""
import hashlib
import threading
import time

import pytest
from boto3.s3.transfer import TransferConfig

from s3support import raw_request, sign_v4

MiB = 1024 * 1024
GiB = 1024 * MiB


class GeneratedObject:
    """A large deterministic body: MiB block i is a fixed random MiB with i stamped in its first
    eight bytes, so any byte range can be regenerated without keeping the whole."""

    def __init__(self, size, seed=0):
        import random
        self.size = size
        self.base = random.Random(seed).randbytes(MiB)

    def block(self, index):
        return index.to_bytes(8, "big") + self.base[8:]

    def range(self, start, end):
        """Bytes [start, end)."""
        out = bytearray()
        position = start
        while position < end:
            index, offset = divmod(position, MiB)
            take = min(MiB - offset, end - position)
            out += self.block(index)[offset:offset + take]
            position += take
        return bytes(out)

    def pieces(self, piece=MiB):
        for start in range(0, self.size, piece):
            yield self.range(start, min(self.size, start + piece))

    def digests(self):
        md5, sha = hashlib.md5(), hashlib.sha256()
        for piece in self.pieces():
            md5.update(piece)
            sha.update(piece)
        return md5.hexdigest(), sha.hexdigest()


class Reader:
    """A non-seekable file-like view of a GeneratedObject (what boto3's upload_fileobj streams)."""

    def __init__(self, generated):
        self.generated = generated
        self.position = 0

    def read(self, amount=-1):
        if amount is None or amount < 0:
            amount = self.generated.size - self.position
        end = min(self.generated.size, self.position + amount)
        data = self.generated.range(self.position, end)
        self.position = end
        return data


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RSSSampler(threading.Thread):
    def __init__(self, pid, interval=0.1):
        super().__init__(daemon=True)
        self.pid, self.interval, self.samples, self.running = pid, interval, [], True

    def run(self):
        while self.running:
            self.samples.append(rss_kib(self.pid))
            time.sleep(self.interval)

    def stop(self):
        self.running = False
        self.join()
        return max(self.samples) if self.samples else 0


@pytest.mark.slow
def test_one_gib_streamed_put_and_ranged_download(server, s3, bucket):
    generated = GeneratedObject(GiB + 12_345, seed=90)
    md5, sha = generated.digests()
    url = f"{server.endpoint}/{bucket}/huge.bin"
    headers = sign_v4("PUT", url, {"Content-Length": str(generated.size), "Content-Type": "application/octet-stream"},
                      payload_hash="UNSIGNED-PAYLOAD")
    baseline = rss_kib(server.proc.pid)
    sampler = RSSSampler(server.proc.pid)
    sampler.start()
    started = time.time()
    response = raw_request("PUT", url, headers, generated.pieces(), timeout=600)
    elapsed = time.time() - started
    peak = sampler.stop()
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == f'"{md5}"'
    # Streaming: the server's memory does not grow with the body (1 GiB went through).
    assert peak - baseline < 256 * 1024, f"RSS grew from {baseline} KiB to {peak} KiB during a 1 GiB PUT"
    print(f"1 GiB PUT in {elapsed:.1f}s ({generated.size / MiB / elapsed:.0f} MiB/s), server RSS {baseline} -> {peak} KiB")

    head = s3.head_object(Bucket=bucket, Key="huge.bin")
    assert head["ContentLength"] == generated.size and head["ETag"] == f'"{md5}"'
    # Ranges: the start, across MiB boundaries, deep inside, the tail, a suffix.
    for first, last in [(0, 0), (MiB - 5, MiB + 4), (512 * MiB + 3, 515 * MiB), (GiB - 1, GiB + 12_344), (700 * MiB, 700 * MiB + 10 * MiB)]:
        got = s3.get_object(Bucket=bucket, Key="huge.bin", Range=f"bytes={first}-{last}")
        assert got["ContentRange"] == f"bytes {first}-{last}/{generated.size}"
        assert got["Body"].read() == generated.range(first, last + 1), (first, last)
    tail = s3.get_object(Bucket=bucket, Key="huge.bin", Range="bytes=-100")["Body"].read()
    assert tail == generated.range(generated.size - 100, generated.size)
    # The whole object streamed back, hashed as it arrives.
    digest = hashlib.sha256()
    body = s3.get_object(Bucket=bucket, Key="huge.bin")["Body"]
    for chunk in iter(lambda: body.read(4 * MiB), b""):
        digest.update(chunk)
    assert digest.hexdigest() == sha
    # And as boto3's parallel ranged download.
    received = hashlib.sha256()
    pieces = {}
    lock = threading.Lock()

    class Sink:
        """Collects download_fileobj's writes, which arrive in order (it buffers out-of-order ranges)."""

        def write(self, data):
            with lock:
                received.update(data)
                pieces["bytes"] = pieces.get("bytes", 0) + len(data)

    s3.download_fileobj(bucket, "huge.bin", Sink(), Config=TransferConfig(multipart_chunksize=64 * MiB, max_concurrency=4))
    assert pieces["bytes"] == generated.size and received.hexdigest() == sha
    s3.delete_object(Bucket=bucket, Key="huge.bin")


@pytest.mark.slow
def test_one_gib_streamed_multipart_with_boto3(server, s3, bucket):
    generated = GeneratedObject(GiB, seed=91)
    config = TransferConfig(multipart_threshold=64 * MiB, multipart_chunksize=64 * MiB, max_concurrency=4)
    s3.upload_fileobj(Reader(generated), bucket, "huge-mp.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="huge-mp.bin")
    assert head["ContentLength"] == GiB and head["ETag"].endswith('-16"')
    expected = hashlib.md5(b"".join(hashlib.md5(generated.range(i * 64 * MiB, (i + 1) * 64 * MiB)).digest() for i in range(16)))
    assert head["ETag"] == f'"{expected.hexdigest()}-16"'
    middle = s3.get_object(Bucket=bucket, Key="huge-mp.bin", Range=f"bytes={64 * MiB - 3}-{64 * MiB + 2}")["Body"].read()
    assert middle == generated.range(64 * MiB - 3, 64 * MiB + 3)
    s3.delete_object(Bucket=bucket, Key="huge-mp.bin")
