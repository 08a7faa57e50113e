#!/usr/bin/env bash
# run.sh - run one libFuzzer target on its kept corpus (make fuzz, make fuzz-merge, CI).
#
# Usage: tests/fuzz/run.sh TARGET [libFuzzer options...]
#   e.g. tests/fuzz/run.sh fuzz_xml -max_total_time=60
#        tests/fuzz/run.sh fuzz_xml -merge=1    fold build/fuzz/new/TARGET into the corpus
# Runs build/fuzz/TARGET from a scratch folder (build/fuzz/work/TARGET) with
# new inputs written to build/fuzz/new/TARGET and the kept corpus
# tests/fuzz/corpus/TARGET read; a crash leaves build/fuzz/crash-TARGET-<sha1>.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
t=${1:?usage: tests/fuzz/run.sh TARGET [libFuzzer options]}
shift
bin=$ROOT/build/fuzz/$t
[ -x "$bin" ] || { echo "run.sh: $bin not built (make fuzz-build)" >&2; exit 1; }
corpus=$ROOT/tests/fuzz/corpus/$t
new=$ROOT/build/fuzz/new/$t
work=$ROOT/build/fuzz/work/$t
rm -rf "$work"  # empty: fuzz_plan checks that plans write no file there
mkdir -p "$corpus" "$new" "$work"
# -timeout: one input of fuzz_plan took 16 s under the sanitizers on a machine with a
# load of 111 (well under 1 s alone); the Lua budget bounds every plan anyway
opts=(-artifact_prefix="$ROOT/build/fuzz/crash-$t-" -timeout=60 -rss_limit_mb=2048
      -print_final_stats=1)
[ -f "$ROOT/tests/fuzz/$t.dict" ] && opts+=(-dict="$ROOT/tests/fuzz/$t.dict")
case $t in
  # plans print (stdout closed) and may grow memory: bound each allocation and the total
  fuzz_plan) opts+=(-close_fd_mask=1 -malloc_limit_mb=512 -max_len=8192)
             export S3E_FUZZ_LUA_DIR=$ROOT/lua ;;
  fuzz_xml) opts+=(-max_len=16384) ;;
  *) opts+=(-max_len=4096) ;;
esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$work"
if [[ " $* " == *" -merge=1 "* ]]; then
  exec "$bin" "${opts[@]}" "$@" "$corpus" "$new"
fi
exec "$bin" "${opts[@]}" "$@" "$new" "$corpus"
