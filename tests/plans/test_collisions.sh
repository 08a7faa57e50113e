#!/usr/bin/env bash
# Collisions: two sources routed to one destination key. Found while planning,
# they stop the run before any copy (exit 2, both sources named) unless the plan
# picks collisions = "first" | "last"; past --hold (copies already under way) a
# late collision is a failed object, never an overwrite; move mode never deletes
# a source whose copy is not the one at the destination.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"
plan=$work/plan.lua
report=$work/report.csv

# Three objects named x.txt under different folders (different sizes, so the
# destination's size tells which one it is), and one that collides with nothing.
load() {
  s3check empty "s3://$src/in/" >/dev/null
  s3check empty "s3://$dst/" >/dev/null
  s3check put "s3://$src/in/a/x.txt" 1000 >/dev/null &&
    s3check put "s3://$src/in/b/x.txt" 2000 >/dev/null &&
    s3check put "s3://$src/in/c/x.txt" 3000 >/dev/null &&
    s3check put "s3://$src/in/a/solo.txt" 500 >/dev/null
}
check "load fixtures" load
md5_a=$(s3check md5 "s3://$src/in/a/x.txt")
md5_b=$(s3check md5 "s3://$src/in/b/x.txt")
md5_c=$(s3check md5 "s3://$src/in/c/x.txt")

# write_plan [FIELD...]: the three x.txt flattened onto flat/x.txt.
write_plan() {
  {
    echo "return { sources = { { bucket = \"$src\", prefix = \"in/\" } },"
    echo "  targets = { out = { bucket = \"$dst\", prefix = \"flat/\" } },"
    echo "  route = function(o) return { target = \"out\", key = o.name } end,"
    for f in "$@"; do echo "  $f,"; done
    echo "}"
  } >"$plan"
}

# row SRCKEY: the report's status and error for one source
row() { grep -F "s3://$src/$1," "$report" | cut -d, -f4,5; }

# ---- the default policy: stop before any copy, in every mode ---------------------
write_plan
err=$(s3e --move "$plan" 2>&1 >/dev/null)
expect_eq $? 2 "move, three sources on one key: exit 2"
expect_contains "$err" "in/a/x.txt" "names the first source"
expect_contains "$err" "in/b/x.txt" "names the second source"
expect_contains "$err" "s3://$dst/flat/x.txt" "names the destination"
expect_contains "$err" "$plan" "names the plan"
expect_eq "$(s3check count "s3://$dst/")" 0 "move: nothing copied"
expect_eq "$(s3check count "s3://$src/in/")" 4 "move: nothing deleted"

err=$(s3e "$plan" 2>&1 >/dev/null)
expect_eq $? 2 "copy, three sources on one key: exit 2"
expect_contains "$err" "in/b/x.txt" "names the second source"
expect_eq "$(s3check count "s3://$dst/")" 0 "copy: nothing copied"

err=$(s3e --dry-run "$plan" 2>&1 >/dev/null)
expect_eq $? 2 "dry run finds the collision too"

write_plan 'collisions = "error"'
expect_exit 2 s3e -q "$plan"

write_plan 'collisions = "newest"'
err=$(s3e "$plan" 2>&1 >/dev/null)
expect_eq $? 2 "an unknown policy is a plan error"
expect_contains "$err" "collisions" "naming the field"

# ---- collisions = "first": the first listed source wins ---------------------------
write_plan 'collisions = "first"'
expect_exit 0 s3e -q "$plan" --report "$report"
expect_eq "$(s3check md5 "s3://$dst/flat/x.txt")" "$md5_a" "first: in/a/x.txt at the destination"
expect_eq "$(s3check count "s3://$dst/")" 2 "first: x.txt and solo.txt"
expect_eq "$(row in/a/x.txt | cut -d, -f1)" copied "first: in/a/x.txt copied"
expect_contains "$(row in/b/x.txt)" "skipped," "first: in/b/x.txt skipped"
expect_contains "$(row in/c/x.txt)" "collides" "first: in/c/x.txt skipped, with the reason"
expect_eq "$(row in/a/solo.txt | cut -d, -f1)" copied "first: solo.txt copied"

