#!/usr/bin/env bash
# Issue #12, item 5: objects in an archive tier of Intelligent-Tiering
# (x-amz-storage-class INTELLIGENT_TIERING, x-amz-archive-status
# DEEP_ARCHIVE_ACCESS). The listing does not tell them from the others: the
# copy is refused (403 InvalidObjectState) and they are `archived`; with
# restore = {...} RestoreObject is sent without Days (AWS: these tiers have no
# restore expiry, a request with Days fails) and with the plan's Tier, and
# they are `restoring`; once back in Frequent Access a run copies them byte for
# byte and a rerun copies nothing. Before: RestoreObject carried the plan's
# Days, was refused, and the objects were reported failed. radosgw has no
# archive tier: the fault proxy answers as AWS documents (tests/faultproxy/archive.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 2 objects" s3check load "$src" in/warm 2 >/dev/null
check "archived object 1" s3check put "s3://$src/in/deep-1.bin" 70000 >/dev/null
check "archived object 2 (12 MiB)" s3check put "s3://$src/in/deep-2.bin" $((12 << 20)) >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"

archive="^$src/in/deep-"
tiering=(--archive "$archive" --archive-class INTELLIGENT_TIERING --archive-status DEEP_ARCHIVE_ACCESS)
ep=$(fault_proxy_start "${tiering[@]}" --restore-seconds 3600) || { fail "proxy"; finish; }
restores() { grep -c "^RestoreObject " "$FAULT_PROXY_LOG"; }
# run PLAN REPORT: s3engine through the proxy; sets rc and out
run() {
  rc=0
  out=$(s3e "$dir/$1" --endpoint "$ep" --multipart-cutoff 8MiB --report "$dir/$2" 2>&1) || rc=$?
}
outcomes() { grep -c ",$2," "$dir/$1"; }
head_of() { proxy_head "$ep" "s3://$src/in/deep-1.bin"; }

expect_contains "$(head_of)" "x-amz-archive-status: DEEP_ARCHIVE_ACCESS" \
  "the stand-in's HEAD says the archive tier"

# ---- without restore: archived, no RestoreObject -----------------------------------
cat >"$dir/plain.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } }, target = "s3://$dst/plain/" }
LUA
run plain.lua p.csv
expect_eq "$rc" 1 "without restore: exit 1"
expect_eq "$(outcomes p.csv archived):$(outcomes p.csv copied)" "2:2" \
  "without restore: the 2 in the archive tier are archived, the others copied"
expect_eq "$(restores)" 0 "without restore: no RestoreObject"

# ---- run 1: RestoreObject without Days --------------------------------------------
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/",
                       restore = { days = 3, tier = "Bulk" } } },
         target = "s3://$dst/out/" }
LUA
run plan.lua r1.csv
expect_eq "$rc" 1 "run 1 with objects being restored exits 1"
expect_eq "$(outcomes r1.csv restoring):$(outcomes r1.csv copied)" "2:2" \
  "run 1: the 2 in the archive tier are restoring, the others copied"
expect_eq "$(grep -c "^RestoreObject /$src/in/deep-[12].bin days=0 tier=Bulk status=202" \
  "$FAULT_PROXY_LOG")" 2 "run 1: RestoreObject without Days, Tier Bulk, answered 202"
expect_contains "$(grep ',restoring,' "$dir/r1.csv" | head -1)" "DEEP_ARCHIVE_ACCESS" \
  "run 1: the report names the archive tier"

# ---- run 2: under way, not asked again ----------------------------------------------
run plan.lua r2.csv
expect_eq "$rc:$(outcomes r2.csv restoring)" "1:2" "run 2 while restoring: still restoring"
expect_eq "$(restores)" 2 "run 2: no second RestoreObject"

# ---- run 3: back in Frequent Access, copied; run 4 copies nothing -------------------
fault_proxy_set "${tiering[@]}" --restore-seconds 0
expect_eq "$(head_of | grep -ci 'x-amz-archive-status')" 0 "restored: no archive status any more"
run plan.lua r3.csv
expect_eq "$rc:$(outcomes r3.csv copied)" "0:2" "run 3 after the restores: both copied, exit 0"
for i in 1 2; do
  check "deep-$i.bin copied byte for byte" s3check same "s3://$src/in/deep-$i.bin" "s3://$dst/out/deep-$i.bin"
done
run plan.lua r4.csv
expect_eq "$rc:$(outcomes r4.csv copied):$(outcomes r4.csv skipped)" "0:0:4" "a rerun copies nothing"
expect_eq "$(restores)" 2 "no RestoreObject after the restores"
finish
