#!/usr/bin/env bash
# Issue #12, item 1: a source that changes while it is copied.
# Every CopyObject and UploadPartCopy carries x-amz-copy-source-if-match with the
# ETag planned; AWS answers 412 PreconditionFailed when the source changed
# (radosgw ignores the header: the fault proxy answers as AWS does). A 412 makes
# s3engine look the source up again and copy it again, once; a second 412 is the
# outcome `changed` (exit 1), never a copy spliced from two versions. On radosgw
# itself a source overwritten between the listing and a CopyObject is caught by
# the copy's ETag, and one overwritten during a multipart copy by the second HEAD
# of the source; both are copied again. The report says what verified each copy, and a rerun
# after a complete run copies nothing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "load 10 objects" s3check load "$src" in 10 >/dev/null
check "a 20 MiB object" s3check put "s3://$src/big/large.bin" 20MiB >/dev/null
check "one that keeps changing" s3check put "s3://$src/moving/k.bin" 3000 >/dev/null
mark() { wc -l <"$FAULT_PROXY_LOG"; }  # the proxy's log is one for all its starts
since() { tail -n +$(($1 + 1)) "$FAULT_PROXY_LOG" | grep -cF -- "$2"; }

# ---- one 412: looked up again, copied again ---------------------------------------
ep=$(fault_proxy_start --rate precondition=1 --max-faults 1 --only CopyObject) ||
  { fail "proxy"; finish; }
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/" } } }
LUA
rc=0
out=$(s3e -v "$dir/plan.lua" --endpoint "$ep" --report "$dir/a.csv" 2>&1) || rc=$?
expect_eq "$rc" 0 "a source that changed once is copied (exit 0)"
expect_eq "$(fault_count fault=precondition)" 1 "one copy got 412 PreconditionFailed"
expect_eq "$(grep -c 'fault=none.*op=CopyObject\|op=CopyObject.*fault=none' "$FAULT_PROXY_LOG")" 10 \
  "ten CopyObjects went through (the nine and the second try)"
expect_contains "$out" "changed since it was listed" "the second try is logged"
expect_eq "$(report_col "$dir/a.csv" status | sort -u)" "copied" "every object is reported copied"
expect_eq "$(report_col "$dir/a.csv" verified | sort -u)" "etag" \
  "each was verified by its MD5 ETag (radosgw, unencrypted)"
check "the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/out/"

# a rerun after a complete run copies nothing
rc=0
out=$(s3e "$dir/plan.lua" --report "$dir/b.csv" 2>&1) || rc=$?
expect_eq "$rc" 0 "the rerun exits 0"
expect_eq "$(report_col "$dir/b.csv" status | sort -u)" "skipped" "the rerun copies nothing"
expect_eq "$(report_col "$dir/b.csv" verified | sort -u)" "size+etag" "skipped by size and ETag"

# ---- 412 every time: reported changed --------------------------------------------
ep=$(fault_proxy_start --rate precondition=1 --only CopyObject) || { fail "proxy"; finish; }
m=$(mark)
cat >"$dir/moving.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "moving/" } },
         targets = { out = { bucket = "$dst", prefix = "moving/" } } }
LUA
rc=0
out=$(s3e "$dir/moving.lua" --endpoint "$ep" --report "$dir/c.csv" 2>&1) || rc=$?
expect_eq "$rc" 1 "a source that keeps changing: exit 1"
expect_eq "$(report_col "$dir/c.csv" status)" "changed" "it is reported changed"
expect_contains "$(report_col "$dir/c.csv" error)" "PreconditionFailed" "the report says why"
expect_eq "$(since "$m" fault=precondition)" 2 "it was tried twice (once again after a HEAD)"
expect_contains "$out" "changed:" "the summary counts it"
expect_eq "$(s3check count "s3://$dst/moving/")" 0 "nothing was written for it"

# ---- multipart: a part gets 412 ---------------------------------------------------
ep=$(fault_proxy_start --rate precondition=1 --max-faults 1 --only UploadPartCopy) ||
  { fail "proxy"; finish; }
