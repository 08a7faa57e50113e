#!/usr/bin/env bash
# Issue #12, item 1: an SSE-KMS target, where AWS's ETags are not the MD5 of the
# bytes. radosgw's are, so the fault proxy answers for the target bucket as AWS
# does (every MD5 ETag replaced by other hex digits, aws:kms in HEADs). Copies
# must verify (by size and content headers, not by ETag: before, every good
# copy failed verification and was deleted), and a rerun must copy nothing
# (before, every rerun copied everything again).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "load 20 objects" s3check load "$src" in 20 >/dev/null
ep=$(fault_proxy_start --rate kms-etag=1 --path "^/$dst") || { fail "proxy"; finish; }
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/" } } }
LUA
rc=0
s3e "$dir/plan.lua" --endpoint "$ep" --report "$dir/a.csv" >"$dir/a.out" 2>&1 || rc=$?
expect_eq "$rc" 0 "copied to a target with SSE-KMS ETags (exit 0)"
expect_eq "$(report_col "$dir/a.csv" status | sort -u)" "copied" "every object is reported copied"
expect_eq "$(report_col "$dir/a.csv" verified | sort -u)" "size" "verified by size (the ETags are not MD5s)"
n=$(grep -c 'kms-etag' "$FAULT_PROXY_LOG")
[ "$n" -ge 20 ] && _ok "the target's answers had SSE-KMS ETags ($n)" || fail "only $n answers rewritten"
check "the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/out/"

rc=0
s3e "$dir/plan.lua" --endpoint "$ep" --report "$dir/b.csv" >"$dir/b.out" 2>&1 || rc=$?
expect_eq "$rc" 0 "the rerun exits 0"
expect_eq "$(report_col "$dir/b.csv" status | sort -u)" "skipped" "the rerun copies nothing"
expect_eq "$(grep -c 'op=CopyObject' <(tail -n +$((n + 1)) "$FAULT_PROXY_LOG"))" 0 \
  "no CopyObject in the rerun"
finish
