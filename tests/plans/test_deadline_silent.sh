#!/usr/bin/env bash
# A server that accepts requests and never answers: each request is given up
# when nothing has come for its stall limit (15 s for a small request), and an
# object whose deadline (--object-timeout) passes is failed at once, retries
# or not. The run ends with the objects failed and says why; it does not
# wait two minutes per attempt.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_wait.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "three small objects" s3check load "$src" in 3 >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"
cat >"$dir/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
ep=$(fault_proxy_start --only CopyObject --rate silent=1) || { fail "fault proxy"; finish; }

# Default limits, two attempts: 2 x 15 s of silence and a short backoff, ~31 s.
"$S3ENGINE" "$dir/plan.lua" --endpoint "$ep" --no-progress --retries 2 --report "$dir/a.jsonl" \
  >"$dir/a.out" 2>&1 &
wait_exit $! 75 || fail "still running 75 s after the server went silent (killed)"
expect_eq "$WAIT_RC" 1 "exit status 1: objects failed"
expect_eq "$(grep -c '"status":"failed"' "$dir/a.jsonl" 2>/dev/null)" 3 "every object reported failed"
expect_contains "$(cat "$dir/a.out")" "stalled: no progress for 15 s" "the message says the server went silent"
echo "# silent server, --retries 2: exit after ${WAIT_MS} ms"

# The object's deadline ends it whatever the retries left.
"$S3ENGINE" "$dir/plan.lua" --endpoint "$ep" --no-progress --retries 100 --object-timeout 6 \
  --report "$dir/b.jsonl" >"$dir/b.out" 2>&1 &
wait_exit $! 30 || fail "still running 30 s after the server went silent, --object-timeout 6 (killed)"
expect_eq "$WAIT_RC" 1 "exit status 1: objects failed"
[ "${WAIT_MS:-99999}" -ge 5500 ] || fail "ended after $WAIT_MS ms, before the 6 s deadline"
expect_eq "$(grep -c '"status":"failed"' "$dir/b.jsonl" 2>/dev/null)" 3 "every object reported failed"
expect_contains "$(cat "$dir/b.out")" "deadline (6 s) passed" "the message names the object's deadline"
echo "# silent server, --object-timeout 6: exit after ${WAIT_MS} ms"
fault_proxy_stop
expect_eq "$(s3check count "s3://$dst/out/")" 0 "nothing was copied"
finish
