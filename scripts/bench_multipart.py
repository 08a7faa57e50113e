#!/usr/bin/env python3
"""bench_multipart.py - many multipart copies at once (issue #10): N objects of SIZE
copied server-side by s3engine (and, with --before, another s3engine build) and by
rclone, on a throwaway radosgw (bluestore) or the one --endpoint names. For each run:
wall time, peak threads (/proc/PID/status, sampled every 10 ms), peak RSS (wait4) and
client CPU; medians of --runs runs, runs alternating between the tools.

Both tools copy with the same part size: s3engine --multipart-cutoff/--part-size,
rclone --s3-copy-cutoff (its part size for copies), --transfers N.

Usage: scripts/bench_multipart.py [--quick] [--objects N] [--size SIZE] [--runs R]
       [--before PATH] [--endpoint URL]   (with --endpoint: AWS_ACCESS_KEY_ID and
       AWS_SECRET_ACCESS_KEY from the environment)
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the server, the measured runs, the rusage helper)

SRC, DST = "bench-mp-src", "bench-mp-dst"


def ppid_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
        return int(st[st.rindex(")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def threads_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class ThreadPeak:
    """Peak thread count of this script's grandchildren (the tool under the rusage
    helper) or children (no helper) while a run lasts."""

    def __init__(self):
        self.peak = 0
        self.stop = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)

    def run(self):
        me = os.getpid()
        while not self.stop.is_set():
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                pid = int(name)
                parent = ppid_of(pid)
                if parent == me or ppid_of(parent) == me:
                    self.peak = max(self.peak, threads_of(pid))
            time.sleep(0.01)

    def __enter__(self):
        self.t.start()
        return self

    def __exit__(self, *a):
        self.stop.set()
        self.t.join()


def load(s3, n, size, part):
    """n objects of size bytes, uploaded in parts of `part` bytes (one buffer reused)."""
    chunk = os.urandom(part)
    for i in range(n):
        key = f"mp/obj-{i:03d}.bin"
        up = s3.create_multipart_upload(Bucket=SRC, Key=key)
        parts, off, num = [], 0, 1
        while off < size:
            body = chunk[: min(part, size - off)]
            r = s3.upload_part(Bucket=SRC, Key=key, UploadId=up["UploadId"], PartNumber=num,
                               Body=body)
            parts.append({"PartNumber": num, "ETag": r["ETag"]})
            off += len(body)
            num += 1
        s3.complete_multipart_upload(Bucket=SRC, Key=key, UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": parts})


def empty(s3, bucket, prefix):
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix) for o in page.get("Contents", [])]
    for i in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objects", type=int, default=16)
    ap.add_argument("--size", default="256MiB")
    ap.add_argument("--part-size", default="64MiB")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--before", help="another s3engine binary to compare (e.g. main before)")
    ap.add_argument("--endpoint", help="use this radosgw instead of starting one")
    ap.add_argument("--quick", action="store_true",
                    help="16 objects of 16 MiB in 5 MiB parts, one run")
    o = ap.parse_args()
    if o.quick:
        o.size, o.part_size, o.runs = "16MiB", "5MiB", 1
    size, part = bench.parse_size(o.size), bench.parse_size(o.part_size)
    tmp = tempfile.mkdtemp(prefix="bench-mp-")
    bench.build_helper(tmp)
    srv = bench.Server(tmp)
    try:
        if o.endpoint:
            srv.env = {"RGW_ENDPOINT": o.endpoint, "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
                       "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"]}
        else:
            srv.start()
        s3 = bench.s3_client(srv)
        for b in (SRC, DST):
            try:
                s3.create_bucket(Bucket=b)
            except s3.exceptions.BucketAlreadyOwnedByYou:
                pass
        if bench.list_prefix(s3, SRC, "mp/") != (o.objects, o.objects * size):
            empty(s3, SRC, "mp/")
            bench.log(f"loading {o.objects} objects of {bench.human(size)}")
            load(s3, o.objects, size, min(part, 64 << 20))
        rclone_conf = os.path.join(tmp, "rclone.conf")
        with open(rclone_conf, "w") as f:
            f.write("[bench]\ntype = s3\nprovider = Ceph\n"
                    f"access_key_id = {srv.env['AWS_ACCESS_KEY_ID']}\n"
                    f"secret_access_key = {srv.env['AWS_SECRET_ACCESS_KEY']}\n"
                    f"endpoint = {srv.env['RGW_ENDPOINT']}\nregion = us-east-1\n"
                    "force_path_style = true\n")
        env = bench.clean_env()
        env.update(AWS_ENDPOINT_URL=srv.env["RGW_ENDPOINT"], AWS_REGION="us-east-1",
                   AWS_ACCESS_KEY_ID=srv.env["AWS_ACCESS_KEY_ID"],
                   AWS_SECRET_ACCESS_KEY=srv.env["AWS_SECRET_ACCESS_KEY"],
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull,
                   S3E_ADDRESSING="path")
        exe = os.path.join(bench.ROOT, "build/release/s3engine")
        # s3engine as it comes: 8 parts in flight per object, the loop's window of
        # part copies (README, "Parts in flight") deciding how many in all
        tools = {"s3engine": (exe, [])}
        if o.before:
            tools["s3engine before"] = (o.before, [])
        tools["rclone"] = ("rclone", [])
        n = str(o.objects)
        results = {t: [] for t in tools}
        for run in range(o.runs):
            for ti, (tool, (exe, extra)) in enumerate(tools.items()):
                fresh = f"r{run}-t{ti}/"
                if tool == "rclone":
                    argv = [exe, "copy", f"bench:{SRC}/mp", f"bench:{DST}/{fresh}",
                            "--transfers", n, "--checkers", n, "--s3-copy-cutoff", f"{part // 1024}Ki",
                            "--config", rclone_conf]
                else:
                    plan = os.path.join(tmp, "plan.lua")
                    with open(plan, "w") as f:
                        f.write(f'return {{ sources = {{ "s3://{SRC}/mp/" }}, '
                                f'target = "s3://{DST}/{fresh}" }}\n')
                    argv = [exe, plan, "-q", "--workers", n, "--multipart-cutoff",
                            str(part), "--part-size", str(part)] + extra
                out = os.path.join(tmp, f"run{run}-tool{ti}.out")
                with ThreadPeak() as tp:
                    m = bench.run_measured(argv, env, out, out + ".err", timeout=1800)
                copied = bench.list_prefix(s3, DST, fresh)[0]
                m.update(threads=tp.peak, ok=m["rc"] == 0 and copied == o.objects)
                bench.log(f"{tool} run {run + 1}: rc {m['rc']}, {copied} copied, "
                          f"{m['wall']:.2f} s, {tp.peak} threads, {m['maxrss_mb']:.1f} MB")
                if not m["ok"]:
                    bench.log(bench.tail(out + ".err"))
                results[tool].append(m)
                empty(s3, DST, fresh)
        print(f"\n{o.objects} objects of {bench.human(size)}, parts of {bench.human(part)}, "
              f"medians of {o.runs} run(s)\n")
        print("| tool | wall s | wall vs rclone | peak threads | peak RSS MB | client CPU s |")
        print("|---|---|---|---|---|---|")
        rc_wall = bench.med([m["wall"] for m in results["rclone"] if m["ok"]])
        for tool, ms in results.items():
            ok = [m for m in ms if m["ok"]]
            wall = bench.med([m["wall"] for m in ok])
            ratio = f"{wall / rc_wall:.2f}" if wall and rc_wall else "–"
            print(f"| {tool} | {bench.fmt(wall)} | {ratio} | "
                  f"{bench.fmt(bench.med([m['threads'] for m in ok]), 0)} | "
                  f"{bench.fmt(bench.med([m['maxrss_mb'] for m in ok]), 1)} | "
                  f"{bench.fmt(bench.med([m['cpu'] for m in ok]))} |"
                  + ("" if len(ok) == len(ms) else f" ({len(ms) - len(ok)} failed)"))
        return 0 if all(m["ok"] for ms in results.values() for m in ms) else 1
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(main())
