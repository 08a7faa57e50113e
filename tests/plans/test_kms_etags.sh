#!/usr/bin/env bash
# Issue #12, item 1: an SSE-KMS target, where AWS's ETags are not the MD5 of the
# bytes. radosgw's are, so the fault proxy answers for the target bucket as AWS
# does (every MD5 ETag replaced by other hex digits, aws:kms in HEADs). Copies
# must verify (by size and content headers, not by ETag: before, every good
# copy failed verification and was deleted), and a rerun must copy nothing
# (before, every rerun copied everything again). Then a target that is really
# SSE-KMS (radosgw's testing KMS, set up by scripts/run-tests.sh), small and
# multipart copies: copied on radosgw, then run again through the proxy, whose
# ETags for it are AWS's kind: the rerun copies nothing and leaves the copies
# encrypted with the key.
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

# ---- a real SSE-KMS target --------------------------------------------------------
check "a 7 MiB object" s3check put "s3://$src/in/big.bin" 7MiB >/dev/null
cat >"$dir/kms.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "kms/", sse = "aws:kms",
                             kms_key_id = "testkey-1" } },
         multipart_cutoff = "5MiB", part_size = "5MiB" }
LUA
# encrypted KEYS: how many of the copies under kms/ radosgw holds with testkey-1
encrypted() {
  "$S3CHECK_PYTHON" - "$dst" "$PLAN_LIB_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import s3check
s3 = s3check.client()
n = 0
for o in s3.list_objects_v2(Bucket=sys.argv[1], Prefix="kms/").get("Contents", []):
    h = s3.head_object(Bucket=sys.argv[1], Key=o["Key"])
    n += h.get("ServerSideEncryption") == "aws:kms" and h.get("SSEKMSKeyId") == "testkey-1"
print(n)
PY
}
rc=0
s3e "$dir/kms.lua" --report "$dir/k1.csv" >"$dir/k1.out" 2>&1 || rc=$?
expect_eq "$rc:$(grep -c ',copied,' "$dir/k1.csv")" "0:21" "SSE-KMS target: 21 copied (exit 0)"
expect_eq "$(encrypted)" 21 "every copy is encrypted with testkey-1"
check "the SSE-KMS copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/kms/"
n=$(wc -l <"$FAULT_PROXY_LOG")
rc=0
s3e "$dir/kms.lua" --endpoint "$ep" --report "$dir/k2.csv" >"$dir/k2.out" 2>&1 || rc=$?
expect_eq "$rc" 0 "SSE-KMS target with AWS's ETags: the rerun exits 0"
expect_eq "$(report_col "$dir/k2.csv" status | sort | uniq -c | tr -s ' ')" " 21 skipped" \
  "SSE-KMS target with AWS's ETags: the rerun copies nothing"
expect_eq "$(tail -n +$((n + 1)) "$FAULT_PROXY_LOG" | grep -c 'op=CopyObject\|op=UploadPartCopy\|op=DeleteObject')" 0 \
  "no copy or delete in the rerun"
expect_ne "$(grep -c 'kms-etag' <(tail -n +$((n + 1)) "$FAULT_PROXY_LOG"))" 0 "its answers had SSE-KMS ETags"
expect_eq "$(encrypted)" 21 "the copies are still encrypted with testkey-1"
finish
