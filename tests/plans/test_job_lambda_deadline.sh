#!/usr/bin/env bash
# `s3engine lambda` keeps to Lambda-Runtime-Deadline-Ms: given an invocation
# too short for its payload, it stops starting objects before the deadline,
# answers in time, and reports the objects it did not start as failed ("not
# started"), so job-status names them and `run-job --failed` copies them;
# nothing is lost. The Runtime API is tests/support/lambda_runtime_standin.py
# with a short --timeout-ms.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
n=400
check "load $n objects" s3check load "$src" in $n >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 1,
         payload = { max_objects = 1000 } }
LUA
job=$work/job
check "emit one payload" s3e "$work/plan.lua" --emit "$job" >/dev/null
expect_eq "$(grep -c '^payload' "$job/job.tsv")" 1 "one payload of $n objects"
printf '{"job": "%s", "payload": 1}\n' "$job" >"$work/events"
"$S3CHECK_PYTHON" "$PLAN_ROOT/tests/support/lambda_runtime_standin.py" --events "$work/events" \
  --log "$work/log" --ready-file "$work/ready" --timeout-ms 2500 >"$work/standin.out" 2>&1 </dev/null &
echo $! >"$work/pid"
on_exit kill "$(cat "$work/pid")"
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
[ -s "$work/ready" ] || { fail "stand-in did not start: $(cat "$work/standin.out")"; finish; }
rc=0
S3ENGINE_LAMBDA_RESERVE_SECONDS=0.5 AWS_LAMBDA_RUNTIME_API=127.0.0.1:$(cat "$work/ready") \
  timeout 120 "$S3ENGINE" lambda >"$work/out" 2>"$work/err" || rc=$?
expect_eq "$rc" 3 "the runtime exits when the Runtime API has no more events"
got=$("$S3CHECK_PYTHON" - "$work/log" "$n" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
nxt = [r for r in recs if r["kind"] == "next" and r["status"] == 200][0]
resp = [r for r in recs if r["kind"] == "response"]
if len(resp) != 1:
    print("responses: %d" % len(resp)); sys.exit()
r, b = resp[0], resp[0]["body"]
late = r["time"] * 1000 - nxt["deadline_ms"]
print("in time" if late <= 0 else "late by %d ms" % late)
print(r["status"], b["status"], "partial" if 0 < b["copied"] < int(sys.argv[2]) else "copied %d" % b["copied"],
      "all counted" if b["copied"] + b["failed"] == int(sys.argv[2]) else "counted %d" % (b["copied"] + b["failed"]))
PY
)
expect_eq "$(sed -n 1p <<<"$got")" "in time" "the response was posted before the deadline"
expect_eq "$(sed -n 2p <<<"$got")" "202 failed partial all counted" \
  "a response (status failed): some copied, the rest counted as failed"
status=$(s3e job-status "$job")
expect_contains "$status" "0 done, 1 failed" "job-status: the payload failed"
expect_contains "$status" "not started: the time given ran out" "job-status names the objects not started"
copied=$(s3check count "s3://$dst/out/")
[ "$copied" -gt 0 ] && [ "$copied" -lt $n ] || fail "expected part of the $n objects copied, got $copied"
check "run-job --failed" s3e run-job "$job" --failed >/dev/null
check "job-status: all done" s3e job-status "$job" >/dev/null
expect_eq "$(s3check count "s3://$dst/out/")" $n "all $n objects at the destination"
check "byte for byte" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null
finish
