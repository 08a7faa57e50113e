#!/usr/bin/env bash
# Issue #12, item 2: a target with sse = "AES256" (SSE-S3). radosgw 16 has no
# SSE-S3 (it ignores the header; its "rgw crypt default encryption key"
# encrypts every object and then refuses to copy them, 501), so:
#  - on radosgw itself the copies are not encrypted as asked: each is deleted
#    and reported failed, nothing is left behind (never a plain copy passed off
#    as encrypted);
#  - through the fault proxy answering as AWS does (--sse-s3: every object is
#    SSE-S3 unless SSE-KMS or SSE-C, and says so), every CopyObject and
#    CreateMultipartUpload asks for AES256, the copies are byte-exact and
#    verified, and a rerun copies nothing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "load 5 objects" s3check load "$src" in 5 >/dev/null
check "a 7 MiB object (a multipart copy)" s3check put "s3://$src/in/big.bin" 7MiB >/dev/null
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/", sse = "AES256" } } }
LUA
# run ENDPOINT REPORT: sets rc and out
run() {
  rc=0
  out=$(s3e "$dir/plan.lua" --endpoint "$1" --multipart-cutoff 5MiB --part-size 5MiB \
        --report "$dir/$2" 2>&1) || rc=$?
}
# sse URL: the encryption a HEAD through the proxy shows
sse() { proxy_head "$ep" "$1" | sed -n 's/^x-amz-server-side-encryption: //p'; }

# ---- radosgw 16 alone: no SSE-S3, so no copy passes -----------------------------
run "$AWS_ENDPOINT_URL" r.csv
expect_eq "$rc" 1 "radosgw alone: exit 1"
expect_eq "$(report_col "$dir/r.csv" status | sort -u)" "failed" "radosgw alone: every object failed"
expect_contains "$(report_col "$dir/r.csv" error | sort -u)" "is not encrypted as sse asked" \
  "radosgw alone: the report says the copy was not encrypted"
expect_eq "$(s3check count "s3://$dst/out/")" 0 "radosgw alone: no unencrypted copy is left"
expect_eq "$(s3check uploads "$dst")" 0 "radosgw alone: no upload left"

# ---- as AWS does it -----------------------------------------------------------
ep=$(fault_proxy_start --sse-s3) || { fail "proxy"; finish; }
run "$ep" a.csv
expect_eq "$rc" 0 "SSE-S3: exit 0"
expect_eq "$(summary_value "$out" copied)" 6 "SSE-S3: 6 objects copied"
expect_eq "$(grep -c "^SSE-S3 CopyObject /$dst/out/" "$FAULT_PROXY_LOG")" 5 \
  "SSE-S3: every CopyObject asked for AES256"
expect_eq "$(grep -c "^SSE-S3 CreateMultipartUpload /$dst/out/big.bin" "$FAULT_PROXY_LOG")" 1 \
  "SSE-S3: the multipart copy's CreateMultipartUpload asked for AES256"
expect_eq "$(grep -c 'op=CreateMultipartUpload' "$FAULT_PROXY_LOG")" 1 \
  "SSE-S3: no small object needed the multipart fallback (the copies were encrypted)"
check "SSE-S3: the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(sse "s3://$dst/out/big.bin")" "AES256" "SSE-S3: a HEAD says AES256"
expect_eq "$(report_col "$dir/a.csv" verified | sort -u | tr '\n' ' ')" "size size+etag " \
  "SSE-S3: verified by size and MD5 ETag (SSE-S3 ETags are MD5s), multipart by size"
run "$ep" b.csv
expect_eq "$rc" 0 "SSE-S3: the rerun exits 0"
expect_eq "$(report_col "$dir/b.csv" status | sort -u)" "skipped" "SSE-S3: the rerun copies nothing"
finish
