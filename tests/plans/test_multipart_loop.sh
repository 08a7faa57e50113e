#!/usr/bin/env bash
# Multipart copies are state machines of requests on the workers' one event
# loop, not a thread each: a run copying eight multipart objects at once (their
# parts slowed by the fault proxy so that the run lasts) never has more than
# three threads (main, the loop, one spare), and copies every object whole with
# its metadata and tags. Every failure after CreateMultipartUpload aborts the
# upload (UploadPartCopy, CompleteMultipartUpload failing for good; a copy whose
# PutObjectTagging fails is deleted): no unfinished upload and no partial copy
# is left, and each object is reported failed with the failing operation.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_threads.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"
for i in 1 2 3 4 5 6 7; do
  s3check put "s3://$src/in/m$i.bin" 12MiB >/dev/null || fail "put m$i.bin"
done
check "a 12 MiB object with metadata and tags" \
  s3check put "s3://$src/in/t.bin" 12MiB --meta k=v --tag colour=blue --content-type text/x-t
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
MP=(--multipart-cutoff 5MiB --part-size 5MiB --workers 8 --part-concurrency 2)

ep=$(fault_proxy_start --only UploadPartCopy --rate delay=1 --delay 0.5) ||
  { fail "fault proxy"; finish; }
"$S3ENGINE" "$work/plan.lua" --endpoint "$ep" "${MP[@]}" -q --report "$work/r.csv" &
pid=$!
peak=$(peak_threads "$pid")
rc=0; wait "$pid" || rc=$?
fault_proxy_stop
expect_eq "$rc" 0 "eight multipart copies: exit 0"
expect_eq "$(grep -c ',copied,' "$work/r.csv")" 8 "eight copied"
[ "$(fault_count op=UploadPartCopy)" -ge 24 ] && _ok "their parts went through the proxy" ||
  fail "only $(fault_count op=UploadPartCopy) parts went through the proxy"
[ "$peak" -le 3 ] && _ok "at most 3 threads while eight multipart copies ran (peak $peak)" ||
  fail "peak of $peak threads while eight multipart copies ran (a thread per object?)"
check "every copy whole, with its headers, metadata and tags" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(s3check uploads "$dst")" 0 "no unfinished upload"

# A step that fails for good (every attempt answered 500): the upload is aborted.
fails_for_good() { # NAME OP FAILED LEFT: the run with OP failing; no upload left
  local name=$1 op=$2 failed=$3 left=$4 out
  out=$(fresh_bucket "$name") || return
  cat >"$work/$name.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$out/out/" }
LUA
  ep=$(fault_proxy_start --only "$op" --rate internal=1) || { fail "fault proxy"; return; }
  rc=0
  s3e "$work/$name.lua" --endpoint "$ep" "${MP[@]}" --retries 2 -q \
    --report "$work/$name.csv" 2>"$work/$name.err" || rc=$?
  fault_proxy_stop
  expect_eq "$rc" 1 "$op failing: exit 1"
  expect_eq "$(grep -c ',failed,' "$work/$name.csv")" "$failed" "$op failing: $failed reported failed"
  grep -q "$op" "$work/$name.err" && _ok "$op failing: the log names it" ||
    fail "$op failing: not named in $(head -c 600 "$work/$name.err")"
  expect_eq "$(s3check uploads "$out")" 0 "$op failing: every upload aborted"
  expect_eq "$(s3check count "s3://$out/")" "$left" "$op failing: $left objects at the target"
}
fails_for_good parts UploadPartCopy 8 0
fails_for_good complete CompleteMultipartUpload 8 0
fails_for_good tagging PutObjectTagging 1 7
finish
