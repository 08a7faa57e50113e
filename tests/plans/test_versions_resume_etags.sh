#!/usr/bin/env bash
# versions = "all" stopped part way and run again, to a target whose ETags are
# not the MD5s of the bytes: versions above the multipart cutoff (ETag "...-N",
# on radosgw), and a target with AWS's SSE-KMS ETags (the fault proxy's
# kms-etag for the target bucket on the rerun). The target's versions cannot
# be matched to the source's by ETag, so a version of the same size at the
# same place in the order is confirmed by HEADs of both (size, content
# headers, metadata, encryption), as a current destination is. Stopped at a
# version the fault proxy refuses (InvalidObjectState), the rerun copies the
# versions from there only, in order: each source version once at the target.
# A look-alike (the target's newest version replaced by an object of its size
# with another Content-Type) is not taken as a copy. Before: the rerun copied
# every version again (the target held the first ones twice).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"
. "$PLAN_LIB_DIR/lib_versions.sh"

versioned_pair || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# six versions of v/k.txt, the fourth above the cutoff; six of w/k.txt, all below
# (the fault proxy's kms-etag cannot pass a multipart copy); in each the second and
# fifth of one size
sizes=(1000 2000 1500 6291456 2000 3000)
for i in 1 2 3 4 5 6; do
  check "v/k.txt version $i" s3check put "s3://$src/v/k.txt" "${sizes[$((i - 1))]}" --seed "k$i" >/dev/null
  check "w/k.txt version $i" s3check put "s3://$src/w/k.txt" "$((sizes[i - 1] % 5000))" --seed "w$i" >/dev/null
done

# the target, prefix PFX: version by version the source's first N versions
same_history() { expect_history "$(src_dir "$1")k.txt" "${1}k.txt" "$2" "$3"; }

# src_dir NAME/: the source prefix plan NAME copies (mp: v/, the others w/)
src_dir() { if [ "$1" = mp/ ]; then echo v/; else echo w/; fi; }

# plan NAME EXTRA: versions = "all" of its source prefix to NAME/, the target's fields EXTRA
plan() {
  cat >"$dir/$1.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "$(src_dir "$1/")", versions = "all" } },
         targets = { out = { bucket = "$dst", prefix = "$1/" $2 } },
         multipart_cutoff = "5MiB", part_size = "5MiB", workers = 1 }
LUA
}

# stopped NAME: run NAME with the third CopyObject refused (InvalidObjectState),
# then again; sets rc and out (the second run's summary)
stopped() {
  local ep
  ep=$(fault_proxy_start --only CopyObject --after 2 --max-faults 1 --rate archived=1) ||
    { fail "fault proxy"; return 1; }
  rc=0
  s3e "$dir/$1.lua" --endpoint "$ep" --report "$dir/$1-1.csv" -q >/dev/null 2>&1 || rc=$?
  fault_proxy_stop
  expect_eq "$rc:$(report_col "$dir/$1-1.csv" status | tr '\n' ' ')" \
    "1:copied copied archived failed failed failed " "$1: stopped at the third version"
  same_history "$1/" 2 "$1: the target holds versions 1 and 2"
  rerun "$1"
}

# rerun NAME: NAME again, through the fault proxy giving the target bucket AWS's
# SSE-KMS ETags (kms-etag); sets rc and out
rerun() {
  local ep
  ep=$(fault_proxy_start --rate kms-etag=1 --path "^/$dst") || { fail "fault proxy"; return 1; }
  rc=0
  out=$(s3e "$dir/$1.lua" --endpoint "$ep" 2>>"$dir/$1.err") || rc=$?
  fault_proxy_stop
}

# ---- SSE-KMS ETags at the target (AWS's, from the fault proxy) ---------------------
plan kms ''
stopped kms
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:4:2" \
  "kms: the rerun copies versions 3 to 6 and skips 1 and 2"
expect_ne "$(fault_count fault=kms-etag)" 0 "kms: the target's answers had SSE-KMS ETags"
same_history kms/ 6 "kms: each source version once, in order"
rerun kms
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:0:6" \
  "kms: a further rerun copies nothing"
same_history kms/ 6 "kms: still each source version once"

# ---- radosgw: the 6 MiB version a multipart copy ("-2" ETag) -------------------------
plan mp ''
ep=$(fault_proxy_start --only CopyObject --after 3 --max-faults 1 --rate archived=1) ||
  { fail "fault proxy"; finish; }
rc=0
s3e "$dir/mp.lua" --endpoint "$ep" --report "$dir/mp-1.csv" -q >/dev/null 2>&1 || rc=$?
fault_proxy_stop
expect_eq "$rc:$(report_col "$dir/mp-1.csv" status | tr '\n' ' ')" \
  "1:copied copied copied copied archived failed " "mp: stopped at the fifth version"
rc=0
out=$(s3e "$dir/mp.lua" 2>"$dir/mp.err") || rc=$?
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:2:4" \
  "mp: the rerun copies versions 5 and 6 and skips 1 to 4 (the fourth a multipart copy)"
same_history mp/ 6 "mp: each source version once, in order"
out=$(s3e "$dir/mp.lua" 2>>"$dir/mp.err")
expect_eq "$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:6" \
  "mp: a further rerun copies nothing"

# ---- a version of the same size but other metadata is not a copy --------------------
# stopped at the third version, then the target's second version replaced by an
# object of its size with another Content-Type: the target's history (1, X) does
# not end with a copy of version 2, so every version is copied
plan odd ''
ep=$(fault_proxy_start --only CopyObject --after 2 --max-faults 1 --rate archived=1) ||
  { fail "fault proxy"; finish; }
s3e "$dir/odd.lua" --endpoint "$ep" -q >/dev/null 2>&1
fault_proxy_stop
out=$("$S3CHECK_PYTHON" - "$dst" "$PLAN_LIB_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import s3check
s3 = s3check.client()
b, k = sys.argv[1], "odd/k.txt"
newest = [v for v in s3.list_object_versions(Bucket=b, Prefix=k)["Versions"] if v["IsLatest"]][0]
body = s3.get_object(Bucket=b, Key=k, VersionId=newest["VersionId"])["Body"].read()
s3.delete_object(Bucket=b, Key=k, VersionId=newest["VersionId"])
s3.put_object(Bucket=b, Key=k, Body=body, ContentType="text/x-other")
print(len(s3.list_object_versions(Bucket=b, Prefix=k)["Versions"]))
PY
)
expect_eq "$out" "2" "odd: the target's second version replaced by another object of its size"
rerun odd
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:6:0" \
  "odd: every version copied (the look-alike is not taken as version 2)"
finish
