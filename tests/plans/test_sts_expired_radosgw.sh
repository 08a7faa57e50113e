#!/usr/bin/env bash
# radosgw's own STS, its real answer to an expired session token, and the cure
# (issue 11, refresh). radosgw 16 answers a token past its expiry 403 AccessDenied
# with an empty message (a HEAD: 403 without a body), not ExpiredToken; its role
# credentials last 900 s at least, so this test takes 17 minutes: it runs in
# `make test-long` (S3E_TEST_LONG=1) and says it is skipped otherwise.
# s3engine renews ahead of expiry (225 s for 900-s credentials), but here its wall
# clock runs SKEW (400) s behind radosgw's (tests/support/clock_behind.c): it
# would renew the role's first set SKEW - 225 s after radosgw let it expire. A
# server-side copy through the role (S3ECopy, 900-s credentials) at --max-rps 1
# outlives that set, and:
#  - requests signed with it were refused, and s3engine renewed the set on them
#    (its -v log: refused at or after their expiry by the server's clock);
#  - exit 0, every object copied, checked byte for byte by the buckets' owner;
#  - STS was asked for this role twice (the first set, the renewal: radosgw's log);
#  - no secret, no session token printed.
# The cluster is started with scripts/rgw-start.sh (STS on), or taken from
# S3E_TEST_RGW_STS_ENV (lib_cluster.sh, sts_cluster_start).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_cluster.sh"

if [ -z "${S3E_TEST_LONG:-}" ]; then
  _ok "skipped: 17 minutes, in make test-long (S3E_TEST_LONG=1)"
  finish
fi
SKEW=${S3E_STS_EXP_SKEW:-400}
OBJECTS=${S3E_STS_EXP_OBJECTS:-1050}

dir=$(mktemp -d)
on_exit rm -rf "$dir"
clock_shim "$dir" || finish
sts_cluster_start "$dir" || finish
ak=$STS_AK
sk=$STS_SK
src=sts-exp-src-$$
dst=sts-exp-dst-$$
check "the buckets (owned by the test user)" s3check mb "$src" "$dst" >/dev/null
[ -z "${S3E_TEST_RGW_STS_ENV:-}" ] || on_exit s3check rb "$src" "$dst"
check "$OBJECTS objects" s3check load "$src" in "$OBJECTS" >/dev/null
sts_assumer
sts_role S3EExpiring "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],
  \"Resource\":[\"arn:aws:s3:::$src\",\"arn:aws:s3:::$src/*\",\"arn:aws:s3:::$dst\",\"arn:aws:s3:::$dst/*\"]}]}"
mkdir -p "$dir/.aws"
printf '[assumer]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ak" "$sk" \
  >"$dir/.aws/credentials"
cat >"$dir/.aws/config" <<'INI'
[profile copier]
role_arn = arn:aws:iam:::role/S3EExpiring
source_profile = assumer
duration_seconds = 900
region = us-east-1
INI
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/", acl = "bucket-owner-full-control" } } }
LUA
lines0=$(wc -l <"$RGWLOG")
start=$SECONDS
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
  HOME="$dir" AWS_CONFIG_FILE="$dir/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$dir/.aws/credentials" \
  AWS_REGION=us-east-1 S3E_CLOCK_BEHIND="$SKEW" "$PRELOAD_ASAN" LD_PRELOAD="$dir/clock_behind.so" \
  "$S3ENGINE" --profile copier "$dir/plan.lua" --workers 1 --max-rps 1 --report "$dir/r.csv" -v 2>&1)
rc=$?
took=$((SECONDS - start))
echo "# $OBJECTS objects at 1 request/s in $took s"
expect_eq $rc 0 "900-s role credentials, a clock $SKEW s behind radosgw's: exit 0 (${took} s)" ||
  printf '%s\n' "$out" | grep -v ' copied ' | tail -n 20 >&2
expect_eq "$(report_col "$dir/r.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "$OBJECTS copied" "every object copied, none failed"
[ "$took" -ge 930 ] && _ok "the run outlived the first set (900 s) by half a minute" ||
  fail "the run ($took s) did not outlive the first set of 900 s: it proves nothing"
expect_contains "$out" "refused at or after their expiry (the server's clock): renewing them" \
  "radosgw refused the expired set, and s3engine renewed it on that answer"
expect_eq "$(tail -n +"$lines0" "$RGWLOG" | grep -F 'Content of POST: Action=AssumeRole' |
             grep -cF 'role%2FS3EExpiring')" 2 "STS asked twice: the first set and one renewal"
check "every object byte for byte with metadata and tags (the buckets' owner checks)" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
case $out in *"$sk"* | *"$AWS_SECRET_ACCESS_KEY"*) fail "a secret is printed" ;; esac
finish
