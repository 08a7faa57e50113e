#!/usr/bin/env bash
# Only the target's credentials expire (issue 11, refresh): a source and a target
# with identities of their own, each a connection with its own credentials. The
# source signs with static keys; the target's profile assumes a role at STS (the
# stand-in), which hands out the target cluster's keys valid for LIFETIME seconds.
#   1. streamed, cluster A -> cluster B, through a fault proxy in front of B that
#      answers 3% of B's requests (but HEADs) ExpiredToken; a multipart object included: the
#      run outlives two lifetimes, exits 0, every object is on B byte for byte
#      (boto3, cross_same.py), the target's credentials were renewed before each
#      set expired, and each ExpiredToken answer renewed them at most once;
#   2. server-side, on cluster A: the target's profile assumes a role that hands out
#      A's keys, the proxy answers 5% of the CopyObjects (signed by the target)
#      ExpiredToken: exit 0, every object copied server-side.
# No secret, no session token in what s3engine prints.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_rgw2.sh"
. "$PLAN_LIB_DIR/lib_standin.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

LIFETIME=${S3E_TARGET_EXP_LIFETIME:-15}
OBJECTS=${S3E_TARGET_EXP_OBJECTS:-150}
TOKEN=standin-target-session-token
# the key the target's profile signs AssumeRole with (known to STS only)
SRC_AK=s3etesttargetsts0001
SRC_SK=s3etesttargetstssecret00000000000000001

dir=$(mktemp -d)
on_exit rm -rf "$dir"
rgw2_start "$dir" || finish
onb() { AWS_ENDPOINT_URL=$B_EP AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
src=$(fresh_bucket src) || finish
dst=dst-${src#src-}
check "the target bucket on cluster B" onb s3check mb "$dst" >/dev/null
# (a cluster B started here is wiped at exit, after the commands registered before)
[ -z "${S3E_TEST_RGW2_ENV:-}" ] || on_exit onb s3check rb "$dst"
check "load $OBJECTS objects" s3check load "$src" in "$OBJECTS" >/dev/null
check "a 12 MiB object (multipart)" s3check put "s3://$src/in/zz-big.bin" 12MiB --meta k=v >/dev/null
total=$((OBJECTS + 1))

# the target's identity: a role whose source profile holds the key STS accepts
cat >"$dir/credentials" <<INI
[tkeys]
aws_access_key_id = $SRC_AK
aws_secret_access_key = $SRC_SK
INI
cat >"$dir/config" <<'INI'
[profile t]
role_arn = arn:aws:iam::222222222222:role/s3engine-test-role
source_profile = tkeys
role_session_name = s3e-target
INI
# run URL: s3engine with the source's keys in the environment and the target's
# role through the stand-in's STS
run() {
  local url=$1
  shift
  env HOME="$dir" AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" AWS_CONFIG_FILE="$dir/config" \
    AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL_STS="$url" "$S3ENGINE" "$@" 2>&1
}
sts_fetches() { standin_log '"action": "AssumeRole"' '"status": 200'; }
renewed_in_time() { # the stand-in's log: every set asked for before the previous one expired
  sts_fetches | python3 -c '
import json, sys
prev = None
for line in sys.stdin:
    e = json.loads(line)
    if prev is not None and e["t"] >= prev:
        print("fetched at %.3f, after the previous set expired at %d" % (e["t"], prev))
    prev = e["expiration"]'
}
# timed_run WHAT METHOD REPORT ARGS...: s3engine (run), then its exit status and
# report checked: every object copied by METHOD; sets out and took
timed_run() {
  local what=$1 method=$2 report=$3 rc start=$SECONDS
  shift 3
  out=$(run "$@" --report "$report" -v)
  rc=$?
  took=$((SECONDS - start))
  expect_eq $rc 0 "$what, the target's credentials expiring every $LIFETIME s: exit 0 (${took} s)" ||
    printf '%s\n' "$out" | grep -v ' copied ' | tail -n 20 >&2
  expect_eq "$(report_col "$report" status | sort | uniq -c | awk '{print $1, $2}')" \
    "$total copied" "$what: every object copied, none failed"
  expect_eq "$(report_col "$report" method | sort -u)" "$method" "$what: report says $method"
}
no_secrets() { # OUTPUT WHAT
  case $1 in
    *"$AWS_SECRET_ACCESS_KEY"* | *"$B_SECRET"* | *"$SRC_SK"* | *"$TOKEN"*)
      fail "$2: a secret or the session token appears in the output" ;;
    *) _ok "$2: no secret and no session token in the output" ;;
  esac
}

