# shellcheck shell=bash
# tests/plans/lib_wait.sh - wait for a background process with a time limit, for
# tests about how fast s3engine stops. Source it after lib.sh.
#
#   s3e plan.lua & pid=$!
#   wait_exit "$pid" 10 || fail "still running after 10 s"
#   expect_eq "$WAIT_RC" 130 "exit status"
#
#   now_ms                     monotonic-enough wall clock in milliseconds
#   wait_exit PID SECONDS      wait up to SECONDS for PID (a child of this shell) to
#                              end; sets WAIT_RC (its exit status) and WAIT_MS (how long
#                              this wait took); returns 1, after kill -9, when it did not end
#   wait_for_line FILE TEXT SECONDS   wait until FILE has a line containing TEXT
#   built_with_tsan            true when $S3ENGINE is the ThreadSanitizer build: it holds
#                              a signal back until the thread it reached makes its next
#                              call TSan watches (up to a second here), so a test of how
#                              fast a signal acts allows for that, and only for that build

built_with_tsan() { ldd "$S3ENGINE" 2>/dev/null | grep -q 'libtsan'; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

wait_exit() {
  local pid=$1 limit_ms=$(($2 * 1000)) t0
  t0=$(now_ms)
  WAIT_RC=
  while kill -0 "$pid" 2>/dev/null; do
    WAIT_MS=$(( $(now_ms) - t0 ))
    if [ "$WAIT_MS" -ge "$limit_ms" ]; then
      kill -9 "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      WAIT_RC=killed
      return 1
    fi
    sleep 0.05
  done
  wait "$pid"
  WAIT_RC=$?
  WAIT_MS=$(( $(now_ms) - t0 ))
  return 0
}

wait_for_line() {
  local file=$1 text=$2 n=$(($3 * 10))
  for _ in $(seq "$n"); do
    grep -qF -- "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
