#!/usr/bin/env bash
# Every kind of broken plan stops before any copy: exit status 2, a message
# naming file, line and field, and an empty destination.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 20 objects" s3check load "$src" in 20 >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# broken NAME EXPECTED_LINE NEEDLE: plan text on stdin
broken() {
  local name=$1 line=$2 needle=$3 err rc=0
  cat >"$dir/$name.lua"
  err=$(cd "$dir" && s3e "$name.lua" 2>&1 >/dev/null) || rc=$?
  expect_eq "$rc" 2 "$name: exit status 2"
  expect_contains "$err" "$name.lua:$line:" "$name: message names file and line $line"
  expect_contains "$err" "$needle" "$name: message says '$needle'"
  expect_eq "$(s3check count "s3://$dst/")" 0 "$name: destination still empty"
}

broken syntax 4 "'}' expected" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } ,
  targets = { out = { bucket = "$dst" } }
LUA

broken wrong_type 4 "targets.images.bucket: expected a string, got number" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { images = {
      bucket = 42 } },
}
LUA

broken unknown_target 5 "unknown target 'imagez'" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { images = { bucket = "$dst" }, videos = { bucket = "$dst", prefix = "v/" } },
  route = function(obj)
    if obj.ext == "jpg" then return "imagez" end
    return "videos"
  end,
}
LUA

broken hook_raises 5 "route: " <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { images = { bucket = "$dst" } },
  route = function(obj)
    local n = obj.size + obj.nonexistent_field
    return "images"
  end,
}
LUA

broken no_sources 1 "no sources" <<LUA
return {
  targets = { images = { bucket = "$dst" } },
}
LUA

broken empty_sources 2 "sources: no sources" <<LUA
return {
  sources = {},
  targets = { images = { bucket = "$dst" } },
}
LUA

broken bad_size 4 "payload: '12 parsecs' is not a size" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { images = { bucket = "$dst" } },
  payload = "12 parsecs",
}
LUA

broken typo_global 4 "undefined global 'slect'" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { images = { bucket = "$dst" } },
  select = function(obj) return slect(obj) end,
}
LUA

broken unknown_field 4 "workerz: unknown plan field" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { images = { bucket = "$dst" } },
  workerz = 4,
}
LUA

broken list_concurrency 2 "targets.out.list_concurrency: expected a whole number from 1 to 256, got 1000" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", list_concurrency = 4 } },
  targets = { out = { bucket = "$dst", list_concurrency = 1000 } } }
LUA

broken list_concurrency_name 1 "unknown field 'list_concurency' (did you mean 'list_concurrency'?)" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", list_concurency = 4 } },
         target = { bucket = "$dst" } }
LUA

# issue #12: a misspelt class or route field failed every copy one by one (or passed)
broken storage_class 5 "'GLACEIR' is not an S3 storage class (did you mean 'GLACIER'?)" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { cold = { bucket = "$dst" } },
  route = function(o)
    return { target = "cold", storage_class = "GLACEIR" }
  end,
}
LUA

broken route_field 5 "unknown field 'storage_clas' in a route table (did you mean 'storage_class'?)" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { cold = { bucket = "$dst" } },
  route = function(o)
    return { target = "cold", storage_clas = "GLACIER" }
  end,
}
LUA

broken unknown_profile 2 "sources[1].profile: 'no-such-profile' is not a profile" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/", profile = "no-such-profile" } },
  targets = { out = { bucket = "$dst" } },
}
LUA

broken canned_acl 4 "targets.out.acl: 'bucket-owner-full' is not a canned ACL" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$dst",
                      acl = "bucket-owner-full" } },
}
LUA

broken addressing 2 "sources[1].addressing: 'dns' is not an addressing style" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/", addressing = "dns" } },
  targets = { out = { bucket = "$dst" } },
}
LUA

# the second source's field: its own line, not the first source's same field
broken second_source 3 "sources[2].addressing: 'dns' is not an addressing style" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/", addressing = "path" }, { prefix = "{,}",
                bucket = "$src", addressing = "dns" } },
  targets = { out = { bucket = "$dst" } },
}
LUA

broken stream_type 4 "targets.out.stream: expected true or false, got string" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$dst",
                      stream = "yes" } },
}
LUA

broken sandbox 1 "attempt to call a nil value (field 'execute')" <<LUA
os.execute("touch $dir/pwned")
return { sources = { "s3://$src/in/" }, target = "s3://$dst/" }
LUA
[ ! -e "$dir/pwned" ] || fail "sandbox: os.execute ran"

# the same plan runs with --unsafe-lua
cat >"$dir/unsafe.lua" <<LUA
os.execute("touch $dir/allowed")
return { sources = { "s3://$src/in/" }, target = "s3://$dst/x/" }
LUA
check "--unsafe-lua gives os.execute back" s3e --unsafe-lua --dry-run "$dir/unsafe.lua" >/dev/null
[ -e "$dir/allowed" ] || fail "--unsafe-lua: os.execute did not run"

# modules are found through LUA_PATH too (the plan's folder and the recipes come first)
mkdir -p "$dir/lp"
echo 'return { answer = 42 }' >"$dir/lp/fromenv.lua"
cat >"$dir/envplan.lua" <<LUA
assert(require("fromenv").answer == 42)
return { sources = { "s3://$src/in/" }, target = "s3://$dst/e/" }
LUA
LUA_PATH="$dir/lp/?.lua;;" check "a module on LUA_PATH is found" s3e --dry-run "$dir/envplan.lua"
expect_exit 2 s3e --dry-run "$dir/envplan.lua" # and not without it

err=$(s3e "$dir/does-not-exist.lua" 2>&1)
expect_eq $? 2 "missing plan file: exit 2"
expect_contains "$err" "does-not-exist.lua" "missing plan file: named"
finish
