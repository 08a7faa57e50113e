#!/usr/bin/env bash
# A copy on the loop that is not the copy asked for (here: its PutObjectTagging
# fails for good) is deleted, and only what the copy wrote is deleted: on a
# versioned target the version it wrote goes (DeleteObject with its versionId),
# so the object that was at the key before stays current, with no delete
# marker hiding it. Both upload paths: a multipart copy (UploadPartCopy) and a
# streamed multipart copy (GetObject + UploadPart, stream = true).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"
check "a tagged 12 MiB source" s3check put "s3://$src/in/t.bin" 12MiB --tag colour=blue
check "versioning on the target" s3check versioning "$dst"

one_path() { # NAME STREAM: an earlier object at the key, then a copy whose tagging fails
  local name=$1 stream=$2 rc=0 before after
  check "$name: an earlier object at the key" s3check put "s3://$dst/$name/t.bin" 1MiB
  before=$(s3check versions "s3://$dst/$name/" | cut -f2)
  cat >"$work/$name.lua" <<LUA
return { sources = { "s3://$src/in/" },
         target = { bucket = "$dst", prefix = "$name/", stream = $stream } }
LUA
  ep=$(fault_proxy_start --only PutObjectTagging --rate internal=1) || { fail "fault proxy"; return; }
  s3e "$work/$name.lua" --endpoint "$ep" --force --multipart-cutoff 5MiB --part-size 5MiB \
    --retries 1 -q --report "$work/$name.csv" 2>"$work/$name.err" || rc=$?
  fault_proxy_stop
  expect_eq "$rc" 1 "$name: the copy without its tags fails"
  expect_eq "$(report_col "$work/$name.csv" status)" failed "$name: reported failed"
  [ "$(fault_count op=PutObjectTagging)" -ge 1 ] && _ok "$name: its tagging was refused" ||
    fail "$name: no PutObjectTagging went through the proxy"
  after=$(s3check versions "s3://$dst/$name/")
  expect_eq "$(printf '%s\n' "$after" | grep -c .)" 1 \
    "$name: one version left at the key (the wrong copies gone, no delete marker): $after"
  expect_eq "$(printf '%s\n' "$after" | cut -f2,5,6 | tr '\t' ' ')" "$before latest version" \
    "$name: the earlier object is current again"
  expect_eq "$(s3check uploads "$dst")" 0 "$name: no unfinished upload"
}
one_path mp false
one_path stream true
finish
