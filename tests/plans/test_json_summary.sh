#!/usr/bin/env bash
# --json: the run's outcome as one JSON object on stdout and nothing else there,
# with counts per status and per target, the plan's hash and the exit status,
# for a copy, a rerun, a dry run and a broken plan.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 30 objects" s3check load "$src" in 30 >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
local route = require "s3engine.recipes.route"
return {
  sources = { "s3://$src/in/" },
  targets = { media = "s3://$dst/media/", rest = "s3://$dst/rest/" },
  route = route.by_extension({ media = { "mp4", "jpg", "png" } }, { default = "rest" }),
}
LUA
media=$(s3check ls "s3://$src/in/" | cut -f1 | grep -ciE '\.(mp4|jpg|png)$')

# J FILE EXPR: evaluate a Python expression over the one JSON object in FILE (as o)
J() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
lines = text.splitlines()
assert len(lines) == 1, "stdout is not one line: %r" % text[:500]
o = json.loads(lines[0])
print(eval(sys.argv[2]))
PY
}

rc=0; s3e --json "$work/plan.lua" >"$work/out" 2>"$work/err" || rc=$?
expect_eq "$rc" 0 "a copy exits 0"
expect_eq "$(J "$work/out" 'o["exit_status"], o["objects"]["copied"], o["objects"]["failed"], o["dry_run"]')" \
  "(0, 30, 0, False)" "one JSON object: exit status, 30 copied, none failed"
expect_eq "$(J "$work/out" '{t["name"]: t["objects"]["copied"] for t in o["targets"]}')" \
  "{'media': $media, 'rest': $((30 - media))}" "counts per target"
expect_eq "$(J "$work/out" 'o["bytes"]["copied"] == sum(t["bytes"]["copied"] for t in o["targets"]) > 0')" \
  True "bytes per target add up"
expect_eq "$(J "$work/out" 'o["plan"]["sha256"]')" "$(sha256sum "$work/plan.lua" | cut -d' ' -f1)" "the plan's SHA-256"
expect_eq "$(J "$work/out" 'o["version"] == "'"$("$S3ENGINE" --version | cut -d' ' -f2)"'" and o["seconds"] >= 0')" \
  True "version and duration"
case $(cat "$work/err") in *copied:*) fail "the text summary was printed too" ;; esac

s3e --json "$work/plan.lua" >"$work/out" 2>/dev/null
expect_eq "$(J "$work/out" 'o["objects"]["skipped"], o["objects"]["copied"], o["listed_objects"]')" \
  "(30, 0, 30)" "a rerun: 30 skipped"

s3e --json --dry-run --force "$work/plan.lua" >"$work/out" 2>"$work/err"
expect_eq "$(J "$work/out" 'o["dry_run"], o["planned"]["objects"], o["planned"]["payloads"] > 0')" \
  "(True, 30, True)" "a dry run: planned counts, the plan's text on stderr"
expect_contains "$(cat "$work/err")" "to copy: 30 objects" "the dry run's text went to stderr"
expect_eq "$(J "$work/out" 'o["objects"]["copied"], o["bytes"]["copied"] == o["planned"]["bytes"] > 0, o["objects"]["moved"]')" \
  "(30, True, 0)" "a dry run counts what it would copy as copied (objects, bytes)"
expect_eq "$(J "$work/out" '{t["name"]: t["objects"]["copied"] for t in o["targets"]}')" \
  "{'media': $media, 'rest': $((30 - media))}" "and per target"
expect_eq "$(J "$work/out" 'o["bytes"]["copied"] == sum(t["bytes"]["copied"] for t in o["targets"])')" \
  True "whose bytes add up"
s3e --json --dry-run --force --move "$work/plan.lua" >"$work/out" 2>/dev/null
expect_eq "$(J "$work/out" 'o["objects"]["copied"], o["objects"]["moved"]')" "(30, 30)" \
  "a dry run of a move counts them moved too"

printf 'return { sources = { "s3://%s/in/" },\n  target = 42 }\n' "$src" >"$work/broken.lua"
rc=0; s3e --json "$work/broken.lua" >"$work/out" 2>/dev/null || rc=$?
expect_eq "$rc" 2 "a broken plan exits 2"
expect_eq "$(J "$work/out" 'o["exit_status"], "broken.lua:2:" in o["error"]')" "(2, True)" \
  "and says so in JSON, with file:line"
expect_exit 2 s3e --json --report - "$work/plan.lua"
finish
