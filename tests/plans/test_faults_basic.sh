#!/usr/bin/env bash
# Faults the engine must ride out: 300 small objects and 2 multipart objects are
# copied through the fault proxy with 10% of requests faulted (503 SlowDown, 500,
# connection reset before the response, 1 s delay, <Error> in a 200). The run
# must exit 0, and an independent client must find every object identical to its
# source (bytes, content type and headers, metadata, tags) and no upload left.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

KINDS=${S3E_FAULT_KINDS:-slowdown,internal,reset-before,delay,error-in-200}
SEED=${S3E_FAULT_SEED:-9}

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 300 small objects" s3check load "$src" in 300 >/dev/null
check "a multipart object with metadata, tags and content headers" \
  s3check put "s3://$src/in/videos/big-1.mp4" 12MiB --content-type video/mp4 \
  --meta origin=camera-7 --meta take=3 --tag project=atlas --tag stage=raw \
  --header CacheControl=max-age=600 --header ContentDisposition=inline >/dev/null
check "a second multipart object" \
  s3check put "s3://$src/in/data/big-2.bin" 11MiB --content-type application/x-tar \
  --meta k=v --tag a=b --header ContentLanguage=en >/dev/null
check "a small object with metadata, tags and content headers" \
  s3check put "s3://$src/in/docs/small-meta.txt" 3000 --content-type text/markdown \
  --meta author=ana --tag class=public --header CacheControl=no-cache >/dev/null

ep=$(fault_proxy_start --seed "$SEED" --rate 0.1 --kinds "$KINDS") || { fail "proxy"; finish; }
plan=$(mktemp --suffix=.lua)
report=$(mktemp --suffix=.csv)
on_exit rm -f "$plan" "$report"
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/" } } }
LUA
start=$SECONDS
out=$(s3e "$plan" --endpoint "$ep" --multipart-cutoff 5MiB --part-size 5MiB \
        --report "$report" 2>&1)
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
expect_ne "$(grep -c 'op=UploadPartCopy' "$FAULT_PROXY_LOG")" 0 "the multipart objects went through the proxy"

check "every object verified by an independent client (bytes, headers, metadata, tags)" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(s3check uploads "$dst")" 0 "no multipart upload left"
finish
