#!/usr/bin/env bash
# versions = "all" run again after it stopped part way: each source version
# reaches the target exactly once, in order. The target's versions of a key
# are matched to the source's by size and ETag, oldest first (version ids
# are the target's own; nothing is written on the copies). Stopped by kill -9
# while the third version's copy hangs (fault proxy: silent); by a third
# version that cannot be copied (fault proxy: InvalidObjectState), which must
# not let the fourth and fifth be copied before it; the same under run-job;
# then new versions at the source after a complete run, and a rerun where the
# target's ETags are not MD5s (SSE-KMS, fault proxy). Before: every rerun
# copied the key's versions again from the oldest, so the target held them twice.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"
. "$PLAN_LIB_DIR/lib_versions.sh"

versioned_pair || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# five versions; the third has the second's size, the fifth the first's
sizes=(1000 2000 2000 3000 1000)
for i in 1 2 3 4 5; do
  check "v/k.txt version $i" s3check put "s3://$src/v/k.txt" "${sizes[$((i - 1))]}" --seed "k$i" >/dev/null
done

# the target, prefix PFX: version by version the source's first N versions
same_history() { expect_history v/k.txt "${1}k.txt" "$2" "$3"; }

plan() {
  cat >"$dir/$1.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/", versions = "all" } },
         target = "s3://$dst/$1/", workers = 1 }
LUA
}

# ---- 1. killed while the third version's copy hangs --------------------------------
plan kill
ep=$(fault_proxy_start --only copy --after 2 --rate silent=1) || { fail "fault proxy"; finish; }
s3e "$dir/kill.lua" --endpoint "$ep" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do
  [ "$(fault_count fault=silent)" -ge 1 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
fault_proxy_stop # the held copy never reaches the server
expect_eq "$(fault_count fault=silent)" 1 "killed while the third version's copy hung"
same_history kill/ 2 "the target holds versions 1 and 2"
rc=0
out=$(s3e "$dir/kill.lua" --report "$dir/kill.csv" 2>"$dir/kill.err") || rc=$?
expect_eq "$rc" 0 "the rerun exits 0"
expect_eq "$(summary_value "$out" copied):$(summary_value "$out" skipped)" "3:2" \
  "the rerun copies versions 3 to 5 and skips 1 and 2"
same_history kill/ 5 "the target holds each source version once, in order"
out=$(s3e "$dir/kill.lua" 2>>"$dir/kill.err")
expect_eq "$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:5" \
  "a further rerun copies nothing"
expect_eq "$(version_md5s "$dst" kill/k.txt | wc -l)" 5 "still five versions"

# ---- 2. the third version cannot be copied -----------------------------------------
plan fail
ep=$(fault_proxy_start --only copy --after 2 --max-faults 1 --rate archived=1) || { fail "fault proxy"; finish; }
rc=0
s3e "$dir/fail.lua" --endpoint "$ep" --report "$dir/fail.csv" -q >/dev/null 2>&1 || rc=$?
fault_proxy_stop
expect_eq "$rc" 1 "a version not copied: exit 1"
expect_eq "$(report_col "$dir/fail.csv" status | tr '\n' ' ')" "copied copied archived failed failed " \
  "versions 4 and 5 are not copied after 3"
expect_contains "$(cat "$dir/fail.csv")" "an older version of the key was not copied" "and say why"
same_history fail/ 2 "the target holds versions 1 and 2 only"
rc=0
out=$(s3e "$dir/fail.lua" 2>"$dir/fail.err") || rc=$?
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:3:2" \
  "the rerun copies versions 3 to 5"
same_history fail/ 5 "each source version once, in order"

# ---- 3. new versions at the source after a complete run ----------------------------
check "v/k.txt version 6" s3check put "s3://$src/v/k.txt" 1500 --seed k6 >/dev/null
rc=0
out=$(s3e "$dir/fail.lua" 2>>"$dir/fail.err") || rc=$?
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:1:5" \
  "only the new version is copied"
same_history fail/ 6 "the target has the source's six versions, in order"

# ---- 3b. the same through a job: run-job stopped at the third version ------------------
plan job
check "emit the job" s3e "$dir/job.lua" --emit "$dir/job" >/dev/null
ep=$(fault_proxy_start --only copy --after 2 --max-faults 1 --rate archived=1) || { fail "fault proxy"; finish; }
rc=0
s3e run-job "$dir/job" --index 0 --count 1 --endpoint "$ep" >/dev/null 2>&1 || rc=$?
fault_proxy_stop
expect_ne "$rc" 0 "run-job with a version not copied: not exit 0"
same_history job/ 2 "run-job: the target holds versions 1 and 2 (of 6)"
rc=0
s3e run-job "$dir/job" --index 0 --count 1 >/dev/null 2>"$dir/job.err" || rc=$?
expect_eq "$rc" 0 "run-job again exits 0"
same_history job/ 6 "run-job again: each source version once, in order"

# ---- 4. a complete run again where the target's ETags are not MD5s -------------------
# (AWS's SSE-KMS ETags, given by the fault proxy for the target bucket): the
# newest version's copy is checked with HEADs, and nothing is copied
ep=$(fault_proxy_start --rate kms-etag=1 --path "^/$dst") || { fail "fault proxy"; finish; }
rc=0
out=$(s3e "$dir/fail.lua" --endpoint "$ep" 2>>"$dir/fail.err") || rc=$?
fault_proxy_stop
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:0:6" \
  "with SSE-KMS ETags at the target a rerun copies nothing"
expect_ne "$(fault_count fault=kms-etag)" 0 "the target's answers had SSE-KMS ETags"
same_history fail/ 6 "still the six versions, once each"
finish
