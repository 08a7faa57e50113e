#!/usr/bin/python3
"""bench.py - server-side copy benchmark: s3engine vs rclone vs the AWS CLI.

Starts a throwaway radosgw (scripts/rgw-start.sh, bluestore), loads data sets with
boto3, then copies them server-side with each tool in alternation into fresh
destination prefixes, at the same concurrency; the small set also through the
fault proxy (tests/faultproxy/), fault-free, with 10% of requests faulted, and
throttled (SlowDown beyond --throttle-rps). Measures wall time, client CPU and
peak RSS (wait4 on the tool's process), server CPU (radosgw + ceph-osd + ceph-mon
from /proc) and objects/s. A run counts only when the destination is complete.
A planning benchmark (1,000,000-row manifest, --dry-run) needs no server.

Usage: scripts/bench.sh [--no-install] [options]      (or: make bench)
       /usr/bin/python3 scripts/bench.py [options]    (after make)
"""
import argparse
import concurrent.futures as cf
import datetime
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
S3ENGINE = os.path.join(ROOT, "s3engine")
AWS = "/usr/bin/aws"  # Debian's AWS CLI only; a pip `aws` may shadow it on PATH
SRC_BUCKET = "bench-src"
DST_BUCKET = "bench-dst"
TOOLS = ("s3engine", "rclone", "aws")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PLAN_TARGET_S = 3.0
PLAN_TARGET_MB = 200.0
FAULTPROXY = os.path.join(ROOT, "tests/faultproxy/faultproxy.py")
# Cases copied through the fault proxy (source: the small data set), with the
# proxy's settings; "proxy" is the fault-free run the "faults" case is held to.
PROXY_CASES = {
    "proxy": lambda opts: ["--rate", "0"],
    "faults": lambda opts: ["--rate", "0.1", "--seed", "1"],
    "throttle": lambda opts: ["--throttle-rps", str(opts.throttle_rps)],
}
COPY_CASES = ("small", "large") + tuple(PROXY_CASES)


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_size(s):
    """4096, 4K, 4KiB, 64MiB, 1GiB, 1G: binary units."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])i?)?B?\s*", s, re.I)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size '{s}' (e.g. 4KiB, 64MiB, 1GiB)")
    unit = (m.group(2) or "").upper()
    return int(float(m.group(1)) * 1024 ** ("KMGT".index(unit) + 1 if unit else 0))


def human(n):
    for u in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or u == "TiB":
            return f"{n:g} {u}" if u == "B" else f"{n:.4g} {u}"
        n /= 1024


def free_port(start):
    for p in range(start, start + 2000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
            return p
    raise RuntimeError(f"no free port from {start}")


def clean_env():
    """The environment without any AWS_*/S3E_* settings (AWS_CA_BUNDLE breaks rclone)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3E_"))}


# ---------------------------------------------------------------- measuring

# A tiny exec helper, compiled at start. A process forked from this Python inherits
# its resident set (~80 MB with boto3 loaded) and Linux counts it in the child's
# ru_maxrss at exec, so the tool is started by this helper instead: it forks and
# execs the tool, wait4()s for it (rusage includes the tool's waited-for children)
# and writes "utime stime maxrss_kb" to a file. It forwards SIGINT/SIGTERM/SIGHUP.
RUSAGE_C = r"""
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile pid_t child;
static void fwd(int sig) { if (child > 0) kill(child, sig); }
int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: rusage OUT PROG [ARG...]\n"); return 127; }
    struct sigaction sa = { 0 };
    sa.sa_handler = fwd;
    sigaction(SIGINT, &sa, 0); sigaction(SIGTERM, &sa, 0); sigaction(SIGHUP, &sa, 0);
    child = fork();
    if (child < 0) { perror("fork"); return 127; }
    if (child == 0) {
        signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL); signal(SIGHUP, SIG_DFL);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int st; struct rusage ru;
    while (wait4(child, &st, 0, &ru) < 0) {}
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror(argv[1]); return 127; }
    fprintf(f, "%ld.%06ld %ld.%06ld %ld\n", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
            (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec, ru.ru_maxrss);
    fclose(f);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}
"""
RUSAGE_HELPER = None


def build_helper(tmp):
    global RUSAGE_HELPER
    src, exe = os.path.join(tmp, "rusage.c"), os.path.join(tmp, "rusage")
    with open(src, "w") as f:
        f.write(RUSAGE_C)
    cc = os.environ.get("CC") or "cc"
    r = subprocess.run([cc, "-O2", "-o", exe, src], capture_output=True, text=True)
    if r.returncode == 0:
        RUSAGE_HELPER = exe
    else:
        log(f"warning: cannot build the rusage helper ({r.stderr.strip()}); peak RSS will "
            "include this script's own resident set")


