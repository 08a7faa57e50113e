#!/usr/bin/env bash
# Log lines carry an RFC 3339 UTC time when stderr is not a terminal (and not
# on a terminal, unless asked); --log-format json writes one JSON object per
# line, valid whatever the message holds.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
src=$(fresh_bucket src) || finish
check "load 3 objects" s3check load "$src" in 3 >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
local s3e = require "s3engine"
s3e.warn("odd key %s", "a\27[2J\"quoted\"\255")
return { sources = { "s3://$src/in/" }, target = "s3://$src/out/" }
LUA
ts='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z s3engine: warning: '

s3e --dry-run "$work/plan.lua" >/dev/null 2>"$work/err"
line=$(grep 'odd key' "$work/err")
[[ $line =~ $ts ]] && _ok "not a terminal: the line starts with an RFC 3339 UTC time" ||
  fail "no timestamp on: $line"
t=$(grep -oE '^[^ ]+' <<<"$line")
now=$(date -u +%s)
then=$(date -u -d "$t" +%s 2>/dev/null || echo 0)
[ $((now - then)) -ge 0 ] && [ $((now - then)) -lt 120 ] && _ok "the time is now, in UTC" ||
  fail "timestamp $t is not now ($(date -u +%FT%TZ))"

s3e --dry-run --no-timestamps "$work/plan.lua" >/dev/null 2>"$work/err"
expect_contains "$(grep 'odd key' "$work/err" | cut -c1-20)" "s3engine: warning: " "--no-timestamps: none"

# on a terminal: no time unless --timestamps
out=$(script -qec "$S3ENGINE --dry-run $work/plan.lua" /dev/null </dev/null | tr -d '\r' | grep 'odd key')
expect_contains "${out:0:19}" "s3engine: warning: " "a terminal: no time"
out=$(script -qec "$S3ENGINE --dry-run --timestamps $work/plan.lua" /dev/null </dev/null | tr -d '\r' | grep 'odd key')
[[ $out =~ $ts ]] && _ok "a terminal with --timestamps: a time" || fail "no time with --timestamps: $out"

s3e --dry-run --log-format json -v "$work/plan.lua" >/dev/null 2>"$work/err"
check "every log line is one JSON object with time, level, message" \
  /usr/bin/python3 - "$work/err" <<'PY'
import json, re, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
assert lines, "no log lines"
for l in lines:
    o = json.loads(l)
    assert set(o) == {"time", "level", "message"}, o
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", o["time"]), o
odd = [json.loads(l) for l in lines if "odd key" in l]
assert odd and odd[0]["level"] == "warning", odd
assert "\x1b[2J\"quoted\"" in odd[0]["message"] and "\ufffd" in odd[0]["message"], odd
PY
expect_exit 2 s3e --log-format yaml "$work/plan.lua"
finish
