#!/usr/bin/env bash
# Fan-out to two buckets (examples/fanout.lua), a date re-partitioning key
# rewrite (examples/date_partition.lua) and a shared recipe from the plan's
# folder (examples/shared_recipe.lua).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
a=$(fresh_bucket primary) || finish
b=$(fresh_bucket backup) || finish
check "load 60 objects" s3check load "$src" m 60 >/dev/null
check "put tmp/ objects that must not be copied" s3check put "s3://$src/m/tmp/x.mp4" 100 >/dev/null
check "fan-out plan runs" s3e "$PLAN_ROOT/examples/fanout.lua" --arg src="$src" --arg prefix=m/ \
      --arg dst="$a" --arg backup="$b" -q
expect_copied "$src" m/ '^[^t]' "$a" "" "every object in the primary bucket, tmp/ left out"
expect_copied "$src" m/ '^[^t]' "$b" copy/ "every object in the backup bucket too"

# date partitions from last_modified (UTC), path below the prefix kept
c=$(fresh_bucket lake) || finish
sleep 1 # the plan takes objects older than 1 s
check "date partition plan runs" s3e "$PLAN_ROOT/examples/date_partition.lua" --arg src="$src" \
      --arg prefix=m/ --arg dst="$c" --arg min_age=1s -q
day=$(date -u +year=%Y/month=%m/day=%d)
expect_copied "$src" m/ . "$c" "events/$day/" "keys rewritten to events/$day/<path>"

# a shared recipe found next to the plan; keys lower-cased by a rewrite
d=$(fresh_bucket media) || finish
check "put an upper-case name" s3check put "s3://$src/s/Clip.MP4" 1000 >/dev/null
check "put a sidecar" s3check put "s3://$src/s/Clip.json" 10 >/dev/null
check "put a file no rule takes" s3check put "s3://$src/s/readme.txt" 10 >/dev/null
check "shared recipe plan runs" s3e "$PLAN_ROOT/examples/shared_recipe.lua" --arg src="$src" \
      --arg prefix=s/ --arg dst="$d" -q
expect_eq "$(s3check ls "s3://$d/" | cut -f1 | LC_ALL=C sort | tr '\n' ' ')" \
          "meta/clip.json videos/clip.mp4 " "team_rules routed video and sidecar, lower-cased"
finish
