#!/usr/bin/env bash
# Faults the engine must ride out: 300 small objects and 4 multipart objects are
# copied through the fault proxy with 10% of requests faulted, of every kind a
# server may answer with and still be retried (503 SlowDown, 500, connection reset
# before the response and after the server did the work, headers or body cut off,
# 1 s delay, <Error> in a 200). The run must exit 0, and an independent client
# must find every object identical to its source (bytes, content type and
# headers, metadata, tags) and no upload left.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"

KINDS=${S3E_FAULT_KINDS:-slowdown,internal,reset-before,reset-after,cut-headers,cut-body,delay,error-in-200}
SEED=${S3E_FAULT_SEED:-258}  # a seed that also cuts a source's GetObjectTagging in its headers

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 300 small objects" s3check load "$src" in 300 >/dev/null
put_rich_objects "$src" in/rich/

ep=$(fault_proxy_start --seed "$SEED" --rate 0.1 --kinds "$KINDS") || { fail "proxy"; finish; }
plan=$(mktemp --suffix=.lua)
report=$(mktemp --suffix=.csv)
on_exit rm -f "$plan" "$report"
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/" } } }
LUA
start=$SECONDS
out=$(s3e "$plan" --endpoint "$ep" "${RICH_MP[@]}" --report "$report" 2>&1)
rc=$?
expect_eq $rc 0 "the run exits 0 despite the faults ($((SECONDS - start)) s)" ||
  printf '%s\n' "$out" | tail -n 20 >&2
fault_proxy_stop

total=$(wc -l <"$FAULT_PROXY_LOG")
faulted=$(grep -vc 'fault=none' "$FAULT_PROXY_LOG")
echo "# proxy: $total requests, $faulted faulted"
IFS=, read -ra kinds <<<"$KINDS"
for k in "${kinds[@]}"; do
  n=$(fault_count "fault=$k ")
  echo "# fault=$k: $n"
  expect_ne "$n" 0 "some requests got fault $k"
done
mp_faults=$(grep -E 'op=(HeadObject|GetObjectTagging|CreateMultipartUpload|UploadPartCopy|CompleteMultipartUpload|PutObjectTagging) ' \
  "$FAULT_PROXY_LOG" | grep -vc 'fault=none')
echo "# faults on the multipart path: $mp_faults"
expect_ne "$mp_faults" 0 "the multipart copies got faults too"

check "every object verified by an independent client (bytes, headers, metadata, tags)" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(s3check uploads "$dst")" 0 "no multipart upload left"
finish
