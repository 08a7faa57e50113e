#!/usr/bin/env bash
# A run killed with SIGKILL leaves a report of whole rows: every line complete
# and parseable (the last second's rows may be missing; the next run redoes
# them), so the file can be read, appended to or replaced.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/copycheck.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 200 objects" s3check load "$src" in 200 >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 4 }
LUA
# slow copies, so that the kill lands in the middle of the run
ep=$(fault_proxy_start --only CopyObject --rate delay=1 --delay 0.1) || { fail "fault proxy"; finish; }
s3e "$work/plan.lua" --endpoint "$ep" --report "$work/r.csv" --no-progress >/dev/null 2>&1 &
pid=$!
sleep 4
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
fault_proxy_stop
check "the report is not empty" test -s "$work/r.csv"
expect_eq "$(tail -c1 "$work/r.csv" | od -An -tx1 | tr -d ' ')" "0a" "the report ends with a whole line"
check "every line is a whole CSV row, as many fields as the header" /usr/bin/python3 - "$work/r.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), strict=True))
assert rows[0][0] == "source", rows[0]
bad = [r for r in rows if len(r) != len(rows[0])]
assert not bad, bad[:3]
assert len(rows) > 1, "no row written in 4 s"
PY
rows=$(($(wc -l <"$work/r.csv") - 1))
n=$(s3check count "s3://$dst/out/")
[ "$rows" -le 200 ] && _ok "no more rows than objects ($rows rows, $n copies)" ||
  fail "$rows rows for 200 objects"
check "a rerun completes" s3e "$work/plan.lua" --report "$work/r2.csv" -q
expect_copied "$src" in/ . "$dst" out/ "destination complete after the rerun"
finish
