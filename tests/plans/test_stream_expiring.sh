#!/usr/bin/env bash
# Issue 11's "done when": a run across two radosgw clusters (streamed: GET from
# A, PUT to B) whose source credentials expire every LIFETIME seconds (20)
# completes with nothing failed, and every object is on B byte for byte with
# its metadata and tags, as an independent client (boto3, cross_same.py) sees
# them. A's credentials come from container credentials: the stand-in hands
# out A's keys with an Expiration LIFETIME seconds ahead; B's from a profile.
# The rate is capped so that the run outlives two lifetimes. `make test` runs
# 300 objects; `make test-long` runs 5,000 (S3E_STREAM_EXP_OBJECTS).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_rgw2.sh"
. "$PLAN_LIB_DIR/lib_standin.sh"

LIFETIME=${S3E_STREAM_EXP_LIFETIME:-20}
OBJECTS=${S3E_STREAM_EXP_OBJECTS:-300}

dir=$(mktemp -d)
on_exit rm -rf "$dir"
rgw2_start "$dir" || finish
rgw2_profiles "$dir"
onb() { AWS_ENDPOINT_URL=$B_EP AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
src=$(fresh_bucket src) || finish
dst=dst-${src#src-}
check "the target bucket on cluster B" onb s3check mb "$dst" >/dev/null
on_exit onb s3check rb "$dst"
check "load $OBJECTS objects" s3check load "$src" in "$OBJECTS" >/dev/null
cat >"$dir/plan.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$dst", prefix = "out/", endpoint = "$B_EP", profile = "b" } },
}
LUA
url=$(standin_start --issue "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --lifetime "$LIFETIME" \
        --container-token ctok-7) || { fail "stand-in"; finish; }
# two requests per object and bucket (HEAD and GET on A, PUT and HEAD on B):
# capped so that the run lasts two lifetimes at least however fast the machine is
rps=$((2 * OBJECTS / (2 * LIFETIME))); [ "$rps" -ge 1 ] || rps=1
start=$SECONDS
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$dir" \
  AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" AWS_CONFIG_FILE="$dir/config" \
  AWS_EC2_METADATA_DISABLED=true AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN=ctok-7 \
  "$S3ENGINE" "$dir/plan.lua" --workers 8 --max-rps "$rps" --report "$dir/r.csv" -v 2>&1)
rc=$?
took=$((SECONDS - start))
expect_eq $rc 0 "$OBJECTS objects streamed with credentials expiring every $LIFETIME s: exit 0 (${took} s)" ||
  printf '%s\n' "$out" | grep -v ' copied ' | tail -n 20 >&2
expect_eq "$(report_col "$dir/r.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "$OBJECTS copied" "every object copied, none failed"
expect_eq "$(report_col "$dir/r.csv" method | sort -u)" "stream" "report: method stream"
[ "$took" -ge $((2 * LIFETIME)) ] && _ok "the run outlived two credential lifetimes" ||
  fail "the run ($took s) did not outlive two credential lifetimes ($LIFETIME s): it proves nothing"
n=$(standin_log '"action": "container"' '"status": 200' | wc -l)
[ "$n" -ge $((took / LIFETIME)) ] && _ok "credentials renewed ($n sets in $took s)" ||
  fail "credentials fetched $n times in $took s of $LIFETIME s credentials"
# the checker compares 16 objects at a time: 300 in seconds, 5,000 in minutes
rgw2_same "s3://$src/in/" "s3://$dst/out/" "$OBJECTS"
case $out in *"$AWS_SECRET_ACCESS_KEY"* | *"$B_SECRET"*) fail "a secret key appears in the output" ;; esac
standin_stop
finish
