#!/usr/bin/env bash
# run-tests.sh - `make test`: install what is missing, build, run every test.
#
# Usage: scripts/run-tests.sh [--unit-only] [--no-install]
#   --unit-only   only the cmocka unit tests (build/<out>/tests/test_*); no server
#   --no-install  do not run scripts/install-deps.sh
# Environment:
#   SANITIZER=address   build and test the ASan + UBSan build (build/asan) instead of build/release
#   SANITIZER=thread    the same with ThreadSanitizer (build/tsan)
#   RGW_PORT / MON_PORT first ports tried for radosgw / the Ceph monitor (17480 / 17300);
#                       the first free ones from there are used
#   S3E_TEST_TIMEOUT    seconds per test before it is killed (default 900)
#   S3E_TEST_FILTER     only run tests whose name contains this string (several strings
#                       separated by commas: tests whose name contains any of them)
#   S3E_FUZZ_RUNS       inputs each fuzz target tries after replaying its corpus, from a
#                       fixed seed so that the suite gives the same answer every time
#                       (default 30000, about 10 s for the slowest; `make fuzz` explores)
#
# Steps: scripts/install-deps.sh test (build for --unit-only); make -j2 all tests;
# each build/<out>/tests/test_*; then, unless --unit-only, each fuzz target
# (make fuzz-build, tests/fuzz/run.sh, build/fuzz/), a throwaway radosgw on
# 127.0.0.1 (scripts/rgw-start.sh in a mktemp -d directory, stopped and wiped on
# exit), each build/<out>/tests/itest_* and each tests/plans/test_*.sh with
# AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION,
# AWS_REGION, S3E_ADDRESSING=path and S3ENGINE (absolute path of the binary) set;
# S3ENGINE_HOSTILE is the ASan + UBSan binary (built too) for tests/plans/test_hostile_plans.sh.
# Each test's output goes to build/test-logs/<kind>/<name>.log. Prints
# "PASS name" / "FAIL name (log: path)" per test, then "N passed, M failed".
# Exits non-zero if the build or any test failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
UNIT_ONLY=
NO_INSTALL=
for a in "$@"; do
  case $a in
    --unit-only) UNIT_ONLY=1 ;;
    --no-install) NO_INSTALL=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-tests: unknown argument '$a'" >&2; usage >&2; exit 2 ;;
  esac
done

SANITIZER=${SANITIZER:-}
case $SANITIZER in
  '') OUT=build/release ;;
  thread) OUT=build/tsan ;;
  *) OUT=build/asan ;;
esac
LOGS=build/test-logs
TMO=${S3E_TEST_TIMEOUT:-900}
FILTER=${S3E_TEST_FILTER:-}
wanted() { # NAME: does NAME contain one of FILTER's comma-separated strings (or no filter)?
  local f fs
  [ -n "$FILTER" ] || return 0
  IFS=, read -ra fs <<<"$FILTER"
  for f in "${fs[@]}"; do case $1 in *"$f"*) return 0 ;; esac; done
  return 1
}
rm -rf "$LOGS"
mkdir -p "$LOGS"/{unit,integration,plans}