def run_measured(argv, env, stdout_path, stderr_path, timeout=None):
    """Run argv; return dict(rc, wall, cpu, maxrss_mb): wall time around the process,
    CPU user+sys and peak RSS from wait4 (tool plus its waited-for descendants)."""
    ru_file = stdout_path + ".rusage"
    full = [RUSAGE_HELPER, ru_file] + argv if RUSAGE_HELPER else argv
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(full, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             cwd=ROOT)
        timer = None
        if timeout:
            def kill():
                log(f"timeout after {timeout}s, stopping {os.path.basename(argv[0])}")
                p.terminate()
            timer = threading.Timer(timeout, kill)
            timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        except BaseException:
            p.terminate()
            try:
                os.waitpid(p.pid, 0)
            except ChildProcessError:
                pass
            raise
        finally:
            if timer:
                timer.cancel()
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    cpu, maxrss = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
    if RUSAGE_HELPER:
        try:
            with open(ru_file) as f:
                u, s_, m = f.read().split()
            cpu, maxrss = float(u) + float(s_), int(m)
        except (OSError, ValueError):
            log(f"warning: no rusage from the helper for {argv[0]}")
    return {"rc": p.returncode, "wall": wall, "cpu": cpu, "maxrss_mb": maxrss / 1024.0}


def proc_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        return 0.0
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


# ---------------------------------------------------------------- server

