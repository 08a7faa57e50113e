#!/usr/bin/env bash
# Streamed copies are state machines of requests on the workers' one event
# loop, not a thread each: eight objects streamed at once from cluster A to a
# second radosgw B (two of them multipart), their reads slowed by the fault
# proxy so that the run lasts, never have more than three threads (main, the
# loop, one spare) and the hash threads (one per CPU, at most 4: hash_pool.h),
# and every object is on B byte for byte with its content
# headers, metadata and tags (boto3 on both sides, cross_same.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_rgw2.sh"
. "$PLAN_LIB_DIR/lib_threads.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
rgw2_start "$dir" || finish
rgw2_profiles "$dir"
onb() { AWS_ENDPOINT_URL=$B_EP AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
src=$(fresh_bucket src) || finish
check "the same bucket name on cluster B" onb s3check mb "$src" >/dev/null
on_exit onb s3check rb "$src"
for i in 1 2 3 4 5; do
  s3check put "s3://$src/in/s$i.bin" 300KiB --seed "s$i" >/dev/null || fail "put s$i.bin"
done
check "a small object with metadata and tags" s3check put "s3://$src/in/t.bin" 70000 \
  --meta k=v --tag colour=blue --content-type text/x-t >/dev/null
check "a 12 MiB object with metadata and tags" s3check put "s3://$src/in/m1.bin" 12MiB \
  --seed m1 --meta k=w --tag colour=red --content-type video/x-t >/dev/null
check "a 17 MiB multipart source" s3check put "s3://$src/in/m2.bin" 17MiB --seed m2 >/dev/null

ep=$(fault_proxy_start --only GetObject --rate delay=1 --delay 0.5) ||
  { fail "fault proxy"; finish; }
cat >"$dir/plan.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/", endpoint = "$ep", profile = "a" } },
  targets = { out = { bucket = "$src", prefix = "out/", endpoint = "$B_EP", profile = "b" } },
}
LUA
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$dir" AWS_PROFILE=a \
  AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" AWS_CONFIG_FILE="$dir/config" \
  "$S3ENGINE" "$dir/plan.lua" --workers 8 --part-concurrency 2 --multipart-cutoff 5MiB \
  --part-size 5MiB -q --report "$dir/r.csv" &
pid=$!
peak=$(peak_threads "$pid")
rc=0; wait "$pid" || rc=$?
fault_proxy_stop
expect_eq "$rc" 0 "eight streamed copies: exit 0"
expect_eq "$(report_col "$dir/r.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "8 copied" "eight copied"
expect_eq "$(report_col "$dir/r.csv" method | sort -u)" "stream" "report: method stream"
[ "$(fault_count op=GetObject)" -ge 14 ] && _ok "their reads went through the proxy" ||
  fail "only $(fault_count op=GetObject) reads went through the proxy"
hashers=$(nproc); [ "$hashers" -gt 4 ] && hashers=4
limit=$((3 + hashers))
[ "$peak" -le "$limit" ] && _ok "at most $limit threads while eight streamed copies ran (peak $peak)" ||
  fail "peak of $peak threads while eight streamed copies ran (a thread per object?)"
check "every copy on B byte for byte, with its headers, metadata and tags (boto3)" \
  "$S3CHECK_PYTHON" "$PLAN_LIB_DIR/cross_same.py" "$AWS_ENDPOINT_URL" "$AWS_ACCESS_KEY_ID" \
  "$AWS_SECRET_ACCESS_KEY" "s3://$src/in/" "$B_EP" "$B_KEY" "$B_SECRET" "s3://$src/out/" >/dev/null
expect_eq "$(onb s3check uploads "s3://$src/")" 0 "no upload left on B"
expect_eq "$(s3check count "s3://$src/out/")" 0 "nothing written to cluster A"
finish
