#!/usr/bin/env bash
# Issue #12, item 7: storage classes are checked at planning time, so the dry run
# catches a misspelt one (route or target) with file:line and a suggestion; a
# class the plan declares but the server does not have fails the first copies
# with one S3 error, and the run stops there with one message (fail fast)
# instead of failing 100 objects one by one (radosgw answers InvalidArgument where
# AWS answers InvalidStorageClass: both are final errors).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "load 100 objects" s3check load "$src" in 100 >/dev/null

# ---- the dry run catches misspelt classes ------------------------------------------
cat >"$dir/route.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { cold = { bucket = "$dst" } },
  route = function(o)
    return { target = "cold", storage_class = "GLACEIR" }
  end,
}
LUA
rc=0
out=$(s3e --dry-run "$dir/route.lua" 2>&1) || rc=$?
expect_eq "$rc" 2 "dry run, misspelt route class: exit 2"
expect_contains "$out" "route.lua:5: route: storage_class: 'GLACEIR' is not an S3 storage class (did you mean 'GLACIER'?)" \
  "named with file:line and the class meant"
cat >"$dir/target.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { ia = { bucket = "$dst",
                     storage_class = "STANDARD_AI" } },
}
LUA
rc=0
out=$(s3e --dry-run "$dir/target.lua" 2>&1) || rc=$?
expect_eq "$rc" 2 "dry run, misspelt target class: exit 2"
expect_contains "$out" "target.lua:4: targets.ia.storage_class:" "named with file:line and field"
expect_contains "$out" "did you mean 'STANDARD_IA'?" "and the class meant"
expect_eq "$(s3check count "s3://$dst/")" 0 "nothing copied"

# ---- a declared class the server lacks: one message, not 100 failures ---------------
cat >"$dir/cold.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { cold = { bucket = "$dst", prefix = "cold/", storage_class = "COLD" } },
  storage_classes = { "COLD" },
  workers = 4,
}
LUA
rc=0
out=$(s3e "$dir/cold.lua" --report "$dir/c.csv" 2>&1) || rc=$?
expect_eq "$rc" 1 "a class the server lacks: the run stops with exit 1"
code=$(grep -o 'the first 20 copies all failed with [A-Za-z]*' <<<"$out")
expect_contains "$code" "the first 20 copies all failed with" "one message names the S3 error"
expect_contains "$out" "not attempted" "and how many objects were not attempted"
rows=$(($(wc -l <"$dir/c.csv") - 1))
[ "$rows" -ge 20 ] && [ "$rows" -le 40 ] && _ok "it stopped after $rows objects of 100" ||
  fail "fail fast: $rows objects were tried (expected 20 to 40 of 100)"
err_lines=$(grep -c ' error: s3://' <<<"$out")
[ "$err_lines" -le 1 ] && _ok "no per-object error lines ($err_lines)" ||
  fail "$err_lines per-object error lines"
expect_eq "$(s3check count "s3://$dst/cold/")" 0 "nothing was written"
finish
