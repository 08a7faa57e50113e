#!/usr/bin/env bash
# Move mode through 10% faults, killed with SIGKILL in the middle: no source is
# lost (each is still there, or its destination is its whole copy), and a rerun
# through the faults deletes every source and leaves every destination verified.
# A reference bucket loaded with the same objects stands in for the sources
# that are gone (the fixtures are deterministic: same key, same bytes).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"

KINDS=slowdown,internal,reset-before,reset-after,cut-headers,cut-body,delay,error-in-200
src=$(fresh_bucket src) || finish
ref=$(fresh_bucket ref) || finish
dst=$(fresh_bucket dst) || finish
for b in "$src" "$ref"; do
  check "load 40 small objects into $b" s3check load "$b" in 40 >/dev/null
  put_rich_objects "$b" in/rich/
done
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 3 }
LUA
rels() { s3check ls "s3://$1/in/" | cut -f1 | sed 's|^in/||' | LC_ALL=C sort; }

ep=$(fault_proxy_start --seed 4 --rate 0.1 --kinds "$KINDS" --delay 0.5) || { fail "proxy"; finish; }
s3e --move "$work/plan.lua" --endpoint "$ep" "${RICH_MP[@]}" -q 2>/dev/null &
pid=$!
for _ in $(seq 600); do
  [ "$(fault_count 'op=DeleteObject fault=none status=204')" -ge 12 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null && _ok "killed in the middle of the move" || fail "the move ended before the kill"
wait "$pid" 2>/dev/null
fault_proxy_stop

rels "$src" >"$work/left"
echo "# killed with $(wc -l <"$work/left") of 50 sources left"
out=$(s3check same-tree --missing-ok "s3://$ref/in/" "s3://$dst/out/" 2>&1)
grep '^missing' <<<"$out" | cut -f2 | LC_ALL=C sort >"$work/missing"
# a difference is allowed only where the source is still there (e.g. a copy not yet tagged)
grep "^s3://$dst/out/" <<<"$out" | sed "s|^s3://$dst/out/||; s|: .*||" | LC_ALL=C sort -u >"$work/differ"
expect_eq "$(grep -c '^extra' <<<"$out")" 0 "nothing at the destination that is not a source's"
expect_eq "$(comm -23 "$work/missing" "$work/left")" "" "every source not at the destination is still there"
expect_eq "$(comm -23 "$work/differ" "$work/left")" "" \
  "every source that is gone has its whole copy (bytes, headers, metadata, tags)"

rc=0
ep=$(fault_proxy_start --seed 5 --rate 0.1 --kinds "$KINDS" --delay 0.5) || { fail "proxy"; finish; }
s3e --move "$work/plan.lua" --endpoint "$ep" "${RICH_MP[@]}" -q || rc=$?
fault_proxy_stop
expect_eq "$rc" 0 "the rerun through the faults completes"
expect_eq "$(s3check count "s3://$src/in/")" 0 "every source deleted"
check "every destination verified (bytes, headers, metadata, tags)" \
  s3check same-tree "s3://$ref/in/" "s3://$dst/out/"
finish
