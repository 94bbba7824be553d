#!/usr/bin/env python3
"""S3 object store benchmark: Tarn next to moto_server and next to the disk itself, in one run.

    swift build -c release --product tarn && swift build -c release --product TarnBench
    python3 Benchmarks/s3_bench.py [--quick] [--skip-moto] [--skip-10g] [--dir /path/on/the/disk]

For each server it runs the same load with `TarnBench s3load` (a Swift load generator: blocking
keep-alive sockets, pre-signed SigV4 URLs so the client does no crypto in the timed loop):
PUT and GET of 4 KiB objects (ops/s) and of 256 MiB objects (MB/s), with 1 and 16 concurrent
clients, reporting p50/p99 latency and the server's peak RSS per phase. It measures the disk with
`dd … conv=fsync` (sequential write), `dd iflag=direct` (sequential read, page cache bypassed) and
`dd oflag=dsync` (synchronous 4 KiB writes: the fsync rate that bounds durable small PUTs), and the
server's RSS while one 10 GiB object is streamed in. Prints a Markdown report; nothing is saved.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ACCESS_KEY = "TARNBENCHKEY00000000"
SECRET_KEY = "tarn-bench-secret-key-000000000000000000"
MiB = 1 << 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def cpu_seconds(pid):
    """User + system CPU time a process has used so far (/proc/PID/stat fields 14 and 15)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RSSSampler(threading.Thread):
    """Peak resident set size of a process (and its children) while running."""

    def __init__(self, pid, interval=0.1):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.running = pid, interval, 0, True
        self.samples = []

    def run(self):
        while self.running:
            value = rss_kib(self.pid)
            self.samples.append(value)
            self.peak = max(self.peak, value)
            time.sleep(self.interval)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