class Server:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "rgw")
        self.started = False
        self.env = {}
        self.pids = {}

    def start(self):
        # RGW_PORT/MON_PORT from the environment when set (a shared machine hands each
        # session its own ports), else the first free ones past 20480 and 20300
        rgw_port = int(os.environ.get("RGW_PORT") or free_port(20480))
        mon_port = int(os.environ.get("MON_PORT") or free_port(20300))
        env = clean_env()
        env.update(RGW_PORT=str(rgw_port), MON_PORT=str(mon_port), RGW_OBJECTSTORE="bluestore",
                   RGW_STORE_GB="24")
        log(f"starting radosgw in {self.dir} (port {rgw_port}, mon {mon_port}, bluestore 24 GB)")
        self.started = True  # stop even if start fails half way
        r = subprocess.run([os.path.join(ROOT, "scripts/rgw-start.sh"), self.dir], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise RuntimeError(f"rgw-start.sh failed (exit {r.returncode})")
        for line in r.stdout.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                self.env[k.strip()] = shlex.split(v)[0] if v.strip() else ""
        for k in ("RGW_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            if not self.env.get(k):
                raise RuntimeError(f"rgw-start.sh did not print {k}: {r.stdout!r}")
        self.env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("client.rgw.a", "osd.0", "mon.a"):
            try:
                with open(os.path.join(self.dir, "run", f"{name}.pid")) as f:
                    self.pids[name] = int(f.read().strip())
            except (OSError, ValueError):
                log(f"warning: no pid file for {name}; server CPU will miss it")
        log(f"radosgw up at {self.env['RGW_ENDPOINT']} (pids {self.pids})")

    def cpu(self):
        return sum(proc_cpu(p) for p in self.pids.values())

    def stop(self):
        if not self.started:
            return
        self.started = False
        log("stopping radosgw")
        subprocess.run([os.path.join(ROOT, "scripts/rgw-stop.sh"), self.dir, "--wipe"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class FaultProxy:
    """tests/faultproxy/faultproxy.py in front of radosgw; its fault settings are
    changed per case through its control port, its counters read from /stats."""

    def __init__(self, tmp, upstream):
        self.tmp, self.upstream = tmp, upstream
        self.proc = None

    def start(self):
        ready = os.path.join(self.tmp, "proxy.ready")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", FAULTPROXY, "--upstream", self.upstream, "--ready-file", ready,
             "--log", os.path.join(self.tmp, "proxy.log")],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.tmp, "proxy.err"), "wb"),
            stdin=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(ready):
                break
            time.sleep(0.1)
        with open(ready) as f:
            _, port, cport = f.read().split()
        self.endpoint, self.cport = f"http://127.0.0.1:{port}", cport
        log(f"fault proxy at {self.endpoint} -> {self.upstream}")

    def _call(self, path, data=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.cport}{path}", data=data)
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read().decode()

    def configure(self, args):
        self._call("/config", " ".join(shlex.quote(a) for a in args).encode())

    def stats(self):
        return json.loads(self._call("/stats"))

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None


# ---------------------------------------------------------------- data sets

def s3_client(srv, pool=64):
    import boto3
    from botocore.config import Config
    return boto3.client(
        "s3", endpoint_url=srv.env["RGW_ENDPOINT"],
        aws_access_key_id=srv.env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=srv.env["AWS_SECRET_ACCESS_KEY"],
        region_name=srv.env["AWS_DEFAULT_REGION"],
        config=Config(s3={"addressing_style": "path"}, max_pool_connections=pool,
                      retries={"max_attempts": 5, "mode": "standard"}))


def list_prefix(s3, bucket, prefix):
    n = total = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            n += 1
            total += o["Size"]
    return n, total


def load_small(s3, count, size):
    log(f"loading {count} x {human(size)} objects into s3://{SRC_BUCKET}/small/")
    t0 = time.monotonic()
    blob = os.urandom(size + 4096)

    def put(i):
        off = i % 4096
        s3.put_object(Bucket=SRC_BUCKET, Key=f"small/f{i:06d}.bin", Body=blob[off:off + size])

    with cf.ThreadPoolExecutor(32) as ex:
        for f in [ex.submit(put, i) for i in range(count)]:
            f.result()
    log(f"loaded in {time.monotonic() - t0:.1f}s")


def load_large(s3, tmp, size):
    from boto3.s3.transfer import TransferConfig
    log(f"loading one {human(size)} object into s3://{SRC_BUCKET}/large/ (multipart)")
    t0 = time.monotonic()
    path = os.path.join(tmp, "large.bin")
    block = os.urandom(16 << 20)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            f.write(block[:min(left, len(block))])
            left -= len(block)
    cfg = TransferConfig(multipart_threshold=8 << 20, multipart_chunksize=64 << 20,
                         max_concurrency=8)
    s3.upload_file(path, SRC_BUCKET, "large/big.bin", Config=cfg)
    os.unlink(path)
    log(f"loaded in {time.monotonic() - t0:.1f}s")


# ---------------------------------------------------------------- tools

def tool_argv(tool, case, fresh, opts, files, endpoint):
    c = str(opts.concurrency)
    src = "small" if case in PROXY_CASES else case
    src_prefix = f"{src}/"
    # through the proxy every tool keeps its own retry settings: riding out faults is the test
    retries = [] if case in PROXY_CASES else ["--retries", "1", "--low-level-retries", "1"]
    if tool == "s3engine":
        argv = [S3ENGINE, os.path.join(ROOT, "scripts/bench-copy.lua"),
                "--arg", f"src={SRC_BUCKET}", "--arg", f"prefix={src_prefix}",
                "--arg", f"dst={DST_BUCKET}", "--arg", f"dst_prefix={fresh}/",
                "--workers", c, "-q", "--no-progress"]
        if case == "large":
            argv += ["--multipart-cutoff", opts.part_size_str, "--part-size", opts.part_size_str,
                     "--part-concurrency", c]
        return argv
    if tool == "rclone":
        argv = ["rclone", "copy", f"bench:{SRC_BUCKET}/{src}", f"bench:{DST_BUCKET}/{fresh}",
                "--transfers", c, "--checkers", c] + retries + ["--config", files["rclone_conf"]]
        if case == "large":
            argv += ["--s3-copy-cutoff", opts.part_size_str]
        return argv
    if tool == "aws":
        return [AWS, "--endpoint-url", endpoint, "s3", "cp", "--recursive",
                f"s3://{SRC_BUCKET}/{src_prefix}", f"s3://{DST_BUCKET}/{fresh}/",
                "--only-show-errors"]
    raise ValueError(tool)


def write_tool_configs(srv, tmp, opts, endpoint, name=""):
    e = srv.env
    rclone_conf = os.path.join(tmp, f"rclone{name}.conf")
    with open(rclone_conf, "w") as f:
        f.write("[bench]\ntype = s3\nprovider = Ceph\n"
                f"access_key_id = {e['AWS_ACCESS_KEY_ID']}\n"
                f"secret_access_key = {e['AWS_SECRET_ACCESS_KEY']}\n"
                f"endpoint = {endpoint}\n"
                f"region = {e['AWS_DEFAULT_REGION']}\n"
                "force_path_style = true\n")
    os.chmod(rclone_conf, 0o600)
    aws_conf = os.path.join(tmp, f"aws-config{name}")
    with open(aws_conf, "w") as f:
        f.write(f"[default]\nregion = {e['AWS_DEFAULT_REGION']}\n"
                f"s3 =\n  max_concurrent_requests = {opts.concurrency}\n")
        if "large" in opts.cases:
            # same part size as s3engine (--part-size) for the large case
            f.write(f"  multipart_threshold = {opts.part_size}\n"
                    f"  multipart_chunksize = {opts.part_size}\n")
    return {"rclone_conf": rclone_conf, "aws_conf": aws_conf, "endpoint": endpoint}


def tool_env(srv, files):
    env = clean_env()
    env.pop("AWS_CA_BUNDLE", None)
    env.pop("AWS_PROFILE", None)
    e = srv.env
    env.update(AWS_ENDPOINT_URL=files["endpoint"], AWS_ACCESS_KEY_ID=e["AWS_ACCESS_KEY_ID"],
               AWS_SECRET_ACCESS_KEY=e["AWS_SECRET_ACCESS_KEY"],
               AWS_REGION=e["AWS_DEFAULT_REGION"], AWS_DEFAULT_REGION=e["AWS_DEFAULT_REGION"],
               AWS_CONFIG_FILE=files["aws_conf"], AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               S3E_ADDRESSING="path", RCLONE_CONFIG=files["rclone_conf"])
    return env


def copy_runs(case, srv, s3, opts, files, tmp, results, proxy=None):
    src = "small" if case in PROXY_CASES else case
    n_src, bytes_src = list_prefix(s3, SRC_BUCKET, f"{src}/")
    if n_src == 0:
        raise RuntimeError(f"source {src}/ is empty")
    env = tool_env(srv, files)
    logdir = os.path.join(tmp, "logs")
    os.makedirs(logdir, exist_ok=True)
    for r in range(1, opts.runs + 1):
        for tool in TOOLS:
            fresh = f"{case}-{tool}-r{r}-{uuid.uuid4().hex[:8]}"
            argv = tool_argv(tool, case, fresh, opts, files, files["endpoint"])
            out, err = os.path.join(logdir, fresh + ".out"), os.path.join(logdir, fresh + ".err")
            if proxy:  # the same faults for every tool: the draws start afresh
                proxy.configure(PROXY_CASES[case](opts))
                st0 = proxy.stats()
            cpu0 = srv.cpu()
            m = run_measured(argv, env, out, err, timeout=opts.timeout)
            m["server_cpu"] = srv.cpu() - cpu0
            if proxy:
                st1 = proxy.stats()
                f0, f1 = st0.get("faults", {}), st1.get("faults", {})
                m["requests"] = st1["requests"] - st0["requests"]
                m["throttled"] = f1.get("throttle", 0) - f0.get("throttle", 0)
                m["slowdowns"] = m["throttled"] + f1.get("slowdown", 0) - f0.get("slowdown", 0)
                m["faulted"] = sum(f1.values()) - sum(f0.values())
                m["accepted_rps"] = (m["requests"] - m["throttled"]) / m["wall"]
            n, b = list_prefix(s3, DST_BUCKET, fresh + "/")
            m.update(case=case, tool=tool, run=r, objects=n, bytes=b, prefix=fresh,
                     missing=n_src - n)
            m["ok"] = m["rc"] == 0 and n == n_src and b == bytes_src
            m["ops"] = n_src / m["wall"] if m["ok"] else None
            m["mibs"] = bytes_src / m["wall"] / (1 << 20) if m["ok"] else None
            if m["ok"]:
                log(f"{case:5} {tool:8} run {r}: {m['wall']:7.2f}s wall, {m['ops']:8.1f} obj/s, "
                    f"client CPU {m['cpu']:6.2f}s, RSS {m['maxrss_mb']:6.1f} MB, "
                    f"server CPU {m['server_cpu']:6.2f}s" + proxy_note(m))
            else:
                m["why"] = (f"exit {m['rc']}, {n}/{n_src} objects, {b}/{bytes_src} bytes at "
                            f"s3://{DST_BUCKET}/{fresh}/")
                m["stderr"] = tail(err) or tail(out)
                log(f"{case:5} {tool:8} run {r}: FAILED ({m['why']}) after {m['wall']:.2f}s"
                    + proxy_note(m) + "\n"
                    + "\n".join("    " + l for l in m["stderr"].splitlines()))
            results.append(m)
    return n_src, bytes_src


def proxy_note(m):
    if "requests" not in m:
        return ""
    return (f", proxy: {m['requests']} requests, {m['faulted']} faulted, {m['slowdowns']} SlowDown,"
            f" {m['accepted_rps']:.1f} accepted/s")


# ---------------------------------------------------------------- planning benchmark

def make_manifest(path, rows):
    log(f"writing a {rows}-row manifest to {path}")
    rnd = random.Random(42)
    # sizes log-uniform per type: videos 10 MB..2 GB, images 50 KB..8 MB, text 1..100 KB
    exts = (("mp4", 16.1, 21.4), ("jpg", 10.8, 15.9), ("png", 10.8, 15.9), ("txt", 6.9, 11.5))
    with open(path, "w", buffering=1 << 20) as f:
        f.write("bucket,key,size,etag,last_modified\n")
        for i in range(1, rows + 1):
            ext, lo, hi = exts[i % 4]
            y, mo = 2020 + i % 5, 1 + i % 12
            size = int(math.exp(rnd.uniform(lo, hi)))
            f.write(f"src,data/{y}/{mo:02d}/f{i:07d}.{ext},{size},"
                    f"{rnd.getrandbits(128):032x},{1700000000 + i}\n")


def plan_bench(tmp, opts, results):
    manifest = os.path.join(tmp, "manifest.csv")
    make_manifest(manifest, opts.plan_rows)
    os.sync()
    with open(manifest, "rb") as f:  # every run starts with the manifest in the page cache
        while f.read(1 << 20):
            pass
    plan = os.path.join(tmp, "plan.lua")
    with open(plan, "w") as f:
        f.write('local route = require "s3engine.recipes.route"\n'
                f'return {{ sources = {{ {{ manifest = "{manifest}" }} }},\n'
                '  targets = { videos = { bucket = "dst", prefix = "mp4/" },\n'
                '              images = { bucket = "dst", prefix = "images/" } },\n'
                '  route = route.by_extension{ videos = "mp4", images = {"jpg", "png"} },\n'
                '  payload = "800MB", workers = 16 }\n')
    env = clean_env()
    env.pop("AWS_CA_BUNDLE", None)
    env.pop("AWS_PROFILE", None)
    logdir = os.path.join(tmp, "logs")
    os.makedirs(logdir, exist_ok=True)
    for r in range(1, opts.plan_runs + 1):
        out, err = os.path.join(logdir, f"plan-r{r}.out"), os.path.join(logdir, f"plan-r{r}.err")
        m = run_measured([S3ENGINE, "--dry-run", "--force", plan], env, out, err, timeout=600)
        m.update(case="plan", tool="s3engine", run=r, ok=m["rc"] == 0)
        if m["ok"]:
            log(f"plan  s3engine run {r}: {m['wall']:.2f}s wall, RSS {m['maxrss_mb']:.1f} MB, "
                f"CPU {m['cpu']:.2f}s")
        else:
            m["why"] = f"exit {m['rc']}"
            m["stderr"] = tail(err)
            log(f"plan run {r}: FAILED (exit {m['rc']})\n" + m["stderr"])
        results.append(m)
        # the same plan emitted as a job (issue #13: within 1.5x of the dry run), alternately
        job = os.path.join(tmp, "job")
        shutil.rmtree(job, ignore_errors=True)
        out, err = os.path.join(logdir, f"emit-r{r}.out"), os.path.join(logdir, f"emit-r{r}.err")
        # no request is sent (a manifest, --force), but an emit opens a client: dummy keys
        # and looks up the targets' region, refused at once here (the dry run, without keys,
        # does not look)
        emit_env = dict(env, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                        AWS_REGION="us-east-1", AWS_ENDPOINT_URL="http://127.0.0.1:9")
        m = run_measured([S3ENGINE, "--emit", job, "--force", "--no-progress", "--retries", "1",
                          plan], emit_env, out, err, timeout=600)
        m.update(case="emit", tool="s3engine", run=r, ok=m["rc"] == 0)
        log(f"emit  s3engine run {r}: " + (f"{m['wall']:.2f}s wall, CPU {m['cpu']:.2f}s"
                                           if m["ok"] else f"FAILED (exit {m['rc']})"))
        if not m["ok"]:
            m["why"] = f"exit {m['rc']}"
            m["stderr"] = tail(err)
        results.append(m)
        shutil.rmtree(job, ignore_errors=True)
    opts.plan_out_tail = tail(os.path.join(logdir, "plan-r1.out"), 12)


# ---------------------------------------------------------------- report

def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, d=2):
    return "–" if x is None else f"{x:.{d}f}"


