# shellcheck shell=bash
# tests/plans/lib_cluster.sh - a radosgw cluster of the test's own, beside the suite's.
# Source it after lib.sh:
#
#   cluster_start ENVFILE [VAR=VALUE...] || finish
#
# starts scripts/rgw-start.sh on two free ports with the settings VAR=VALUE (e.g.
# RGW_ACCESS_KEY=..., RGW_EXTRA_CONF=...), writes its env file (RGW_ENDPOINT,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, RGW_DIR) to ENVFILE, and stops and wipes
# the cluster at exit.

cluster_start() {
  local envfile=$1 ports rport mport d
  shift
  ports=$("$S3CHECK_PYTHON" -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
  read -r rport mport <<<"$ports"
  d=$(mktemp -d "${TMPDIR:-/tmp}/s3e-$TEST_NAME-rgw.XXXXXX")
  on_exit "$PLAN_ROOT/scripts/rgw-stop.sh" "$d" --wipe
  if ! env RGW_PORT="$rport" MON_PORT="$mport" "$@" "$PLAN_ROOT/scripts/rgw-start.sh" "$d" \
       >"$envfile" 2>"$d.log"; then
    fail "a radosgw cluster of this test's own did not start: $(tail -n 5 "$d.log")"
    rm -f "$d.log"
    return 1
  fi
  rm -f "$d.log"
}

# sts_cluster_start DIR: a cluster with radosgw's STS on (`rgw s3 auth use sts`; the
# suite's cluster cannot have it: its STS engine refuses the stand-ins' made-up session
# tokens that other tests send with real keys), or the one whose env file
# S3E_TEST_RGW_STS_ENV names (started with the RGW_EXTRA_CONF below). From then on
# everything talks to it: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
# (its test user, who owns the buckets) are exported; STS_RGW_DIR and RGWLOG (radosgw's
# log) set. sts_admin runs radosgw-admin on it; sts_assumer makes user sts-assumer
# (keys STS_AK, STS_SK), sts_role NAME POLICY a role that trusts it.
STS_AK=s3etestststsassumer01
STS_SK=s3etestststsassumersecret00000000000001
STS_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/sts-assumer"]},"Action":["sts:AssumeRole"]}]}'

sts_cluster_start() {
  if [ -n "${S3E_TEST_RGW_STS_ENV:-}" ]; then
    cp "$S3E_TEST_RGW_STS_ENV" "$1/rgw.env"
  else
    # debug rgw 10: radosgw logs each STS request's form (no secret is in it)
    cluster_start "$1/rgw.env" RGW_EXTRA_CONF="rgw s3 auth use sts = true
rgw sts key = s3etestststskey1
debug rgw = 10" || return 1
  fi
  AWS_ENDPOINT_URL=$(sed -n 's/^RGW_ENDPOINT=//p' "$1/rgw.env")
  AWS_ACCESS_KEY_ID=$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$1/rgw.env")
  AWS_SECRET_ACCESS_KEY=$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$1/rgw.env")
  STS_RGW_DIR=$(sed -n 's/^RGW_DIR=//p' "$1/rgw.env")
  export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  RGWLOG=$STS_RGW_DIR/log/client.rgw.a.log
}

sts_admin() { radosgw-admin -c "$STS_RGW_DIR/ceph.conf" "$@"; }

sts_assumer() {
  if sts_admin user info --uid=sts-assumer >/dev/null 2>&1; then  # a cluster used before
    check "sts-assumer's keys" sts_admin key create --uid=sts-assumer --access-key="$STS_AK" \
      --secret-key="$STS_SK" >/dev/null
  else
    check "user sts-assumer" sts_admin user create --uid=sts-assumer \
      --display-name="assumes roles" --access-key="$STS_AK" --secret-key="$STS_SK" >/dev/null
  fi
}

sts_role() { # NAME POLICY
  sts_admin role get --role-name="$1" >/dev/null 2>&1 ||
    check "role $1" sts_admin role create --role-name="$1" --assume-role-policy-doc="$STS_TRUST" \
      >/dev/null
  check "role $1's policy" sts_admin role-policy put --role-name="$1" --policy-name=s3 \
    --policy-doc="$2" >/dev/null
}