class Server:
    def __init__(self, name, command, port, env=None, cwd=None):
        self.name, self.port = name, port
        self.log = open(os.path.join(tempfile.gettempdir(), f"s3bench-{name}-{port}.log"), "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        wait_listening(port, self.process)

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def start_tarn(data_dir, binary):
    port = free_port()
    env = dict(os.environ, TARN_ROOT_ACCESS_KEY_ID=ACCESS_KEY, TARN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
    return Server("tarn", [binary, "server", "--data", data_dir, "--listen", f"127.0.0.1:{port}", "--log-level", "warning"], port, env)


def start_moto(work_dir):
    port = free_port()
    moto = shutil.which("moto_server")
    if not moto:
        raise RuntimeError("moto_server not found: pip install 'moto[server]'")
    return Server("moto", [moto, "-H", "127.0.0.1", "-p", str(port)], port, dict(os.environ), cwd=work_dir)


def create_bucket(port, bucket):
    import boto3
    from botocore.config import Config
    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    client.create_bucket(Bucket=bucket)


def load(bench, port, pid, bucket, op, size, clients, requests, keys=1, writers=1, duration=60, prefix="load"):
    """Runs one `TarnBench s3load` phase while sampling the server's RSS."""
    sampler = RSSSampler(pid)
    sampler.start()
    server_cpu = cpu_seconds(pid)
    client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [bench, "s3load", "--endpoint", f"127.0.0.1:{port}", "--bucket", bucket, "--op", op, "--size", str(size),
               "--clients", str(clients), "--requests", str(requests), "--keys", str(keys), "--writers", str(writers),
               "--duration", str(duration), "--prefix", prefix, "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 600)
    peak = sampler.stop()
    server_cpu = cpu_seconds(pid) - server_cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime - client_cpu.ru_utime) + (after.ru_stime - client_cpu.ru_stime)
    results = {m.group(1): float(m.group(2)) for m in re.finditer(r"RESULT (\w+)=([0-9.e+-]+)", output.stdout)}
    if output.returncode != 0 or not results:
        raise RuntimeError(f"s3load failed: {output.stdout}\n{output.stderr}")
    results["rss_peak_mib"] = peak / 1024
    # CPU per request: robust against other load on a shared machine, unlike wall-clock rates.
    results["server_cpu_us_per_op"] = server_cpu / max(1, results["ops"]) * 1e6
    results["client_cpu_us_per_op"] = client_cpu / max(1, results["ops"]) * 1e6
    if results.get("errors"):
        results["first_error"] = next((l for l in output.stdout.splitlines() if l.startswith("first error")), "")
    return results


def dd(args):
    completed = subprocess.run(["dd", *args], capture_output=True, text=True)
    match = re.search(r"(\d+) bytes .* copied, ([0-9.]+) s", completed.stderr)
    if completed.returncode != 0 or not match:
        raise RuntimeError(completed.stderr)
    return int(match.group(1)), float(match.group(2))


def disk_baseline(directory, size_mib):
    path = os.path.join(directory, "dd-test.bin")
    written, seconds = dd(["if=/dev/zero", f"of={path}", "bs=1M", f"count={size_mib}", "conv=fsync"])
    write = written / seconds / 1e6
    read_bytes, read_seconds = dd([f"if={path}", "of=/dev/null", "bs=1M", "iflag=direct"])
    read = read_bytes / read_seconds / 1e6
    os.remove(path)
    small_bytes, small_seconds = dd(["if=/dev/zero", f"of={path}", "bs=4k", "count=500", "oflag=dsync"])
    os.remove(path)
    return {"seq_write_mb_s": write, "seq_read_direct_mb_s": read, "dsync_4k_writes_per_s": 500 / small_seconds,
            "md5_mb_s": md5_speed()}


def md5_speed():
    """MD5 over 256 MiB on one core (hashlib: OpenSSL's assembly, like the BoringSSL code in tarn).
    A single-part PUT's ETag is the MD5 of its body, a strictly sequential computation, so one
    upload stream can never be stored faster than this, whatever the disk does."""
    buffer = bytes(range(256)) * (MiB // 256) * 256
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        hashlib.md5(buffer).digest()
        best = max(best, len(buffer) / (time.perf_counter() - start) / 1e6)
    return best


def populate(bench, server, bucket, prefix, size, writers, per_writer):
    """Writes the objects a GET phase reads, untimed and without a deadline, so a slow server's
    PUT phase (which stops at its deadline) cannot leave the GET phase asking for missing keys."""
    load(bench, server.port, server.pid, bucket, op="put", size=size, clients=writers, requests=writers * per_writer,
         prefix=prefix, duration=3600)


def run_server_suite(name, server, bench, quick, only=None):
    bucket = "bench"
    create_bucket(server.port, bucket)
    small, large = 4096, 256 * MiB
    scale = 0.25 if quick else 1.0
    small_keys = int(8000 * scale)
    # (label, clients, s3load arguments, objects to write first: (prefix, size, writers, per writer))
    phases = [
        ("PUT 4 KiB", 1, dict(op="put", size=small, clients=1, requests=int(3000 * scale), prefix="s1", duration=30), None),
        ("PUT 4 KiB", 16, dict(op="put", size=small, clients=16, requests=int(32000 * scale), prefix="s16", duration=30), None),
        ("GET 4 KiB", 1, dict(op="get", size=small, clients=1, requests=int(20000 * scale), keys=small_keys, writers=16, prefix="g",
                              duration=30), ("g", small, 16, small_keys // 16)),
        ("GET 4 KiB", 16, dict(op="get", size=small, clients=16, requests=int(200000 * scale), keys=small_keys, writers=16, prefix="g",
                               duration=30), None),
        ("PUT 256 MiB", 1, dict(op="put", size=large, clients=1, requests=2 if quick else 4, prefix="l1", duration=180), None),
        ("PUT 256 MiB", 16, dict(op="put", size=large, clients=16, requests=16, prefix="l16", duration=300), None),
        ("GET 256 MiB", 1, dict(op="get", size=large, clients=1, requests=2 if quick else 4, keys=4, writers=4, prefix="G", duration=180),
         ("G", large, 4, 1)),
        ("GET 256 MiB", 16, dict(op="get", size=large, clients=16, requests=32, keys=4, writers=4, prefix="G", duration=300), None),
    ]
    if only == "small":
        phases = [p for p in phases if "4 KiB" in p[0]]
    elif only == "large":
        phases = [p for p in phases if "256 MiB" in p[0]]
    rows = []
    baseline = rss_kib(server.pid) / 1024
    for label, clients, args, seed in phases:
        if seed:
            print(f"  {name}: writing the objects {label} reads ...", file=sys.stderr, flush=True)
            populate(bench, server, bucket, *seed)
        print(f"  {name}: {label} x{clients} ...", file=sys.stderr, flush=True)
        result = load(bench, server.port, server.pid, bucket, **args)
        result.update(label=label, clients=clients)
        rows.append(result)
        print(f"    {json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})}", file=sys.stderr)
    return {"rss_idle_mib": baseline, "phases": rows}


def s3_client(port):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


def ten_gib_upload(server, part_mib=512, parts=20):
    """Server RSS while one 10 GiB object streams in. S3 caps a single PUT at 5 GiB, so this is a
    multipart upload of 20 parts of 512 MiB, each body streamed from one reused 1 MiB buffer over
    a presigned UploadPart URL (nothing is held in memory or on disk by the client)."""
    import http.client
    from urllib.parse import urlsplit
    client = s3_client(server.port)
    client.create_bucket(Bucket="huge")
    upload_id = client.create_multipart_upload(Bucket="huge", Key="ten-gib")["UploadId"]
    block = os.urandom(MiB)
    before = rss_kib(server.pid) / 1024
    sampler = RSSSampler(server.pid)
    sampler.start()
    started = time.time()
    etags = []
    for number in range(1, parts + 1):
        url = client.generate_presigned_url("upload_part", Params={"Bucket": "huge", "Key": "ten-gib", "UploadId": upload_id,
                                                                   "PartNumber": number}, ExpiresIn=3600)
        target = urlsplit(url)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        connection.putrequest("PUT", f"{target.path}?{target.query}", skip_accept_encoding=True)
        connection.putheader("Content-Length", str(part_mib * MiB))
        connection.endheaders()
        for _ in range(part_mib):
            connection.send(block)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"UploadPart {number}: HTTP {response.status}")
        etags.append(response.getheader("ETag"))
        connection.close()
    client.complete_multipart_upload(Bucket="huge", Key="ten-gib", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]})
    elapsed = time.time() - started
    peak = sampler.stop() / 1024
    size = client.head_object(Bucket="huge", Key="ten-gib")["ContentLength"]
    assert size == parts * part_mib * MiB, size
    client.delete_object(Bucket="huge", Key="ten-gib")
    return {"rss_before_mib": before, "rss_peak_mib": peak, "mb_per_s": size / elapsed / 1e6, "bytes": size}


def machine():
    model = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    fs = subprocess.run(["df", "-T", ROOT], capture_output=True, text=True).stdout.splitlines()[-1].split()
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(), "filesystem": f"{fs[1]} on {fs[0]}",
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30), 1),
            "load_average": os.getloadavg()}