def summarize(results, case, tool):
    ok = [m for m in results if m["case"] == case and m["tool"] == tool and m["ok"]]
    n = len([m for m in results if m["case"] == case and m["tool"] == tool])
    return {
        "ok": len(ok), "n": n,
        "wall": med([m["wall"] for m in ok]), "ops": med([m["ops"] for m in ok if m.get("ops")]),
        "mibs": med([m["mibs"] for m in ok if m.get("mibs")]),
        "cpu": med([m["cpu"] for m in ok]), "rss": med([m["maxrss_mb"] for m in ok]),
        "server_cpu": med([m.get("server_cpu") for m in ok if m.get("server_cpu") is not None]),
    }


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def cmd_version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=clean_env())
        return ((r.stdout or r.stderr).strip().splitlines() or ["?"])[0]
    except Exception as e:  # noqa: BLE001
        return f"unavailable ({e})"


def machine():
    model = "?"
    mem = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), {mem} RAM, {platform.system()} {platform.release()}"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def proxy_table(results, opts, cases):
    """Faults and throttling: every run counts here, failed ones too."""
    L = [f"### Through the fault proxy (the small set, concurrency {opts.concurrency}, medians of "
         f"{opts.runs} run(s), failed runs included)\n",
         "| case | tool | ok runs | wall s | wall vs fault-free | objects missing | SlowDown "
         "answers | requests accepted/s | accepted vs R |",
         "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for case in cases:
        for tool in TOOLS:
            ms = [m for m in results if m["case"] == case and m["tool"] == tool]
            if not ms:
                continue
            wall = med([m["wall"] for m in ms])
            clean = med([m["wall"] for m in results if m["case"] == "proxy" and m["tool"] == tool])
            acc = med([m["accepted_rps"] for m in ms])
            vs_clean = fmt(ratio(wall, clean)) if case == "faults" else ""
            vs_r = f"{100 * acc / opts.throttle_rps:.0f} %" if case == "throttle" else ""
            L.append(f"| {case} | {tool} | {len([m for m in ms if m['ok']])}/{len(ms)} | "
                     f"{fmt(wall)} | {vs_clean} | {fmt(med([m['missing'] for m in ms]), 0)} | "
                     f"{fmt(med([m['slowdowns'] for m in ms]), 0)} | {fmt(acc, 1)} | {vs_r} |")
    L.append("")
    return L


def report(results, opts, datasets, cmdline):
    L = []
    copy_cases = [c for c in COPY_CASES if c in opts.cases]
    if copy_cases:
        L.append(f"### Server-side copy (concurrency {opts.concurrency}, medians of "
                 f"{opts.runs} run(s) per tool)\n")
        L.append("| case | tool | ok runs | wall s | objects/s | MiB/s | client CPU s "
                 "| peak RSS MB | server CPU s |")
        L.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
        for case in copy_cases:
            for tool in TOOLS:
                s = summarize(results, case, tool)
                L.append(f"| {case} | {tool} | {s['ok']}/{s['n']} | {fmt(s['wall'])} | "
                         f"{fmt(s['ops'], 1)} | {fmt(s['mibs'], 1)} | {fmt(s['cpu'])} | {fmt(s['rss'], 1)} | "
                         f"{fmt(s['server_cpu'])} |")
        L.append("")
        L.append("Ratios of medians (s3engine / peer; below 1 means s3engine is faster or "
                 "uses less):\n")
        L.append("| case | wall vs rclone | wall vs aws | client CPU vs rclone | "
                 "client CPU vs aws | server CPU vs rclone | server CPU vs aws |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for case in copy_cases:
            s, r, a = (summarize(results, case, t) for t in TOOLS)
            L.append(f"| {case} | {fmt(ratio(s['wall'], r['wall']))} | "
                     f"{fmt(ratio(s['wall'], a['wall']))} | {fmt(ratio(s['cpu'], r['cpu']))} | "
                     f"{fmt(ratio(s['cpu'], a['cpu']))} | "
                     f"{fmt(ratio(s['server_cpu'], r['server_cpu']))} | "
                     f"{fmt(ratio(s['server_cpu'], a['server_cpu']))} |")
        L.append("")
    proxied = [c for c in PROXY_CASES if c in opts.cases]
    if proxied:
        L += proxy_table(results, opts, proxied)
    if "plan" in opts.cases:
        s = summarize(results, "plan", "s3engine")
        ok_w = s["wall"] is not None and s["wall"] <= PLAN_TARGET_S
        ok_m = s["rss"] is not None and s["rss"] <= PLAN_TARGET_MB
        L.append(f"### Planning, no server ({opts.plan_rows:,} manifest rows, `--dry-run`, "
                 f"median of {opts.plan_runs})\n")
        L.append("| measure | median | target | met |")
        L.append("|---|---:|---:|---|")
        L.append(f"| wall time | {fmt(s['wall'])} s | ≤ {PLAN_TARGET_S:g} s | "
                 f"{'yes' if ok_w else 'NO'} |")
        L.append(f"| peak RSS | {fmt(s['rss'], 1)} MB | ≤ {PLAN_TARGET_MB:g} MB | "
                 f"{'yes' if ok_m else 'NO'} |")
        L.append(f"| CPU user+sys | {fmt(s['cpu'])} s | | |")
        L.append(f"| ok runs | {s['ok']}/{s['n']} | | |")
        e = summarize(results, "emit", "s3engine")
        if e["n"]:
            w, c = ratio(e["wall"], s["wall"]), ratio(e["cpu"], s["cpu"])
            L.append(f"| `--emit` (a local folder), wall | {fmt(e['wall'])} s, {fmt(w)}x the dry "
                     f"run | ≤ 1.5x | {'yes' if w is not None and w <= 1.5 else 'NO'} |")
            L.append(f"| `--emit`, CPU user+sys | {fmt(e['cpu'])} s, {fmt(c)}x the dry run | | |")
            L.append(f"| `--emit` ok runs | {e['ok']}/{e['n']} | | |")
        L.append("")
    failed = [m for m in results if not m["ok"]]
    if failed:
        L.append("### Failed runs (not timed)\n")
        for m in failed:
            L.append(f"- {m['case']} {m['tool']} run {m['run']}: {m.get('why', '')}")
            if m.get("stderr"):
                L.append("  ```\n" + "\n".join("  " + l for l in m["stderr"].splitlines())
                         + "\n  ```")
        L.append("")
    table = "\n".join(L)

    if opts.out:
        D = ["# s3engine benchmark", "",
             "Generated by `make bench` (scripts/bench.sh → scripts/bench.py); rerun to refresh.",
             "",
             f"- Command: `{cmdline}`",
             f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
             f"- Machine: {machine()}; client and server share these CPUs",
             f"- Load average (1 min) at start / end: {opts.load_start} / {loadavg()}"
             " (anything above ~0 before the start is other work on the machine)",
             "- Server: throwaway Ceph radosgw (beast) + 1 ceph-mon + 1 ceph-osd (bluestore on a "
             "sparse file, 24 GB) on loopback, scripts/rgw-start.sh",
             "- Tools:",
             f"  - {cmd_version([S3ENGINE, '--version'])}",
             f"  - {cmd_version(['rclone', 'version'])}",
             f"  - {cmd_version([AWS, '--version'])}",
             f"  - {cmd_version(['radosgw', '--version'])}",
             "- Data sets:"]
        for d in datasets:
            D.append(f"  - {d}")
        D += ["",
              "## Method", "",
              f"Every tool copies server-side from `s3://{SRC_BUCKET}/<case>/` into a fresh prefix of "
              f"`s3://{DST_BUCKET}` on every run, at the same concurrency "
              f"({opts.concurrency}); runs alternate s3engine, rclone, aws.",
              "",
              f"- s3engine: `s3engine scripts/bench-copy.lua --arg src=... --arg prefix=<case>/ "
              f"--arg dst=... --arg dst_prefix=<fresh>/ --workers C -q --no-progress` "
              f"(large: `--multipart-cutoff {opts.part_size_str} --part-size {opts.part_size_str} "
              "--part-concurrency C`)",
              "- rclone: `rclone copy bench:bench-src/<case> bench:bench-dst/<fresh> --transfers C "
              "--checkers C --retries 1 --low-level-retries 1` (provider Ceph, path style; "
              f"large: `--s3-copy-cutoff {opts.part_size_str}` so it also copies in parts)",
              "- AWS CLI (Debian /usr/bin/aws): `aws s3 cp --recursive ... --only-show-errors` with "
              "`max_concurrent_requests = C`"
              + (f" (and multipart threshold/chunk size {opts.part_size_str})"
                 if "large" in opts.cases else ""),
              "",
              "Through the fault proxy (tests/faultproxy/faultproxy.py between the tool and "
              "radosgw), every tool copies the small set with its own default retries (rclone "
              "without `--retries 1 --low-level-retries 1`): `proxy` with no faults, `faults` "
              "with 10% of requests faulted (`--rate 0.1 --seed 1`: 503 SlowDown, 500, resets "
              "before and after the response, cut bodies, 1 s delays, `<Error>` in a 200; the "
              "same draws for every tool), `throttle` with 503 SlowDown beyond "
              f"{opts.throttle_rps} requests/s (`--throttle-rps {opts.throttle_rps}`, a token "
              "bucket of one second's worth). Requests accepted/s counts what the proxy let "
              "through (listings and HEADs included) over the tool's wall time.",
              "",
              "In the large case all three tools copy with UploadPartCopy in parts of the same "
              "size. (A single CopyObject within one radosgw placement only adds references to "
              "the source's data, so it would not measure copying at all.)",
              "",
              "Wall time is measured around the tool's process; client CPU (user+sys) and peak RSS "
              "come from wait4() on it (includes waited-for children); server CPU is the "
              "utime+stime that radosgw, ceph-osd and ceph-mon gained during the run "
              "(/proc/PID/stat). A run counts only if the destination then lists as many objects "
              "and bytes as the source. Medians over the successful runs; objects/s = source "
              "objects / wall. The machine is small and shared by client and server, so compare "
              "ratios rather than absolute numbers.",
              "",
              "## Results", "", table]
        # Everything from the analysis marker on is written by hand: keep it.
        kept = ""
        try:
            with open(opts.out) as f:
                old = f.read()
            at = old.find(ANALYSIS_MARKER)
            if at >= 0:
                kept = "\n" + old[at:]
        except OSError:
            pass
        with open(opts.out, "w") as f:
            f.write("\n".join(D).rstrip() + "\n" + kept)
        log(f"wrote {opts.out}")
    return table


# ---------------------------------------------------------------- main

ANALYSIS_MARKER = "<!-- analysis: written by hand, kept when the tables above are regenerated -->"

def main():
    ap = argparse.ArgumentParser(
        description="Benchmark s3engine against rclone and the AWS CLI (server-side copy on a "
                    "throwaway radosgw) and time planning a 1M-row manifest.")
    ap.add_argument("--cases", default="small,large,proxy,faults,throttle,plan",
                    help="comma-separated: small, large, proxy (the small set through the fault "
                         "proxy, no faults), faults (10%% of requests faulted; runs proxy too), "
                         "throttle (SlowDown beyond --throttle-rps), plan (default: all)")
    ap.add_argument("--throttle-rps", type=int, default=50,
                    help="requests per second the proxy accepts in the throttle case (default 50: "
                         "well below what the proxy itself passes on a 2-core machine)")
    ap.add_argument("--runs", type=int, default=None, help="runs per tool and case (default 3)")
    ap.add_argument("--concurrency", "-c", type=int, default=32,
                    help="workers/transfers/requests per tool (default 32)")
    ap.add_argument("--small-count", type=int, default=None,
                    help="objects in the small case (default 2000, at most 20000)")
    ap.add_argument("--small-size", type=parse_size, default=parse_size("4KiB"),
                    help="size of each small object (default 4KiB)")
    ap.add_argument("--large-size", type=parse_size, default=None,
                    help="size of the large object (default 1GiB)")
    ap.add_argument("--part-size", type=parse_size, default=None,
                    help="multipart part size and cutoff for the large case, all tools "
                         "(default 64MiB; --quick: 16MiB)")
    ap.add_argument("--plan-rows", type=int, default=1_000_000,
                    help="rows in the planning manifest (default 1000000)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per tool run (default 1800)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: small-count 200, large 64MiB, 1 run")
    ap.add_argument("--out", default="BENCH.md", help="report file (default BENCH.md; '' = none)")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (logs) at the end")
    opts = ap.parse_args()

    opts.cases = [c.strip() for c in opts.cases.split(",") if c.strip()]
    bad = set(opts.cases) - set(COPY_CASES) - {"plan"}
    if bad or not opts.cases:
        ap.error(f"unknown case(s): {', '.join(sorted(bad)) or '(none)'}")
    if "faults" in opts.cases and "proxy" not in opts.cases:  # its yardstick
        opts.cases.insert(opts.cases.index("faults"), "proxy")
    if opts.quick:
        opts.small_count = opts.small_count or 200
        opts.large_size = opts.large_size or parse_size("64MiB")
        opts.runs = opts.runs or 1
        opts.part_size = opts.part_size or parse_size("16MiB")
    opts.small_count = opts.small_count or 2000
    opts.large_size = opts.large_size or parse_size("1GiB")
    opts.runs = opts.runs or 3
    opts.part_size = opts.part_size or parse_size("64MiB")
    opts.plan_runs = 3
    if not 1 <= opts.small_count <= 20000:
        ap.error("--small-count must be 1..20000")
    if opts.runs < 1 or opts.concurrency < 1:
        ap.error("--runs and --concurrency must be at least 1")
    opts.part_size_str = f"{opts.part_size // (1 << 20)}MiB" if opts.part_size % (1 << 20) == 0 \
        else str(opts.part_size)
    if opts.out:
        opts.out = os.path.abspath(opts.out)
    opts.load_start = loadavg()
    cmdline = " ".join(shlex.quote(a) for a in ["scripts/bench.py"] + sys.argv[1:])

    if not os.access(S3ENGINE, os.X_OK):
        sys.exit(f"bench: {S3ENGINE} not found; run make first")
    need_server = any(c in opts.cases for c in COPY_CASES)
    if need_server:
        missing = [t for t in ("rclone",) if not shutil.which(t)]
        if not os.access(AWS, os.X_OK):
            missing.append(AWS)
        try:
            import boto3  # noqa: F401
        except ImportError:
            missing.append("python3-boto3")
        if missing:
            sys.exit(f"bench: missing {', '.join(missing)}; run scripts/install-deps.sh bench")

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    tmp = tempfile.mkdtemp(prefix="s3e-bench-")
    build_helper(tmp)
    srv = Server(tmp)
    results, datasets = [], []
    rc = 0
    try:
        # planning first, while no server daemons compete for the CPUs
        if "plan" in opts.cases:
            plan_bench(tmp, opts, results)
            datasets.append(f"plan: CSV manifest of {opts.plan_rows:,} rows "
                            "(bucket,key,size,etag,last_modified; mp4/jpg/png/txt in equal shares, "
                            "log-uniform sizes: mp4 10 MB-2 GB, jpg/png 50 KB-8 MB, txt 1-100 KB),"
                            " routed by extension to 2 targets, payload 800MB, 16 workers")
        if need_server:
            srv.start()
            opts.endpoint = srv.env["RGW_ENDPOINT"]
            s3 = s3_client(srv)
            for b in (SRC_BUCKET, DST_BUCKET):
                s3.create_bucket(Bucket=b)
            files = write_tool_configs(srv, tmp, opts, opts.endpoint)
            if any(c in opts.cases for c in ("small",) + tuple(PROXY_CASES)):
                load_small(s3, opts.small_count, opts.small_size)
            if "large" in opts.cases:
                load_large(s3, tmp, opts.large_size)
            for case in ("small", "large"):
                if case in opts.cases:
                    n, b = copy_runs(case, srv, s3, opts, files, tmp, results)
                    datasets.append(f"{case}: {n} object(s), {human(b)} in total "
                                    f"(`s3://{SRC_BUCKET}/{case}/`)")
            if any(c in opts.cases for c in PROXY_CASES):
                proxy = FaultProxy(tmp, opts.endpoint)
                proxy.start()
                try:
                    pfiles = write_tool_configs(srv, tmp, opts, proxy.endpoint, "-proxy")
                    for case in PROXY_CASES:
                        if case in opts.cases:
                            copy_runs(case, srv, s3, opts, pfiles, tmp, results, proxy)
                finally:
                    proxy.stop()
            srv.stop()
        table = report(results, opts, datasets, cmdline)
        print(table)
        # through the proxy, a peer that loses objects is a finding, not a failed benchmark
        if any(not m["ok"] and (m["tool"] == "s3engine" or m["case"] not in PROXY_CASES)
               for m in results):
            rc = 1
    except KeyboardInterrupt:
        log("interrupted")
        rc = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the cleanup finish
        try:
            srv.stop()
        finally:
            if opts.keep_tmp:
                log(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
