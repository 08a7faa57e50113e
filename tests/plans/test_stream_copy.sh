#!/usr/bin/env bash
# Streamed copies (issue 11, item 5): a second radosgw cluster B beside the
# suite's cluster A, with its own keys. A plan whose target is on B copies by
# GET from A and PUT / multipart upload to B; the target bucket has the same
# name as the source bucket (each request must reach the right cluster).
# Checked with boto3 on both sides (cross_same.py): bytes (MD5 of a GET),
# content headers, user metadata, tags; odd keys; the report's and the dry
# run's method; a rerun copies nothing; a move deletes only verified sources;
# --stream on one endpoint; a target that fails mid-upload leaves no upload.
#
# Cluster B is started with scripts/rgw-start.sh on free ports, or taken from
# S3E_TEST_RGW2_ENV (a file rgw-start.sh wrote) when that is set.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"
. "$PLAN_LIB_DIR/lib_rgw2.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
rgw2_start "$dir" || finish
b_ep=$B_EP bk=$B_KEY bs=$B_SECRET
onb() { AWS_ENDPOINT_URL=$b_ep AWS_ACCESS_KEY_ID=$bk AWS_SECRET_ACCESS_KEY=$bs "$@"; }
a_side=("$AWS_ENDPOINT_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY")
b_side=("$b_ep" "$bk" "$bs")
same_across() { # SRC_URL DST_URL [B side for the source too]
  "$S3CHECK_PYTHON" "$PLAN_LIB_DIR/cross_same.py" "${a_side[@]}" "$1" "${b_side[@]}" "$2"
}

src=$(fresh_bucket src) || finish
check "the same bucket name on cluster B" onb s3check mb "$src" >/dev/null
on_exit onb s3check rb "$src"
put_rich_objects "$src" in/
cat >"$dir/odd.json" <<'JSON'
["in/odd/a b+c%41.txt", "in/odd/\u00fc\u00f1\u00ed \u00e7.bin", "in/odd/q?x#y&z=1=",
 "in/odd/x/../y", "in/odd//double", "in/odd/'quote\"s'"]
JSON
check "odd keys" s3check putkeys "$src" "$dir/odd.json" >/dev/null
check "an empty object" s3check put "s3://$src/in/empty" 0 >/dev/null
check "a multipart source (its ETag is no MD5)" s3check put "s3://$src/in/mp/big" 17MiB >/dev/null

# profiles only: A for the base connection, B for the target
rgw2_profiles "$dir"
run() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$dir" AWS_PROFILE=a \
    AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" AWS_CONFIG_FILE="$dir/config" \
    "$S3ENGINE" "${RICH_MP[@]}" --part-concurrency 3 "$@"
}
plan() { # NAME SRC_PREFIX DST_PREFIX [ENDPOINT]
  cat >"$dir/$1.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "$2" } },
  targets = { out = { bucket = "$src", prefix = "$3",
                      endpoint = "${4:-$b_ep}", profile = "b" } },
}
LUA
}

# ---- A -> B, the same bucket name on both --------------------------------------
plan across in/ copy/
out=$(run --dry-run "$dir/across.lua" 2>&1)
expect_contains "$out" "method stream" "dry run: the target's method is stream"
expect_contains "$out" "0 objects by copy (server-side), 18 objects" "dry run: every object streamed"
check "streamed copy A -> B" run --report "$dir/r1.csv" "$dir/across.lua"
expect_eq "$(report_col "$dir/r1.csv" method | sort -u)" "stream" "report: method stream"
expect_eq "$(report_col "$dir/r1.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "18 copied" "report: 18 copied"
check "bytes, content headers, metadata, tags the same on B" same_across "s3://$src/in/" \
  "s3://$src/copy/" >/dev/null
expect_eq "$(report_col "$dir/r1.csv" verified | sort -u | tr '\n' ' ')" "size size+etag " \
  "report: verified by the MD5 of the bytes read where the source's ETag is one"
expect_eq "$(s3check count "s3://$src/copy/")" 0 "nothing written to cluster A's bucket"
expect_eq "$(onb s3check uploads "s3://$src/")" 0 "no upload left on B"

check "a rerun" run --report "$dir/r2.csv" "$dir/across.lua"
expect_eq "$(report_col "$dir/r2.csv" status | sort -u)" "skipped" "a rerun copies nothing"
expect_eq "$(report_col "$dir/r2.csv" method | sort -u)" "stream" "report: skipped rows' method"

# ---- a route's metadata and tags instead of the source's (PutObject and multipart) --
cat >"$dir/route.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$src", prefix = "routed/", endpoint = "$b_ep", profile = "b" } },
  route = function(o)
    return { target = "out", metadata = { team = "media" }, tags = { class = "hot" },
             content_type = "video/x-test", cache_control = "max-age=60" }
  end,
}
LUA
check "streamed with a route's metadata and tags" run "$dir/route.lua"
out=$(onb "$S3CHECK_PYTHON" - "$src" <<'PY' 2>&1
import boto3, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
b, bad, n = sys.argv[1], [], 0
for o in s3.list_objects_v2(Bucket=b, Prefix="routed/").get("Contents", []):
    n += 1
    h = s3.head_object(Bucket=b, Key=o["Key"])
    tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=b, Key=o["Key"])["TagSet"]}
    got = (h["Metadata"], tags, h.get("ContentType"), h.get("CacheControl"))
    if got != ({"team": "media"}, {"class": "hot"}, "video/x-test", "max-age=60"):
        bad.append("%s: %r" % (o["Key"], got))
