#!/usr/bin/env bash
# Job formats (job.tsv's first line): this s3engine writes format 3 and still
# runs jobs of format 2 (no option lines, no check_destinations setting); a job
# of a newer format than it reads is refused by run-job and job-status with an
# error that says so (exit 3), and nothing is copied.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 10 objects" s3check load "$src" in 10 >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"
cat >"$dir/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 2 }
LUA
check "emit" s3e "$dir/plan.lua" --emit "$dir/job" >/dev/null
expect_eq "$(head -n 1 "$dir/job/job.tsv")" "$(printf 's3engine-job\t3')" "format 3 written"

# the same job as format 2 wrote it
cp -r "$dir/job" "$dir/v2"
sed -i -e '1s/\t3$/\t2/' -e '/^option\t/d' -e '/^setting\tcheck_destinations\t/d' "$dir/v2/job.tsv"
check "run-job of a format 2 job" s3e run-job "$dir/v2" --index 0 --count 1
check "job-status of it: all done" s3e job-status "$dir/v2" >/dev/null
check "byte for byte" s3check same-tree "s3://$src/in/" "s3://$dst/out/" >/dev/null

# a newer format than this s3engine reads
check "empty the destination" s3check empty "s3://$dst/out/" >/dev/null
cp -r "$dir/job" "$dir/v9"
sed -i '1s/\t3$/\t9/' "$dir/v9/job.tsv"
rc=0
out=$(s3e run-job "$dir/v9" --index 0 --count 1 2>&1) || rc=$?
expect_eq "$rc" 3 "run-job of a format 9 job: exit 3"
expect_contains "$out" "job format 9: this s3engine reads formats 1 to 3" "it says why"
rc=0
out=$(s3e job-status "$dir/v9" 2>&1) || rc=$?
expect_eq "$rc" 3 "job-status of it: exit 3"
expect_contains "$out" "job format 9" "it says why"
expect_eq "$(s3check count "s3://$dst/out/")" 0 "nothing copied"
finish
