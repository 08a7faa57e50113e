#!/usr/bin/env bash
# Two accounts (issue 11, items 5 and 6): radosgw users A (the test user) and B,
# profiles acct-a and acct-b in a shared credentials file and nothing in the
# environment. The source bucket belongs to A and grants B read by bucket policy;
# the target belongs to B. A source read as A and a target written as B: the
# server-side copies are signed by B (the objects are B's), with the target's canned
# ACL. Requester pays: a non-owner's listing of a requester-pays bucket is refused
# unless requester_pays is set. The cross-account headers are checked in the log
# of a relaying proxy (tests/support/region_proxy.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_accounts.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
accounts_setup "$dir" || finish

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
# no multipart object: radosgw 16 refuses UploadPartCopy to an identity that a bucket
# policy lets read the source (AccessDenied; AWS allows it), see README
check "load 10 objects" s3check load "$src" in 10 >/dev/null
# the target is B's: made again by B
check "target bucket owned by B" s3check rb "$dst"
check "B creates the target" as_b s3check mb "$dst"
on_exit as_b s3check rb "$dst"
policy=$(cat <<JSON
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"AWS": ["arn:aws:iam:::user/s3e-acct-b"]},
 "Action": ["s3:GetObject", "s3:GetObjectTagging", "s3:ListBucket"],
 "Resource": ["arn:aws:s3:::$src", "arn:aws:s3:::$src/*"]}]}
JSON
)
check "bucket policy: B may read the source" "$S3CHECK_PYTHON" -c '
import boto3, os, sys
boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).put_bucket_policy(
    Bucket=sys.argv[1], Policy=sys.argv[2])' "$src" "$policy"

run() { s3e_as acct-a "$@"; }
# grants: "GRANTEE PERMISSION" lines of an object's ACL, and its owner, as B sees them
acl() {
  as_b "$S3CHECK_PYTHON" -c '
import boto3, os, sys
a = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).get_object_acl(
    Bucket=sys.argv[1], Key=sys.argv[2])
print("owner", a["Owner"]["ID"])
for g in a["Grants"]:
    print(g["Grantee"].get("URI", g["Grantee"].get("ID")), g["Permission"])' "$1" "$2"
}

plan=$dir/plan.lua
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", profile = "acct-a" } },
         targets = { out = { bucket = "$dst", prefix = "out/", profile = "acct-b",
                             acl = "public-read" } } }
LUA
out=$(run "$plan" --report "$dir/run.csv" 2>&1)
expect_eq $? 0 "copy read as A, written as B, exits 0" || printf '%s\n' "$out" >&2
check "every object at the target, bytes, metadata and tags intact (B checks)" \
  as_b s3check same-tree "s3://$src/in/" "s3://$dst/out/"
small=$(as_b s3check ls "s3://$dst/out/docs/" | head -n 1 | cut -f1)
for key in "$small" "$(as_b s3check ls "s3://$dst/out/images/" | head -n 1 | cut -f1)"; do
  grants=$(acl "$dst" "$key")
  expect_contains "$grants" "owner s3e-acct-b" "$key was written by B (the target's profile)"
  expect_contains "$grants" "http://acs.amazonaws.com/groups/global/AllUsers READ" \
                  "$key has the target's canned ACL public-read"
done

# The same bucket named with two profiles is a plan error.
cat >"$dir/conflict.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", profile = "acct-a" } },
         targets = { out = { bucket = "$src", prefix = "again/", profile = "acct-b" } } }
LUA
err=$(run -n "$dir/conflict.lua" 2>&1)
expect_eq $? 2 "one bucket with two profiles exits 2"
expect_contains "$err" "conflict.lua:2: targets.out: bucket $src is named by sources[1] (" \
                "and says where"

# Requester pays: B reads A's source, which now bills the requester.
check "the source bills the requester" "$S3CHECK_PYTHON" -c '
import boto3, os, sys
boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).put_bucket_request_payment(
    Bucket=sys.argv[1], RequestPaymentConfiguration={"Payer": "Requester"})' "$src"
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", profile = "acct-b" } },
         targets = { out = { bucket = "$dst", prefix = "paid/", profile = "acct-b" } } }
LUA
err=$(run "$plan" 2>&1)
expect_eq $? 3 "without requester_pays B's listing is refused (exit 3)"
expect_contains "$err" "AccessDenied" "with AccessDenied"
sed -i 's/profile = "acct-b" } },/profile = "acct-b", requester_pays = true } },/' "$plan"

# Through a relaying proxy, to see the headers sent.
relay_start "$dir" || finish
log=$RELAY_LOG
out=$(AWS_ENDPOINT_URL=$RELAY_URL run "$plan" 2>&1)
expect_eq $? 0 "with requester_pays = true the copy exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(as_b s3check count "s3://$dst/paid/")" 10 "every object copied (B counts)"
expect_eq "$(as_b s3check md5 "s3://$dst/paid/${small#out/}")" \
          "$(as_b s3check md5 "s3://$dst/$small")" "the bytes are the source's"
