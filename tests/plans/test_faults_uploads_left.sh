#!/usr/bin/env bash
# A run that fails a multipart object and does not die leaves no unfinished
# upload it created: the upload is aborted when the copy fails, and an abort
# that failed then is tried again at the end of the run.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "a 6 MiB object (two parts)" s3check put "s3://$src/in/a.bin" 6MiB >/dev/null
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
# run_failing CASE PROXY-ARGS...: the object fails, exit 1, no upload left
run_failing() {
  local what=$1 ep rc=0
  shift
  ep=$(fault_proxy_start "$@") || { fail "fault proxy"; return; }
  s3e "$plan" --endpoint "$ep" --multipart-cutoff 5MiB --part-size 5MiB --part-concurrency 1 \
    --retries 1 -q 2>"$FAULT_PROXY_DIR/err" || rc=$?
  fault_proxy_stop
  expect_eq "$rc" 1 "$what: the object is reported failed"
  expect_eq "$(s3check uploads "$dst")" 0 "$what: no unfinished upload left" ||
    cat "$FAULT_PROXY_DIR/err" >&2
  expect_eq "$(s3check count "s3://$dst/")" 0 "$what: no object either"
}
run_failing "every CompleteMultipartUpload fails" --only CompleteMultipartUpload --rate internal=1
# the first try's part fails, then its two aborts and the second try's two
# aborts of it (an upload of the key begun since); with 6 faults spent, the
# second try's part fails and its own abort passes: only the end of the run
# can still abort the first upload
run_failing "parts and the aborts after them fail" --only UploadPartCopy,AbortMultipartUpload \
  --rate internal=1 --max-faults 6
expect_eq "$(fault_count 'op=AbortMultipartUpload fault=internal')" 4 "the copy's 4 aborts failed"
finish
