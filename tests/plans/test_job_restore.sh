#!/usr/bin/env bash
# Archived objects in an emitted job: the manifest marks what the listing
# showed in GLACIER (flag "a") and job.tsv carries the source's restore =
# {...}, so run-job asks for the restores without trying a doomed copy. Objects
# being restored are their own state: the payload's result says `restoring`
# (not done, not failed), job-status counts them and says to run again later,
# and `run-job --failed` reruns the payload and copies them once restored.
# radosgw has no archive tier: the fault proxy answers for the archived
# objects as AWS documents (tests/faultproxy/archive.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 3 objects" s3check load "$src" in/warm 3 >/dev/null
for i in 1 2; do
  check "archived object $i" s3check put "s3://$src/in/cold-$i.bin" $((i * 50000)) >/dev/null
done
dir=$(mktemp -d)
on_exit rm -rf "$dir"
archive="^$src/in/cold-"
ep=$(fault_proxy_start --archive "$archive" --restore-seconds 3600) || { fail "proxy"; finish; }
restores() { grep -c "^RestoreObject " "$FAULT_PROXY_LOG"; }
refused() { fault_count "fault=archive-refuse"; }

cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", restore = { days = 2, tier = "Bulk" } } },
         target = "s3://$dst/out/", workers = 1 }
LUA
job=$dir/job
check "emit through the proxy" s3e "$dir/plan.lua" --endpoint "$ep" --emit "$job" >/dev/null
expect_eq "$(cat "$job"/manifests/*.tsv | awk -F'\t' '$11 ~ /a/ { print $2 }' | sort | tr '\n' ' ')" \
  "in/cold-1.bin in/cold-2.bin " "the manifest marks the 2 listed as GLACIER archived"
expect_eq "$(grep -c "$(printf '^source\t0\t2\tBulk$')" "$job/job.tsv")" 1 \
  "job.tsv carries the source's restore (days 2, Bulk)"

# ---- run 1: restores asked for, the payload is restoring, not failed ------------------
rc=0
out=$(s3e run-job "$job" --worker 1 --endpoint "$ep" 2>&1) || rc=$?
expect_eq "$rc" 1 "run-job exits 1 while objects are being restored"
expect_eq "$(restores)" 2 "one RestoreObject per archived object"
expect_eq "$(grep -c "^RestoreObject /$src/in/cold-[12].bin days=2 tier=Bulk status=202" \
  "$FAULT_PROXY_LOG")" 2 "RestoreObject carries the plan's Days 2 and Tier Bulk"
expect_eq "$(refused)" 0 "no copy of an archived object was tried"
res=$(cat "$job"/results/payload-*.tsv)
expect_contains "$res" "$(printf 'status\trestoring')" "the payload's result says restoring"
expect_contains "$res" "$(printf 'restoring\t2\t')" "2 objects restoring"
expect_contains "$res" "$(printf 'failed\t0\t')" "none failed"
expect_contains "$res" "$(printf 'restore\ts3://%s/in/cold-1.bin' "$src")" "the objects are listed"
rc=0
status=$(s3e job-status "$job") || rc=$?
expect_eq "$rc" 1 "job-status exits 1 (not all done)"
expect_contains "$status" "0 done, 0 failed, 1 restoring" "job-status: the payload is restoring"
expect_contains "$status" "3 done of 5" "job-status: the 3 others are done"
expect_contains "$status" "0 failed, 2 restoring" "job-status: 2 objects restoring, none failed"
expect_contains "$status" "run again later" "job-status says to run again later"
expect_contains "$status" "restoring: s3://$src/in/cold-2.bin" "job-status names them"

# ---- run 2: still being restored: no second RestoreObject --------------------------
rc=0
s3e run-job "$job" --failed --endpoint "$ep" >/dev/null 2>&1 || rc=$?
expect_eq "$rc" 1 "run-job --failed while restoring exits 1"
expect_eq "$(restores)" 2 "no second RestoreObject"
expect_contains "$(s3e job-status "$job")" "1 restoring" "still restoring"

# ---- run 3: restored: run-job --failed copies them -----------------------------------
fault_proxy_set --archive "$archive" --restore-seconds 0
rc=0
s3e run-job "$job" --failed --endpoint "$ep" >/dev/null 2>&1 || rc=$?
expect_eq "$rc" 0 "run-job --failed after the restores exits 0"
check "job-status: all done" s3e job-status "$job" >/dev/null
expect_eq "$(restores)" 2 "no RestoreObject once restored"
for i in 1 2; do
  check "cold-$i.bin copied byte for byte" s3check same "s3://$src/in/cold-$i.bin" "s3://$dst/out/cold-$i.bin"
done
expect_eq "$(s3check count "s3://$dst/out/")" 5 "all 5 objects at the destination"

# ---- without restore: archived objects fail (not restoring), and say archived ---------
cat >"$dir/plain.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } }, target = "s3://$dst/plain/", workers = 1 }
LUA
fault_proxy_set --archive "$archive" --restore-seconds 3600
check "emit without restore" s3e "$dir/plain.lua" --endpoint "$ep" --emit "$dir/plain" >/dev/null
rc=0
s3e run-job "$dir/plain" --worker 1 --endpoint "$ep" >/dev/null 2>&1 || rc=$?
expect_eq "$rc" 1 "without restore: run-job exits 1"
status=$(s3e job-status "$dir/plain")
expect_contains "$status" "0 done, 1 failed, 0 restoring" "without restore: the payload failed"
expect_contains "$status" "2 failed, 0 restoring" "without restore: 2 objects failed (archived)"
expect_eq "$(restores)" 2 "without restore: no RestoreObject"
finish