print("\n".join(bad) if bad else "checked %d" % n)
PY
)
expect_eq "$out" "checked 18" "the route's metadata, tags and content headers on B (single and multipart)"

# ---- move: only verified sources are deleted -------------------------------------
for k in a b; do
  for p in mv mvref; do
    echo "put s3://$src/$p/small-$k 70000 --seed $k --meta m=$k --tag t=$k"
    echo "put s3://$src/$p/big-$k 11MiB --seed big$k --content-type video/mp4"
  done
done >"$dir/mv.batch"
check "objects to move, and their reference copies" s3check batch "$dir/mv.batch"
plan move mv/ moved/
check "streamed move" run --move --report "$dir/r3.csv" "$dir/move.lua"
expect_eq "$(report_col "$dir/r3.csv" status | sort -u)" "moved" "report: moved"
expect_eq "$(s3check count "s3://$src/mv/")" 0 "sources deleted"
check "moved objects are the sources' bytes and metadata" same_across "s3://$src/mvref/" \
  "s3://$src/moved/" >/dev/null

# ---- --stream on one endpoint ---------------------------------------------------
dst=$(fresh_bucket dst) || finish
cat >"$dir/one.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "s/" } } }
LUA
out=$(run --dry-run "$dir/one.lua" 2>&1)
expect_contains "$out" "method copy" "dry run on one endpoint: copy"
check "--stream on one endpoint" run --stream --stream-memory 10MiB -vv --report "$dir/r4.csv" \
  "$dir/one.lua" 2>"$dir/r4.err"
held=$(sed -n 's/.*streamed copies held at most \([0-9]*\) bytes.*/\1/p' "$dir/r4.err")
expect_eq "$([ -n "$held" ] && [ "$held" -gt 0 ] && [ "$held" -le 10485760 ] && echo within)" \
  within "--stream-memory 10MiB: at most 10 MiB of parts held at once (held $held)"
expect_eq "$(report_col "$dir/r4.csv" method | sort -u)" "stream" "report: method stream"
check "streamed on one endpoint: the same objects" \
  "$S3CHECK_PYTHON" "$PLAN_LIB_DIR/cross_same.py" "${a_side[@]}" "s3://$src/in/" \
  "${a_side[@]}" "s3://$dst/s/" >/dev/null

# ---- the target fails mid-upload: the upload is aborted, the source kept ------------
check "objects for the failure" s3check put "s3://$src/fail/big" 12MiB >/dev/null
check "" s3check put "s3://$src/fail/small" 1000 >/dev/null
ep=$(AWS_ENDPOINT_URL=$b_ep fault_proxy_start --only '?partNumber=2' --rate internal=1) ||
  { fail "fault proxy"; finish; }
plan failing fail/ failed/ "$ep"
rc=0
run --move --retries 2 --report "$dir/r5.csv" "$dir/failing.lua" 2>"$dir/r5.err" || rc=$?
expect_eq "$rc" 1 "a failed streamed copy: exit status 1"
expect_eq "$(grep -c ',failed,' "$dir/r5.csv")" 1 "the large object failed"
expect_eq "$(s3check count "s3://$src/fail/")" 1 "its source was not deleted, the small one's was"
check "the failed source is still there" s3check head "s3://$src/fail/big" >/dev/null
expect_eq "$(onb s3check uploads "s3://$src/failed/")" 0 "no upload left open on B"
expect_ne "$(fault_count 'DELETE')" 0 "the upload was aborted"

# ---- the source changes during the copy: 412 to If-Match (as AWS answers a GET) -----
check "objects that will change" s3check put "s3://$src/chg/big" 12MiB >/dev/null
check "" s3check put "s3://$src/chg/small" 1000 >/dev/null
ep=$(fault_proxy_start --only GET --rate precondition=1) || { fail "fault proxy"; finish; }
plan changing chg/ changed/
run --endpoint "$ep" --report "$dir/r6.csv" "$dir/changing.lua" 2>"$dir/r6.err"
expect_eq "$(report_col "$dir/r6.csv" status | sort -u)" "changed" \
  "a source whose GETs get 412 is reported changed"
expect_ne "$(fault_count 'fault=precondition')" 0 "the GETs carried If-Match"
expect_eq "$(onb s3check count "s3://$src/changed/")" 0 "nothing written for a changed source"
expect_eq "$(onb s3check uploads "s3://$src/changed/")" 0 "its upload aborted"
fault_proxy_stop

# (an emitted job streams as the run does: tests/plans/test_job_sides.sh)
finish
