#!/usr/bin/env bash
# Issue #12, item 5: restore = { days = N, tier = ... } on a source.
# A copy that meets an archived object (403 InvalidObjectState) asks for its
# restore (RestoreObject with the plan's Days and Tier) and reports it
# `restoring`; a later run while the restore is under way (HEAD:
# x-amz-restore ongoing-request="true") reports it `restoring` again without
# a second RestoreObject; once restored (ongoing-request="false") a run copies
# it byte for byte. radosgw has no archive tier: the fault proxy answers for
# the archived objects as AWS documents (tests/faultproxy/archive.py).
# Without restore, archived objects stay `archived` and nothing is restored.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 4 objects" s3check load "$src" in/warm 4 >/dev/null
# in/: listed (the listing says GLACIER); man/: named by a manifest (no storage
# class: the copy is tried and refused). cold-4 and cold-6 are above
# --multipart-cutoff: their UploadPartCopy is what is refused.
for i in 1 2 3 5; do
  d=in; [ "$i" = 5 ] && d=man
  check "archived object $i" s3check put "s3://$src/$d/cold-$i.bin" $((i * 70000)) >/dev/null
done
check "archived object 4 (12 MiB)" s3check put "s3://$src/in/cold-4.bin" $((12 << 20)) >/dev/null
check "archived object 6 (12 MiB)" s3check put "s3://$src/man/cold-6.bin" $((12 << 20)) >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"

archive="^$src/(in|man)/cold-"
ep=$(fault_proxy_start --archive "$archive" --restore-seconds 3600) || { fail "proxy"; finish; }
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/",
                       restore = { days = 3, tier = "Bulk" } } },
         target = "s3://$dst/out/" }
LUA
printf '%s,man/cold-5.bin,350000\n%s,man/cold-6.bin,%d\n' "$src" "$src" $((12 << 20)) \
  >"$dir/list.csv"
cat >"$dir/manifest.lua" <<LUA
return { sources = { { manifest = "list.csv", restore = { days = 1 } } },
         target = "s3://$dst/out/" }
LUA
restores() { grep -c "^RestoreObject " "$FAULT_PROXY_LOG"; }
refused() { fault_count "fault=archive-refuse"; }
# run PLAN REPORT: s3engine through the proxy; sets rc and out
run() {
  rc=0
  out=$(s3e "$dir/$1" --endpoint "$ep" --multipart-cutoff 8MiB --report "$dir/$2" 2>&1) || rc=$?
}
# outcomes REPORT OUTCOME: how many rows have it
outcomes() { grep -c ",$2," "$dir/$1"; }

# ---- without restore: archived, as before, and no RestoreObject ----------------
cat >"$dir/plain.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } }, target = "s3://$dst/plain/" }
LUA
run plain.lua p.csv
expect_eq "$rc" 1 "without restore: exit 1"
expect_eq "$(outcomes p.csv archived)" 4 "without restore: the 4 are archived"
expect_eq "$(outcomes p.csv restoring)" 0 "without restore: none restoring"
expect_eq "$(restores)" 0 "without restore: no RestoreObject"
expect_eq "$(refused)" 4 "without restore: each copy tried once and refused"
expect_eq "$(fault_count 'op=UploadPartCopy fault=archive-refuse')" 1 \
  "without restore: the large one's UploadPartCopy was refused"
expect_eq "$(s3check uploads "s3://$dst/")" 0 "without restore: its upload was aborted"

# ---- run 1: restores asked for ----------------------------------------------------
run plan.lua r1.csv
expect_eq "$rc" 1 "run 1 with objects being restored exits 1 (not complete)"
expect_eq "$(outcomes r1.csv restoring)" 4 "run 1: the 4 archived objects are restoring"
expect_eq "$(outcomes r1.csv copied)" 4 "run 1: the others are copied"
expect_eq "$(grep -c ',failed,\|,archived,' "$dir/r1.csv")" 0 "run 1: none failed or archived"
expect_contains "$out" "restoring:  4 objects" "run 1: the summary counts them"
expect_eq "$(restores)" 4 "run 1: one RestoreObject per archived object"
expect_eq "$(grep -c "^RestoreObject /$src/in/cold-[1234].bin days=3 tier=Bulk status=202" \
  "$FAULT_PROXY_LOG")" 4 "run 1: RestoreObject carries Days 3 and Tier Bulk, answered 202"