# 1. streamed to B; B's requests through the proxy
url=$(standin_start --issue "$B_KEY:$B_SECRET:$TOKEN" --source-key "$SRC_AK:$SRC_SK" \
        --lifetime "$LIFETIME") || { fail "stand-in"; finish; }
# (not HEADs: an answer to a HEAD has no body, so no code; a HEAD refused with expired
# credentials is test_cred_expired_denied.sh's)
ep=$(AWS_ENDPOINT_URL=$B_EP fault_proxy_start --seed 7 --rate expired-token=0.03 \
       --only GET,PUT,POST,DELETE) ||
  { fail "proxy"; finish; }
cat >"$dir/plan.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$dst", prefix = "out/", endpoint = "$ep", profile = "t" } },
}
LUA
# about two requests per object on each side: capped so that the run outlives
# two lifetimes however fast the machine is
rps=$((2 * total / (2 * LIFETIME + 4))); [ "$rps" -ge 1 ] || rps=1
timed_run streamed stream "$dir/r1.csv" "$url" "$dir/plan.lua" --workers 8 --max-rps "$rps" \
  --multipart-cutoff 5MiB --part-size 5MiB
[ "$took" -ge $((2 * LIFETIME)) ] && _ok "the run outlived two credential lifetimes" ||
  fail "the run ($took s) did not outlive two credential lifetimes ($LIFETIME s): it proves nothing"
expired=$(fault_count "fault=expired-token ")
n=$(sts_fetches | wc -l)
echo "# $expired ExpiredToken answers from B, the target's role assumed $n times in $took s"
expect_ne "$expired" 0 "some of B's answers were ExpiredToken"
[ "$n" -ge $((took / LIFETIME)) ] && _ok "the target's credentials renewed ($n sets in $took s)" ||
  fail "the target's credentials fetched $n times in $took s of $LIFETIME s credentials"
[ "$n" -le $((2 * took / LIFETIME + expired + 2)) ] ||
  fail "the target's credentials fetched $n times: more than renewals and $expired answers need"
expect_eq "$(renewed_in_time)" "" "every renewal of the target's credentials came before the set expired"
expect_eq "$(standin_log '"action": "AssumeRole"' | grep -vcF "\"signer\": \"$SRC_AK\"")" 0 \
  "STS was asked by the target's source profile only (the source's keys are static)"
expect_contains "$out" "credentials from profile:t assume-role renewed" "the renewals are logged (-v)"
rgw2_same "s3://$src/in/" "s3://$dst/out/" "$total"
no_secrets "$out" "streamed"
fault_proxy_stop
standin_stop

# 2. server-side on A: CopyObject is signed by the target's identity
dst2=$(fresh_bucket dst) || finish
: >"$STANDIN_LOG"
url=$(standin_start --issue "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY:$TOKEN" \
        --source-key "$SRC_AK:$SRC_SK" --lifetime "$LIFETIME") || { fail "stand-in"; finish; }
ep=$(fault_proxy_start --seed 8 --rate expired-token=0.05 --only CopyObject) ||
  { fail "proxy"; finish; }
: >"$FAULT_PROXY_LOG"
cat >"$dir/plan.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$dst2", prefix = "copy/", profile = "t" } },
}
LUA
rps=$((total / (2 * LIFETIME + 4))); [ "$rps" -ge 1 ] || rps=1
timed_run server-side copy "$dir/r2.csv" "$url" "$dir/plan.lua" --endpoint "$ep" --workers 8 \
  --max-rps "$rps"
expired=$(fault_count "fault=expired-token ")
n=$(sts_fetches | wc -l)
echo "# $expired CopyObjects answered ExpiredToken, the target's role assumed $n times in $took s"
expect_ne "$expired" 0 "some CopyObjects were answered ExpiredToken"
[ "$n" -ge $((took / LIFETIME)) ] && _ok "the target's credentials renewed ($n sets in $took s)" ||
  fail "the target's credentials fetched $n times in $took s of $LIFETIME s credentials"
check "every object copied byte for byte with metadata and tags" \
  s3check same-tree "s3://$src/in/" "s3://$dst2/copy/"
no_secrets "$out" "server-side"
finish
