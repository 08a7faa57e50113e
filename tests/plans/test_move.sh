#!/usr/bin/env bash
# Move mode: copy, verify, then delete each source; a fan-out in move mode is
# refused before anything is copied.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 30 objects and a 12 MiB one" s3check load "$src" mv 30 --big 12MiB >/dev/null
before=$(listing "$src" mv/)
big_md5=$(s3check md5 "s3://$src/mv/videos/big-0000.mp4")
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "mv/" } },
         targets = { out = { bucket = "$dst", prefix = "moved/" } }, move = true }
LUA
out=$(s3e "$plan" --multipart-cutoff 5MiB --part-size 5MiB)
expect_eq $? 0 "move run exits 0"
expect_eq "$(listing "$dst" moved/ | cut -f1,2)" "$(cut -f1,2 <<<"$before")" \
          "every object at the destination with its size"
expect_eq "$(s3check count "s3://$src/mv/")" 0 "sources deleted"
expect_eq "$(s3check md5 "s3://$dst/moved/videos/big-0000.mp4")" "$big_md5" "multipart-moved bytes intact"
expect_contains "$out" "moved" "summary mentions moved objects"

check "load objects for the fan-out case" s3check load "$src" fan 5 >/dev/null
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "fan/" } },
         targets = { a = "s3://$dst/a/", b = "s3://$dst/b/" },
         route = function() return { "a", "b" } end }
LUA
err=$(s3e --move "$plan" 2>&1 >/dev/null)
expect_eq $? 2 "move with fan-out exits 2"
expect_contains "$err" "move mode cannot fan out" "and says why"
expect_eq "$(s3check count "s3://$dst/a/")$(s3check count "s3://$dst/b/")" 00 "nothing copied"
expect_eq "$(s3check count "s3://$src/fan/")" 5 "no source deleted"
finish
