# shellcheck shell=bash
# tests/plans/lib.sh - helpers for plan tests (tests/plans/test_*.sh). Source it:
#
#   #!/usr/bin/env bash
#   . "$(dirname "$0")/lib.sh"
#   src=$(fresh_bucket src)
#   check "load fixtures" s3check load "$src" in 20
#   expect_eq "$(s3check count "s3://$src/in/")" 20 "objects loaded"
#   expect_exit 2 "$S3ENGINE" --no-such-flag
#   finish
#
# Needs the server settings in the environment (scripts/run-tests.sh exports
# them): AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# AWS_DEFAULT_REGION. S3ENGINE is the binary under test (default ./s3engine).
#
#   check DESC CMD...          run CMD; a non-zero exit status is a failure
#   expect_eq ACTUAL EXPECTED MSG
#   expect_ne ACTUAL UNEXPECTED MSG
#   expect_contains TEXT NEEDLE MSG
#   expect_exit CODE CMD...    CMD must exit with status CODE
#   fail MSG                   count a failure (the test goes on)
#   s3check ARGS...            tests/plans/s3check.py (boto3) with Debian's python3
#   s3e ARGS...                "$S3ENGINE" ARGS...
#   report_col CSV NAME        column NAME of every row of a --report CSV
#   fresh_bucket NAME          create a bucket unique to this test run, echo its name;
#                              removed by finish when the test passed
#   versioned_pair             $src and $dst: fresh buckets with versioning on
#   clock_shim DIR             build DIR/clock_behind.so (tests/support/clock_behind.c),
#                              preloaded with "$PRELOAD_ASAN" LD_PRELOAD=... S3E_CLOCK_BEHIND=S
#   on_exit CMD...             run CMD at exit (do not set your own EXIT trap)
#   finish                     print "PASS name" or "FAIL name", exit 1 on any failure
#
# The script is not run with `set -e`: a failed check is counted and the test
# goes on, so one run shows every failure. A script that ends (or dies) without
# calling finish is reported as failed.

set -uo pipefail

PLAN_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PLAN_ROOT=$(cd "$PLAN_LIB_DIR/../.." && pwd)  # the repository root, for tests that need it
export PLAN_ROOT
TEST_NAME=${TEST_NAME:-$(basename "${BASH_SOURCE[1]:-$0}" .sh)}
S3ENGINE=${S3ENGINE:-./s3engine}
S3CHECK_PY=${S3CHECK_PY:-$PLAN_LIB_DIR/s3check.py}
S3CHECK_PYTHON=${S3CHECK_PYTHON:-/usr/bin/python3}

_FAILS=0
_CHECKS=0
_FINISHED=
_EXIT_CMDS=()
_BUCKETS_FILE=$(mktemp "${TMPDIR:-/tmp}/s3e-plan-$TEST_NAME-$$.XXXXXX")

_say() { printf '%s\n' "$*"; }

fail() {
  _FAILS=$((_FAILS + 1))
  _say "not ok - ${*:-failure}" >&2
  return 0
}

_ok() { _say "ok - $*"; }

check() {
  local desc=$1
  shift
  _CHECKS=$((_CHECKS + 1))
  if [ $# -eq 0 ]; then
    fail "$desc (check given no command)"
    return 1
  fi
  local rc=0
  "$@" || rc=$?
  if [ $rc -eq 0 ]; then
    _ok "$desc"
  else
    fail "$desc (exit status $rc from: $*)"
  fi
  return $rc
}

expect_eq() {
  local actual=$1 expected=$2 msg=${3:-values equal}
  _CHECKS=$((_CHECKS + 1))
  if [ "$actual" == "$expected" ]; then
    _ok "$msg"
  else
    fail "$msg: expected '$expected', got '$actual'"
    return 1
  fi
}

expect_ne() {
  local actual=$1 unexpected=$2 msg=${3:-values differ}
  _CHECKS=$((_CHECKS + 1))
  if [ "$actual" != "$unexpected" ]; then
    _ok "$msg"
  else
    fail "$msg: got '$actual', which it must not be"
    return 1
  fi
}

expect_contains() {
  local text=$1 needle=$2 msg=${3:-text contains '$2'}
  _CHECKS=$((_CHECKS + 1))
  case $text in
    *"$needle"*) _ok "$msg" ;;
    *) fail "$msg: '$needle' not found in: $(printf '%s' "$text" | head -c 2000)"; return 1 ;;
  esac
}

