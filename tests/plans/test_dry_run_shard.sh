#!/usr/bin/env bash
# --dry-run prints the plan (per worker its payloads, totals per target,
# skipped counts) and copies nothing; --shard I/N splits the objects into N
# disjoint shares that together are all of them; payload limits hold.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
# 1-16 KiB each: four of them stay under max_bytes, so max_objects is the limit that binds
check "load 90 objects" s3check load "$src" d 90 --size-range 1KiB-16KiB >/dev/null
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
local route = require "s3engine.recipes.route"
return {
  sources = { "s3://$src/d/" },
  targets = { media = "s3://$dst/media/", rest = "s3://$dst/rest/" },
  route = route.by_extension({ media = { "mp4", "jpg", "png" } }, { default = "rest" }),
  payload = { max_bytes = "100KiB", max_objects = 4 },
  workers = 3,
}
LUA
out=$(s3e --dry-run "$plan")
expect_eq $? 0 "dry run exits 0"
expect_contains "$out" "worker 3:" "payloads listed per worker"
expect_contains "$out" "s3://$dst/media/:" "totals per target"
expect_contains "$out" "dry run: nothing was copied" "says it copied nothing"
expect_eq "$(s3check count "s3://$dst/")" 0 "and nothing was copied"
expect_eq "$(awk '/^to copy:/ { print $3 }' <<<"$out")" 90 "all 90 planned"
# the lines are read, not skipped: the workers' counts add up to the 90 objects,
# each worker's payloads hold at most 4 on average, and no payload shown has more
workers=$(awk '$1 == "worker" && $2 ~ /^[0-9]+:$/ { print $3, $5 }' <<<"$out")
expect_eq "$(awk '{ s += $2 } END { print s + 0 }' <<<"$workers")" 90 "worker lines add up to 90 objects"
expect_eq "$(awk '$2 > 4 * $1' <<<"$workers")" "" "no worker has fewer than objects/4 payloads"
sizes=$(awk '$1 == "payload" && $2 ~ /^[0-9]+:$/ && $4 == "objects," { print $3 }' <<<"$out")
expect_ne "$sizes" "" "payload lines are shown"
expect_eq "$(awk '$1 > 4' <<<"$sizes")" "" "no payload above 4 objects"
expect_ne "$(awk '$1 == 4' <<<"$sizes")" "" "payloads are filled up to max_objects (4)"

total=0
for i in 0 1 2; do
  n=$(s3e --dry-run --shard "$i/3" "$plan" | awk '/^to copy:/ { print $3 }')
  total=$((total + n))
  [ "$n" -gt 0 ] || fail "shard $i/3 is empty"
done
expect_eq "$total" 90 "three shards add up to all objects"
for i in 0 1 2; do
  check "run shard $i/3" s3e --shard "$i/3" "$plan" -q
done
expect_eq "$(s3check count "s3://$dst/")" 90 "the three shards together copy everything once"

# past --hold objects the packer streams payloads to whichever worker is free
out=$(s3e --dry-run --force --hold 10 "$plan")
expect_contains "$out" "streamed" "--hold 10: the dry run says payloads are streamed"
expect_contains "$out" "any free worker:" "and shows them for any free worker"
cat >"$plan.stream.lua" <<LUA
return { sources = { "s3://$src/d/" }, target = "s3://$dst/streamed/", workers = 3,
         payload = { max_bytes = "100KiB", max_objects = 4 } }
LUA
on_exit rm -f "$plan.stream.lua"
check "a streamed run" s3e --hold 10 "$plan.stream.lua" -q
expect_copied "$src" d/ . "$dst" streamed/ "the streamed run copied everything"

# after a run, the dry run shows everything as already there
out=$(s3e --dry-run "$plan")
expect_contains "$out" "skipped: 90 objects already at the target" "dry run counts skipped objects"
finish