expect_eq "$(grep -F "\"bucket\": \"$src\"" "$log" | grep -cvF '"x-amz-request-payer": "requester"')" 0 \
          "every request to the source said x-amz-request-payer: requester"
expect_ne "$(grep -F '"method": "PUT"' "$log" | grep -cF '"x-amz-request-payer": "requester"')" 0 \
          "and so did the copies reading it"
# streamed: radosgw checks requester pays on the GETs that read the source
: >"$log"
sed -e 's/prefix = "paid\/",/prefix = "paid-stream\/", stream = true, acl = "public-read",/' \
  "$plan" >"$dir/stream.lua"
out=$(AWS_ENDPOINT_URL=$RELAY_URL run "$dir/stream.lua" --report "$dir/stream.csv" 2>&1)
expect_eq $? 0 "a streamed copy from the requester-pays source exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(report_col "$dir/stream.csv" method | sort -u)" stream "every object streamed"
check "every object streamed byte for byte with metadata and tags (B checks)" \
  as_b s3check same-tree "s3://$dst/out/" "s3://$dst/paid-stream/"
gets=$(grep -F "\"bucket\": \"$src\"" "$log" | grep -F '"method": "GET"' | grep -vF 'list-type')
expect_ne "$gets" "" "the source was read by GETs"
expect_eq "$(grep -cvF '"x-amz-request-payer": "requester"' <<<"$gets")" 0 \
          "every GET said x-amz-request-payer: requester"
expect_contains "$(acl "$dst" "paid-stream/${small#out/}")" \
                "http://acs.amazonaws.com/groups/global/AllUsers READ" \
                "a streamed PutObject carries the target's canned ACL"

# expected_owner: sent as x-amz-expected-bucket-owner to each bucket and as
# x-amz-source-expected-bucket-owner with each copy (radosgw does not check it).
: >"$log"
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/docs/", profile = "acct-b",
                       requester_pays = true, expected_owner = "111122223333" } },
         targets = { out = { bucket = "$dst", prefix = "owned/", profile = "acct-b",
                             expected_owner = "444455556666",
                             acl = "bucket-owner-full-control" } } }
LUA
out=$(AWS_ENDPOINT_URL=$RELAY_URL run "$plan" 2>&1)
expect_eq $? 0 "a copy with expected owners exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(grep -F "\"bucket\": \"$src\"" "$log" |
             grep -cvF '"x-amz-expected-bucket-owner": "111122223333"')" 0 \
          "every request to the source named its owner"
copies=$(grep -F "\"bucket\": \"$dst\"" "$log" | grep -F '"method": "PUT"')
expect_ne "$copies" "" "copies were sent"
expect_eq "$(grep -cvF '"x-amz-source-expected-bucket-owner": "111122223333"' <<<"$copies")" 0 \
          "every copy named the source's owner"
expect_eq "$(grep -cvF '"x-amz-expected-bucket-owner": "444455556666"' <<<"$copies")" 0 \
          "and the target's"
expect_eq "$(grep -cvF '"x-amz-acl": "bucket-owner-full-control"' <<<"$copies")" 0 \
          "and the canned ACL"

# One bucket read and written (B's): the target's ACL goes with a multipart copy too.
: >"$log"
check "B puts a 12 MiB object" as_b s3check put "s3://$dst/big/x.bin" 12MiB --meta k=v >/dev/null
cat >"$plan" <<LUA
return { sources = { { bucket = "$dst", prefix = "big/", profile = "acct-b" } },
         targets = { out = { bucket = "$dst", prefix = "mp/", profile = "acct-b",
                             acl = "public-read" } } }
LUA
out=$(AWS_ENDPOINT_URL=$RELAY_URL run "$plan" \
      --multipart-cutoff 5MiB --part-size 5MiB 2>&1)
expect_eq $? 0 "a multipart copy within B's bucket exits 0" || printf '%s\n' "$out" >&2
check "its bytes, metadata and tags" as_b s3check same "s3://$dst/big/x.bin" "s3://$dst/mp/x.bin"
expect_eq "$(grep -F '"method": "POST"' "$log" | grep -F 'uploads' |
             grep -cF '"x-amz-acl": "public-read"')" 1 "CreateMultipartUpload carried the ACL"
expect_eq "$(grep -F 'partNumber=' "$log" | grep -cF 'x-amz-acl')" 0 "its parts did not"
expect_contains "$(acl "$dst" mp/x.bin)" "http://acs.amazonaws.com/groups/global/AllUsers READ" \
                "the multipart copy has the ACL public-read"
finish
