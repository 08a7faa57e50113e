#!/usr/bin/env bash
# `s3engine cp`, the one-object copy: small objects (CopyObject) and ones above
# the cutoff (a multipart copy, more parts than one) keep their bytes, content
# headers, user metadata and tags; a key with awkward characters, an empty
# object and the "into a folder" form; a missing source and a copy whose
# multipart upload fails exit 1 and leave neither an object nor an unfinished
# upload; a bad argument exits 2.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
put_rich_objects "$src" in/

# Every rich object, one cp each: 4 multipart (6-12 MiB, 5 MiB parts), 6 small.
keys=$(s3check ls "s3://$src/in/" | cut -f1)
n=0 mp=0
for k in $keys; do
  rest=${k#in/}
  out=$(s3e cp "${RICH_MP[@]}" "s3://$src/$k" "s3://$dst/out/$rest") || {
    fail "cp $k: exit $?"
    continue
  }
  n=$((n + 1))
  case $out in *multipart*) mp=$((mp + 1)) ;; esac
done
expect_eq "$n" 10 "ten objects copied one by one"
expect_eq "$mp" 4 "the four above the cutoff as multipart copies"
check "every copy byte for byte, with its content headers, metadata and tags" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
out=$(s3e cp "${RICH_MP[@]}" "s3://$src/in/videos/big-1.mp4" "s3://$dst/again.mp4")
expect_contains "$out" "multipart, 3 parts" "a 12 MiB object in three 5 MiB parts"

# A key with awkward characters, an empty object, a copy "into a folder".
odd='dir with space/ü+%2F&=?#.bin'
check "put an awkward key" s3check put "s3://$src/$odd" 1000 >/dev/null
check "cp of the awkward key" s3e cp -q "s3://$src/$odd" "s3://$dst/$odd"
check "its copy is the same" s3check same "s3://$src/$odd" "s3://$dst/$odd"
check "put an empty object" s3check put "s3://$src/empty" 0 >/dev/null
check "cp of an empty object, cutoff 1 byte" s3e cp -q --multipart-cutoff 1 \
  "s3://$src/empty" "s3://$dst/empty"
check "the empty copy is the same" s3check same "s3://$src/empty" "s3://$dst/empty"
check "cp into a folder keeps the name" s3e cp -q "s3://$src/in/docs/small-1.txt" "s3://$dst/folder/"
check "into a folder: the copy is there" s3check same "s3://$src/in/docs/small-1.txt" \
  "s3://$dst/folder/small-1.txt"

# Failures: exit 1, a line that says why, nothing left at the target.
rc=0
err=$(s3e cp "s3://$src/no-such-key" "s3://$dst/missing" 2>&1 >/dev/null) || rc=$?
expect_eq "$rc" 1 "a missing source: exit 1"
expect_contains "$err" "404" "and the error says 404"
expect_eq "$(s3check count "s3://$dst/missing")" 0 "and nothing is made"
expect_exit 2 "$S3ENGINE" cp "s3://$src" "s3://$dst/x"

failing() {
  local what=$1 key=$2 ep rc=0
  shift 2
  ep=$(fault_proxy_start "$@") || { fail "fault proxy"; return; }
  s3e cp "${RICH_MP[@]}" --part-concurrency 1 --retries 1 --endpoint "$ep" \
    "s3://$src/in/videos/big-1.mp4" "s3://$dst/fail/$key" 2>"$FAULT_PROXY_DIR/err" || rc=$?
  fault_proxy_stop
  expect_eq "$rc" 1 "$what: exit 1"
  expect_eq "$(s3check uploads "$dst")" 0 "$what: no unfinished upload left" ||
    cat "$FAULT_PROXY_DIR/err" >&2
  expect_eq "$(s3check count "s3://$dst/fail/")" 0 "$what: no object either"
}
failing "every CompleteMultipartUpload fails" complete --only CompleteMultipartUpload \
  --rate internal=1
failing "every UploadPartCopy fails" parts --only UploadPartCopy --rate internal=1
finish
