#!/usr/bin/python3
"""bench_scale.py - listing and planning at the scale of a real bucket (issue #14).

list: N objects on radosgw behind the fault proxy adding --latency seconds to every
      request (as AWS's latency); s3engine's dry run with the source listed page by
      page (list_concurrency = 1) and in parallel (list_concurrency = C), and rclone's
      listing of the same prefix (`rclone lsf -R`, and with `--fast-list`), in one run,
      alternating. Each run must list all N objects.
standin: the same listings against tests/support/list_standin.py, a bucket that only
      lists (ListObjectsV2 as AWS documents it, pages made once, --latency per request,
      almost no CPU): what the client does when the server is not the limit.
plan: a manifest of R rows planned with --dry-run --force, no server: without hooks,
      with a recipe's route (marked s3engine.pure) and with the same route written in
      the plan (not marked); CPU microseconds per object and peak RSS.

Results go into BENCH.md between the markers of its "Listing and planning at scale"
section (added at the end when missing), and to stdout. What BENCH.md has after the
end marker is written by hand and kept.

Usage: /usr/bin/python3 scripts/bench_scale.py [--quick] [options]   (after make)
With RGW_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY in the environment (and
--rgw-dir DIR for server CPU) it uses that radosgw, else it starts a throwaway one.
"""
import argparse
import concurrent.futures as cf
import datetime
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the measuring helpers, server and proxy of make bench)

ROOT = bench.ROOT
BUCKET = "bench-list"
BEGIN, END = "<!-- bench_scale: begin -->", "<!-- bench_scale: end -->"


def log(msg):
    bench.log(msg)


# ---------------------------------------------------------------- listing

