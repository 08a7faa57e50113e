#!/usr/bin/env bash
# A plan whose sides name region, endpoint, profile, acl, expected_owner and
# requester_pays behaves the same run directly and emitted then run by run-job
# (issue #13, left open). Two radosgw users as two accounts (lib_accounts.sh):
# A owns a requester-pays source and the target bucket; B copies, reading the
# source by bucket policy (paying) and writing into A's bucket with the canned
# ACL bucket-owner-full-control, so A is granted each copy. Both sides name the
# relaying proxy as their endpoint (the runner's own endpoint is radosgw), B's
# profile and their region. radosgw 16 ignores the expected-owner headers: the
# proxy checks them as AWS does (--owner: 403 AccessDenied when they name
# another account), so a wrong expected_owner fails the run and copies nothing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_accounts.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
accounts_setup "$dir" || finish
owner=111122223333 # the account both buckets belong to, as the proxy answers

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 10 objects" s3check load "$src" in 10 >/dev/null
n=$(s3check count "s3://$src/in/")
a_id=$("$S3CHECK_PYTHON" -c '
import boto3, os, sys
print(boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).get_bucket_acl(
    Bucket=sys.argv[1])["Owner"]["ID"])' "$dst")
expect_ne "$a_id" "" "A's canonical id"
# policy BUCKET ACTIONS: B may do ACTIONS on BUCKET and its objects
policy() {
  "$S3CHECK_PYTHON" -c '
import boto3, json, os, sys
b, actions = sys.argv[1], sys.argv[2].split(",")
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
       "Principal": {"AWS": ["arn:aws:iam:::user/s3e-acct-b"]}, "Action": actions,
       "Resource": ["arn:aws:s3:::" + b, "arn:aws:s3:::" + b + "/*"]}]}
boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).put_bucket_policy(
    Bucket=b, Policy=json.dumps(doc))' "$1" "$2"
}
check "B may read the source" policy "$src" s3:GetObject,s3:GetObjectTagging,s3:ListBucket
check "B may write the target" policy "$dst" \
  s3:PutObject,s3:PutObjectAcl,s3:PutObjectTagging,s3:GetObject,s3:GetObjectTagging,s3:ListBucket
check "the source bills the requester" "$S3CHECK_PYTHON" -c '
import boto3, os, sys
boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).put_bucket_request_payment(
    Bucket=sys.argv[1], RequestPaymentConfiguration={"Payer": "Requester"})' "$src"

relay_start "$dir" --owner "$src=$owner" --owner "$dst=$owner" || finish
log=$RELAY_LOG
run() { s3e_as acct-a "$@"; } # the runner's own profile and endpoint: A, radosgw

# plan PREFIX TARGET-OWNER: B copies in/ to PREFIX through the proxy
plan() {
  cat >"$dir/$1.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/", profile = "acct-b", endpoint = "$RELAY_URL",
                region = "eu-west-1", requester_pays = true, expected_owner = "$owner" } },
  targets = { out = { bucket = "$dst", prefix = "$1/", profile = "acct-b",
                      endpoint = "$RELAY_URL", region = "eu-west-1", expected_owner = "$2",
                      acl = "bucket-owner-full-control" } },
  workers = 2, payload = { max_objects = 4 },
}
LUA
}
# what was asked of S3, one line per kind of request: method, bucket, region,
# whether listing, and the cross-account headers (the order of requests aside)
asked() {
  "$S3CHECK_PYTHON" -c '
import json, sys
kinds = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    q = r["path"].split("?", 1)[1] if "?" in r["path"] else ""
    what = "list" if "list-type" in q else "tagging" if "tagging" in q else "object"
    kinds.add("%s %s %s %s %s %s" % (r["method"], r["bucket"], what, r["signed"], r["answer"],
              " ".join("%s=%s" % kv for kv in sorted(r["headers"].items()))))
print("\n".join(sorted(kinds)))' "$1"
}
# grants KEY: "GRANTEE PERMISSION" lines of the object's ACL as A reads them, and its owner
grants() {
  "$S3CHECK_PYTHON" -c '
import boto3, os, sys
a = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).get_object_acl(
    Bucket=sys.argv[1], Key=sys.argv[2])
print("owner", a["Owner"]["ID"])
for g in a["Grants"]:
    print(g["Grantee"].get("URI", g["Grantee"].get("ID")), g["Permission"])' "$dst" "$1"
}
# copied PREFIX WHAT: every object at PREFIX, B's, with A granted full control
copied() {
  check "$2: every object, bytes, metadata and tags (A checks)" \
    s3check same-tree "s3://$src/in/" "s3://$dst/$1/"
  local key g bad=0
  for key in $(s3check ls "s3://$dst/$1/" | cut -f1); do
    g=$(grants "$key")
    case $g in *"owner s3e-acct-b"*) ;; *) bad=$((bad + 1)) ;; esac
    grep -qxF "$a_id FULL_CONTROL" <<<"$g" || bad=$((bad + 1))
  done
  expect_eq "$bad" 0 "$2: each copy is B's and grants A (the bucket owner) FULL_CONTROL"
}