# ---- collisions = "last": the last listed source wins ------------------------------
check "reset the destination" s3check empty "s3://$dst/"
write_plan 'collisions = "last"'
expect_exit 0 s3e -q "$plan" --report "$report"
expect_eq "$(s3check md5 "s3://$dst/flat/x.txt")" "$md5_c" "last: in/c/x.txt at the destination"
expect_contains "$(row in/a/x.txt)" "skipped," "last: in/a/x.txt skipped"
expect_contains "$(row in/b/x.txt)" "collides" "last: in/b/x.txt skipped, with the reason"
expect_eq "$(row in/c/x.txt | cut -d, -f1)" copied "last: in/c/x.txt copied"

# ---- move with a policy: only the kept source is moved -----------------------------
check "reset the destination" s3check empty "s3://$dst/"
write_plan 'collisions = "last"' 'move = true'
expect_exit 0 s3e -q "$plan" --report "$report"
expect_eq "$(s3check md5 "s3://$dst/flat/x.txt")" "$md5_c" "move last: in/c/x.txt at the destination"
expect_eq "$(s3check count "s3://$src/in/c/")" 0 "move last: in/c/x.txt deleted"
expect_eq "$(s3check md5 "s3://$src/in/a/x.txt")$(s3check md5 "s3://$src/in/b/x.txt")" \
          "$md5_a$md5_b" "move last: the skipped sources stay"

check "reload fixtures" load
write_plan 'collisions = "first"' 'move = true'
expect_exit 0 s3e -q "$plan" --report "$report"
expect_eq "$(s3check md5 "s3://$dst/flat/x.txt")" "$md5_a" "move first: in/a/x.txt at the destination"
expect_eq "$(s3check md5 "s3://$src/in/b/x.txt")$(s3check md5 "s3://$src/in/c/x.txt")" \
          "$md5_b$md5_c" "move first: the skipped sources stay"

# ---- past --hold: copies start before planning ends; a late collision fails ------
# one object per payload, so each payload goes to a worker as soon as it is routed
check "reload fixtures" load
write_plan 'move = true'
err=$(s3e "$plan" --hold 1 --max-payload-objects 1 --workers 1 --report "$report" 2>&1 >/dev/null)
rc=$?
expect_ne "$rc" 0 "streamed, collision found late: non-zero exit"
expect_ne "$rc" 2 "streamed: not a plan error (copies were under way)"
have() { # every source's bytes still exist, at the source or at the destination
  local m at_dst
  at_dst=$(s3check md5 "s3://$dst/flat/x.txt" 2>/dev/null)
  for k in a b c; do
    m=$(s3check md5 "s3://$src/in/$k/x.txt" 2>/dev/null)
    eval "want=\$md5_$k"
    # shellcheck disable=SC2154
    [ "$m" = "$want" ] || [ "$at_dst" = "$want" ] || { echo "in/$k/x.txt lost" >&2; return 1; }
  done
}
check "streamed move: no source lost" have
expect_contains "$err" "collides with" "streamed: the failure says why"
expect_contains "$(grep -c ',failed,' "$report")" 2 "streamed: two failed rows"

# ---- fan-out of one object onto the same key twice --------------------------------
check "reload fixtures" load
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/a/" } },
  targets = { out = { bucket = "$dst", prefix = "dup/" } },
  route = function(o) return { { target = "out", key = o.name }, { target = "out", key = o.name } } end }
LUA
err=$(s3e "$plan" 2>&1 >/dev/null)
expect_eq $? 2 "fan-out onto one key twice: exit 2"
expect_contains "$err" "twice" "says the object is routed there twice"
expect_eq "$(s3check count "s3://$dst/")" 0 "fan-out: nothing copied"
finish
