#!/usr/bin/env bash
# A response cut off inside its header block (the connection closed before the
# blank line) is a failed request, retried, never read as a whole answer: a
# multipart copy whose source HEAD or GetObjectTagging was cut keeps its
# content headers, metadata and tags, or the object is reported failed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "a 12 MiB object with content headers, metadata and tags" \
  s3check put "s3://$src/in/clip.mp4" 12MiB --content-type video/mp4 --meta a=1 --meta b=2 \
    --tag t=1 --header CacheControl=max-age=60 >/dev/null
MP=(--multipart-cutoff 5MiB --part-size 5MiB)
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA

# cut_once OPERATION: the first answer to OPERATION is cut in its headers
cut_once() {
  local op=$1 ep rc=0 before
  before=$(fault_count fault=cut-headers)
  s3check empty "s3://$dst/" >/dev/null
  ep=$(fault_proxy_start --only "$op" --path "^/$src/" --rate cut-headers=1 --max-faults 1) ||
    { fail "fault proxy"; return; }
  s3e "$plan" --endpoint "$ep" "${MP[@]}" -q || rc=$?
  expect_eq "$(($(fault_count fault=cut-headers) - before))" 1 "$op: one answer was cut in its headers"
  fault_proxy_stop
  expect_eq "$rc" 0 "$op cut once: the request is retried and the run exits 0"
  check "$op cut once: bytes, content headers, metadata and tags all at the destination" \
    s3check same-tree "s3://$src/in/" "s3://$dst/out/"
}
cut_once HeadObject
cut_once GetObjectTagging

# every HEAD of the source cut: the object fails, nothing half-made is left
s3check empty "s3://$dst/" >/dev/null
ep=$(fault_proxy_start --only HeadObject --path "^/$src/" --rate cut-headers=1) || { fail "fault proxy"; finish; }
rc=0; err=$(s3e "$plan" --endpoint "$ep" "${MP[@]}" --retries 2 2>&1 >/dev/null) || rc=$?
fault_proxy_stop
expect_eq "$rc" 1 "every HEAD cut: the object is reported failed"
expect_contains "$err" "ended inside its headers" "and the error says why"
expect_eq "$(s3check count "s3://$dst/")" 0 "no copy without its metadata"
expect_eq "$(s3check uploads "$dst")" 0 "no upload left"
finish
