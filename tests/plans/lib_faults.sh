# shellcheck shell=bash
# tests/plans/lib_faults.sh - run the fault proxy (tests/faultproxy/faultproxy.py)
# between s3engine and radosgw in a plan test. Source it after lib.sh:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   . "$PLAN_LIB_DIR/lib_faults.sh"
#   ep=$(fault_proxy_start --seed 1 --rate 0.1 --kinds 503,500) || { fail "proxy"; finish; }
#   s3e plan.lua --endpoint "$ep"
#   fault_proxy_set --rate 0          # new fault settings while it runs
#   fault_count fault=slowdown        # lines of its log that contain this
#   fault_proxy_stop                  # also done at exit
#
#   fault_proxy_start ARGS...  start a proxy to $AWS_ENDPOINT_URL with faultproxy.py ARGS
#                              (stops the one running, if any); echoes its endpoint
#                              http://127.0.0.1:PORT; fails if it does not come up
#   fault_proxy_set ARGS...    replace its fault settings (control interface)
#   fault_proxy_stats          its counters (JSON)
#   fault_count TEXT           number of request log lines containing TEXT
#   proxy_head EP s3://B/K     the headers of a HEAD of B/K through the proxy at EP
#   fault_proxy_stop           stop it
#   FAULT_PROXY_LOG            its request log (one line per request, see --help);
#                              kept and named on stderr when the test fails
# fault_proxy_start is usually called in $(...), a subshell: its own fail is not counted
# (count one yourself, as above), and everything it must remember is
# kept in files under FAULT_PROXY_DIR, not in variables.

FAULT_PROXY=${FAULT_PROXY:-$PLAN_ROOT/tests/faultproxy/faultproxy.py}
FAULT_PROXY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/s3e-faults-$TEST_NAME-$$.XXXXXX")
FAULT_PROXY_LOG=$FAULT_PROXY_DIR/requests.log
: >"$FAULT_PROXY_LOG"

fault_proxy_start() {
  fault_proxy_stop
  local ready=$FAULT_PROXY_DIR/ready pid
  rm -f "$ready"
  # stdout and stderr to files: inside $(...) the proxy must not hold the pipe open
  "$S3CHECK_PYTHON" "$FAULT_PROXY" --upstream "$AWS_ENDPOINT_URL" --log "$FAULT_PROXY_LOG" \
    --ready-file "$ready" "$@" >>"$FAULT_PROXY_DIR/proxy.out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$FAULT_PROXY_DIR/pid"
  for _ in $(seq 100); do
    [ -s "$ready" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$ready" ]; then
    fail "fault proxy did not start: $(tail -n 5 "$FAULT_PROXY_DIR/proxy.out")"
    return 1
  fi
  read -r _ port cport <"$ready"
  echo "$cport" >"$FAULT_PROXY_DIR/control-port"
  echo "http://127.0.0.1:$port"
}

fault_proxy_set() {
  local cport
  cport=$(cat "$FAULT_PROXY_DIR/control-port" 2>/dev/null) || { fail "no fault proxy"; return 1; }
  curl -sf --max-time 5 --data-binary "$(printf '%q ' "$@")" \
    "http://127.0.0.1:$cport/config" >/dev/null || { fail "fault_proxy_set $*"; return 1; }
}

fault_proxy_stats() {
  curl -sf --max-time 5 "http://127.0.0.1:$(cat "$FAULT_PROXY_DIR/control-port")/stats"
}

fault_count() { grep -cF -- "$1" "$FAULT_PROXY_LOG"; }

# proxy_head ENDPOINT s3://B/KEY: the headers of a HEAD through the proxy at
# ENDPOINT (with x-amz-checksum-mode: ENABLED), "name: value" a line, names in
# lower case (Debian's boto3 does not name CRC64NVME or ChecksumType itself)
proxy_head() {
  AWS_ENDPOINT_URL=$1 "$S3CHECK_PYTHON" - "$2" "$PLAN_LIB_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import s3check
b, k = sys.argv[1][5:].split("/", 1)
h = s3check.client().head_object(Bucket=b, Key=k, ChecksumMode="ENABLED")
for name, value in sorted(h["ResponseMetadata"]["HTTPHeaders"].items()):
    print("%s: %s" % (name, value))
PY
}

fault_proxy_stop() {
  local pid
  pid=$(cat "$FAULT_PROXY_DIR/pid" 2>/dev/null) || return 0
  rm -f "$FAULT_PROXY_DIR/pid" "$FAULT_PROXY_DIR/control-port"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  return 0
}

_fault_proxy_cleanup() {
  fault_proxy_stop
  if [ "$_FAILS" -ne 0 ]; then
    echo "fault proxy log kept: $FAULT_PROXY_LOG" >&2
  else
    rm -rf "$FAULT_PROXY_DIR"
  fi
}
on_exit _fault_proxy_cleanup
