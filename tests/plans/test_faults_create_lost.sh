#!/usr/bin/env bash
# A CreateMultipartUpload whose answer is lost after the server made the upload
# (the connection reset on the way back) is retried, and the upload the lost
# attempt made is found and aborted: a run that exits 0 leaves no unfinished
# upload behind.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "two 12 MiB objects" s3check put "s3://$src/in/a.bin" 12MiB >/dev/null
check "an 11 MiB object with metadata" s3check put "s3://$src/in/b.bin" 11MiB --meta k=v >/dev/null
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
ep=$(fault_proxy_start --only CreateMultipartUpload --rate reset-after=1 --max-faults 2) ||
  { fail "fault proxy"; finish; }
rc=0; s3e "$plan" --endpoint "$ep" --multipart-cutoff 5MiB --part-size 5MiB -q || rc=$?
expect_eq "$(fault_count fault=reset-after)" 2 "two CreateMultipartUpload answers were lost"
fault_proxy_stop
expect_eq "$rc" 0 "the run completes"
check "both objects copied whole" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(s3check uploads "$dst")" 0 "no unfinished upload is left"
finish
