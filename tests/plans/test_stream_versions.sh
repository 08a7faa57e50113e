#!/usr/bin/env bash
# Streamed copies (here stream = true; two endpoints and a customer key the
# target's server refuses take the same path) of versions and of archived
# sources. Before, both were plan errors ("not supported yet with a streamed copy"):
#  - versions = "all": each version streamed by its versionId (GET ?versionId=),
#    oldest first, small and multipart: the target's history is the source's, the
#    report names each version and says stream; a rerun copies nothing, one after
#    a new source version copies only that one;
#  - a manifest naming an older versionId: that version, not the current one;
#  - restore = {...} on archived sources (the fault proxy's archive): the first
#    run asks for the restores (restoring), the next, once restored, streams
#    them byte for byte; one named by a manifest (not listed as archived) is
#    restored when its GetObject is refused.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"
. "$PLAN_LIB_DIR/lib_versions.sh"

versioned_pair || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

sizes=(1000 6291456 2000 3000)
for i in 1 2 3 4; do
  check "v/k.txt version $i" s3check put "s3://$src/v/k.txt" "${sizes[$((i - 1))]}" --seed "k$i" >/dev/null
done
for i in 1 2; do
  check "v/j.txt version $i" s3check put "s3://$src/v/j.txt" $((i * 700)) --seed "j$i" >/dev/null
done

md5s() { version_md5s "$1" "$2" | tr '\n' ' '; }

# ---- versions = "all", streamed --------------------------------------------------
cat >"$dir/all.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/", versions = "all" } },
         targets = { out = { bucket = "$dst", prefix = "all/", stream = true } },
         multipart_cutoff = "5MiB", part_size = "5MiB", workers = 2 }
LUA
rc=0
out=$(s3e "$dir/all.lua" --report "$dir/all.csv" 2>"$dir/all.err") || rc=$?
expect_eq "$rc:$(summary_value "$out" copied)" "0:6" "all: six versions streamed (exit 0)"
expect_eq "$(report_col "$dir/all.csv" method | sort -u)" "stream" "all: the report says stream"
expect_eq "$(report_col "$dir/all.csv" version | sort | tr '\n' ' ')" \
  "$( (version_list "$src" v/k.txt; version_list "$src" v/j.txt) | cut -d' ' -f1 | sort | tr '\n' ' ')" \
  "all: the report names each source version"
expect_eq "$(md5s "$dst" all/k.txt)" "$(md5s "$src" v/k.txt)" \
  "all: k.txt's four versions (one multipart) at the target, in order"
expect_eq "$(md5s "$dst" all/j.txt)" "$(md5s "$src" v/j.txt)" "all: j.txt's two versions, in order"
rc=0
out=$(s3e "$dir/all.lua" 2>>"$dir/all.err") || rc=$?
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:0:6" \
  "all: a rerun copies nothing"
check "v/k.txt version 5" s3check put "s3://$src/v/k.txt" 1200 --seed k5 >/dev/null
rc=0
out=$(s3e "$dir/all.lua" 2>>"$dir/all.err") || rc=$?
expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:1:6" \
  "all: a new source version: only it is streamed (the target's versions listed, matched)"
expect_eq "$(md5s "$dst" all/k.txt)" "$(md5s "$src" v/k.txt)" "all: k.txt's five versions, in order"

# ---- a manifest naming an older version --------------------------------------------
first=$(version_list "$src" v/k.txt | sed -n 1p)
printf '%s,v/k.txt,%s\n' "$src" "${first%% *}" >"$dir/list.csv"
cat >"$dir/named.lua" <<LUA
return { sources = { { manifest = "list.csv" } },
         targets = { out = { bucket = "$dst", prefix = "named/", stream = true } } }
LUA
rc=0
s3e "$dir/named.lua" --report "$dir/named.csv" >/dev/null 2>"$dir/named.err" || rc=$?
expect_eq "$rc:$(report_col "$dir/named.csv" method):$(report_col "$dir/named.csv" version)" \
  "0:stream:${first%% *}" "named: the version named, streamed"
expect_eq "$(md5s "$dst" named/v/k.txt)" "${first#* } " "named: its bytes, not the current version's"

# ---- archived sources with restore, streamed -------------------------------------
check "archived object 1" s3check put "s3://$src/cold/a.bin" 70000 >/dev/null
check "archived object 2 (6 MiB)" s3check put "s3://$src/cold/b.bin" 6291456 >/dev/null
ep=$(fault_proxy_start --archive "^$src/cold/" --restore-seconds 0) || { fail "proxy"; finish; }
cat >"$dir/cold.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "cold/", restore = { days = 2 } } },
         targets = { out = { bucket = "$dst", prefix = "cold/", stream = true } },
         multipart_cutoff = "5MiB", part_size = "5MiB" }
LUA
rc=0
s3e "$dir/cold.lua" --endpoint "$ep" --report "$dir/cold1.csv" >/dev/null 2>"$dir/cold.err" || rc=$?
expect_eq "$(report_col "$dir/cold1.csv" status | sort -u)" "restoring" \
  "restore: the first run asks for the restores (restoring)"
expect_eq "$(grep -c "^RestoreObject /$src/cold/.* days=2 .*status=202" "$FAULT_PROXY_LOG")" 2 \
  "restore: one RestoreObject each, with the plan's days"
rc=0
s3e "$dir/cold.lua" --endpoint "$ep" --report "$dir/cold2.csv" >/dev/null 2>>"$dir/cold.err" || rc=$?
expect_eq "$rc:$(report_col "$dir/cold2.csv" status | sort -u)" "0:copied" \
  "restore: once restored, the next run copies them"
expect_eq "$(report_col "$dir/cold2.csv" method | sort -u)" "stream" "restore: streamed"
check "restore: the copies are the sources" s3check same-tree "s3://$src/cold/" "s3://$dst/cold/"
# named by a manifest (no storage class listed): the GetObject is refused, then restored
check "archived object 3" s3check put "s3://$src/cold2/c.bin" 90000 >/dev/null
fault_proxy_set --archive "^$src/cold2?/" --restore-seconds 0
printf '%s,cold2/c.bin\n' "$src" >"$dir/cold.csv"
cat >"$dir/coldm.lua" <<LUA
return { sources = { { manifest = "cold.csv", restore = { days = 1 } } },
         targets = { out = { bucket = "$dst", prefix = "m/", stream = true } } }
LUA
s3e "$dir/coldm.lua" --endpoint "$ep" --report "$dir/coldm1.csv" >/dev/null 2>>"$dir/cold.err"
expect_eq "$(report_col "$dir/coldm1.csv" status)" "restoring" \
  "restore, manifest: the refused GetObject asks for the restore"
rc=0
s3e "$dir/coldm.lua" --endpoint "$ep" --report "$dir/coldm2.csv" >/dev/null 2>>"$dir/cold.err" || rc=$?
expect_eq "$rc:$(report_col "$dir/coldm2.csv" status):$(report_col "$dir/coldm2.csv" method)" \
  "0:copied:stream" "restore, manifest: then streamed"
check "restore, manifest: the copy is the source" s3check same-tree "s3://$src/cold2/" "s3://$dst/m/cold2/"
finish
