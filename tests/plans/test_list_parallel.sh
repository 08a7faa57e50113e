#!/usr/bin/env bash
# A source listed with list_concurrency = 16 (ranges cut from the key space,
# many requests in flight) hands the planner exactly the objects, in exactly
# the order, of a page-by-page listing (list_concurrency = 1): the same keys
# reach select, the dry runs print the same plan, the copies are the same.
# The target index (skip-existing) listed in parallel skips the same objects.
# Keys: nested prefixes, a flat prefix of several pages, and odd keys
# (spaces, unicode, '+', '%', 1,000 bytes, keys sorting around '/').
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

python3 - >"$tmp/keys.json" <<'PY'
import json
keys = []
for d in range(12):                       # nested: 12 x 10 x 16 = 1920 keys
    for s in range(10):
        for f in range(16):
            keys.append("in/n/d%02d/s%d/f%03d.jpg" % (d, s, f))
for i in range(2500):                     # flat: 2500 keys, three pages and more
    keys.append("in/flat/k%05d.txt" % (i * 7))
odd = ["a b c.txt", "ünï/cödé.png", "plus+sign.mp4", "per%cent%20x.txt", "x" * 1000,
       "sort/a", "sort/a.", "sort/a-", "sort/a/", "sort/a/b", "sort/a0", "sort/a//c",
       "sort/a~", "sort/a\u00e9", "sort/\u65e5\u672c/\u8a9e.txt", "emoji/\U0001F600.jpg",
       "tab\there", "q'uote\"s", "amp&eq=?.txt", "~tilde", "Zupper/Z", "9digit/9"]
keys += ["in/odd/" + k for k in odd]
print(json.dumps(keys))
PY
total=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/keys.json")
check "load $total keys" s3check putkeys "$src" "$tmp/keys.json" >/dev/null
expect_eq "$(s3check count "s3://$src/in/")" "$total" "all keys are there"

# select logs each key it sees, in order; the plan differs only in list_concurrency
plan() { # CONCURRENCY TARGET_CONCURRENCY DST_PREFIX
  cat >"$tmp/plan.lua" <<LUA
local s3 = require "s3engine"
return {
  sources = { { bucket = "$src", prefix = "in/", list_concurrency = $1 } },
  targets = { media = { bucket = "$dst", prefix = "$3/media/", list_concurrency = $2 },
              rest = { bucket = "$dst", prefix = "$3/rest/", list_concurrency = $2 } },
  select = function(o) s3.log("seen %s", o.key) return true end,
  route = function(o) if o.ext == "jpg" or o.ext == "png" then return "media" end return "rest" end,
  payload = { max_bytes = "40KiB", max_objects = 50 },
  workers = 5,
}
LUA
  echo "$tmp/plan.lua"
}
seen() { grep -o 'seen .*' | sed 's/^seen //'; }

s3e --dry-run --no-timestamps -vv "$(plan 1 1 out)" >"$tmp/dry1.out" 2>"$tmp/dry1.err"
expect_eq $? 0 "sequential dry run exits 0"
s3e --dry-run --no-timestamps -vv "$(plan 16 16 out)" >"$tmp/dry16.out" 2>"$tmp/dry16.err"
expect_eq $? 0 "parallel dry run exits 0"
seen <"$tmp/dry1.err" >"$tmp/seen1"
seen <"$tmp/dry16.err" >"$tmp/seen16"
expect_eq "$(wc -l <"$tmp/seen1")" "$total" "the sequential listing saw every key"
expect_eq "$(wc -l <"$tmp/seen16")" "$total" "the parallel listing saw every key"
# S3's order (boto3) is UTF-8 byte order; both listings must follow it exactly
python3 -c 'import json,sys; print("\n".join(sorted(json.load(open(sys.argv[1])), key=lambda k: k.encode())).replace("\t", "\\x09"))' \
  "$tmp/keys.json" >"$tmp/expected"
check "the sequential listing saw the keys in S3's order" cmp "$tmp/expected" "$tmp/seen1"
check "the parallel listing saw the same keys in the same order" cmp "$tmp/seen1" "$tmp/seen16"
check "the two dry runs print the same plan" diff "$tmp/dry1.out" "$tmp/dry16.out"
expect_contains "$(cat "$tmp/dry1.out")" "to copy:" "the dry run printed a plan"
ranges=$(sed -n 's/.*listed s3:\/\/[^ ]*\/in\/: [0-9]* objects, \([0-9]*\) requests, \([0-9]*\) ranges.*/\2/p' "$tmp/dry16.err" | head -1)
[ "${ranges:-0}" -gt 4 ] || fail "the parallel listing cut the key space into ranges (got '${ranges:-}')"

# the copies: the report's rows are the same objects, to the same places
check "copy with the parallel listing" s3e -q --report "$tmp/r16.csv" "$(plan 16 16 out)"
expect_eq "$(s3check count "s3://$dst/out/")" "$total" "every object copied once"

# the target index: half the objects are at the targets (the other half
# deleted), so the next dry runs plan exactly that half, whichever listing
python3 - "$tmp/keys.json" >"$tmp/gone.txt" <<'PY'
import json, sys
for i, k in enumerate(sorted(json.load(open(sys.argv[1])))):
    name = k.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if i % 2:
        print("out/%s/%s" % ("media" if ext in ("jpg", "png") else "rest", k[len("in/"):]))
PY
PLAN_LIB_DIR=$PLAN_LIB_DIR /usr/bin/python3 - "$dst" "$tmp/gone.txt" <<'PY'
import os, sys
sys.path.insert(0, os.environ["PLAN_LIB_DIR"])
import s3check
keys = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
s3check.delete_keys(sys.argv[1], keys)
PY
half=$(wc -l <"$tmp/gone.txt")
expect_eq "$(s3check count "s3://$dst/out/")" "$((total - half))" "half of the copies deleted"
s3e --dry-run --no-timestamps "$(plan 1 1 out)" >"$tmp/skip1.out" 2>/dev/null
s3e --dry-run --no-timestamps "$(plan 16 16 out)" >"$tmp/skip16.out" 2>/dev/null
expect_eq "$(awk '/^to copy:/ { print $3 }' <"$tmp/skip1.out")" "$half" \
  "the sequential target index leaves the deleted half to copy"
check "the parallel target index plans the same" diff "$tmp/skip1.out" "$tmp/skip16.out"

# a bad value is a plan error with file:line
cat >"$tmp/bad.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/",
                       list_concurrency = 0 } }, target = "s3://$dst/x/" }
LUA
out=$(s3e --dry-run "$tmp/bad.lua" 2>&1)
expect_eq $? 2 "list_concurrency = 0 is a plan error"
expect_contains "$out" "bad.lua:2: sources[1].list_concurrency: expected a whole number" \
  "named with file:line"
finish
