#!/usr/bin/env bash
# --emit asks for S3 credentials only when it needs a request (issue #13 left
# open): a local manifest (rows with sizes and ETags) emitted to a local folder needs
# none. Without them the targets are not listed, so the job says so
# (check_destinations) and run-job HEADs each destination before copying:
# what is already there is skipped, the rest copied. Where a request is
# needed (a listed source, an s3:// job, a row without a size) the error says
# which.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 12 objects" s3check load "$src" in 12 >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"
s3check ls "s3://$src/in/" | awk -F'\t' -v b="$src" '{ print b "," $1 "," $2 "," $3 }' >"$dir/rows.csv"
cat >"$dir/rows.lua" <<LUA
return { sources = { { manifest = "rows.csv" } }, target = "s3://$dst/out/", workers = 2 }
LUA
# nobody: no keys, no profile files, no instance metadata
nobody() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    HOME="$dir/empty" AWS_SHARED_CREDENTIALS_FILE="$dir/none" AWS_CONFIG_FILE="$dir/none" \
    AWS_EC2_METADATA_DISABLED=true "$S3ENGINE" "$@"
}
mkdir -p "$dir/empty"
rc=0
out=$(nobody "$dir/rows.lua" --emit "$dir/job" 2>&1) || rc=$?
expect_eq "$rc" 0 "emit of a local manifest to a folder without credentials: exit 0"
expect_contains "$out" "the targets are not listed" "it says the targets were not looked at"
expect_contains "$(cat "$dir/job/job.tsv" 2>/dev/null)" "$(printf 'setting\tcheck_destinations\t1')" \
  "job.tsv: the runners check each destination"

# two of the objects are at the destination already
head -n 2 "$dir/rows.csv" >"$dir/two.csv"
sed 's/rows.csv/two.csv/' "$dir/rows.lua" >"$dir/two.lua"
check "copy two of them ahead" s3e "$dir/two.lua" >/dev/null
check "run-job (with credentials)" s3e run-job "$dir/job" --index 0 --count 1
cat "$dir"/job/results/payload-*.csv | awk 'NR == 1 || !/^source,/' >"$dir/r.csv"
expect_eq "$(report_col "$dir/r.csv" status | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ')" \
  "10 copied 2 skipped " "run-job skipped the 2 already there and copied the 10 others"
check "byte for byte" s3check same-tree "s3://$src/in/" "s3://$dst/out/in/"

# where a request is needed, the error says which
rc=0
out=$(nobody "$dir/rows.lua" --emit "s3://$dst/jobs/" 2>&1) || rc=$?
expect_eq "$rc" 3 "emit to s3:// without credentials: exit 3"
expect_contains "$out" "--emit needs S3 to write the job to s3://$dst/jobs/" "it says why"
cat >"$dir/list.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out2/" }
LUA
rc=0
out=$(nobody "$dir/list.lua" --emit "$dir/job2" 2>&1) || rc=$?
expect_eq "$rc" 3 "emit of a listed source without credentials: exit 3"
expect_contains "$out" "--emit needs S3 to list source 1 (s3://$src/in/)" "it names the source"
printf '%s,in/nosize\n' "$src" >"$dir/nosize.csv"
cat >"$dir/nosize.lua" <<LUA
return { sources = { { manifest = "nosize.csv" } }, target = "s3://$dst/out3/" }
LUA
rc=0
out=$(nobody "$dir/nosize.lua" --emit "$dir/job3" 2>&1) || rc=$?
expect_eq "$rc" 3 "a row without a size, without credentials: exit 3"
expect_contains "$out" "nosize.csv:1: --emit needs S3 to HEAD s3://$src/in/nosize" "it names the row"
[ -e "$dir/job3/job.tsv" ] && fail "and writes no job"
finish
