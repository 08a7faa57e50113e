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
