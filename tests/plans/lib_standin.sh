# shellcheck shell=bash
# tests/plans/lib_standin.sh - run the AWS credential services' stand-in
# (tests/support/aws_standin.py: IMDSv2, container credentials, STS, SSO) in a
# plan test. Source it after lib.sh:
#
#   url=$(standin_start --lifetime 20 --container-token t) || { fail "stand-in"; finish; }
#                                    # (--tls-cert C --tls-key K: an https:// url)
#   standin_log action=container     # its request log lines with this text
#   standin_stop                     # also done at exit
#
#   STANDIN_LOG    its request log, one JSON object per line (see aws_standin.py)
# standin_start is usually called in $(...): everything it must remember is in
# files under STANDIN_DIR.

STANDIN=${STANDIN:-$PLAN_ROOT/tests/support/aws_standin.py}
STANDIN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/s3e-standin-$TEST_NAME-$$.XXXXXX")
STANDIN_LOG=$STANDIN_DIR/requests.jsonl
: >"$STANDIN_LOG"

standin_start() {
  local ready=$STANDIN_DIR/ready pid
  rm -f "$ready"
  "$S3CHECK_PYTHON" "$STANDIN" --ready-file "$ready" --log "$STANDIN_LOG" "$@" \
    >>"$STANDIN_DIR/out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$STANDIN_DIR/pid"
  for _ in $(seq 100); do
    [ -s "$ready" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$ready" ]; then
    fail "stand-in did not start: $(tail -n 5 "$STANDIN_DIR/out")"
    return 1
  fi
  case " $* " in *" --tls-cert "*) echo "https://127.0.0.1:$(cat "$ready")" ;;
                 *) echo "http://127.0.0.1:$(cat "$ready")" ;; esac
}

standin_stop() {
  local pid
  pid=$(cat "$STANDIN_DIR/pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -f "$STANDIN_DIR/pid"
}

# standin_log TEXT...: the log lines holding every TEXT ("key": value pairs
# are matched as JSON text, e.g. '"action": "container"').
standin_log() {
  local lines
  lines=$(cat "$STANDIN_LOG")
  for t in "$@"; do
    lines=$(grep -F -- "$t" <<<"$lines")
  done
  [ -n "$lines" ] && printf '%s\n' "$lines"
}

_standin_cleanup() {
  standin_stop
  if [ "$_FAILS" -gt 0 ]; then
    echo "# stand-in log kept: $STANDIN_LOG" >&2
  else
    rm -rf "$STANDIN_DIR"
  fi
}
on_exit _standin_cleanup
