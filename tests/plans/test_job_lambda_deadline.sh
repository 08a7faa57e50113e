#!/usr/bin/env bash
# `s3engine lambda` keeps to Lambda-Runtime-Deadline-Ms:
#  1. given an invocation too short for its payload, it stops starting objects
#     before the deadline, answers in time, and reports the objects it did not
#     start as failed ("not started"), so job-status names them and
#     `run-job --failed` copies them; nothing is lost.
#  2. a copy still in flight is cut before the deadline: a multipart copy whose
#     parts are slow (the fault proxy delays each UploadPartCopy) has its
#     requests ended and its upload aborted, is reported failed ("stopped in
#     flight"), and the response is still in time; `run-job --failed` copies it.
#  3. the same for a streamed copy (stream = true: GET and UploadPart through
#     the runner, each UploadPart delayed).
# The Runtime API is tests/support/lambda_runtime_standin.py with a short
# --timeout-ms.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"

# invoke JOB TIMEOUT_MS RESERVE_S [VAR=VALUE...]: one invocation of payload 1 of JOB
# through the stand-in; prints "in time" (or "late by N ms") and then
# "HTTP_STATUS STATUS copied C failed F" of the response
invoke() {
  local job=$1 ms=$2 reserve=$3 rc=0
  shift 3
  rm -f "$work/ready" "$work/log"
  printf '{"job": "%s", "payload": 1}\n' "$job" >"$work/events"
  "$S3CHECK_PYTHON" "$PLAN_ROOT/tests/support/lambda_runtime_standin.py" --events "$work/events" \
    --log "$work/log" --ready-file "$work/ready" --timeout-ms "$ms" >"$work/standin.out" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
  [ -s "$work/ready" ] || { echo "stand-in did not start: $(cat "$work/standin.out")"; return; }
  env S3ENGINE_LAMBDA_RESERVE_SECONDS="$reserve" AWS_LAMBDA_RUNTIME_API="127.0.0.1:$(cat "$work/ready")" \
    "$@" timeout 120 "$S3ENGINE" lambda >"$work/out" 2>"$work/err" || rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ "$rc" = 3 ] || echo "the runtime exited $rc, not 3 (no more events)"
  "$S3CHECK_PYTHON" - "$work/log" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
nxt = [r for r in recs if r["kind"] == "next" and r["status"] == 200][0]
resp = [r for r in recs if r["kind"] == "response"]
if len(resp) != 1:
    print("responses: %d" % len(resp)); sys.exit()
r, b = resp[0], resp[0]["body"]
late = r["time"] * 1000 - nxt["deadline_ms"]
print("in time" if late <= 0 else "late by %d ms" % late)
print(r["status"], b["status"], "copied %d failed %d" % (b["copied"], b["failed"]))
PY
}

# ---- 1. objects not started ---------------------------------------------------------
n=400
check "load $n objects" s3check load "$src" in $n >/dev/null
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 1,
         payload = { max_objects = 1000 } }
LUA
job=$work/job
check "emit one payload" s3e "$work/plan.lua" --emit "$job" >/dev/null
expect_eq "$(grep -c '^payload' "$job/job.tsv")" 1 "one payload of $n objects"
got=$(invoke "$job" 2500 0.5)
expect_eq "$(sed -n 1p <<<"$got")" "in time" "the response was posted before the deadline"
read -r http st _ c _ f <<<"$(sed -n 2p <<<"$got")"
expect_eq "$http $st" "202 failed" "a response (status failed)"
[ "$c" -gt 0 ] && [ "$c" -lt $n ] || fail "expected part of the $n objects copied, got $c"
expect_eq "$((c + f))" $n "the rest counted as failed"
status=$(s3e job-status "$job")
expect_contains "$status" "0 done, 1 failed" "job-status: the payload failed"
expect_contains "$status" "not started: the time given ran out" "job-status names the objects not started"
expect_eq "$(s3check count "s3://$dst/out/")" "$c" "the objects copied are at the destination"
check "run-job --failed" s3e run-job "$job" --failed >/dev/null
check "job-status: all done" s3e job-status "$job" >/dev/null
expect_eq "$(s3check count "s3://$dst/out/")" $n "all $n objects at the destination"
check "byte for byte" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null

# ---- 2 and 3. a copy in flight at the deadline ----------------------------------------
check "a 15 MiB object (3 parts of 5 MiB)" s3check put "s3://$src/big/big.bin" 15MiB >/dev/null
check "a small one (one worker: after the big one)" s3check put "s3://$src/big/small.bin" 1000 >/dev/null

# cut NAME PREFIX TARGET_FIELDS OPERATION DELAY_S TIMEOUT_MS RESERVE_S: one payload of
# big/ to PREFIX, each OPERATION delayed DELAY_S through the fault proxy, run in an
# invocation of TIMEOUT_MS with RESERVE_S; the big copy is cut, nothing is lost
cut() {
  local name=$1 prefix=$2 fields=$3 op=$4 delay=$5 ms=$6 reserve=$7 got status ep
  cat >"$work/$name.lua" <<LUA
return { sources = { "s3://$src/big/" },
         targets = { out = { bucket = "$dst", prefix = "$prefix" $fields } },
         workers = 1, multipart_cutoff = "5MiB", part_size = "5MiB" }
LUA
  check "$name: emit one payload" s3e "$work/$name.lua" --emit "$work/$name" >/dev/null
  ep=$(fault_proxy_start --only "$op" --rate delay=1 --delay "$delay") || { fail "proxy"; return; }
  got=$(invoke "$work/$name" "$ms" "$reserve" AWS_ENDPOINT_URL="$ep")
  expect_eq "$(sed -n 1p <<<"$got")" "in time" "$name: the response was posted before the deadline"
  expect_eq "$(sed -n 2p <<<"$got")" "202 failed copied 0 failed 2" \
    "$name: a response: the big copy cut, the other object not started, both counted failed"
  expect_ne "$(fault_count 'op=AbortMultipartUpload fault=none status=204')" 0 \
    "$name: the cut copy's upload was aborted"
  fault_proxy_stop
  expect_eq "$(s3check uploads "s3://$dst/")" 0 "$name: no upload left"
  expect_eq "$(s3check count "s3://$dst/$prefix")" 0 "$name: nothing at the destination"
  status=$(s3e job-status "$work/$name")
  expect_contains "$status" "big.bin: stopped in flight: the time given ran out" \
    "$name: job-status names the object cut"
  expect_contains "$status" "small.bin: not started: the time given ran out" \
    "$name: and the object not started"
  check "$name: run-job --failed" s3e run-job "$work/$name" --failed >/dev/null
  check "$name: job-status: all done" s3e job-status "$work/$name" >/dev/null
  check "$name: byte for byte" s3check same-tree "s3://$src/big/" "s3://$dst/$prefix" >/dev/null
}
# 2. on the loop: each UploadPartCopy waits 6 s, more than the 5 s given
cut multipart big/ "" UploadPartCopy 6 5000 1
# 3. streamed (10 s given, reserve 2 s: cut 1 s before the deadline; a streamed copy's
# parts and its abort take a few hundred ms more to end than a copy on the loop)
cut streamed streamed/ ", stream = true" UploadPart 12 10000 2
finish
