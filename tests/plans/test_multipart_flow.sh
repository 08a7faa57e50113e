#!/usr/bin/env bash
# Many multipart copies at once with the default parallelism (16 workers, 8
# parts per object, the window's defaults) against a server of bounded
# capacity: the fault proxy serves two requests at a time, each UploadPartCopy
# taking 0.4 s, the others (small requests included) waiting in line, as
# radosgw's op threads on a small machine do. The request limit is cut to 2 s
# (--request-timeout 2; by default 30 s, for parts that take seconds) so that
# the run is short. Before the window, the 24 parts sent at once and every
# request behind them ran out of time, over and over, and every object failed.
# Now the loop sends fewer parts (it says so: "server busy"), copies every
# object byte for byte and leaves no upload open. Then 503 SlowDown on a
# quarter of the parts: copied as well, the window cut by the SlowDown. With
# the window broken (s3e_flow_room always true) the first case fails: 1 of 12
# copied, exit 1.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"
# Twelve objects of 5 MiB and one byte: 24 parts (the second of one byte), as
# many as six of 20 MiB make, for half the bytes to put and to compare. The
# server's time is the proxy's, per part whatever its size.
for i in $(seq 12); do
  echo "put s3://$src/in/m$i.bin 5242881"
done >"$work/puts"
check "put twelve objects of 5 MiB + 1" s3check batch "$work/puts" >/dev/null
# only what makes the objects multipart and the run short differs from the defaults
MP=(--multipart-cutoff 5MiB --part-size 5MiB --request-timeout 2)

# through NAME WHAT CUT PROXY-ARGS...: the twelve objects copied through a proxy with
# those faults into a fresh bucket: exit 0, byte for byte, no upload left, and a
# log line "server busy (UploadPartCopy CUT" (the window cut, and why)
through() {
  local name=$1 what=$2 cut=$3 out ep rc=0
  shift 3
  out=$(fresh_bucket "$name") || return
  cat >"$work/$name.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$out/out/" }
LUA
  ep=$(fault_proxy_start "$@") || { fail "fault proxy"; return; }
  s3e "$work/$name.lua" --endpoint "$ep" "${MP[@]}" -v --no-progress \
    --report "$work/$name.csv" 2>"$work/$name.err" || rc=$?
  fault_proxy_stop
  expect_eq "$rc" 0 "$what: exit 0"
  expect_eq "$(grep -c ',copied,' "$work/$name.csv")" 12 "$what: twelve copied"
  grep -q "server busy (UploadPartCopy $cut" "$work/$name.err" &&
    _ok "$what: the loop said it sent fewer parts" ||
    fail "$what: no 'server busy (UploadPartCopy $cut' line: $(grep -E 'warn|error' \
      "$work/$name.err" | head -c 800)"
  check "$what: every copy byte for byte, with its headers" \
    s3check same-tree "s3://$src/in/" "s3://$out/out/"
  expect_eq "$(s3check uploads "$out")" 0 "$what: no unfinished upload"
}

through busy "a server serving two requests at a time" "" \
  --server-slots 2 --only UploadPartCopy --rate delay=1 --delay 0.4
through slow "SlowDown on a quarter of the parts" SlowDown \
  --only UploadPartCopy --rate slowdown=0.25 --seed 3
[ "$(fault_count fault=slowdown)" -ge 2 ] && _ok "SlowDown answered" ||
  fail "only $(fault_count fault=slowdown) SlowDown answers"
finish
