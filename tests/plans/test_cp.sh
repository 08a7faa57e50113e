#!/usr/bin/env bash
# `s3engine cp`, the one-object copy on the event loop: small objects
# (CopyObject) and ones above the cutoff (a multipart copy, more parts than
# one) keep their bytes, content headers, user metadata and tags; the cutoff
# itself, keys with awkward characters (one multipart), an empty object and
# the "into a folder" form. Failures exit 1 with the reason and leave neither
# an object nor an unfinished upload: a missing source, a missing target
# bucket (CopyObject and CreateMultipartUpload), a wrong secret (not printed),
# a failing CompleteMultipartUpload or UploadPartCopy, a source deleted while
# its parts are copied. A bad argument exits 2.
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

# The cutoff: an object of exactly 5 MiB is one CopyObject, one byte more two parts.
check "put 5 MiB and 5 MiB + 1" s3check put "s3://$src/edge/at" 5MiB >/dev/null
check "put 5 MiB + 1" s3check put "s3://$src/edge/above" 5242881 >/dev/null
out=$(s3e cp "${RICH_MP[@]}" "s3://$src/edge/at" "s3://$dst/edge/at")
expect_eq "${out/multipart/}" "$out" "at the cutoff: no multipart copy ($out)"
out=$(s3e cp "${RICH_MP[@]}" "s3://$src/edge/above" "s3://$dst/edge/above")
expect_contains "$out" "multipart, 2 parts" "one byte above: two parts"
check "both copies the same" s3check same-tree "s3://$src/edge/" "s3://$dst/edge/"

# Keys with awkward characters (one of them multipart), an empty object, a copy
# "into a folder".
odd='dir with space/ü+%2F&=?#.bin'
check "put an awkward key" s3check put "s3://$src/$odd" 1000 >/dev/null
check "cp of the awkward key" s3e cp -q "s3://$src/$odd" "s3://$dst/$odd"
check "its copy is the same" s3check same "s3://$src/$odd" "s3://$dst/$odd"
odd2='mp/a+b c&d?e#f=g~h é/日本.bin' to2='mp copy/x+y %20&?#=~ é.bin'
check "put a 6 MiB awkward key" s3check put "s3://$src/$odd2" 6MiB --meta 'source=a+b c' \
  --tag 'k=v w' >/dev/null
out=$(s3e cp "${RICH_MP[@]}" "s3://$src/$odd2" "s3://$dst/$to2")
expect_contains "$out" "multipart, 2 parts" "the awkward key above the cutoff: multipart"
check "its copy is the same" s3check same "s3://$src/$odd2" "s3://$dst/$to2"
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
nobucket=$(fresh_bucket gone) && s3check rb "$nobucket" >/dev/null
for what in small multipart; do
  rc=0
  key=in/docs/small-1.txt
  [ $what = multipart ] && key=in/videos/big-1.mp4
  err=$(s3e cp "${RICH_MP[@]}" "s3://$src/$key" "s3://$nobucket/x" 2>&1 >/dev/null) || rc=$?
  expect_eq "$rc" 1 "$what, to a missing bucket: exit 1"
  expect_contains "$err" "NoSuchBucket" "$what: the error says NoSuchBucket"
done
expect_eq "$(s3check uploads "$src")" 0 "no upload made in the source's bucket either"
secret='cpWrongSecretKey0123456789abcdefXYZ'
rc=0
err=$(AWS_SECRET_ACCESS_KEY=$secret s3e cp "s3://$src/in/docs/small-1.txt" "s3://$dst/never" \
  2>&1 >/dev/null) || rc=$?
expect_eq "$rc" 1 "a wrong secret: exit 1"
expect_contains "$err" "403" "the error says 403"
expect_eq "${err/$secret/}" "$err" "and does not print the secret"
expect_eq "$(s3check count "s3://$dst/never")" 0 "and nothing is made"

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

# The source deleted while its parts are copied (each part held 1 s): exit 1, the
# part's NoSuchKey, the upload aborted, no target.
check "put a 20 MiB source" s3check put "s3://$src/vanishing.bin" 20MiB >/dev/null
ep=$(fault_proxy_start --only UploadPartCopy --rate delay=1 --delay 1) || fail "fault proxy"
rc=0
s3e cp "${RICH_MP[@]}" --part-concurrency 1 --endpoint "$ep" "s3://$src/vanishing.bin" \
  "s3://$dst/vanished.bin" 2>"$FAULT_PROXY_DIR/vanish.err" &
pid=$!
for _ in $(seq 300); do
  [ "$(s3check uploads "$dst")" -ge 1 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
check "delete the source while its parts are copied" s3check rm "s3://$src/vanishing.bin" >/dev/null
wait "$pid" || rc=$?
fault_proxy_stop
expect_eq "$rc" 1 "the source deleted part way: exit 1"
expect_contains "$(cat "$FAULT_PROXY_DIR/vanish.err")" "NoSuchKey" "the error says NoSuchKey"
expect_eq "$(s3check uploads "$dst")" 0 "the upload aborted"
expect_eq "$(s3check count "s3://$dst/vanished.bin")" 0 "no target"
finish