# ---- directly -----------------------------------------------------------------
plan direct "$owner"
: >"$log"
out=$(run "$dir/direct.lua" 2>&1)
expect_eq $? 0 "the plan run directly exits 0" || printf '%s\n' "$out" >&2
copied direct "run directly"
asked "$log" >"$dir/direct.asked"
expect_eq "$(grep -c " $src .* x-amz-expected-bucket-owner=$owner x-amz-request-payer=requester" \
  "$dir/direct.asked")" "$(grep -c " $src " "$dir/direct.asked")" \
  "every request to the source named its owner and paid"
expect_eq "$(awk '$4 != "eu-west-1"' "$dir/direct.asked")" "" "every request signed for eu-west-1"

# ---- emitted, then run-job ------------------------------------------------------
plan job "$owner"
check "emit the plan" run "$dir/job.lua" --emit "$dir/job"
# FIELD COUNT: each side's fields in job.tsv (requester_pays and acl: one side)
for f in "profile	acct-b	2" "region	eu-west-1	2" "endpoint	$RELAY_URL	2" \
         "requester_pays	true	1" "expected_owner	$owner	2" "acl	bucket-owner-full-control	1"; do
  expect_eq "$(grep -cF "	${f%	*}" "$dir/job/job.tsv")" "${f##*	}" "job.tsv keeps ${f%%	*}"
done
expect_eq "$(s3check count "s3://$dst/job/")" 0 "emit copies nothing"
: >"$log"
mkdir -p "$dir/elsewhere"
for w in 1 2; do
  check "run-job --worker $w" eval '(cd "$dir/elsewhere" && run run-job "$dir/job" --worker '$w')'
done
check "job-status: all done" run job-status "$dir/job"
copied job "run-job"
# the listings were the emit's: every other kind of request run-job sent, with its
# headers, region and answer, the direct run sent too, and the same copies
asked "$log" >"$dir/job.asked"
expect_eq "$(comm -13 "$dir/direct.asked" "$dir/job.asked")" "" \
  "run-job sent no request the direct run did not, headers and regions alike"
expect_eq "$(grep '^PUT' "$dir/job.asked")" "$(grep '^PUT' "$dir/direct.asked")" \
  "and the same copies (PUTs) with the same headers"
expect_ne "$(grep -c "^PUT $dst object.*x-amz-acl=bucket-owner-full-control" "$dir/job.asked")" 0 \
  "run-job's copies carried the canned ACL"

# ---- a wrong expected_owner -------------------------------------------------------
plan wrong 999988887777
rc=0
err=$(run "$dir/wrong.lua" --emit "$dir/wrongjob" 2>&1) || rc=$?
expect_eq "$rc" 3 "emit with the target's wrong owner stops (exit 3): its listing is refused"
expect_contains "$err" "AccessDenied" "saying AccessDenied"
expect_contains "$err" "$dst" "and naming the bucket"
[ ! -e "$dir/wrongjob/job.tsv" ] || fail "no job was written"
# a job emitted where the owner was not checked (radosgw directly), run where it is
sed "s#endpoint = \"$RELAY_URL\"#endpoint = \"$AWS_ENDPOINT_URL\"#" "$dir/wrong.lua" >"$dir/wrong2.lua"
check "emit the wrong owner unchecked" run "$dir/wrong2.lua" --emit "$dir/wrong2"
sed -i "s#	endpoint	$AWS_ENDPOINT_URL#	endpoint	$RELAY_URL#" "$dir/wrong2/job.tsv"
: >"$log"
rc=0
err=$(run run-job "$dir/wrong2" --index 0 --count 1 2>&1) || rc=$?
expect_eq "$rc" 1 "run-job with the target's wrong owner: exit 1 (objects failed)"
expect_contains "$err" "AccessDenied" "saying AccessDenied"
expect_eq "$(s3check count "s3://$dst/wrong/")" 0 "and copying nothing"
expect_ne "$(grep -c '"answer": "owner"' "$log")" 0 "the proxy refused by owner"
status=$(run job-status "$dir/wrong2" 2>&1)
expect_contains "$status" "4 failed" "job-status shows the payloads failed"
expect_contains "$status" "AccessDenied" "and why"
# a payload run before HEADs its destinations first: refused there, before any copy
rc=0
err=$(run run-job "$dir/wrong2" --failed 2>&1) || rc=$?
expect_eq "$rc" 3 "run again with --failed: exit 3"
expect_contains "$err" "HeadObject: AccessDenied (HTTP 403)" "its HEAD refused, said"
rm -rf "$dir/wrong2/results"
rc=0
err=$(run run-job "$dir/wrong2" --index 0 --count 1 --fail-fast 2 2>&1) || rc=$?
expect_eq "$rc" 1 "run afresh with --fail-fast 2: exit 1"
expect_contains "$err" "payload stopped: the first 2 copies all failed with AccessDenied" \
  "each payload says why it stopped"
expect_eq "$(s3check count "s3://$dst/wrong/")" 0 "nothing copied"
finish