def key_of(prefix, i):
    """Nested like a real bucket: 1,000 files per folder, folders in groups of 100."""
    return "%s%02d/%04d/file-%08d.bin" % (prefix, i // 100000, i // 1000, i)


def load(s3, prefix, n):
    have, _ = bench.list_prefix(s3, BUCKET, prefix)
    if have == n:
        log(f"s3://{BUCKET}/{prefix} already holds {n} objects")
        return
    log(f"loading {n - have} more empty objects into s3://{BUCKET}/{prefix}")
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(max_workers=48) as ex:
        for f in [ex.submit(s3.put_object, Bucket=BUCKET, Key=key_of(prefix, i), Body=b"")
                  for i in range(n)]:
            f.result()
    log(f"loaded in {time.monotonic() - t0:.0f} s")


def count_lines(path, pred=lambda l: True):
    with open(path, "rb") as f:
        return sum(1 for l in f if pred(l))


class Standin:
    """tests/support/list_standin.py serving opts.objects keys; cpu() is its CPU."""

    def __init__(self, tmp, opts):
        ready = os.path.join(tmp, "standin.ready")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(ROOT, "tests/support/list_standin.py"),
             "--bucket", BUCKET, "--objects", str(opts.objects), "--prefix", opts.prefix,
             "--delay", str(opts.latency), "--ready-file", ready],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "standin.err"), "wb"),
            stdin=subprocess.DEVNULL)
        for _ in range(600):
            if os.path.exists(ready) or self.proc.poll() is not None:
                break
            time.sleep(0.1)
        with open(ready) as f:
            self.endpoint = f"http://127.0.0.1:{f.read().strip()}"
        self.env = {"AWS_ACCESS_KEY_ID": "standin", "AWS_SECRET_ACCESS_KEY": "standin",
                    "AWS_DEFAULT_REGION": "us-east-1", "RGW_ENDPOINT": self.endpoint}

    def cpu(self):
        return bench.proc_cpu(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def list_runs(srv, opts, tmp, env, rclone_conf):
    plan = os.path.join(tmp, "list.lua")
    logdir = os.path.join(tmp, "logs")
    os.makedirs(logdir, exist_ok=True)
    tools = {
        "s3engine sequential": None,
        f"s3engine parallel ({opts.concurrency})": None,
        f"rclone lsf -R (checkers {opts.concurrency})":
            ["rclone", "lsf", "-R", "--files-only", "--checkers", str(opts.concurrency),
             "--config", rclone_conf, f"bench:{BUCKET}/{opts.prefix}"],
        "rclone lsf -R --fast-list":
            ["rclone", "lsf", "-R", "--files-only", "--fast-list", "--config", rclone_conf,
             f"bench:{BUCKET}/{opts.prefix}"],
    }
    if not shutil.which("rclone"):
        log("rclone not installed: listing s3engine only")
        tools = {k: v for k, v in tools.items() if v is None}
    results = []
    for r in range(1, opts.runs + 1):
        for name, argv in tools.items():
            if argv is None:
                c = 1 if "sequential" in name else opts.concurrency
                with open(plan, "w") as f:
                    f.write(f'return {{ sources = {{ {{ bucket = "{BUCKET}", prefix = "{opts.prefix}", '
                            f'list_concurrency = {c} }} }},\n'
                            f'  target = "s3://{BUCKET}/copy/", workers = 16 }}\n')
                argv = [bench.S3ENGINE, "--dry-run", "--force", "-vv", "--no-progress", plan]
            out = os.path.join(logdir, f"list-{len(results)}.out")
            err = out[:-4] + ".err"
            cpu0 = srv.cpu()
            m = bench.run_measured(argv, env, out, err, timeout=opts.timeout)
            m["server_cpu"] = srv.cpu() - cpu0
            if argv[0] == "rclone":
                listed = count_lines(out)
            else:
                listed = 0
                with open(out) as f:
                    for line in f:
                        if line.startswith("listed:"):
                            listed = int(line.split()[1])
                with open(err) as f:
                    m["detail"] = " ".join(l.split("debug: ", 1)[1].strip() for l in f
                                           if f"debug: listed s3://{BUCKET}/{opts.prefix}:" in l)
            m.update(tool=name, run=r, listed=listed, ok=m["rc"] == 0 and listed == opts.objects)
            log(f"list {name} run {r}: {m['wall']:.2f}s wall, {listed} listed, "
                f"client CPU {m['cpu']:.2f}s, server CPU {m['server_cpu']:.2f}s"
                + ("" if m["ok"] else f"  FAILED (exit {m['rc']})"))
            results.append(m)
    return list(tools), results


# ---------------------------------------------------------------- planning

def plan_runs(tmp, opts):
    manifest = os.path.join(tmp, "manifest.csv")
    log(f"writing a {opts.plan_rows:,}-row manifest")
    bench.make_manifest(manifest, opts.plan_rows)
    with open(manifest, "rb") as f:  # every run starts with it in the page cache
        while f.read(1 << 20):
            pass
    plans = {
        "no hooks (one target)":
            f'return {{ sources = {{ {{ manifest = "{manifest}" }} }},\n'
            '  target = { bucket = "dst", prefix = "all/" }, payload = "800MB", workers = 16 }\n',
        "Lua route (by extension, 2 targets)":
            'local route = require "s3engine.recipes.route"\n'
            f'return {{ sources = {{ {{ manifest = "{manifest}" }} }},\n'
            '  targets = { videos = { bucket = "dst", prefix = "mp4/" },\n'
            '              images = { bucket = "dst", prefix = "images/" } },\n'
            '  route = route.by_extension{ videos = "mp4", images = {"jpg", "png"} },\n'
            '  payload = "800MB", workers = 16 }\n',
        # the same routing written in the plan: not marked s3engine.pure, so the
        # hook gets a fresh object table per object
        "Lua route written in the plan (not marked pure, 2 targets)":
            f'return {{ sources = {{ {{ manifest = "{manifest}" }} }},\n'
            '  targets = { videos = { bucket = "dst", prefix = "mp4/" },\n'
            '              images = { bucket = "dst", prefix = "images/" } },\n'
            '  route = function(obj)\n'
            '    local e = obj.ext\n'
            '    if e == "mp4" then return "videos" end\n'
            '    if e == "jpg" or e == "png" then return "images" end\n'
            '  end,\n'
            '  payload = "800MB", workers = 16 }\n',
    }
    env = bench.clean_env()
    logdir = os.path.join(tmp, "logs")
    os.makedirs(logdir, exist_ok=True)
    results = []
    for r in range(1, opts.plan_runs + 1):
        for i, (name, text) in enumerate(plans.items()):
            path = os.path.join(tmp, f"plan{i}.lua")
            with open(path, "w") as f:
                f.write(text)
            out = os.path.join(logdir, f"plan{i}-r{r}.out")
            argv = [bench.S3ENGINE, "--dry-run", "--force", "--no-progress", path]
            if opts.hold:
                argv += ["--hold", str(opts.hold)]
            m = bench.run_measured(argv, env, out, out[:-4] + ".err", timeout=opts.timeout)
            m.update(case=name, run=r, ok=m["rc"] == 0)
            m["us_per_obj"] = m["cpu"] / opts.plan_rows * 1e6
            log(f"plan {name} run {r}: {m['wall']:.1f}s wall, CPU {m['cpu']:.1f}s "
                f"({m['us_per_obj']:.2f} us/object), peak RSS {m['maxrss_mb']:.0f} MB"
                + ("" if m["ok"] else f"  FAILED (exit {m['rc']})"))
            results.append(m)
    return list(plans), results


# ---------------------------------------------------------------- report

def med(xs):
    return statistics.median(xs) if xs else float("nan")


def list_table(opts, list_names, lres):
    L = ["| tool | ok runs | wall s | objects/s | vs sequential | client CPU s | "
         "peak RSS MB | server CPU s | requests, ranges |",
         "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    seq = med([m["wall"] for m in lres if m["tool"] == list_names[0] and m["ok"]])
    for name in list_names:
        ms = [m for m in lres if m["tool"] == name]
        ok = [m for m in ms if m["ok"]]
        w = med([m["wall"] for m in ok])
        det = next((m.get("detail", "") for m in ok if m.get("detail")), "")
        det = det.split(": ", 1)[1] if ": " in det else ""
        if " 0 requests" in det:  # the page-by-page listing does not count its pages
            det = "page by page"
        L.append(f"| {name} | {len(ok)}/{len(ms)} | {w:.2f} | {opts.objects / w:,.0f} | "
                 f"{seq / w:.2f}x | {med([m['cpu'] for m in ok]):.2f} | "
                 f"{med([m['maxrss_mb'] for m in ok]):.1f} | "
                 f"{med([m['server_cpu'] for m in ok]):.2f} | {det} |")
    return L + [""]


def git_head():
    r = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h (%cs)"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() or "unknown"


def report(opts, cmdline, list_names, lres, plan_names, pres, sres=()):
    L = [BEGIN, "", "## Listing and planning at scale (issue #14)", "",
         f"- Command: `{cmdline}` (`make bench` runs it after bench.py)",
         f"- Commit: {git_head()}",
         f"- Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC",
         f"- Machine: {bench.machine()}",
         f"- Load average (1 min) at start / end: {opts.load_start} / {bench.loadavg()}", ""]
    if list_names and lres:
        L += [f"### Listing {opts.objects:,} objects through a proxy adding "
              f"{opts.latency * 1000:.0f} ms per request (medians of {opts.runs})", "",
              f"Keys `{opts.prefix}NN/NNNN/file-NNNNNNNN.bin` (1,000 per folder) on radosgw, behind "
              f"tests/faultproxy/faultproxy.py `--rate delay=1 --delay {opts.latency}`. "
              "s3engine: `--dry-run --force` of a plan with no hooks whose source has "
              "`list_concurrency` 1 or "
              f"{opts.concurrency} (listing, planning and packing; nothing copied). rclone: "
              "`lsf -R --files-only` (folder by folder, `--checkers` requests at once) and "
              "with `--fast-list` (one listing of the whole prefix, page by page). A run counts "
              "only when it lists every object.", ""] + list_table(opts, list_names, lres)
    if sres:
        L += [f"### Listing {opts.objects:,} objects from the listing stand-in, "
              f"{opts.latency * 1000:.0f} ms per request (medians of {opts.runs})", "",
              "The same keys and tools against tests/support/list_standin.py (ListObjectsV2 as "
              "AWS documents it, up to 1,000 common prefixes per page, pages made once, "
              f"{opts.latency * 1000:.0f} ms per request, threads): the server's CPU is not "
              "the limit. Server CPU is the stand-in's.", ""] + list_table(opts, list_names, sres)
    if plan_names:
        L += [f"### Planning a {opts.plan_rows:,}-row manifest (`--dry-run --force`, no server, "
              f"medians of {opts.plan_runs})", "",
              "The manifest of bench.py's plan case; CPU is user+sys of the process.", "",
              "| plan | ok runs | wall s | CPU s | CPU us/object | peak RSS MB |",
              "|---|---|---:|---:|---:|---:|"]
        for name in plan_names:
            ms = [m for m in pres if m["case"] == name]
            ok = [m for m in ms if m["ok"]]
            L.append(f"| {name} | {len(ok)}/{len(ms)} | {med([m['wall'] for m in ok]):.1f} | "
                     f"{med([m['cpu'] for m in ok]):.1f} | "
                     f"{med([m['us_per_obj'] for m in ok]):.2f} | "
                     f"{med([m['maxrss_mb'] for m in ok]):.0f} |")
        L.append("")
    L.append(END)
    return "\n".join(L)


def write_section(path, text):
    old = open(path).read() if os.path.exists(path) else ""
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + text + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w") as f:
        f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="list,standin,plan",
                    help="list, standin, plan (default: all)")
    ap.add_argument("--objects", type=int, default=200_000, help="objects listed (200,000)")
    ap.add_argument("--latency", type=float, default=0.05, help="seconds added per request")
    ap.add_argument("--concurrency", "-c", type=int, default=16, help="list_concurrency (16)")
    ap.add_argument("--runs", type=int, default=3, help="listing runs per tool (3)")
    ap.add_argument("--plan-rows", type=int, default=10_000_000, help="manifest rows (10M)")
    ap.add_argument("--plan-runs", type=int, default=1, help="planning runs per plan (1)")
    ap.add_argument("--hold", type=int, default=0, help="--hold for the planning runs")
    ap.add_argument("--quick", action="store_true",
                    help="3,000 objects, 1 run, 200,000 manifest rows (for CI)")
    ap.add_argument("--rgw-dir", help="the directory of the radosgw in the environment")
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--out", default="BENCH.md", help="report file ('' = none)")
    opts = ap.parse_args()
    if opts.quick:
        opts.objects, opts.runs, opts.plan_rows = 3000, 1, 200_000
    opts.prefix = f"n{opts.objects}/"
    opts.cases = [c.strip() for c in opts.cases.split(",") if c.strip()]
    opts.load_start = bench.loadavg()
    cmdline = " ".join(shlex.quote(a) for a in ["scripts/bench_scale.py"] + sys.argv[1:])
    if not os.access(bench.S3ENGINE, os.X_OK):
        sys.exit(f"bench_scale: {bench.S3ENGINE} not found; run make first")
    tmp = tempfile.mkdtemp(prefix="s3e-bench-scale-")
    bench.build_helper(tmp)
    srv = bench.Server(tmp)
    proxy = None
    list_names, lres, plan_names, pres, sres = [], [], [], [], []
    standin = None
    try:
        if "plan" in opts.cases:  # first, while no server competes for the CPUs
            plan_names, pres = plan_runs(tmp, opts)
        if "list" in opts.cases:
            if os.environ.get("RGW_ENDPOINT"):
                srv.env = {k: os.environ[k] for k in ("RGW_ENDPOINT", "AWS_ACCESS_KEY_ID",
                                                      "AWS_SECRET_ACCESS_KEY")}
                srv.env["AWS_DEFAULT_REGION"] = "us-east-1"
                for name in ("client.rgw.a", "osd.0", "mon.a"):
                    try:
                        with open(os.path.join(opts.rgw_dir or "", "run", f"{name}.pid")) as f:
                            srv.pids[name] = int(f.read())
                    except (OSError, ValueError):
                        pass
            else:
                srv.start()
            s3 = bench.s3_client(srv)
            try:
                s3.create_bucket(Bucket=BUCKET)
            except s3.exceptions.BucketAlreadyOwnedByYou:
                pass
            load(s3, opts.prefix, opts.objects)
            proxy = bench.FaultProxy(tmp, srv.env["RGW_ENDPOINT"])
            proxy.start()
            proxy.configure(["--rate", "delay=1", "--delay", str(opts.latency)])
            bench_opts = argparse.Namespace(concurrency=opts.concurrency, cases=[])
            files = bench.write_tool_configs(srv, tmp, bench_opts, proxy.endpoint, "-list")
            env = bench.tool_env(srv, files)
            list_names, lres = list_runs(srv, opts, tmp, env, files["rclone_conf"])
        if "standin" in opts.cases:
            standin = Standin(tmp, opts)
            bench_opts = argparse.Namespace(concurrency=opts.concurrency, cases=[])
            files = bench.write_tool_configs(standin, tmp, bench_opts, standin.endpoint,
                                             "-standin")
            with open(files["rclone_conf"], "a") as f:
                f.write("list_version = 2\n")  # the stand-in answers ListObjectsV2 only
            list_names, sres = list_runs(standin, opts, tmp, bench.tool_env(standin, files),
                                         files["rclone_conf"])
        text = report(opts, cmdline, list_names, lres, plan_names, pres, sres)
        print(text)
        if opts.out:
            write_section(os.path.join(ROOT, opts.out) if not os.path.isabs(opts.out)
                          else opts.out, text)
        return 0 if all(m["ok"] for m in lres + pres + sres) else 1
    finally:
        if standin:
            standin.stop()
        if proxy:
            proxy.stop()
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
