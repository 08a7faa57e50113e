#!/usr/bin/env bash
# The uploads a lost CreateMultipartUpload answer made are found past the first
# page of ListMultipartUploads. Three answers to one object's create are lost
# after the server made the upload (reset on the way back), so the key has four
# uploads; the fault proxy answers ListMultipartUploads in pages of one upload,
# as AWS pages its answers (1000 by default; one page of one, here, so the test
# is small). The run follows the pages (key and upload id markers) and aborts
# all three: none is left. Reading only the first page left two or three.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "a 12 MiB object" s3check put "s3://$src/in/a.bin" 12MiB >/dev/null
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
ep=$(fault_proxy_start --only CreateMultipartUpload --rate reset-after=1 --max-faults 3 \
  --uploads-page 1) || { fail "fault proxy"; finish; }
rc=0; s3e "$plan" --endpoint "$ep" --multipart-cutoff 5MiB --part-size 5MiB -q || rc=$?
fault_proxy_stop
expect_eq "$(fault_count fault=reset-after)" 3 "three CreateMultipartUpload answers were lost"
[ "$(fault_count op=ListMultipartUploads)" -ge 4 ] && _ok "the listing was read page by page" ||
  fail "only $(fault_count op=ListMultipartUploads) ListMultipartUploads requests"
grep 'op=ListMultipartUploads' "$FAULT_PROXY_LOG" | grep -q 'upload-id-marker=' &&
  _ok "a later page was asked for with its markers" || fail "no request with upload-id-marker"
expect_eq "$rc" 0 "the run completes"
check "the object copied whole" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(s3check uploads "$dst")" 0 "no unfinished upload is left"
finish
