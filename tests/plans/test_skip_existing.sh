#!/usr/bin/env bash
# A second run skips what is already at the target (same size and ETag) and
# says so; a changed source object is copied again; --force copies everything.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 40 objects" s3check load "$src" in 40 >/dev/null
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan"
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 3 }
LUA
out=$(s3e "$plan")
expect_eq "$(summary_value "$out" copied)" 40 "first run copies 40"
expect_copied "$src" in/ . "$dst" out/ "first run: destination complete"
report=$plan.csv
on_exit rm -f "$report"
out=$(s3e "$plan" --report "$report")
expect_eq "$(summary_value "$out" copied)" 0 "second run copies nothing"
expect_eq "$(summary_value "$out" skipped)" 40 "second run skips 40"
expect_eq "$(awk -F, 'NR > 1 && $4 == "skipped"' "$report" | wc -l)" 40 \
  "the report has a 'skipped' row for each of the 40"
first=$(listing "$src" in/ | head -1 | cut -f1)
check "change one source object" s3check put "s3://$src/in/$first" 777 >/dev/null
out=$(s3e "$plan")
expect_eq "$(summary_value "$out" copied)" 1 "a changed object is copied again"
expect_copied "$src" in/ . "$dst" out/ "destination matches the changed source"
out=$(s3e --force "$plan")
expect_eq "$(summary_value "$out" copied)" 40 "--force copies all 40"
finish
