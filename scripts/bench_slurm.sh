#!/usr/bin/env bash
# bench_slurm.sh - the same copy as one s3engine process with 4 workers and as an
# emitted job run by a Slurm array of 4 tasks (issue #13: total wall within 1.2x),
# on a radosgw and a one-node Slurm on loopback (scripts/slurm-start.sh).
#
# Usage: scripts/bench_slurm.sh [--quick] [--runs N] [--objects N] [--out FILE]
#   --quick      300 objects, 1 run (make bench's short version)
#   --out FILE   put the results between the bench_slurm markers of FILE ('' = print only;
#                default BENCH.md)
# With RGW_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment it
# uses that radosgw, else it starts a throwaway one (RGW_PORT, MON_PORT as rgw-start.sh).
# Slurm's ports: SLURMCTLD_PORT, SLURMD_PORT (slurm-start.sh's defaults).
#
# Each run copies into a fresh prefix: A) `s3engine plan.lua` (workers = 4); B) the same
# plan emitted to a local folder, then `sbatch --wait --array=0-3` of
# deploy/slurm/s3engine-array.sbatch; B's wall runs from the sbatch to the last payload
# result written (and, apart, the emit's).
# A run counts when the destination then holds every object. Runs alternate A and B.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
objects=2000 runs=3 out=BENCH.md
while [ $# -gt 0 ]; do
  case $1 in
    --quick) objects=300 runs=1 ;;
    --runs) runs=$2; shift ;;
    --objects) objects=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "bench_slurm: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
export PATH=$PATH:/usr/sbin
S3ENGINE=${S3ENGINE:-$root/build/release/s3engine}
tmp=$(mktemp -d)
sdir=$tmp/slurm
rgw=
cleanup() {
  [ -n "${src:-}" ] && s3check rb "$src" "$dst" >/dev/null 2>&1
  scripts/slurm-stop.sh "$sdir" --wipe >/dev/null 2>&1 || true
  [ -n "$rgw" ] && scripts/rgw-stop.sh "$rgw" --wipe >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
if [ -z "${RGW_ENDPOINT:-}" ]; then
  rgw=$tmp/rgw
  scripts/rgw-start.sh "$rgw" >"$tmp/rgw.env"
  set -a; . "$tmp/rgw.env"; set +a
fi
export AWS_ENDPOINT_URL=$RGW_ENDPOINT AWS_REGION=${AWS_REGION:-us-east-1} S3E_ADDRESSING=path
scripts/slurm-start.sh "$sdir" >"$tmp/slurm.env"
. "$tmp/slurm.env"
export SLURM_CONF
s3check() { /usr/bin/python3 tests/plans/s3check.py "$@"; }
src=bench-slurm-src-$$ dst=bench-slurm-dst-$$
s3check mb "$src" "$dst" >/dev/null
echo "bench_slurm: loading $objects objects" >&2
s3check load "$src" in "$objects" --size-range 1KiB-8KiB >/dev/null
now() { date +%s.%N; }
plan() { # PREFIX -> a plan file copying into it
  printf 'return { sources = { "s3://%s/in/" }, target = "s3://%s/%s/", workers = 4,\n  payload = { max_objects = 100 } }\n' \
    "$src" "$dst" "$1" >"$tmp/$1.lua"
  echo "$tmp/$1.lua"
}
results=$tmp/results
: >"$results"
for r in $(seq "$runs"); do
  p=$(plan "one-$r")
  t0=$(now); "$S3ENGINE" "$p" -q --no-progress >/dev/null; t1=$(now)
  n=$(s3check count "s3://$dst/one-$r/")
  echo "one $(echo "$t1 - $t0" | bc) $n" >>"$results"
  p=$(plan "array-$r")
  t0=$(now); "$S3ENGINE" "$p" -q --no-progress --emit "$tmp/job-$r" >/dev/null; t1=$(now)
  # the end: the last payload's result written (sbatch --wait polls Slurm every few
  # seconds, which would be measured instead)
  (cd "$tmp" && sbatch --wait --quiet --array=0-3 \
     --export="ALL,S3ENGINE=$S3ENGINE,S3ENGINE_JOB=$tmp/job-$r,S3ENGINE_ARGS=-q" \
     --output="$tmp/task-$r-%a.out" "$root/deploy/slurm/s3engine-array.sbatch") || true
  t2=$(stat -c %.9Y "$tmp/job-$r"/results/*.tsv | sort -n | tail -1)
  n=$(s3check count "s3://$dst/array-$r/")
  "$S3ENGINE" job-status "$tmp/job-$r" >/dev/null || n="$n (job-status: not all done)"
  echo "array $(echo "$t2 - $t1" | bc) $n $(echo "$t1 - $t0" | bc)" >>"$results"
  echo "bench_slurm: run $r: $(tail -2 "$results" | tr '\n' ' ')" >&2
done
/usr/bin/python3 - "$results" "$objects" "$runs" "$out" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import statistics, sys, datetime
path, objects, runs, out, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = [l.split() for l in open(path)]
ok = lambda r: r[2] == str(objects) and len(r) <= 4 + (r[0] == "array")
one = [float(r[1]) for r in rows if r[0] == "one" and ok(r)]
arr = [float(r[1]) for r in rows if r[0] == "array" and ok(r)]
emit = [float(r[3]) for r in rows if r[0] == "array" and ok(r)]
med = lambda xs: statistics.median(xs) if xs else None
f = lambda x: "–" if x is None else "%.2f" % x
m1, ma, me = med(one), med(arr), med(emit)
ratio = ma / m1 if m1 and ma else None
L = ["<!-- bench_slurm: begin -->", "",
     "## One process against a Slurm array of 4 tasks (issue #13)", "",
     "`scripts/bench_slurm.sh%s` (`make bench` runs it; `make bench` with `--quick` passes `--quick`), %s, load average "
     "at the end %s. %d objects of 1 to 8 KiB on the radosgw, a plan of 4 workers and payloads "
     "of at most 100 objects; each run copies into a fresh prefix, alternately: one "
     "`s3engine plan.lua` process (4 workers on its event loop), and the plan emitted to a "
     "local folder and run by `sbatch --wait --array=0-3 deploy/slurm/s3engine-array.sbatch` "
     "on a one-node Slurm on loopback (each task a `run-job` process, one worker). A run "
     "counts when the destination holds every object (and job-status says all done)." % (
         "" if runs == 3 and objects == 2000 else " --runs %d --objects %d" % (runs, objects),
         datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), load, objects),
     "",
     "| | ok runs | wall s (median) | runs |", "|---|---|---:|---|",
     "| one process, 4 workers | %d/%d | %s | %s |" % (len(one), runs, f(m1), ", ".join(map(f, one))),
     "| Slurm array of 4 tasks (sbatch to the last payload's result) | %d/%d | %s | %s |" % (
         len(arr), runs, f(ma), ", ".join(map(f, arr))),
     "| the emit before it | | %s | %s |" % (f(me), ", ".join(map(f, emit))),
     "", "Array against one process: %sx the wall (target: within 1.2x); with the emit: %sx." % (
         f(ratio), f((ma + me) / m1) if ratio else "–"),
     "", "<!-- bench_slurm: end -->"]
text = "\n".join(L)
print(text)
if out:
    doc = open(out).read()
    b, e = "<!-- bench_slurm: begin -->", "<!-- bench_slurm: end -->"
    if b in doc and e in doc:
        doc = doc[:doc.index(b)] + text + doc[doc.index(e) + len(e):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    open(out, "w").write(doc)
PY
