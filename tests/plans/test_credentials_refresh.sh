#!/usr/bin/env bash
# Temporary credentials that expire during a run are renewed before they expire
# while the workers keep copying, and an ExpiredToken answer renews them at once
# and retries: never a failed object. The credentials come from container
# credentials: the stand-in hands out radosgw's real keys with an Expiration
# LIFETIME seconds ahead. Requests to radosgw go through the fault proxy.
#   1. every request slowed down so the run outlives several lifetimes: the run
#      exits 0, an independent client finds every object, and the stand-in was
#      asked again before each set expired, never after;
#   2. hour-long credentials, 3% of requests answered ExpiredToken: exit 0, and
#      the stand-in was asked again for those answers;
#   3. static keys: ExpiredToken cannot be cured by renewing; those objects fail
#      after one answer each (no renewal loop).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_standin.sh"

LIFETIME=${S3E_CRED_LIFETIME:-5}
DELAY=${S3E_CRED_DELAY:-0.1}  # seconds added to each request of run 1
OBJECTS=${S3E_CRED_OBJECTS:-300}

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load $OBJECTS objects" s3check load "$src" in "$OBJECTS" >/dev/null
empty=$(mktemp)
report=$(mktemp --suffix=.csv)
on_exit rm -f "$empty" "$report"

plan_to() { # PREFIX: a plan copying in/ to PREFIX
  local f
  f=$(mktemp --suffix=.lua)
  on_exit rm -f "$f"
  printf 'return { sources = { { bucket = "%s", prefix = "in/" } },\n  targets = { out = { bucket = "%s", prefix = "%s" } } }\n' \
    "$src" "$dst" "$1" >"$f"
  echo "$f"
}
# run_container URL ENDPOINT PLAN: s3engine with container credentials only
run_container() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$empty" \
    AWS_SHARED_CREDENTIALS_FILE="$empty" AWS_EC2_METADATA_DISABLED=true \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$1/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ctok-9 \
    "$S3ENGINE" "$3" --endpoint "$2" --workers 4 --report "$report" -v "${@:4}" 2>&1
}
fetches() { standin_log '"action": "container"' '"status": 200'; }

# 1. renewed ahead of expiry
url=$(standin_start --issue "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --lifetime "$LIFETIME" \
        --container-token ctok-9) || { fail "stand-in"; finish; }
ep=$(fault_proxy_start --rate delay=1 --delay "$DELAY") || { fail "proxy"; finish; }
start=$SECONDS
# capped so that the run outlives three lifetimes however fast the machine is
rps=$((OBJECTS / (3 * LIFETIME))); [ "$rps" -ge 1 ] || rps=1
out=$(run_container "$url" "$ep" "$(plan_to out1/)" --max-rps "$rps")
rc=$?
took=$((SECONDS - start))
expect_eq $rc 0 "credentials expiring every $LIFETIME s: the run exits 0 (${took} s)" ||
  printf '%s\n' "$out" | grep -v ' copied ' | tail -n 20 >&2
expect_eq "$(grep -c ',failed,' "$report")" 0 "credentials expiring: no object failed"
check "credentials expiring: every object at the target (independent client)" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out1/"
[ "$took" -ge $((2 * LIFETIME)) ] ||
  fail "the run ($took s) did not outlive two credential lifetimes ($LIFETIME s): it proves nothing"
n=$(fetches | wc -l)
echo "# credentials fetched $n times in $took s"
[ "$n" -ge $((took / LIFETIME)) ] || fail "credentials fetched $n times in $took s of $LIFETIME s credentials"
[ "$n" -le $((2 * took / LIFETIME + 2)) ] || fail "credentials fetched $n times in $took s: more than the renewals need"
late=$(fetches | python3 -c '
import json, sys
prev = None
for line in sys.stdin:
    e = json.loads(line)
    if prev is not None and e["t"] >= prev:
        print("fetched at %.3f, after the previous set expired at %d" % (e["t"], prev))
    prev = e["expiration"]')
expect_eq "$late" "" "every renewal came before the previous credentials expired"
expect_eq "$(standin_log '"action": "container"' '"status": 40')" "" "the authorization header was always sent"
expect_eq "$(grep -c 'credentials from container renewed' <<<"$out")" "$((n - 1))" "each renewal is logged (-v)"
case $out in *"$AWS_SECRET_ACCESS_KEY"*) fail "the secret key appears in the output" ;; esac
standin_stop

# 2. ExpiredToken: renewed at once and retried
: >"$STANDIN_LOG"
url=$(standin_start --issue "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --lifetime 3600 \
        --container-token ctok-9) || { fail "stand-in"; finish; }
ep=$(fault_proxy_start --seed 4 --rate expired-token=0.03) || { fail "proxy"; finish; }
: >"$FAULT_PROXY_LOG"
out=$(run_container "$url" "$ep" "$(plan_to out2/)")
rc=$?
expect_eq $rc 0 "ExpiredToken answers: the run exits 0" ||
  printf '%s\n' "$out" | grep -v ' copied ' | tail -n 20 >&2
expect_eq "$(grep -c ',failed,' "$report")" 0 "ExpiredToken answers: no object failed"
check "ExpiredToken answers: every object at the target" s3check same-tree "s3://$src/in/" "s3://$dst/out2/"
expired=$(fault_count "fault=expired-token ")
n=$(fetches | wc -l)
echo "# $expired ExpiredToken answers, credentials fetched $n times"
expect_ne "$expired" 0 "some requests were answered ExpiredToken"
[ "$n" -ge 2 ] && [ "$n" -le $((expired + 1)) ] ||
  fail "credentials fetched $n times for $expired ExpiredToken answers (want 2 to $((expired + 1)))"
fault_proxy_stop
standin_stop

# 3. static keys: ExpiredToken is final
ep=$(fault_proxy_start --seed 5 --rate expired-token=0.05 --only CopyObject) || { fail "proxy"; finish; }
: >"$FAULT_PROXY_LOG"
out=$("$S3ENGINE" "$(plan_to out3/)" --endpoint "$ep" --workers 4 --report "$report" 2>&1)
rc=$?
expect_eq $rc 1 "static keys: objects answered ExpiredToken fail (exit 1)"
expired=$(fault_count "fault=expired-token ")
expect_eq "$(grep -c ',failed,.*ExpiredToken' "$report")" "$expired" \
  "static keys: one failed object per ExpiredToken answer (no retry, no renewal loop)"
fault_proxy_stop
finish
