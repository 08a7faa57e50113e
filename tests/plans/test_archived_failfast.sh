#!/usr/bin/env bash
# Issue #12, items 5 and 7.
# Archived: a copy of an object in GLACIER or DEEP_ARCHIVE that is not restored
# gets 403 InvalidObjectState (the fault proxy answers as AWS does, radosgw has
# no archive tier). It is reported `archived` (not `failed`), tried once, and
# counted apart in the summary; the others are copied; exit 1.
# Fail fast: when the first 20 finished copies all fail with the same final S3
# error (here NoSuchBucket: the target bucket does not exist), the run stops
# with one message that names the error and how many objects were not
# attempted, instead of failing the remaining objects one by one.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 25 objects" s3check load "$src" in/warm 25 >/dev/null
for i in 1 2 3 4 5; do
  check "archived object $i" s3check put "s3://$src/in/cold-$i.bin" 1000 >/dev/null
done
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# ---- archived -------------------------------------------------------------------
ep=$(fault_proxy_start --rate archived=1 --path '/out/cold-') || { fail "proxy"; finish; }
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/" } } }
LUA
rc=0
out=$(s3e "$dir/plan.lua" --endpoint "$ep" --report "$dir/r.csv" 2>&1) || rc=$?
expect_eq "$rc" 1 "a run with archived objects exits 1"
expect_eq "$(grep -c ',archived,' "$dir/r.csv")" 5 "the 5 archived objects are reported archived"
expect_eq "$(grep -c ',failed,' "$dir/r.csv")" 0 "none is reported failed"
expect_eq "$(grep -c ',copied,' "$dir/r.csv")" 25 "the others are copied"
expect_contains "$out" "archived:   5 objects" "the summary counts them apart"
expect_eq "$(fault_count fault=archived)" 5 "each archived object is tried once"
expect_eq "$(s3check count "s3://$dst/out/")" 25 "the destination holds the 25 others"

# ---- fail fast ------------------------------------------------------------------
check "load 200 more objects" s3check load "$src" many 200 >/dev/null
cat >"$dir/missing.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "many/" } },
         target = "s3://$dst-does-not-exist/", workers = 4 }
LUA
rc=0
out=$(s3e "$dir/missing.lua" --force --report "$dir/f.csv" 2>&1) || rc=$?
expect_eq "$rc" 1 "a run that stops on a systemic error exits 1"
expect_contains "$out" "the first 20 copies all failed with NoSuchBucket" "one message names the error"
expect_contains "$out" "not attempted" "and says that the rest was not attempted"
rows=$(($(wc -l <"$dir/f.csv") - 1))
[ "$rows" -ge 20 ] && [ "$rows" -le 40 ] && _ok "it stopped after $rows objects" ||
  fail "fail fast: $rows objects were tried (expected 20 to 40 of 200)"
expect_eq "$(grep -c 'NoSuchBucket' <<<"$out")" 1 "the error is said once, not per object"

rc=0
out=$(s3e "$dir/missing.lua" --force --fail-fast 0 --report "$dir/g.csv" 2>&1) || rc=$?
expect_eq "$rc" 1 "--fail-fast 0: the run goes on"
expect_eq "$(($(wc -l <"$dir/g.csv") - 1))" 200 "--fail-fast 0: every object is tried"

# archived objects are not a systemic error: 4 of them first do not stop a run
# with --fail-fast 3
check "20 good objects" s3check load "$src" mixed 20 >/dev/null
for i in 1 2 3 4; do
  check "archived mixed/cold-$i" s3check put "s3://$src/mixed/cold-$i.bin" 1000 >/dev/null
done
ep=$(fault_proxy_start --rate archived=1 --path '/mixed/cold-') || { fail "proxy"; finish; }
cat >"$dir/mixed.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "mixed/" } },
         target = "s3://$dst/mixed/", workers = 1 }
LUA
rc=0
out=$(s3e "$dir/mixed.lua" --endpoint "$ep" --fail-fast 3 --report "$dir/m.csv" 2>&1) || rc=$?
expect_eq "$rc" 1 "a mixed run exits 1 (archived objects)"
expect_eq "$(($(wc -l <"$dir/m.csv") - 1))" 24 "a mixed run is not stopped: every object is tried"
finish