expect_exit() {
  local want=$1
  shift
  _CHECKS=$((_CHECKS + 1))
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -eq "$want" ]; then
    _ok "exit status $want from: $*"
  else
    fail "expected exit status $want, got $rc from: $*"
    return 1
  fi
}

s3check() { "$S3CHECK_PYTHON" "$S3CHECK_PY" "$@"; }

s3e() { "$S3ENGINE" "$@"; }

# For `env ... "$PRELOAD_ASAN" LD_PRELOAD=SHIM s3engine`: an ASan build refuses a
# preloaded library listed before its runtime; the test shims need no such order.
PRELOAD_ASAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

clock_shim() {
  check "the clock shim builds" "${CC:-cc}" -shared -fPIC -o "$1/clock_behind.so" \
    "$PLAN_ROOT/tests/support/clock_behind.c" -ldl
}

# report_col CSV NAME: column NAME of every row of a --report CSV, one a line
report_col() {
  "$S3CHECK_PYTHON" -c 'import csv, sys
print("\n".join(r[sys.argv[2]] for r in csv.DictReader(open(sys.argv[1], newline=""))))' "$1" "$2"
}

# fresh_bucket NAME: a valid, run-unique bucket name (NAME-TEST-PID[-N]), created empty.
fresh_bucket() {
  local base name n=1
  base=$(printf '%s-%s-%s' "$1" "$TEST_NAME" "$$" | tr 'A-Z_.' 'a-z--' | tr -c 'a-z0-9-\n' '-')
  base=${base:0:58}
  base=${base%-}
  name=$base
  while grep -qxF "$name" "$_BUCKETS_FILE" 2>/dev/null; do
    n=$((n + 1))
    name=$base-$n
  done
  echo "$name" >>"$_BUCKETS_FILE"
  if ! s3check mb "$name" >/dev/null; then
    fail "fresh_bucket: could not create bucket $name"
    return 1
  fi
  echo "$name"
}

# versioned_pair: fresh buckets $src and $dst, versioning on in both (checked).
versioned_pair() {
  src=$(fresh_bucket src) && dst=$(fresh_bucket dst) &&
    check "versioning on the source" s3check versioning "$src" >/dev/null &&
    check "versioning on the target" s3check versioning "$dst" >/dev/null
}

on_exit() { _EXIT_CMDS+=("$(printf '%q ' "$@")"); }

_run_exit_cmds() {
  local c
  for c in ${_EXIT_CMDS[@]+"${_EXIT_CMDS[@]}"}; do
    eval "$c" || true
  done
  _EXIT_CMDS=()
}

_cleanup_buckets() {
  local b
  [ -s "$_BUCKETS_FILE" ] || return 0
  if [ "$_FAILS" -ne 0 ] || [ -n "${S3E_KEEP_BUCKETS:-}" ]; then
    _say "buckets kept for inspection: $(tr '\n' ' ' <"$_BUCKETS_FILE")" >&2
    return 0
  fi
  while read -r b; do
    [ -n "$b" ] && s3check rb "$b" >/dev/null 2>&1
  done <"$_BUCKETS_FILE"
}

finish() {
  _FINISHED=1
  _run_exit_cmds
  _cleanup_buckets
  rm -f "$_BUCKETS_FILE"
  if [ "$_FAILS" -eq 0 ]; then
    _say "PASS $TEST_NAME ($_CHECKS checks)"
    exit 0
  fi
  _say "FAIL $TEST_NAME ($_FAILS of $_CHECKS checks failed)"
  exit 1
}

_lib_on_exit() {
  local rc=$?
  [ -n "$_FINISHED" ] && return
  _run_exit_cmds
  _FAILS=$((_FAILS + 1))
  _cleanup_buckets
  rm -f "$_BUCKETS_FILE"
  _say "FAIL $TEST_NAME (ended with status $rc before calling finish)"
  exit 1
}
trap _lib_on_exit EXIT

if [ -z "${AWS_ENDPOINT_URL:-}" ] || [ -z "${AWS_ACCESS_KEY_ID:-}" ]; then
  _say "lib.sh: AWS_ENDPOINT_URL and AWS_ACCESS_KEY_ID must be set (scripts/run-tests.sh does it)" >&2
  fail "no S3 server configured"
  finish
fi
