#!/usr/bin/env bash
# An emitted job keeps each source's and target's own connection (issue #13,
# left open: profile, endpoint, addressing; streamed copies), and
# run-job copies through them as a run of the plan does. A second radosgw
# cluster B beside the suite's A, each with its own keys, reached by profile
# name only: the job names profiles, never keys.
#  1. sources on A, target on B (profile b, B's endpoint), the same bucket name
#     on both: emitted, then run by two runners in another folder; streamed
#     (report method stream), byte for byte with headers, metadata and tags;
#     nothing written to A; a rerun copies nothing.
#  2. a manifest source naming A's connection while the run's own is B: the
#     rows' buckets are reached through A by run-job too.
#  3. a job names no secret; a runner without the profile stops with exit 3.
# Cluster B: lib_rgw2.sh (S3E_TEST_RGW2_ENV, or started here).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"
. "$PLAN_LIB_DIR/lib_rgw2.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
rgw2_start "$dir" || finish
b_ep=$B_EP bk=$B_KEY bs=$B_SECRET
a_ep=$AWS_ENDPOINT_URL
onb() { AWS_ENDPOINT_URL=$b_ep AWS_ACCESS_KEY_ID=$bk AWS_SECRET_ACCESS_KEY=$bs "$@"; }
same_across() { # SRC_URL (on A) DST_URL (on B)
  "$S3CHECK_PYTHON" "$PLAN_LIB_DIR/cross_same.py" "$a_ep" "$AWS_ACCESS_KEY_ID" \
    "$AWS_SECRET_ACCESS_KEY" "$1" "$b_ep" "$bk" "$bs" "$2"
}

src=$(fresh_bucket src) || finish
check "the same bucket name on cluster B" onb s3check mb "$src" >/dev/null
on_exit onb s3check rb "$src"
put_rich_objects "$src" in/
check "a multipart source (its ETag is no MD5)" s3check put "s3://$src/in/mp/big" 17MiB >/dev/null
n=$(s3check count "s3://$src/in/")

# Profiles only, no keys in the environment: a for cluster A, b for cluster B.
rgw2_profiles "$dir"
# as PROFILE ENDPOINT CMD...: s3engine with only profiles, the base connection PROFILE at ENDPOINT
as() {
  local profile=$1 ep=$2
  shift 2
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$dir" AWS_PROFILE="$profile" \
    AWS_ENDPOINT_URL="$ep" AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" \
    AWS_CONFIG_FILE="$dir/config" "$S3ENGINE" "$@"
}

# ---- 1. A -> B through the target's own profile and endpoint, streamed ------------
cat >"$dir/across.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$src", prefix = "copy/", endpoint = "$b_ep", profile = "b",
                      addressing = "path" } },
  workers = 2, payload = { max_objects = 4 },
}
LUA
check "emit a plan whose target names its own profile and endpoint" \
  as a "$a_ep" "$dir/across.lua" --emit "$dir/job1" "${RICH_MP[@]}"
tsv=$dir/job1/job.tsv
expect_contains "$(cat "$tsv" 2>/dev/null)" "$(printf 'option\ttarget\t0\tprofile\tb')" \
  "job.tsv: the target's profile, by name"
expect_contains "$(cat "$tsv" 2>/dev/null)" "$(printf 'option\ttarget\t0\tendpoint\t%s' "$b_ep")" \
  "job.tsv: the target's endpoint"
expect_eq "$(head -n 1 "$tsv" 2>/dev/null)" "$(printf 's3engine-job\t3')" "job.tsv: format 3"
expect_eq "$(grep -rlF -e "$bs" -e "$AWS_SECRET_ACCESS_KEY" "$dir/job1" | wc -l)" 0 \
  "no secret key in any file of the job"
mkdir -p "$dir/elsewhere"
for w in 1 2; do
  check "run-job --worker $w in another folder" \
    eval '(cd "$dir/elsewhere" && as a "$a_ep" run-job "$dir/job1" --worker '$w')'
done
check "job-status: all done" as a "$a_ep" job-status "$dir/job1"
cat "$dir"/job1/results/payload-*.csv 2>/dev/null | awk 'NR == 1 || !/^source,/' >"$dir/r1.csv"
expect_eq "$(report_col "$dir/r1.csv" method | sort -u)" "stream" "the runners streamed each copy"
expect_eq "$(report_col "$dir/r1.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "$n copied" "all $n objects copied"
check "bytes, content headers, metadata, tags the same on B" \
  same_across "s3://$src/in/" "s3://$src/copy/"
expect_eq "$(s3check count "s3://$src/copy/")" 0 "nothing written to cluster A's bucket"
expect_eq "$(onb s3check uploads "s3://$src/")" 0 "no upload left on B"
# as if every runner had died before writing its result: each payload runs again and
# HEADs its destinations first, through the target's connection (on A they are not)
rm -f "$dir"/job1/results/*.tsv "$dir"/job1/results/*.csv
check "the job run again (results lost)" as a "$a_ep" run-job "$dir/job1" --index 0 --count 1
cat "$dir"/job1/results/payload-*.csv | awk 'NR == 1 || !/^source,/' >"$dir/r2.csv"
expect_eq "$(report_col "$dir/r2.csv" status | sort -u)" "skipped" \
  "a second run of the job copies nothing (its destinations checked on B)"

# ---- 2. a manifest source naming A's connection, the run's own being B ------------
rb=${src}-b
check "a bucket on B only" onb s3check mb "$rb" >/dev/null
on_exit onb s3check rb "$rb"
s3check ls "s3://$src/in/" | awk -F'\t' -v b="$src" '{ print b "," $1 "," $2 }' >"$dir/rows.csv"
rows=$(wc -l <"$dir/rows.csv")
cat >"$dir/rows.lua" <<LUA
return {
  sources = { { manifest = "rows.csv", endpoint = "$a_ep", profile = "a" } },
  targets = { out = { bucket = "$rb", prefix = "rows/" } },
}
LUA
check "emit a manifest source with its own connection (the run's is B)" \
  as b "$b_ep" "$dir/rows.lua" --emit "$dir/job2"
expect_contains "$(cat "$dir/job2/job.tsv" 2>/dev/null)" \
  "$(printf 'option\tsource\t0\tendpoint\t%s' "$a_ep")" "job.tsv: the source's endpoint"
check "run-job: the rows' bucket reached on A" as b "$b_ep" run-job "$dir/job2" --index 0 --count 1
check "the rows' objects on B, the same as on A" same_across "s3://$src/in/" "s3://$rb/rows/in/"
expect_eq "$(onb s3check count "s3://$rb/rows/")" "$rows" "all $rows rows copied to B"

# ---- 3. a runner that does not know the profile ------------------------------------
printf '[a]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$dir/credentials"
rm -rf "$dir/job1/results"
rc=0
out=$(as a "$a_ep" run-job "$dir/job1" --worker 1 2>&1) || rc=$?
expect_eq "$rc" 3 "a runner without the target's profile: exit 3"
expect_contains "$out" "profile" "it says which profile"
finish
