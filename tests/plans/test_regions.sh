#!/usr/bin/env bash
# Buckets in other regions (issue 11, item 4): the source "in" eu-west-1 answers
# a request signed for another region with AWS's 301 PermanentRedirect, the target
# "in" ap-south-1 with AWS's 400 AuthorizationHeaderMalformed
# (tests/support/region_proxy.py in front of radosgw). Each bucket's region is found
# once, by a HeadBucket before the run lists or copies, and every later request to
# it (listing, CopyObject signed for the target's region, multipart copy) is signed
# for it. ls and cp, which ask nothing first, follow the first redirect.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 20 objects and a 12 MiB one" s3check load "$src" in 20 --big 12MiB >/dev/null

dir=$(mktemp -d)
on_exit rm -rf "$dir"
log=$dir/requests.jsonl
"$S3CHECK_PYTHON" "$PLAN_ROOT/tests/support/region_proxy.py" --upstream "$AWS_ENDPOINT_URL" \
  --bucket "$src=eu-west-1:redirect" --bucket "$dst=ap-south-1:malformed" \
  --log "$log" --ready-file "$dir/port" >"$dir/out" 2>&1 </dev/null &
proxy=$!
on_exit kill "$proxy"
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
[ -s "$dir/port" ] || { fail "region stand-in did not start: $(cat "$dir/out")"; finish; }
via=http://127.0.0.1:$(cat "$dir/port")

# answers: the log lines of one bucket with one answer
answers() { grep -F "\"bucket\": \"$1\"" "$log" | grep -cF "\"answer\": \"$2\""; }

# The AWS CLI follows the stand-in's answers as it follows AWS's (the oracle that
# they have AWS's shape); it sends nothing else to the stand-in.
if command -v aws >/dev/null; then
  keys=$(AWS_ENDPOINT_URL=$via AWS_REGION=us-east-1 aws s3api list-objects-v2 --bucket "$src" \
         --prefix in/ --query 'length(Contents)' --output text 2>&1)
  expect_eq "$keys" 21 "the AWS CLI lists the eu-west-1 bucket through its 301"
  expect_eq "$(answers "$src" redirect)" 1 "the AWS CLI was redirected once"
fi
: >"$log"

plan=$dir/plan.lua
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/" } } }
LUA
out=$(AWS_ENDPOINT_URL=$via AWS_REGION=us-east-1 s3e "$plan" -v --report "$dir/run.csv" \
      --multipart-cutoff 5MiB --part-size 5MiB 2>&1)
expect_eq $? 0 "the run exits 0" || printf '%s\n' "$out" >&2
check "every object copied, bytes, metadata and tags intact" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(grep -c ',copied,' "$dir/run.csv")" 21 "the report has 21 copied rows"
expect_eq "$(answers "$src" redirect)" 1 "the source's region was asked once (301)"
expect_eq "$(answers "$dst" malformed)" 1 "the target's region was asked once (400)"
expect_eq "$(grep -F "\"answer\": \"redirect\"" "$log" | grep -cF '"method": "HEAD"')" 1 \
          "and that was a HeadBucket"
expect_eq "$(grep -F "\"bucket\": \"$dst\"" "$log" | grep -F '"answer": "relayed"' |
             grep -cvF '"signed": "ap-south-1"')" 0 "every request to the target signed for ap-south-1"
expect_eq "$(grep -F "\"bucket\": \"$src\"" "$log" | grep -F '"answer": "relayed"' |
             grep -cvF '"signed": "eu-west-1"')" 0 "every request to the source signed for eu-west-1"
expect_ne "$(grep -F "\"bucket\": \"$dst\"" "$log" | grep -cF 'uploadId=')" 0 \
          "the multipart copy went to the target's region too"
expect_contains "$out" "bucket $src is in region eu-west-1" "-v names the source's region"

# A second run finds everything current: the listing of the target follows its region.
: >"$log"
out=$(AWS_ENDPOINT_URL=$via AWS_REGION=us-east-1 s3e "$plan" 2>&1)
expect_eq $? 0 "the second run exits 0"
expect_eq "$(grep -cE '^skipped: +21 objects' <<<"$out")" 1 "and skips all 21 objects"

# ls and cp ask no region first: the first answer that names one is followed.
: >"$log"
listing=$(AWS_ENDPOINT_URL=$via AWS_REGION=us-east-1 s3e ls "s3://$src/in/docs/")
expect_eq $? 0 "ls of the eu-west-1 bucket exits 0"
expect_ne "$listing" "" "and lists its objects"
expect_eq "$(answers "$src" redirect)" 1 "ls was redirected once"
: >"$log"
AWS_ENDPOINT_URL=$via AWS_REGION=us-east-1 s3e --retries 1 ls "s3://$src/in/docs/" >/dev/null
expect_eq $? 0 "with --retries 1 too: following a region is not one of the attempts"
expect_eq "$(answers "$src" redirect)" 1 "(redirected once)"
check "cp from eu-west-1 to ap-south-1" env AWS_ENDPOINT_URL="$via" AWS_REGION=us-east-1 \
  "$S3ENGINE" cp "s3://$src/in/videos/big-0000.mp4" "s3://$dst/cp/big.mp4"
check "cp copied the bytes" s3check same "s3://$src/in/videos/big-0000.mp4" "s3://$dst/cp/big.mp4"
expect_eq "$(answers "$dst" malformed)" 1 "cp's request to the target was refused once (400)"
finish