if [ -t 1 ]; then G=$'\033[32m' R=$'\033[31m' B=$'\033[1m' N=$'\033[0m'; else G="" R="" B="" N=""; fi
step() { printf '%s==> %s%s\n' "$B" "$*" "$N"; }
CUR_PID=
on_signal() { # stop the running test (timeout passes the signal on), then exit: EXIT trap runs
  if [ -n "$CUR_PID" ]; then kill -TERM "$CUR_PID" 2>/dev/null; wait "$CUR_PID" 2>/dev/null; fi
  echo "run-tests: interrupted" >&2
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
PASSED=0
FAILED=0
FAILED_NAMES=()
summary() {
  echo
  if [ $FAILED -eq 0 ]; then
    printf '%s%d passed, %d failed%s\n' "$G" "$PASSED" "$FAILED" "$N"
  else
    printf '%s%d passed, %d failed:%s %s\n' "$R" "$PASSED" "$FAILED" "$N" "${FAILED_NAMES[*]}"
  fi
}
record_fail() { # NAME LOG [WHY [notail]]: count a failure, show the end of its log
  FAILED=$((FAILED + 1))
  FAILED_NAMES+=("$1")
  printf '%sFAIL%s %s (%slog: %s)\n' "$R" "$N" "$1" "${3:+$3, }" "$2"
  if [ -z "${4:-}" ] && [ -s "$2" ]; then tail -n 15 "$2" | sed 's/^/    | /'; fi
}

# run_test NAME LOG CMD...: run CMD from the repo root with output to LOG, bounded in time
run_test() {
  local name=$1 log=$2 rc=0
  shift 2
  wanted "$name" || return 0
  # in the background + wait, so that Ctrl-C / TERM reach us at once (see on_signal)
  timeout --kill-after=10 "$TMO" "$@" </dev/null >"$log" 2>&1 &
  CUR_PID=$!
  wait "$CUR_PID" || rc=$?
  CUR_PID=
  if [ $rc -eq 0 ]; then
    PASSED=$((PASSED + 1))
    printf '%sPASS%s %s\n' "$G" "$N" "$name"
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    record_fail "$name" "$log" "timed out after ${TMO}s"
  else
    record_fail "$name" "$log" "exit status $rc"
  fi
}

# ---- dependencies ------------------------------------------------------------
if [ -z "$NO_INSTALL" ]; then
  step "checking packages"
  if [ -n "$UNIT_ONLY" ]; then deps="build"; else deps="test"; fi
  if ! scripts/install-deps.sh "$deps"; then
    echo "run-tests: installing packages failed (run scripts/install-deps.sh $deps by hand)" >&2
    exit 1
  fi
fi

# ---- build -------------------------------------------------------------------
step "building ($OUT): make -j2 all tests${SANITIZER:+ SANITIZER=$SANITIZER}"
if ! make -j2 SANITIZER="$SANITIZER" all tests 2>&1 | tee "$LOGS/build.log"; then
  record_fail build "$LOGS/build.log" "make failed" notail  # make's output is above
  summary
  exit 1
fi
BIN=$ROOT/$OUT/s3engine
[ -x "$BIN" ] || { record_fail build "$LOGS/build.log" "no $OUT/s3engine after make"; summary; exit 1; }

# Hostile plans always run against the ASan + UBSan binary: a memory error that the
# release build (or the ThreadSanitizer build, which finds no memory errors) survives by
# luck must still fail the suite.
if [ "$SANITIZER" != address ] && [ -z "$UNIT_ONLY" ]; then
  step "building the sanitizer binary for hostile plans: make SANITIZER=address build/asan/s3engine"
  if ! make -j2 SANITIZER=address build/asan/s3engine >"$LOGS/build-asan.log" 2>&1; then
    record_fail build-asan "$LOGS/build-asan.log" "make SANITIZER=address failed"
  fi
fi
export S3ENGINE_HOSTILE=$ROOT/build/asan/s3engine
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# a data race fails the test that ran into it, with both stacks in its log
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}


