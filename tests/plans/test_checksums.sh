#!/usr/bin/env bash
# Issue #12, item 1: a target's checksum_algorithm (x-amz-checksum-algorithm on
# CopyObject and CreateMultipartUpload) and verification by S3's additional
# checksums. radosgw 16 keeps none, so the fault proxy answers as AWS documents
# (--checksums, tests/faultproxy/checksums.py): objects have checksums, copies
# get the one asked for, a multipart upload with a COMPOSITE checksum
# (CRC32/CRC32C/SHA1/SHA256 unless FULL_OBJECT is asked) must name every
# part's checksum on CompleteMultipartUpload, and HEADs show them.
# Checked: single and multipart copies with CRC64NVME, CRC32 and SHA256 are
# byte-exact and verified by checksum where both sides have a full-object one
# of that algorithm (report: size+checksum); a copy whose checksum differs from
# its source's is deleted and reported failed; reruns copy nothing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "load 6 objects" s3check load "$src" in 6 >/dev/null
check "a 7 MiB object (a multipart copy of 2 parts)" s3check put "s3://$src/in/big.bin" 7MiB >/dev/null
# AWS's default: objects uploaded without a checksum have CRC64NVME
ep=$(fault_proxy_start --checksums) || { fail "proxy"; finish; }

# plan ALG PREFIX: a plan copying in/ to PREFIX with checksum_algorithm ALG
plan() {
  cat >"$dir/$2.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "$2/", checksum_algorithm = "$1" } } }
LUA
}
# run PREFIX REPORT: s3engine through the proxy; sets rc and out
run() {
  rc=0
  out=$(s3e "$dir/$1.lua" --endpoint "$ep" --multipart-cutoff 5MiB --part-size 5MiB \
        --report "$dir/$2" 2>&1) || rc=$?
}
# verified REPORT KEY: the report's verified column of the object KEY below in/
verified() {
  "$S3CHECK_PYTHON" -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["source"].endswith("/" + sys.argv[2]): print(r["verified"])' "$dir/$1" "$2"
}
# checksum URL: "ALG TYPE VALUE" of an object as a HEAD with checksum mode shows it
checksum() {
  proxy_head "$ep" "$1" | awk '$1 == "x-amz-checksum-type:" { t = $2 }
    /^x-amz-checksum-(crc|sha)/ { a = toupper(substr($1, 16, length($1) - 16)); v = $2 }
    END { if (a != "") print a, t, v }'
}
small=$(s3check ls "s3://$src/in/" | awk -F'\t' '$1 != "in/big.bin" { print $1; exit }')
small=${small#in/}

# ---- 1. CRC64NVME (the sources' algorithm): every copy verified by checksum ----------
plan CRC64NVME a
run a a.csv
expect_eq "$rc" 0 "CRC64NVME: exit 0"
expect_eq "$(summary_value "$out" copied)" 7 "CRC64NVME: 7 objects copied"
check "CRC64NVME: the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/a/"
expect_eq "$(verified a.csv big.bin)" "size+checksum" \
  "CRC64NVME: the multipart copy is verified by size and checksum"
expect_eq "$(verified a.csv "$small")" "size+etag+checksum" \
  "CRC64NVME: a CopyObject is verified by size, MD5 ETag and checksum"
sum=$(checksum "s3://$src/in/big.bin")
expect_contains "$sum" "CRC64NVME FULL_OBJECT " "the source has AWS's default checksum"
expect_eq "$(checksum "s3://$dst/a/big.bin")" "$sum" \
  "CRC64NVME: the multipart copy's checksum is the source's (FULL_OBJECT)"

# ---- 2. CRC32 on sources with CRC32 checksums (as if uploaded with one) --------------
fault_proxy_set --checksums --checksum-default CRC32
plan CRC32 b
run b b.csv
expect_eq "$rc" 0 "CRC32: exit 0 (before: CompleteMultipartUpload without the parts' checksums was refused)"
expect_eq "$(fault_count 'op=CompleteMultipartUpload fault=checksum status=400')" 0 \
  "CRC32: no CompleteMultipartUpload refused"
expect_eq "$(summary_value "$out" copied)" 7 "CRC32: 7 objects copied"
check "CRC32: the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/b/"
expect_eq "$(verified b.csv big.bin)" "size+checksum" \
  "CRC32: the multipart copy (FULL_OBJECT asked) is verified by size and checksum"
sum=$(checksum "s3://$src/in/big.bin")
expect_contains "$sum" "CRC32 FULL_OBJECT " "the source has a CRC32 now"
expect_eq "$(checksum "s3://$dst/b/big.bin")" "$sum" \
  "CRC32: the multipart copy's checksum is the source's whole-object CRC32"
expect_eq "$(verified b.csv "$small")" "size+etag+checksum" "CRC32: a CopyObject by checksum too"
run b b2.csv
expect_eq "$rc" 0 "CRC32: the rerun exits 0"
expect_eq "$(report_col "$dir/b2.csv" status | sort -u)" "skipped" "CRC32: the rerun copies nothing"

# ---- 3. SHA256: no FULL_OBJECT for SHA, so the multipart copy is COMPOSITE -------------
plan SHA256 c
run c c.csv
expect_eq "$rc" 0 "SHA256: exit 0"
expect_eq "$(summary_value "$out" copied)" 7 "SHA256: 7 objects copied"
check "SHA256: the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/c/"
expect_contains "$(checksum "s3://$dst/c/big.bin")" "SHA256 COMPOSITE " \
  "SHA256: the multipart copy has a composite checksum"
expect_eq "$(checksum "s3://$dst/c/big.bin" | sed 's/.*-//')" 2 "of its 2 parts (-2)"
expect_contains "$(checksum "s3://$dst/c/$small")" "SHA256 FULL_OBJECT " \
  "SHA256: a CopyObject's copy has the SHA256 asked for (the source has a CRC32)"
expect_eq "$(verified c.csv "$small")" "size+etag" "and is verified by size and MD5 ETag"
expect_eq "$(verified c.csv big.bin)" "size" \
  "SHA256: the multipart copy is verified by size (a composite checksum is not the source's)"
run c c2.csv
expect_eq "$(report_col "$dir/c2.csv" status | sort -u)" "skipped" "SHA256: the rerun copies nothing"

# ---- 4. a copy whose checksum is not its source's: deleted, reported failed -----------
fault_proxy_set --checksums --checksum-default CRC32 --checksum-corrupt "^$dst/d/(big.bin|$small)\$"
plan CRC32 d
run d d.csv
expect_eq "$rc" 1 "a wrong checksum: exit 1"
expect_eq "$(summary_value "$out" copied)" 5 "the 5 others are copied"
expect_eq "$(report_col "$dir/d.csv" status | grep -c failed)" 2 "the 2 are reported failed"
expect_contains "$(grep -F "$small" "$dir/d.csv")" "checksum differs" "the report says the checksum differs"
expect_eq "$(s3check count "s3://$dst/d/")" 5 "the 2 bad copies were deleted"
expect_eq "$(s3check uploads "$dst")" 0 "no upload left"
fault_proxy_set --checksums --checksum-default CRC32
run d d2.csv
expect_eq "$rc" 0 "the next run exits 0"
expect_eq "$(summary_value "$out" copied)" 2 "and copies the 2"
check "the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/d/"
run d d3.csv
expect_eq "$(report_col "$dir/d3.csv" status | sort -u)" "skipped" "a rerun copies nothing"

# ---- 5. streamed copies: s3engine computes each body's checksum and sends it ----------
fault_proxy_set --checksums # the sources' checksums: CRC64NVME again
# (PutObject and UploadPart with x-amz-checksum-<alg>: the proxy refuses a value that is
# not the body's with 400 BadDigest, as S3 does; CompleteMultipartUpload names them)
for alg in CRC32C CRC64NVME SHA256; do
  p=s-$(tr 'A-Z' 'a-z' <<<"$alg")
  plan "$alg" "$p"
  rc=0
  out=$(s3e "$dir/$p.lua" --endpoint "$ep" --stream --multipart-cutoff 5MiB --part-size 5MiB \
        --report "$dir/$p.csv" 2>&1) || rc=$?
  expect_eq "$rc" 0 "streamed, $alg: exit 0"
  expect_eq "$(summary_value "$out" copied)" 7 "streamed, $alg: 7 objects copied"
  check "streamed, $alg: the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/$p/"
  expect_contains "$(checksum "s3://$dst/$p/$small")" "$alg FULL_OBJECT " \
    "streamed, $alg: a PutObject's copy has the checksum s3engine computed"
  expect_contains "$(checksum "s3://$dst/$p/big.bin")" "$alg " \
    "streamed, $alg: so has the multipart copy"
done
# Counted once per object and part: on a loaded machine (the sanitizer builds) a part that
# radosgw answers after the client's silence limit is sent again, and both answers are 200.
accepted() { # OP: the distinct requests (path and query) of OP that S3 answered 200
  grep " op=$1 fault=aws status=200 " "$FAULT_PROXY_LOG" | awk '{print $5}' | sort -u | wc -l
}
expect_eq "$(accepted PutObject)" 18 \
  "every streamed PutObject sent its checksum and S3 found it right (no BadDigest)"
expect_eq "$(accepted UploadPart)" 6 "every streamed UploadPart too"
expect_eq "$(grep -c 'status=400' "$FAULT_PROXY_LOG")" 0 "nothing was refused"
expect_eq "$(checksum "s3://$dst/s-crc64nvme/big.bin")" "$(checksum "s3://$dst/a/big.bin")" \
  "streamed, CRC64NVME: the multipart copy's whole-object checksum is the server-side copy's"
expect_eq "$(verified s-crc64nvme.csv big.bin)" "size+etag+checksum" \
  "streamed, CRC64NVME: verified by the MD5 of the bytes read and the source's checksum"
rc=0
s3e "$dir/s-crc32c.lua" --endpoint "$ep" --stream --multipart-cutoff 5MiB --part-size 5MiB \
  --report "$dir/s2.csv" >/dev/null 2>&1 || rc=$?
expect_eq "$rc:$(report_col "$dir/s2.csv" status | sort -u)" "0:skipped" "streamed: a rerun copies nothing"
finish
