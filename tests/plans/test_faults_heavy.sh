#!/usr/bin/env bash
# 30% of the object requests faulted and only 2 attempts per request: objects
# fail, and each failure is reported (a "failed" row with its error, exit 1),
# none is lost silently, nothing at the destination is a wrong copy and no
# upload is left. A rerun without faults then completes and everything verifies.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"

KINDS=slowdown,internal,reset-before,reset-after,cut-headers,cut-body,delay,error-in-200
OBJECT_OPS=HeadObject,GetObjectTagging,CopyObject,CreateMultipartUpload,UploadPartCopy,CompleteMultipartUpload,PutObjectTagging,ListMultipartUploads,AbortMultipartUpload

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 150 small objects" s3check load "$src" in 150 >/dev/null
put_rich_objects "$src" in/rich/
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
s3check ls "s3://$src/in/" | cut -f1 | sed "s|^|s3://$src/|" | LC_ALL=C sort >"$work/sources"

# the listings pass: this test is about objects failing, not the run
ep=$(fault_proxy_start --seed 30 --rate 0.3 --kinds "$KINDS" --delay 0.5 --only "$OBJECT_OPS") ||
  { fail "proxy"; finish; }
rc=0
s3e "$work/plan.lua" --endpoint "$ep" "${RICH_MP[@]}" --retries 2 --report "$work/r1.csv" \
  -q 2>"$work/err1" || rc=$?
fault_proxy_stop
echo "# proxy: $(wc -l <"$FAULT_PROXY_LOG") requests, $(grep -vc 'fault=none' "$FAULT_PROXY_LOG") faulted"
expect_eq "$rc" 1 "the faulted run exits 1"
report_status "$work/r1.csv" >"$work/status1"
failed=$(grep -c '^failed' "$work/status1")
echo "# $failed objects failed, $(grep -c '^copied' "$work/status1") copied"
expect_ne "$failed" 0 "some objects failed"
expect_eq "$(cut -f2 "$work/status1" | LC_ALL=C sort)" "$(cat "$work/sources")" "one report row for each source object, none lost"
expect_eq "$(cut -f1 "$work/status1" | grep -cvxE 'copied|failed')" 0 "each row says copied or failed"
check "each failed row says why" /usr/bin/python3 -c '
import csv, sys
bad = [r for r in csv.reader(open(sys.argv[1], newline="")) if r[3] == "failed" and not r[4]]
sys.exit(1 if bad else 0)' "$work/r1.csv"
expect_eq "$(grep -c "error: s3://$src/.* -> s3://$dst/" "$work/err1")" "$failed" "and each failure is logged"

out=$(s3check same-tree --missing-ok "s3://$src/in/" "s3://$dst/out/")
expect_eq "$?" 0 "every object at the destination is the source's copy (bytes, headers, metadata, tags)" ||
  printf '%s\n' "$out" | grep -v '^missing' | head -20 >&2
grep '^missing' <<<"$out" | cut -f2 | sed "s|^|s3://$src/in/|" >"$work/missing"
expect_eq "$(comm -23 "$work/missing" <(grep '^failed' "$work/status1" | cut -f2 | LC_ALL=C sort))" "" \
  "every object missing at the destination has a failed row"
expect_eq "$(s3check uploads "$dst")" 0 "no multipart upload left by a run that failed objects"

rc=0
s3e "$work/plan.lua" "${RICH_MP[@]}" --report "$work/r2.csv" -q || rc=$?
expect_eq "$rc" 0 "a rerun without faults completes"
check "everything verified after the rerun" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(s3check uploads "$dst")" 0 "no upload left"
finish
