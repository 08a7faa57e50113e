#!/usr/bin/env bash
# Parallel listing against a server that answers ListObjectsV2 as AWS does
# (tests/support/list_standin.py: up to 1,000 common prefixes a page, which
# radosgw 16 does not give): the same keys in the same order as page by page,
# and a range that is one folder costs one request per page of it. Before, each
# such range was listed from its start key with no end the server knew of, so
# a folder of a whole number of pages cost one more request, the page after
# it, to find its end (and the keys of a range's last page past its end were
# sent and parsed for nothing). Keys: 20 folders of 1,000, one of 1,500, and keys that sort between a folder
# and the cut just below it ("d05." + U+10FFFF + "z"), beside folders ("d06",
# "d07.txt") and a folder's own marker ("d08/").
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
"$S3CHECK_PYTHON" - >"$tmp/keys.txt" <<'PY'
keys = ["in/n/d%02d/f%04d.bin" % (d, f) for d in range(20) for f in range(1000)]
keys += ["in/n/big/f%05d.bin" % f for f in range(1500)]
keys += ["in/n/d05.\U0010FFFFz", "in/n/d06", "in/n/d07.txt", "in/n/d08/", "in/top.txt"]
print("\n".join(keys))
PY
total=$(wc -l <"$tmp/keys.txt")

"$S3CHECK_PYTHON" "$PLAN_ROOT/tests/support/list_standin.py" --bucket lsrc --keys "$tmp/keys.txt" \
  --delay 0 --ready-file "$tmp/ready" --log "$tmp/requests.jsonl" >"$tmp/standin.out" 2>&1 &
standin=$!
on_exit kill "$standin"
for _ in $(seq 100); do [ -s "$tmp/ready" ] && break; sleep 0.1; done
[ -s "$tmp/ready" ] || { fail "the stand-in did not start: $(tail -n 3 "$tmp/standin.out")"; finish; }
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$tmp/ready")" AWS_ACCESS_KEY_ID=standin \
  AWS_SECRET_ACCESS_KEY=standin AWS_REGION=us-east-1 S3E_ADDRESSING=path

plan() { # CONCURRENCY
  cat >"$tmp/plan$1.lua" <<LUA
local s3 = require "s3engine"
return {
  sources = { { bucket = "lsrc", prefix = "in/", list_concurrency = $1 } },
  target = "s3://lsrc/out/",
  select = function(o) s3.log("seen %s", o.key) return true end,
}
LUA
  echo "$tmp/plan$1.lua"
}
seen() { grep -o 'seen .*' | sed 's/^seen //'; }

s3e --dry-run --force --no-timestamps -vv "$(plan 1)" >"$tmp/dry1.out" 2>"$tmp/dry1.err"
expect_eq $? 0 "sequential dry run exits 0"
: >"$tmp/requests.jsonl"
s3e --dry-run --force --no-timestamps -vv "$(plan 16)" >"$tmp/dry16.out" 2>"$tmp/dry16.err"
expect_eq $? 0 "parallel dry run exits 0"
seen <"$tmp/dry1.err" >"$tmp/seen1"
seen <"$tmp/dry16.err" >"$tmp/seen16"
LC_ALL=C sort "$tmp/keys.txt" >"$tmp/expected"
check "the sequential listing saw every key in S3's order" cmp "$tmp/expected" "$tmp/seen1"
check "the parallel listing saw the same keys in the same order" cmp "$tmp/seen1" "$tmp/seen16"
check "the two dry runs print the same plan" diff <(sed 1d "$tmp/dry1.out") <(sed 1d "$tmp/dry16.out")
pages=$(grep -c '"delimiter": ""' "$tmp/requests.jsonl")
folders=$(grep -c '"delimiter": "/"' "$tmp/requests.jsonl")
# 21 folders: 20 pages, 2 for the big one, a few where folders and keys meet
[ "$pages" -le 26 ] || fail "one request per page of a folder: $pages pages asked for 22 pages of keys ($folders asked for subfolders)"
expect_eq "$(sed -n 's/.*listed s3:\/\/lsrc\/in\/: \([0-9]*\) objects.*/\1/p' "$tmp/dry16.err")" "$total" \
  "the parallel listing counted every key"
finish
