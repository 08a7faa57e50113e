#!/usr/bin/env bash
# A manifest source (CSV with a header naming its columns), one object in it
# that does not exist: the others are copied, the missing one is retried,
# reported and counted, and the exit status is 1. Then Ctrl-C in the middle
# of a run: exit 130, no multipart upload left, and a second run completes.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 12 objects" s3check load "$src" man 12 >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"
{
  echo "size,key,bucket,etag"
  s3check ls "s3://$src/man/" | awk -F'\t' -v b="$src" '{ printf "%s,\"%s\",%s,%s\n", $2, $1, b, $3 }'
  echo "10,man/gone.bin,$src,0123456789abcdef0123456789abcdef"
} >"$dir/list.csv"
cat >"$dir/plan.lua" <<LUA
return { sources = { { manifest = "list.csv" } }, target = "s3://$dst/from-manifest/" }
LUA
out=$(cd "$dir" && s3e plan.lua --report report.jsonl 2>"$dir/err")
expect_eq $? 1 "a failed object gives exit status 1"
expect_eq "$(summary_value "$out" copied)" 12 "the other 12 are copied"
expect_eq "$(summary_value "$out" failed)" 1 "one failure counted"
expect_contains "$(cat "$dir/err")" "man/gone.bin" "the failure is logged with its key"
expect_contains "$(grep gone.bin "$dir/report.jsonl")" '"status":"failed"' "report row says failed"
expect_contains "$(grep gone.bin "$dir/report.jsonl")" "NoSuchKey" "report row has the S3 error code"
expect_copied "$src" man/ . "$dst" from-manifest/man/ "manifest objects copied with their keys"

# Ctrl-C: objects in flight finish or are aborted cleanly; nothing half-written.
check "load 1500 objects and two 30 MiB ones" s3check load "$src" many 1500 >/dev/null
check "big 1" s3check put "s3://$src/many/big1.bin" 30MiB >/dev/null
check "big 2" s3check put "s3://$src/many/big2.bin" 30MiB >/dev/null
cat >"$dir/many.lua" <<LUA
return { sources = { "s3://$src/many/" }, target = "s3://$dst/many/", workers = 1 }
LUA
"$S3ENGINE" "$dir/many.lua" --multipart-cutoff 5MiB --part-size 5MiB --part-concurrency 1 -q &
pid=$!
sleep 1
kill -INT $pid
rc=0
wait $pid || rc=$?
expect_eq "$rc" 130 "interrupted run exits 130"
expect_eq "$(s3check uploads "$dst")" 0 "no multipart upload left behind"
n=$(s3check count "s3://$dst/many/")
[ "$n" -lt 1502 ] || fail "the interrupt came too late to test anything (all $n copied)"
out=$(s3e "$dir/many.lua" --multipart-cutoff 5MiB --part-size 5MiB)
expect_eq $? 0 "second run exits 0"
expect_eq "$(summary_value "$out" skipped)" "$n" "second run skips what the first finished"
expect_copied "$src" many/ . "$dst" many/ "destination complete after the second run"
finish
