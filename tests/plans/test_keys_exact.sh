#!/usr/bin/env bash
# Keys travel byte for byte: objects whose keys hold "." and ".." segments,
# "//", a leading "/", spaces, "+", "%", "?", "#", unicode and control
# characters are copied from a listing to exactly "<prefix><key>", checked
# with boto3, and nothing lands outside the target prefix. Keys S3 cannot
# hold (a %00 in a URL-encoded manifest, more than 1024 bytes) are failed
# objects in the report: nothing copied, nothing deleted, in move mode too.
# CR/LF in --region or --endpoint is a usage error (exit 2).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# ---- a listing full of odd keys ---------------------------------------------
cat >"$dir/keys.json" <<'JSON'
["in/../../etc/passwd", "in/../escape", "in/./dot", "in/.", "in/..", "in/...", "in/a/./b/../c",
 "in//double", "in///triple//", "in/a b+c%d?e#f&g=h;i", "in/%2e%2e/pct", "in/%00lit", "in/%2F",
 "in/\u00fcn\u00ef/\u65e5\u672c", "in/ctl\u0001\u001f\u007f", "in/tab\tx", "in/cr\rlf\nx",
 "in/sp ", "in/ lead", "in/..%2f..%2fx", "in/?query", "in/#frag", "/lead", "//lead2",
 ".", "..", "../up", "./here", "a/..", "a/../.."]
JSON
check "put odd keys with boto3" s3check putkeys "$src" "$dir/keys.json" >/dev/null
cat >"$dir/plan.lua" <<LUA
return { sources = { "s3://$src/" }, target = "s3://$dst/out/" }
LUA
out=$(s3e "$dir/plan.lua" 2>"$dir/err")
expect_eq $? 0 "every odd key is copied (stderr: $(head -c 600 "$dir/err"))"
want=$(/usr/bin/python3 -c '
import json, sys
print(json.dumps(sorted("out/" + k for k in json.load(open(sys.argv[1])))))' "$dir/keys.json")
expect_eq "$(s3check keys "s3://$dst/")" "$want" \
  "the destination holds exactly out/<key> for every source key, nothing elsewhere"
expect_eq "$(s3check md5 "$dst" 'out/in/../../etc/passwd')" \
  "$(s3check md5 "$src" 'in/../../etc/passwd')" "the dot-segment key holds the source's bytes"

# The same with a route that names the destination keys itself, in move mode.
dst2=$(fresh_bucket dst2) || finish
cat >"$dir/route.lua" <<LUA
return {
  sources = { "s3://$src/in/" },
  targets = { t = "s3://$dst2/moved/" },
  route = function(o) return { target = "t", key = "x/" .. o.key } end,
  move = true,
}
LUA
s3e "$dir/route.lua" >/dev/null 2>"$dir/err"
expect_eq $? 0 "a route keeps odd keys too, in move mode (stderr: $(head -c 600 "$dir/err"))"
want=$(/usr/bin/python3 -c '
import json, sys
ks = json.load(open(sys.argv[1]))
print(json.dumps(sorted("moved/x/" + k for k in ks if k.startswith("in/"))))' "$dir/keys.json")
expect_eq "$(s3check keys "s3://$dst2/")" "$want" "moved keys are exact"
want=$(/usr/bin/python3 -c '
import json, sys
print(json.dumps(sorted(k for k in json.load(open(sys.argv[1])) if not k.startswith("in/"))))' \
  "$dir/keys.json")
expect_eq "$(s3check keys "s3://$src/")" "$want" "move deleted exactly the moved sources"

# ---- manifests with keys S3 cannot hold -----------------------------------------
check "put m/a" s3check put "s3://$src/m/a" 100 >/dev/null
check "put m/ok" s3check put "s3://$src/m/ok" 100 >/dev/null
long=$(printf 'm/%01023d' 0) # 1025 bytes
{
  echo "bucket,key,size"
  echo "$src,m/a%00b,100"
  echo "$src,$long,100"
  echo "$src,m/ok,100"
} >"$dir/enc.csv"
for mode in copy move; do
  d=$(fresh_bucket "man-$mode") || finish
  move=false
  [ $mode = move ] && move=true
  cat >"$dir/man-$mode.lua" <<LUA
return { sources = { { manifest = "enc.csv", url_encoded = true } },
         target = "s3://$d/", move = $move }
LUA
  (cd "$dir" && s3e "man-$mode.lua" --report "rep-$mode.jsonl" >/dev/null 2>"err-$mode")
  expect_eq $? 1 "$mode: bad manifest keys are failed objects (exit 1)"
  rep=$(cat "$dir/rep-$mode.jsonl")
  expect_eq "$(grep -c '"status":"failed"' <<<"$rep")" 2 "$mode: two failed rows"
  expect_contains "$(grep 'm/a' <<<"$rep")" "NUL" "$mode: the %00 row says why"
  expect_contains "$(grep 'm/a' <<<"$rep")" 'm/a%00b' "$mode: the %00 row names the whole key"
  expect_contains "$(grep 'm/0000' <<<"$rep")" "1024" "$mode: the long key's row says why"
  expect_contains "$(cat "$dir/err-$mode")" "NUL" "$mode: the failure is logged"
  want='["m/ok"]'
  expect_eq "$(s3check keys "s3://$d/")" "$want" "$mode: only the good row is copied"
  expect_eq "$(s3check count "s3://$src/m/a")" 1 "$mode: m/a (the truncated key) is untouched"
done
expect_eq "$(s3check count "s3://$src/m/ok")" 0 "move: the good row's source is moved"

# A raw NUL byte in a manifest row: that row fails on its own (the key as
# written, never cut short), nothing is copied or deleted for it.
printf 'bucket,key,size\n%s,m/a\0b,100\n' "$src" >"$dir/nul.csv"
d=$(fresh_bucket man-nul) || finish
cat >"$dir/man-nul.lua" <<LUA
return { sources = { { manifest = "nul.csv" } }, target = "s3://$d/", move = true }
LUA
err=$(cd "$dir" && s3e man-nul.lua 2>&1 >/dev/null)
rc=$?
expect_eq "$rc" 1 "a raw NUL in a manifest row fails that object (exit 1)"
expect_contains "$err" "nul.csv:2:" "the message names the file and line"
expect_eq "$(s3check keys "s3://$d/")" "[]" "nothing copied"
expect_eq "$(s3check count "s3://$src/m/a")" 1 "m/a (the cut key) is not moved"

# ---- header values with CR/LF ---------------------------------------------------
expect_exit 2 s3e --region $'us-east-1\r\nX-Evil: 1' "$dir/plan.lua"
expect_exit 2 s3e --endpoint $'http://127.0.0.1:1\r\nX-Evil: 1' "$dir/plan.lua"
err=$(AWS_REGION=$'us-east-1\nX: y' s3e "$dir/plan.lua" 2>&1 >/dev/null)
expect_eq $? 2 "a region from the environment with LF is a usage error"
expect_contains "$err" "region" "the message names the region"
finish
