#!/usr/bin/env bash
# radosgw answers a session token past its expiry 403 AccessDenied with an empty
# message (a HEAD: 403, no body), not ExpiredToken: seen on radosgw 16's own STS
# (tests/plans/test_sts_expired_radosgw.sh, in `make test-long`: its tokens live 15
# minutes at least). Renewal ahead of expiry keeps a run clear of it, unless this
# machine's clock is behind the server's by more than the renewal margin. Here, in
# a minute: container credentials from the stand-in live LIFETIME s and carry their
# expiry in the token; the fault proxy in front of radosgw refuses an expired one as
# radosgw does (with the Date of the answer); s3engine's wall clock runs SKEW s
# behind (tests/support/clock_behind.c), so it renews each set a few seconds after
# the server has let it expire.
#   1. every object copied, exit 0: each refusal of an expired set renewed it (by
#      the server's Date) and the request was tried once more; a few renewals per
#      set at most; logged;
#   2. a real AccessDenied (a bucket of another user, who lets us list it) with credentials that have
#      not expired: every object fails at once with radosgw's answer, one attempt,
#      nothing renewed;
#   3. no secret and no session token in what s3engine prints.
# First (0), whoami says when a run renews them, and that static keys never are.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_standin.sh"
. "$PLAN_LIB_DIR/lib_accounts.sh"

LIFETIME=${S3E_DENIED_LIFETIME:-20}
SKEW=${S3E_DENIED_SKEW:-12}
OBJECTS=${S3E_DENIED_OBJECTS:-200}

dir=$(mktemp -d)
on_exit rm -rf "$dir"
clock_shim "$dir" || finish
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load $OBJECTS objects" s3check load "$src" in "$OBJECTS" >/dev/null
: >"$dir/empty"
plan_to() { # BUCKET PREFIX
  printf 'return { sources = { { bucket = "%s", prefix = "in/" } },\n  targets = { out = { bucket = "%s", prefix = "%s" } } }\n' \
    "$src" "$1" "$2" >"$dir/plan.lua"
  echo "$dir/plan.lua"
}
# container URL CMD...: CMD with container credentials only
container() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$dir/empty" \
    AWS_SHARED_CREDENTIALS_FILE="$dir/empty" AWS_EC2_METADATA_DISABLED=true \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$1/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ctok-5 \
    "${@:2}"
}
# behind URL ENDPOINT PLAN ARGS...: s3engine with container credentials and its
# clock SKEW s behind
behind() {
  container "$1" env S3E_CLOCK_BEHIND="$SKEW" "$PRELOAD_ASAN" LD_PRELOAD="$dir/clock_behind.so" \
    "$S3ENGINE" "$3" --endpoint "$2" --workers 4 --report "$dir/r.csv" -v "${@:4}" 2>&1
}
fetches() { standin_log '"action": "container"' '"status": 200' | wc -l; }
no_secrets() { # OUTPUT WHAT
  case $1 in
    *"$AWS_SECRET_ACCESS_KEY"* | *standin-token-*) fail "$2: a secret or a session token is printed" ;;
    *) _ok "$2: no secret and no session token printed" ;;
  esac
}

url=$(standin_start --issue "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --dated-tokens \
        --lifetime "$LIFETIME" --container-token ctok-5) || { fail "stand-in"; finish; }
ep=$(fault_proxy_start --expire-tokens) || { fail "proxy"; finish; }
now=$(date +%s)
expect_eq "$(S3E_CLOCK_BEHIND=$SKEW LD_PRELOAD=$dir/clock_behind.so date +%s)" "$((now - SKEW))" \
  "the shim sets a clock $SKEW s behind"

# 0. whoami says when a run renews them
who=$(container "$url" "$S3ENGINE" whoami 2>&1)
expect_contains "$who" "renewal:       by a run at " "whoami: when a run renews them" || echo "$who" >&2
expect_contains "$who" "($((LIFETIME / 4))s before they expire), and at once when refused as expired" \
  "whoami: a quarter of their $LIFETIME s ahead, and on a refusal"
expect_contains "$("$S3ENGINE" whoami 2>&1)" "renewal:       never (static keys" \
  "whoami: the environment's keys are never renewed"
: >"$STANDIN_LOG"

# 1. expired sets refused as radosgw refuses them: renewed and retried
rps=$((OBJECTS / (3 * LIFETIME))); [ "$rps" -ge 1 ] || rps=1
start=$SECONDS
out=$(behind "$url" "$ep" "$(plan_to "$dst" out/)" --max-rps "$rps")
rc=$?
took=$((SECONDS - start))
refused=$(fault_count "fault=expired-denied ")
n=$(fetches)
echo "# $refused requests refused as expired, credentials fetched $n times in $took s"
expect_eq $rc 0 "a clock $SKEW s behind, $LIFETIME s credentials refused once expired: exit 0 (${took} s)" ||
  printf '%s\n' "$out" | grep -v ' copied ' | tail -n 20 >&2
expect_eq "$(report_col "$dir/r.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "$OBJECTS copied" "every object copied, none failed"
[ "$took" -ge $((2 * LIFETIME)) ] && _ok "the run outlived two credential lifetimes" ||
  fail "the run ($took s) did not outlive two credential lifetimes ($LIFETIME s): it proves nothing"
expect_ne "$refused" 0 "requests signed with an expired set were refused (AccessDenied)"
[ "$n" -le $((3 * took / LIFETIME + 2)) ] && _ok "a few renewals per lifetime, not one per refusal" ||
  fail "credentials fetched $n times in $took s for $refused refusals"
expect_contains "$out" "refused at or after their expiry (the server's clock): renewing them" \
  "the renewal on a refusal is logged (-v)"
check "every object at the target" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
no_secrets "$out" "refused as expired"

# 2. a real AccessDenied with valid credentials: the answer stands
accounts_setup "$dir" || finish
theirs=other-${src#src-}
check "a bucket of user B" as_b s3check mb "$theirs" >/dev/null
on_exit as_b s3check rb "$theirs"
check "that A may list, not write" as_b "$S3CHECK_PYTHON" -c '
import boto3, os, sys
boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).put_bucket_policy(
    Bucket=sys.argv[1], Policy=sys.argv[2])' "$theirs" "{\"Version\": \"2012-10-17\",
  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"arn:aws:iam:::user/test\"]},
  \"Action\": [\"s3:ListBucket\"], \"Resource\": [\"arn:aws:s3:::$theirs\"]}]}"
: >"$STANDIN_LOG"
: >"$FAULT_PROXY_LOG"
out=$(behind "$url" "$ep" "$(plan_to "$theirs" x/)")
rc=$?
expect_eq $rc 1 "copies into another user's bucket: exit 1"
expect_eq "$(report_col "$dir/r.csv" status | sort -u)" failed "every object failed"
expect_contains "$out" "CopyObject: AccessDenied (HTTP 403)" "with radosgw's answer"
case $out in *"after 2 attempts"*) fail "a denial with valid credentials was retried" ;;
             *) _ok "tried once" ;; esac
expect_eq "$(fetches)" 1 "credentials fetched once, at the start: not renewed for it"
expect_eq "$(fault_count "fault=expired-denied ")" 0 "(none of them was refused as expired)"
no_secrets "$out" "denied"
finish
