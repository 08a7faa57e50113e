#!/usr/bin/env bash
# A real distributed engine, locally: a one-node Slurm (scripts/slurm-start.sh)
# runs an emitted job of 2,000 objects as an `sbatch --array` of 4 workers with
# deploy/slurm/s3engine-array.sbatch; one task is killed with SIGKILL in the middle
# of a payload and requeued; job-status reaches all done, and boto3 finds every
# object at its destination exactly once, byte for byte, with no upload left.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export PATH=$PATH:/usr/sbin
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  fail "Slurm or munge is not installed (scripts/install-deps.sh test installs slurm-wlm and munge)"
  finish
fi
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
jobs=$(fresh_bucket jobs) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"
sdir=$(mktemp -d)
jid=
# the array's tasks first, then the daemons (by the pids they wrote in $sdir)
stop_slurm() {
  [ -n "$jid" ] && scancel "$jid" 2>/dev/null && sleep 2
  "$PLAN_ROOT/scripts/slurm-stop.sh" "$sdir" --wipe
}
on_exit stop_slurm
SLURMCTLD_PORT=${SLURMCTLD_PORT:-16817} SLURMD_PORT=${SLURMD_PORT:-16818} \
  "$PLAN_ROOT/scripts/slurm-start.sh" "$sdir" >"$work/slurm.env" 2>"$work/slurm.err" ||
  { fail "slurm-start.sh: $(cat "$work/slurm.err")"; finish; }
. "$work/slurm.env"
export SLURM_CONF

check "load 2000 objects" s3check load "$src" in 2000 --size-range 1KiB-8KiB >/dev/null
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 4,
         payload = { max_objects = 100 } }
LUA
job="s3://$jobs/slurm/"
check "emit" s3e "$work/plan.lua" --emit "$job" >/dev/null
echo "# emitted at ${SECONDS}s"
npay=$(s3e job-status "$job" | sed -n 's/.*not started (of \([0-9]*\)).*/\1/p')
[ "${npay:-0}" -ge 20 ] || fail "expected at least 20 payloads, got '$npay'"

# The array: 4 tasks, each slowed to 40 requests/s so that a task is caught mid-payload.
S3ENGINE_ABS=$(command -v "$S3ENGINE" || echo "$S3ENGINE")
case $S3ENGINE_ABS in /*) ;; *) S3ENGINE_ABS=$PWD/$S3ENGINE_ABS ;; esac
jid=$(cd "$work" && sbatch --parsable --array=0-3 \
  --export="ALL,S3ENGINE=$S3ENGINE_ABS,S3ENGINE_JOB=$job,S3ENGINE_ARGS=-v --max-rps 40" \
  --output="$work/task-%a.out" "$PLAN_ROOT/deploy/slurm/s3engine-array.sbatch") ||
  { fail "sbatch failed"; finish; }

# Kill task 1 with SIGKILL once it has finished a payload and is inside the next one:
# its s3engine is the process whose environment says array task 1 of this cluster.
task1_pids() {
  local p
  for p in $(pgrep -f "run-job $job" 2>/dev/null); do
    tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SLURM_ARRAY_TASK_ID=1" &&
      tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SLURM_CONF=$SLURM_CONF" &&
      echo "$p"
  done
}
killed=
# Inside a payload: one more "payload N: M objects" line than "payload N done|failed"
# lines (between two payloads, a kill would find nothing to rerun).
for _ in $(seq 600); do
  done1=$(grep -cE 'payload [0-9]+ (done|failed):' "$work/task-1.out" 2>/dev/null)
  begun1=$(grep -cE 'payload [0-9]+: [0-9]+ objects' "$work/task-1.out" 2>/dev/null)
  pids=$(task1_pids)
  if [ "${done1:-0}" -ge 1 ] && [ "${begun1:-0}" -gt "${done1:-0}" ] && [ -n "$pids" ]; then
    kill -9 $pids && killed=1
    break
  fi
  sleep 0.1
done
[ -n "$killed" ] || fail "task 1 was never caught running a second payload"
for _ in $(seq 100); do [ -z "$(task1_pids)" ] && break; sleep 0.1; done
sleep 1
started=$(grep -o 'payload [0-9]*: [0-9]* objects' "$work/task-1.out" | tail -1 | cut -d' ' -f2 | tr -d :)
expect_ne "$started" "" "task 1 was inside a payload when it was killed"
check "task 1 had not ended payload $started when it was killed" \
  bash -c '! grep -qE "payload $1 (done|failed):" "$2"' _ "$started" "$work/task-1.out"
echo "# killed task 1 at ${SECONDS}s, in payload $started"
check "requeue task 1" scontrol requeue "${jid}_1"
# a requeued job waits two minutes before it may start again: now
check "let it start now" scontrol update JobId="${jid}_1" StartTime=now

# Wait for the array to finish (pending, running, requeued), at most 5 minutes.
for _ in $(seq 600); do
  [ -z "$(squeue -h -r -j "$jid" -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
expect_eq "$(squeue -h -r -j "$jid" -o %i 2>/dev/null)" "" "every task of the array ended"
echo "# the array ended at ${SECONDS}s"
expect_contains "$(cat "$work/task-1.out")" "payload $started ran before: checking its destinations first" \
  "the requeued task ran the killed payload again, checking what was copied"
status=$(s3e job-status "$job")
expect_eq "$?" 0 "job-status: exit 0"
expect_contains "$status" "$npay done, 0 failed, 0 restoring, 0 started and not ended, 0 not started" \
  "job-status: every payload done"
expect_contains "$status" "2000 done of 2000" "job-status: every object done"

# An independent client: each source key once at its destination, same bytes.
expect_eq "$("$S3CHECK_PYTHON" - "$src" "$dst" <<'PY'
import collections, os, sys, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
def keys(bucket, prefix):
    out = collections.Counter()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"][len(prefix):]] += 1
    return out
src, dst = keys(sys.argv[1], "in/"), keys(sys.argv[2], "out/")
print(len(src), len(dst), set(dst.values()), src == dst)
PY
)" "2000 2000 {1} True" "boto3: 2000 destination objects, each source key exactly once"
check "byte for byte" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null
expect_eq "$(s3check uploads "s3://$dst/out/")" 0 "no unfinished upload left"
finish