def report(info, disk, suites, ten):
    machine_line = (f"Run {info['date']} on {info['machine']['cpu']}, {info['machine']['cores']} cores, {info['machine']['memory_gib']} GiB, "
                    f"{info['machine']['filesystem']}, Linux {info['machine']['kernel']}; load average at start "
                    f"{', '.join(f'{x:.1f}' for x in info['machine']['load_average'])}, at end "
                    f"{', '.join(f'{x:.1f}' for x in info['load_end'])}.")
    out = [machine_line, ""]
    if disk:
        span = lambda key: f"{disk[key][0]:.0f}–{disk[key][1]:.0f}"
        out += [f"Disk (before and after the servers ran): sequential write {span('seq_write_mb_s')} MB/s (dd conv=fsync), sequential "
                f"read {span('seq_read_direct_mb_s')} MB/s (dd iflag=direct), {span('dsync_4k_writes_per_s')} synchronous 4 KiB "
                f"writes/s (dd oflag=dsync). MD5 on one core: {span('md5_mb_s')} MB/s (the ceiling of one upload stream: "
                "a single-part PUT's ETag is the MD5 of its body, computed in order).", ""]
    out += ["| server | load | clients | ops/s | MB/s | p50 ms | p99 ms | peak RSS MiB | server CPU µs/op | client CPU µs/op |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, suite in suites.items():
        for r in suite["phases"]:
            bad = f" ({int(r['errors'])} errors)" if r.get("errors") else ""
            out.append(f"| {name} | {r['label']} | {r['clients']} | {r['ops_per_s']:.0f}{bad} | {r['mb_per_s']:.0f} | {r['p50_ms']:.2f} | "
                       f"{r['p99_ms']:.2f} | {r['rss_peak_mib']:.0f} | {r['server_cpu_us_per_op']:.0f} | {r['client_cpu_us_per_op']:.0f} |")
    out += ["", "| load | clients | Tarn / moto | Tarn / disk | Tarn / MD5 on one core |", "|---|---|---|---|---|"]
    for index, row in enumerate(suites["tarn"]["phases"]):
        versus_moto = "-"
        if "moto" in suites and suites["moto"]["phases"][index]["ops_per_s"]:
            versus_moto = f"{row['ops_per_s'] / suites['moto']['phases'][index]['ops_per_s']:.1f}x"
        versus_disk = "-"
        if disk and "256 MiB" in row["label"]:
            low, high = disk["seq_write_mb_s"] if row["label"].startswith("PUT") else disk["seq_read_direct_mb_s"]
            versus_disk = f"{row['mb_per_s'] / high * 100:.0f}–{row['mb_per_s'] / low * 100:.0f}%"
        versus_md5 = "-"
        if disk and row["label"].startswith("PUT 256 MiB"):
            low, high = disk["md5_mb_s"]
            versus_md5 = f"{row['mb_per_s'] / high * 100:.0f}–{row['mb_per_s'] / low * 100:.0f}%"
        out.append(f"| {row['label']} | {row['clients']} | {versus_moto} | {versus_disk} | {versus_md5} |")
    out.append("")
    out.append("Idle RSS: " + ", ".join(f"{n} {suites[n]['rss_idle_mib']:.0f} MiB" for n in suites) + ".")
    if ten:
        out.append(f"10 GiB streamed to Tarn (multipart, 20 × 512 MiB parts): {ten['mb_per_s']:.0f} MB/s, server RSS "
                   f"{ten['rss_before_mib']:.0f} MiB before, {ten['rss_peak_mib']:.0f} MiB peak during the upload.")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run, not for the record)")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--skip-10g", action="store_true")
    parser.add_argument("--dir", default=None, help="where data goes (default: a temp dir; must be on the disk being measured)")
    parser.add_argument("--tarn", default=os.path.join(ROOT, ".build", "release", "tarn"))
    parser.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "TarnBench"))
    parser.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    parser.add_argument("--only", choices=["small", "large"], help="run only the 4 KiB or the 256 MiB phases")
    parser.add_argument("--skip-disk", action="store_true", help="skip the dd baseline")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="s3bench-", dir=args.dir)
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine()}
    try:
        print("disk baseline ...", file=sys.stderr, flush=True)
        disk = None if args.skip_disk else disk_baseline(work, 1024 if args.quick else 4096)
        print(f"  {disk}", file=sys.stderr)
        suites = {}
        tarn = start_tarn(os.path.join(work, "tarn-data"), args.tarn)
        try:
            suites["tarn"] = run_server_suite("tarn", tarn, args.bench, args.quick, args.only)
            ten = None if args.skip_10g else ten_gib_upload(tarn)
        finally:
            tarn.stop()
        shutil.rmtree(os.path.join(work, "tarn-data"), ignore_errors=True)
        if not args.skip_moto:
            moto = start_moto(work)
            try:
                suites["moto"] = run_server_suite("moto", moto, args.bench, args.quick, args.only)
            finally:
                moto.stop()
        if disk:
            # The disk is shared: measure it again after the servers and report the range.
            print("disk again ...", file=sys.stderr, flush=True)
            again = disk_baseline(work, 1024 if args.quick else 4096)
            print(f"  {again}", file=sys.stderr)
            disk = {key: (min(disk[key], again[key]), max(disk[key], again[key])) for key in disk}
        info["load_end"] = os.getloadavg()
        print(report(info, disk, suites, ten))
        if args.json:
            print(json.dumps({"info": info, "disk": disk, "suites": suites, "ten_gib": ten}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