# ---- unit tests --------------------------------------------------------------
step "unit tests"
shopt -s nullglob
units=("$OUT"/tests/test_*)
[ ${#units[@]} -gt 0 ] || echo "run-tests: no unit test binaries in $OUT/tests/" >&2
for t in "${units[@]}"; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  n=$(basename "$t")
  run_test "$n" "$LOGS/unit/$n.log" "$t"
done

if [ -n "$UNIT_ONLY" ]; then
  summary
  [ $FAILED -eq 0 ]
  exit
fi

# ---- fuzz targets (clang + libFuzzer): each replays its corpus in tests/fuzz/corpus,
# then tries a fixed number of inputs from a fixed seed: the same inputs every run, so a
# failure here is a regression, not luck (new bugs are found by `make fuzz`) ----
fuzz_names=()
for f in tests/fuzz/fuzz_*.c; do
  n=$(basename "$f" .c); wanted "$n" && fuzz_names+=("$n")
done
if [ ${#fuzz_names[@]} -gt 0 ]; then
  step "fuzz targets (corpus + ${S3E_FUZZ_RUNS:-30000} inputs each, seed 1)"
  mkdir -p "$LOGS/fuzz"
  if ! command -v clang >/dev/null; then
    record_fail fuzz-build "$LOGS/fuzz/build.log" "clang missing: scripts/install-deps.sh test"
  elif ! make -j2 fuzz-build >"$LOGS/fuzz/build.log" 2>&1; then
    record_fail fuzz-build "$LOGS/fuzz/build.log" "make fuzz-build failed"
  else
    for n in "${fuzz_names[@]}"; do
      run_test "$n" "$LOGS/fuzz/$n.log" tests/fuzz/run.sh "$n" -seed=1 \
        -runs="${S3E_FUZZ_RUNS:-30000}" -max_total_time=120
    done
  fi
fi

# ---- local S3 server -----------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # FIRST: the first port from FIRST (up to FIRST+199) nobody listens on
  local p=$1
  while [ "$p" -lt $(($1 + 200)) ]; do
    port_free "$p" && { echo "$p"; return 0; }
    p=$((p + 1))
  done
  return 1
}

RGW_DIR_T=$(mktemp -d "${TMPDIR:-/tmp}/s3engine-test-rgw.XXXXXX")
stop_server() {
  if [ $FAILED -ne 0 ] && [ -d "$RGW_DIR_T/log" ]; then
    mkdir -p "$LOGS/rgw" && cp -r "$RGW_DIR_T/log/." "$LOGS/rgw/" 2>/dev/null || true
  fi
  scripts/rgw-stop.sh "$RGW_DIR_T" --wipe >>"$LOGS/rgw-stop.log" 2>&1 || true
  rm -rf "$RGW_DIR_T" 2>/dev/null || true  # if the start failed before marking it
}
trap stop_server EXIT

# SSE-C without TLS and a testing KMS with two fixed keys, for test_encryption.sh
# (never use these settings outside tests)
RGW_TEST_CONF="rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE= testkey-2=YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI="
step "starting radosgw (Ceph) on 127.0.0.1 in $RGW_DIR_T"
rgw_port=${RGW_PORT:-17480}
mon_port=${MON_PORT:-17300}
started=
for attempt in 1 2 3; do
  rgw_port=$(free_port "$rgw_port") && mon_port=$(free_port "$mon_port") || break
  [ "$rgw_port" != "$mon_port" ] || rgw_port=$(free_port $((rgw_port + 1))) || break
  if env_out=$(RGW_PORT=$rgw_port MON_PORT=$mon_port RGW_EXTRA_CONF=$RGW_TEST_CONF \
                 scripts/rgw-start.sh "$RGW_DIR_T" \
                 2>>"$LOGS/rgw-start.log"); then
    started=1
    break
  fi
  # another process may have taken a port between the check and the bind: try the next ones
  grep -q 'already in use' "$LOGS/rgw-start.log" || break
  rgw_port=$((rgw_port + 1)) mon_port=$((mon_port + 1))
  echo "run-tests: port taken, retrying (attempt $((attempt + 1)))" >>"$LOGS/rgw-start.log"
done
if [ -z "$started" ]; then
  record_fail rgw-start "$LOGS/rgw-start.log" "could not start radosgw"
  summary
  exit 1
fi
eval "$env_out"
export AWS_ENDPOINT_URL=$RGW_ENDPOINT
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION
export RGW_DIR  # the server's folder: tests that add a radosgw user (radosgw-admin -c $RGW_DIR/ceph.conf)
export AWS_REGION=$AWS_DEFAULT_REGION
export S3E_ADDRESSING=path
export S3ENGINE=$BIN
unset AWS_PROFILE AWS_CA_BUNDLE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN
echo "radosgw at $RGW_ENDPOINT (monitor port $mon_port)"

# ---- integration tests --------------------------------------------------------
step "integration tests"
for t in "$OUT"/tests/itest_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  n=$(basename "$t")
  run_test "$n" "$LOGS/integration/$n.log" "$t"
done

# ---- plan tests ----------------------------------------------------------------
step "plan tests"
for t in tests/plans/test_*.sh; do
  n=$(basename "$t" .sh)
  run_test "$n" "$LOGS/plans/$n.log" bash "$t"
done

summary
[ $FAILED -eq 0 ]
