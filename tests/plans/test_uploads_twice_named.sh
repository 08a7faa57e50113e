#!/usr/bin/env bash
# A bucket named by two sides on two endpoints (a source's `data` on cluster A,
# a target's `data` on cluster B): the uploads a failed streamed copy leaves on
# B are aborted through the target's connection, never the run's default one
# (which reaches A's bucket of the same name, where an abort of an unknown
# upload "succeeds" as NoSuchUpload and B's upload would stay forever).
#  1. every part and the copy's own aborts fail (fault proxy in front of B):
#     the end of the run aborts what is left, on B.
#  2. the target refuses every abort to the end: the run names each upload left
#     with the command that removes it through the target's connection (the
#     default `s3engine uploads --abort` would list A's bucket), which removes it;
#     left again, the next run (within the search window) finds and aborts them
#     on B through the target's connection, and copies the object.
#  3. the same through run-job: a job emitted from the plan, its payload run.
# Cluster B: lib_rgw2.sh (S3E_TEST_RGW2_ENV, or started here).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_rgw2.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
rgw2_start "$dir" || finish
rgw2_profiles "$dir"
a_ep=$AWS_ENDPOINT_URL
onb() { AWS_ENDPOINT_URL=$B_EP AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
# the run's own connection is A (profile a); the target names B's
as_a() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$dir" AWS_PROFILE=a \
    AWS_ENDPOINT_URL="$a_ep" AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" \
    AWS_CONFIG_FILE="$dir/config" "$S3ENGINE" "$@"
}

b=$(fresh_bucket data) || finish
check "the same bucket name on cluster B" onb s3check mb "$b" >/dev/null
on_exit onb s3check rb "$b"
check "a 12 MiB source on A (three parts)" s3check put "s3://$b/in/big.bin" 12MiB >/dev/null
MP=(--multipart-cutoff 5MiB --part-size 5MiB --part-concurrency 1 --retries 1)

# plan NAME PREFIX ENDPOINT: A's in/ to B's PREFIX, B reached at ENDPOINT
plan() {
  cat >"$dir/$1.lua" <<LUA
return { sources = { { bucket = "$b", prefix = "in/" } },
         targets = { out = { bucket = "$b", prefix = "$2/", profile = "b",
                             endpoint = "$3", addressing = "path" } } }
LUA
}
# faults_on_b ARGS...: the fault proxy in front of B, its log emptied; echoes its endpoint
faults_on_b() { : >"$FAULT_PROXY_LOG"; AWS_ENDPOINT_URL=$B_EP fault_proxy_start "$@"; }

# ---- 1. the copy's aborts fail, the end of the run's passes ------------------------
# the first try's part fails and its two aborts; the second try's search aborts the
# first upload, twice failed; its part fails (6 faults): its own abort passes, and
# only the end of the run can still abort the first upload
ep=$(faults_on_b --only UploadPart,AbortMultipartUpload --rate internal=1 --max-faults 6) ||
  fail "fault proxy"
plan one one "$ep"
rc=0
as_a "$dir/one.lua" "${MP[@]}" 2>"$dir/one.err" || rc=$?
fault_proxy_stop
expect_eq "$rc" 1 "the object is reported failed"
expect_eq "$(fault_count 'op=AbortMultipartUpload fault=internal')" 4 "the copy's 4 aborts failed"
expect_eq "$(onb s3check uploads "$b")" 0 "no upload left on B" || cat "$dir/one.err" >&2
expect_contains "$(cat "$dir/one.err")" "at the end of the run" "aborted at the end of the run" ||
  cat "$dir/one.err" >&2
expect_eq "$(s3check uploads "$b")" 0 "none made on A"

# ---- 2. every abort refused: left, then removed by the command the run names ------
ep=$(faults_on_b --only UploadPart,AbortMultipartUpload --rate internal=1) || fail "fault proxy"
plan two two "$ep"
rc=0
as_a "$dir/two.lua" "${MP[@]}" 2>"$dir/two.err" || rc=$?
expect_eq "$rc" 1 "with every abort refused the object fails"
left=$(onb s3check uploads "$b")
expect_ne "$left" 0 "uploads are left on B"
cmd=$(sed -n 's/.*could not abort multipart upload .*(remove it with `s3engine \([^`]*\)`.*/\1/p' \
      "$dir/two.err" | head -n 1)
expect_contains "$cmd" "uploads s3://$b/two/big.bin --abort --endpoint $ep --region us-east-1 --profile b" \
  "each is named with the command that removes it, through the target's connection" ||
  cat "$dir/two.err" >&2
fault_proxy_set --rate 0
# shellcheck disable=SC2086 # the command as the user would paste it
check "that command, run where the run ran" as_a $cmd
fault_proxy_stop
expect_eq "$(onb s3check uploads "$b")" 0 "it removed the $left uploads left on B"

# ---- 2b. left again, then found by the next run ----------------------------------
ep=$(faults_on_b --only UploadPart,AbortMultipartUpload --rate internal=1) || fail "fault proxy"
plan two two "$ep"
as_a "$dir/two.lua" "${MP[@]}" 2>"$dir/two.err"
fault_proxy_stop
left=$(onb s3check uploads "$b")
expect_ne "$left" 0 "uploads are left on B again"
plan two two "$B_EP"
check "run again, B reached directly" as_a "$dir/two.lua" "${MP[@]}"
expect_eq "$(onb s3check uploads "$b")" 0 "the run again aborted the $left uploads left on B"
check "the object copied to B" onb s3check head "s3://$b/two/big.bin"

# ---- 3. run-job: a payload's aborts through the target's connection --------------
ep=$(faults_on_b --only UploadPart,AbortMultipartUpload --rate internal=1 --max-faults 6) ||
  fail "fault proxy"
plan three three "$ep"
check "emit" as_a "$dir/three.lua" --emit "$dir/job" "${MP[@]}"
rc=0
as_a run-job "$dir/job" --index 0 --count 1 --retries 1 2>"$dir/three.err" || rc=$?
fault_proxy_stop
expect_eq "$rc" 1 "run-job: the object is reported failed"
expect_eq "$(fault_count 'op=AbortMultipartUpload fault=internal')" 4 "its 4 aborts failed"
expect_eq "$(onb s3check uploads "$b")" 0 "run-job left no upload on B" ||
  cat "$dir/three.err" >&2
finish