m=$(mark)
cat >"$dir/big.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "big/" } },
         targets = { out = { bucket = "$dst", prefix = "big/" } },
         multipart_cutoff = "8MiB", part_size = "5MiB" }
LUA
rc=0
out=$(s3e "$dir/big.lua" --endpoint "$ep" --part-concurrency 1 --report "$dir/d.csv" 2>&1) ||
  rc=$?
expect_eq "$rc" 0 "a multipart copy whose part got 412 is done again (exit 0)"
expect_eq "$(since "$m" fault=precondition)" 1 "one part got 412"
n_parts=$(since "$m" 'op=UploadPartCopy')
[ "$n_parts" -ge 5 ] && _ok "the parts carried if-match ($n_parts part copies)" ||
  fail "only $n_parts part copies"
check "the multipart copy is the source" s3check same "s3://$src/big/large.bin" "s3://$dst/big/large.bin"
expect_eq "$(s3check uploads "$dst")" 0 "no upload is left"
expect_eq "$(report_col "$dir/d.csv" verified)" "size" "a multipart copy: by size (and content headers)"

# ---- radosgw itself: the source is overwritten between listing and copy ------------
# radosgw ignores if-match; the copy's ETag shows the change. The proxy holds the
# CopyObject 4 s while the source is overwritten.
check "a source to overwrite" s3check put "s3://$src/race/r.bin" 4000 --seed 1 >/dev/null
ep=$(fault_proxy_start --rate delay=1 --delay 4 --max-faults 1 --only CopyObject) ||
  { fail "proxy"; finish; }
cat >"$dir/race.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "race/" } },
         targets = { out = { bucket = "$dst", prefix = "race/" } } }
LUA
m=$(mark)
s3e -v "$dir/race.lua" --endpoint "$ep" --report "$dir/e.csv" >"$dir/e.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  [ "$(since "$m" "/$src?encoding-type")" = 0 ] || break  # the source was listed
  sleep 0.05
done
check "overwrite the source during the copy" s3check put "s3://$src/race/r.bin" 5000 --seed 2 >/dev/null
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 0 "the run exits 0"
expect_eq "$(report_col "$dir/e.csv" status)" "copied" "reported copied"
expect_eq "$(report_col "$dir/e.csv" bytes)" 5000 "the report has the new size"
expect_contains "$(cat "$dir/e.out")" "changed since it was listed" "the change was seen"
check "the copy is the new source" s3check same "s3://$src/race/r.bin" "s3://$dst/race/r.bin"

# ---- radosgw itself: the source is overwritten during a multipart copy -------------
# The first UploadPartCopy is held 4 s while the source changes: the parts may come
# from two versions. The second HEAD of the source shows the change: the copy is
# deleted, the new source copied, never a splice left behind.
check "a 20 MiB source to overwrite" s3check put "s3://$src/mprace/m.bin" 20MiB --seed 1 >/dev/null
ep=$(fault_proxy_start --rate delay=1 --delay 4 --max-faults 1 --only UploadPartCopy) ||
  { fail "proxy"; finish; }
cat >"$dir/mprace.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "mprace/" } },
         targets = { out = { bucket = "$dst", prefix = "mprace/" } },
         multipart_cutoff = "8MiB", part_size = "5MiB" }
LUA
m=$(mark)
s3e -v "$dir/mprace.lua" --endpoint "$ep" --part-concurrency 1 --report "$dir/f.csv" \
  >"$dir/f.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  [ "$(since "$m" "/$src?encoding-type")" = 0 ] || break
  sleep 0.05
done
check "overwrite the source during the multipart copy" \
  s3check put "s3://$src/mprace/m.bin" 20MiB --seed 2 >/dev/null
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 0 "the run exits 0"
expect_eq "$(report_col "$dir/f.csv" status)" "copied" "reported copied"
expect_contains "$(cat "$dir/f.out")" "changed since it was listed" "the change was seen"
check "the copy is the new source" s3check same "s3://$src/mprace/m.bin" "s3://$dst/mprace/m.bin"
expect_eq "$(s3check uploads "$dst")" 0 "no upload is left"
finish
