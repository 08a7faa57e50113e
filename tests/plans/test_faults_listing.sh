#!/usr/bin/env bash
# Listings that cannot loop or lie: a server whose ListObjectsV2 pages repeat a
# continuation token, or whose keys do not advance, makes the listing of that
# source fail with a clear error (nothing is planned twice, the run ends); a
# listing with a DOCTYPE (entities) is refused, never read with a key changed;
# a 1 MB response header is "response headers too large", not "Out of memory".
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "5 objects to list" s3check load "$src" in 5 >/dev/null
plan=$(mktemp --suffix=.lua)
report=$(mktemp --suffix=.csv)
on_exit rm -f "$plan" "$report"
cat >"$plan" <<LUA
-- collisions = "first": a key listed twice must be caught by the listing itself
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", collisions = "first" }
LUA

# listed KIND [proxy args]: run the plan through the proxy faulting every listing
# of the source with KIND, at most 120 s (a listing that loops runs until killed,
# with SIGKILL 10 s later if SIGTERM does not end it);
# sets rc and err (stderr)
listed() {
  local kind=$1 ep
  shift
  s3check empty "s3://$dst/" >/dev/null
  ep=$(fault_proxy_start --only ListObjectsV2 --path "^/$src/?\\?" --rate "$kind=1" "$@") ||
    { fail "fault proxy"; return 1; }
  rc=0
  err=$(timeout -k 10 120 "$S3ENGINE" "$plan" --endpoint "$ep" --retries 2 --no-progress \
    --report "$report" 2>&1 >/dev/null) || rc=$?
  fault_proxy_stop
  expect_eq "$((rc == 124 || rc == 137))" 0 \
    "$kind: the run ends on its own (not killed after 120 s; exit $rc)"
}

# no_key_twice WHAT: every source key is in the report at most once
no_key_twice() {
  local dup
  dup=$(cut -d, -f1 "$report" | sort | uniq -d | head -3)
  expect_eq "$dup" "" "$1: no key planned twice"
}

# the same page again: its first key goes back
listed repeat-token
expect_ne "$rc" 0 "repeated continuation token: the run fails"
expect_contains "$err" "listing s3://$src/in/ failed" "the error names the source"
expect_contains "$err" "(the listing went back)" "and says the keys went back"
expect_eq "$(fault_count 'continuation-token=faultproxy-repeat')" 1 \
  "the repeated token is followed once, not again and again"
no_key_twice "repeated token"

# an empty prefix whose page keeps coming back with the same token: no key to
# compare, the token itself is caught
sed -i "s|s3://$src/in/|s3://$src/none/|" "$plan"
before=$(fault_count 'continuation-token=faultproxy-repeat')
listed repeat-token
expect_ne "$rc" 0 "repeated token on empty pages: the run fails"
expect_contains "$err" "listing s3://$src/none/ failed" "the error names the source"
expect_contains "$err" "continuation token 'faultproxy-repeat' a second time" \
  "and says the token came back"
expect_eq "$(($(fault_count 'continuation-token=faultproxy-repeat') - before))" 1 \
  "the token is followed once, and its answer is the last page asked for"
sed -i "s|s3://$src/none/|s3://$src/in/|" "$plan"

listed rewind-token
expect_ne "$rc" 0 "a page whose keys do not advance: the run fails"
expect_contains "$err" "listing s3://$src/in/ failed" "the error names the source"
expect_contains "$err" "does not come after" "and says the keys went back"
expect_eq "$(fault_count 'continuation-token=faultproxy-rewind-')" 1 \
  "the next page is not asked for once keys went back"
no_key_twice "keys that do not advance"

listed doctype
expect_ne "$rc" 0 "a listing with a DOCTYPE: the run fails"
expect_contains "$err" "response has a DOCTYPE" "and says why"
expect_eq "$(s3check count "s3://$dst/")" 0 "nothing copied from a refused listing"

listed big-header --big-header-bytes 1048576
expect_ne "$rc" 0 "a 1 MB response header: the run fails"
expect_contains "$err" "response headers too large" "and says why"
expect_eq "$(grep -ci "out of memory" <<<"$err")" 0 "not reported as out of memory"
expect_eq "$(s3check count "s3://$dst/")" 0 "nothing copied"

# the same source without faults: everything, once
s3check empty "s3://$dst/" >/dev/null
check "without faults the run copies everything" s3e "$plan" -q
check "and the copies are whole" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
finish
