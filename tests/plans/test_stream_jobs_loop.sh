#!/usr/bin/env bash
# Streamed jobs that used to have a thread each are steps of the workers' one
# event loop too: a streamed object whose destination looks current (checked
# by HEADs, skipped without a byte read), and a streamed move (the source
# deleted only after the copy verified). Eight workers, never more than three
# threads (main, the loop, one spare) besides the hash threads of the bytes
# read (one per CPU, at most 4: hash_pool.h; none when nothing is read). A
# moved object whose copy fails (its PutObjectTagging refused for good) keeps
# its source, and its wrong copy is deleted; every other source is deleted
# after the HEAD of its copy.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_threads.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"
for p in in mv mvref; do
  for i in 1 2 3 4; do
    echo "put s3://$src/$p/s$i.bin 300KiB --seed s$i --meta k=v$i --tag colour=c$i"
  done
  for i in 1 2; do
    echo "put s3://$src/$p/m$i.bin 12MiB --seed m$i --tag size=big --content-type video/x-t"
  done
done >"$work/put.batch"
check "sources: 4 small and 2 multipart-sized, with metadata and tags, three times" \
  s3check batch "$work/put.batch"
plan() { # NAME FROM TO: a streamed plan through the fault proxy
  cat >"$work/$1.lua" <<LUA
return { sources = { "s3://$src/$2/" },
         targets = { out = { bucket = "$dst", prefix = "$3/", stream = true } } }
LUA
}
MP=(--multipart-cutoff 5MiB --part-size 5MiB --workers 8 --part-concurrency 2)
plan copy in out
check "a first streamed copy" s3e "$work/copy.lua" "${MP[@]}" -q

# ---- current: checked by HEADs on the loop, skipped, nothing read ------------------
ep=$(fault_proxy_start --only HeadObject --rate delay=1 --delay 0.3) || { fail "fault proxy"; finish; }
"$S3ENGINE" "$work/copy.lua" --endpoint "$ep" "${MP[@]}" -q --report "$work/r1.csv" &
pid=$!
peak=$(peak_threads "$pid")
rc=0; wait "$pid" || rc=$?
fault_proxy_stop
expect_eq "$rc" 0 "a rerun: exit 0"
expect_eq "$(report_col "$work/r1.csv" status | sort | uniq -c | awk '{print $1, $2}')" \
  "6 skipped" "a rerun: every object current, skipped"
expect_eq "$(report_col "$work/r1.csv" method | sort -u)" stream "a rerun: method stream"
expect_eq "$(fault_count op=GetObject)" 0 "a rerun reads no object"
# the multipart copies' ETags cannot tell: HEADs of both sides (the others' can)
[ "$(fault_count op=HeadObject)" -ge 4 ] && _ok "a rerun: HEADs of both sides" ||
  fail "a rerun: $(fault_count op=HeadObject) HEADs"
[ "$peak" -le 3 ] && _ok "a rerun: at most 3 threads (peak $peak)" ||
  fail "a rerun: peak of $peak threads (a thread per streamed object?)"

# ---- a streamed move: sources deleted only after their copy verified ---------------
: >"$FAULT_PROXY_LOG"
ep=$(fault_proxy_start --only PutObjectTagging --path 'moved/m2\.bin\?tagging' \
  --rate internal=1) || { fail "fault proxy"; finish; }
plan move mv moved
rc=0
"$S3ENGINE" "$work/move.lua" --endpoint "$ep" "${MP[@]}" --move --retries 1 -q \
  --report "$work/r2.csv" 2>"$work/r2.err" &
pid=$!
peak=$(peak_threads "$pid")
wait "$pid" || rc=$?
fault_proxy_stop
expect_eq "$rc" 1 "a move with one failed copy: exit 1"
expect_eq "$(report_col "$work/r2.csv" status | sort | uniq -c | awk '{print $1, $2}' |
  tr '\n' ' ')" "1 failed 5 moved " "a move: 5 moved, 1 failed"
hashers=$(nproc); [ "$hashers" -gt 4 ] && hashers=4 # hash_pool.h: one per CPU, at most 4
limit=$((3 + hashers))
[ "$peak" -le "$limit" ] && _ok "a move: at most $limit threads (peak $peak)" ||
  fail "a move: peak of $peak threads (a thread per streamed object?)"
expect_eq "$(s3check ls "s3://$src/mv/" | cut -f1)" "mv/m2.bin" \
  "a move: the failed object's source kept, every other deleted"
expect_eq "$(s3check count "s3://$dst/moved/")" 5 "a move: its wrong copy deleted"
for k in s1 s2 s3 s4 m1; do
  check "a move: moved/$k.bin is its source (bytes, headers, metadata, tags)" \
    s3check same "s3://$src/mvref/$k.bin" "s3://$dst/moved/$k.bin"
done
# In the proxy's log each source's DELETE comes after the last HEAD of its copy.
late=$(awk -v s="/$src/mv/" -v d="/$dst/moved/" '
  $4 == "HEAD" && index($5, d) == 1 { k = substr($5, length(d) + 1); head[k] = NR }
  $4 == "DELETE" && index($5, s) == 1 { k = substr($5, length(s) + 1)
    if (!(k in head) || head[k] > NR) print k; n++ }
  END { print n + 0 }' "$FAULT_PROXY_LOG")
expect_eq "$late" 5 "a move: each of the 5 sources deleted after the HEAD of its copy"
expect_eq "$(s3check uploads "$dst")" 0 "no unfinished upload"
finish