expect_eq "$(refused)" 4 "run 1: listed as GLACIER, no copy is tried before the restore"
expect_eq "$(s3check count "s3://$dst/out/")" 4 "run 1: the destination holds the 4 others"

# a manifest says no storage class: the copy is refused, then the restore asked for
run manifest.lua m1.csv
expect_eq "$rc" 1 "manifest run 1 exits 1"
expect_eq "$(outcomes m1.csv restoring)" 2 "manifest run 1: both refused copies are restoring"
expect_eq "$(refused)" 6 "manifest run 1: each copy refused once (CopyObject, UploadPartCopy)"
expect_eq "$(grep -c "^RestoreObject /$src/man/cold-[56].bin days=1 tier=Standard status=202" \
  "$FAULT_PROXY_LOG")" 2 "manifest run 1: RestoreObject with Days 1, Tier Standard (the default)"
expect_eq "$(s3check uploads "s3://$dst/")" 0 "manifest run 1: the refused upload was aborted"

# ---- run 2: restores under way, none asked again ----------------------------------
run plan.lua r2.csv
expect_eq "$rc" 1 "run 2 while restoring exits 1"
expect_eq "$(outcomes r2.csv restoring)" 4 "run 2: still restoring"
expect_eq "$(outcomes r2.csv skipped)" 4 "run 2: the others are skipped"
expect_eq "$(restores)" 6 "run 2: no second RestoreObject"
expect_contains "$(grep ',restoring,' "$dir/r2.csv" | head -1)" "being restored" \
  "run 2: the report says a restore is under way"
run manifest.lua m2.csv
expect_eq "$(outcomes m2.csv restoring)" 2 "manifest run 2: still restoring"
expect_eq "$(restores)" 6 "manifest run 2: no second RestoreObject"

# ---- run 3: restored, copied byte for byte ----------------------------------------
fault_proxy_set --archive "$archive" --restore-seconds 0
run plan.lua r3.csv
expect_eq "$rc" 0 "run 3 after the restores exits 0"
expect_eq "$(outcomes r3.csv copied)" 4 "run 3: the 4 restored objects are copied"
run manifest.lua m3.csv
expect_eq "$rc" 0 "manifest run 3 exits 0"
expect_eq "$(outcomes m3.csv copied)" 2 "manifest run 3: both are copied"
expect_eq "$(restores)" 6 "run 3: no RestoreObject"
for i in 1 2 3 4 5 6; do
  d=in t=out; [ "$i" -ge 5 ] && d=man t=out/man # a manifest's keys are kept whole
  check "cold-$i.bin copied byte for byte" \
    s3check same "s3://$src/$d/cold-$i.bin" "s3://$dst/$t/cold-$i.bin"
done

# ---- the field is checked like every plan field ---------------------------------
bad() {
  # restore on line 2, before the bucket (whose name holds the word restore)
  printf 'return { sources = { {\n  restore = %s,\n  bucket = "%s" } },\n  target = "s3://%s/x/" }\n' \
    "$1" "$src" "$dst" >"$dir/bad.lua"
  rc=0
  out=$(s3e "$dir/bad.lua" --dry-run 2>&1) || rc=$?
  expect_eq "$rc" 2 "restore = $1: exit 2"
  expect_contains "$out" "bad.lua:2:" "restore = $1: file:line"
  expect_contains "$out" "$2" "restore = $1: says $2"
}
bad '{ days = 3, tier = "Slow" }' 'expected "Bulk", "Standard" or "Expedited"'
bad '{ tier = "Bulk" }' 'restore needs days'
bad '{ days = 0 }' 'expected a whole number from 1'
bad '{ days = 3, teir = "Bulk" }' "did you mean 'tier'"
bad '"Bulk"' 'expected { days = N'
finish
