#!/usr/bin/env bash
# `s3engine lambda` against a stand-in of the Lambda Runtime API
# (tests/support/lambda_runtime_standin.py): each event runs a real payload of a
# job on radosgw and is answered once, with its response or an invocation error;
# a runtime without credentials posts an init error.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
jobs=$(fresh_bucket jobs) || finish
check "load 40 objects" s3check load "$src" in 40 >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 2,
         payload = { max_objects = 10 } }
LUA
job="s3://$jobs/lambda/"
check "emit" s3e "$work/plan.lua" --emit "$job" >/dev/null
npay=$(s3e job-status "$job" | sed -n 's/.*not started (of \([0-9]*\)).*/\1/p')
[ "$npay" -ge 4 ] || fail "expected at least 4 payloads, got '$npay'"

# events: every payload (the last one naming no job: S3ENGINE_JOB does), payload 1
# again (done: answered without copying), then two bad events
events=$work/events
: >"$events"
for i in $(seq 1 $((npay - 1))); do
  printf '{"job": "%s", "payload": %d}\n' "$job" "$i" >>"$events"
done
printf '{"payload": %d}\n' "$npay" >>"$events"
printf '{"job": "%s", "payload": 1}\n' "$job" >>"$events"
printf '{"job": "%s", "payload": %d}\n' "$job" $((npay + 1)) >>"$events"
printf '{"nothing": "here"}\n' >>"$events"

STANDIN_PY=$PLAN_ROOT/tests/support/lambda_runtime_standin.py
start_standin() {  # LOG -> prints the port
  local ready=$work/ready.$1
  "$S3CHECK_PYTHON" "$STANDIN_PY" --events "$events" --log "$work/$1" --ready-file "$ready" \
    >>"$work/standin.out" 2>&1 </dev/null &
  echo $! >"$work/pid.$1"
  for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.1; done
  cat "$ready"
}
port=$(start_standin log)
on_exit kill "$(cat "$work/pid.log")"
[ -n "$port" ] || { fail "stand-in did not start: $(cat "$work/standin.out")"; finish; }
rc=0
S3ENGINE_JOB=$job AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port timeout 120 "$S3ENGINE" lambda \
  >"$work/out" 2>"$work/err" || rc=$?
expect_eq "$rc" 3 "the runtime exits when the Runtime API answers 500 (no more events)"
expect_contains "$(cat "$work/err")" "answered 500 to next" "and says why"
log=$work/log
count() { "$S3CHECK_PYTHON" -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if all(str(r.get(k)) == v for k, v in (a.split("=", 1) for a in sys.argv[2:])):
        n += 1
print(n)' "$log" "$@"; }
nevents=$((npay + 3))
expect_eq "$(count kind=next status=200)" "$nevents" "every event was handed out"
expect_eq "$(count kind=response status=202)" $((npay + 1)) "a response for each payload event"
expect_eq "$(count kind=error status=202)" 2 "an invocation error for each bad event"
expect_eq "$("$S3CHECK_PYTHON" -c '
import json, sys
ids = {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["kind"] in ("response", "error"):
        ids[r["request_id"]] = ids.get(r["request_id"], 0) + 1
print(sorted(set(ids.values())), len(ids))' "$log")" "[1] $nevents" "each request id answered exactly once"
expect_eq "$("$S3CHECK_PYTHON" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["kind"] == "error":
        print(r["error_type"], r["body"]["errorType"], "payload" in r["body"]["errorMessage"])' "$log" | sort | uniq | tr '\n' ';')" \
  "S3engine.BadEvent S3engine.BadEvent True;" "bad events are errors of type S3engine.BadEvent naming the payload"
expect_eq "$("$S3CHECK_PYTHON" -c '
import json, sys
st = [r["body"]["status"] for r in map(json.loads, open(sys.argv[1])) if r["kind"] == "response"]
print(sorted(set(st)))' "$log")" "['done']" "every payload response says done"
expect_eq "$(s3check count "s3://$dst/out/")" 40 "the payloads copied all 40 objects"
check "job-status: all done" s3e job-status "$job" >/dev/null
check "byte for byte" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null

# the package: bootstrap, binary, libraries, recipes; its bootstrap serves an event
check "make-lambda-zip.sh" "$PLAN_ROOT/scripts/make-lambda-zip.sh" "$S3ENGINE" "$work/pkg.zip" >/dev/null
check "unzip the package" unzip -q "$work/pkg.zip" -d "$work/pkg"
for f in bootstrap bin/s3engine lib/libcurl.so.4 lib/liblua5.4.so.0 \
         share/s3engine/lua/s3engine/recipes/route.lua; do
  [ -e "$work/pkg/$f" ] || fail "the package has no $f"
done
[ -e "$work/pkg/lib/libc.so.6" ] && fail "the package bundles glibc"
printf '{"job": "%s", "payload": 2}\n' "$job" >"$events"
port=$(start_standin pkglog)
on_exit kill "$(cat "$work/pid.pkglog")"
LAMBDA_TASK_ROOT=$work/pkg AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port timeout 60 \
  "$work/pkg/bootstrap" >/dev/null 2>&1
log=$work/pkglog
expect_eq "$(count kind=response status=202)" 1 "the packaged bootstrap answered its event"

# init error: no credentials anywhere
: >"$events"
port=$(start_standin initlog)
on_exit kill "$(cat "$work/pid.initlog")"
rc=0
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
  AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent \
  AWS_EC2_METADATA_DISABLED=true AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port \
  timeout 60 "$S3ENGINE" lambda >/dev/null 2>"$work/initerr" || rc=$?
expect_eq "$rc" 3 "a runtime that cannot start exits 3"
log=$work/initlog
expect_eq "$(count kind=init_error status=202 error_type=S3engine.InitError)" 1 \
  "it posted one init error, typed S3engine.InitError"
expect_eq "$(count kind=next)" 0 "and asked for no event"
expect_exit 2 env -u AWS_LAMBDA_RUNTIME_API "$S3ENGINE" lambda
finish
