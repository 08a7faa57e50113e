#!/usr/bin/env bash
# kill -9 in the middle of multipart copies: two objects with their parts still
# in flight, two completed but not yet tagged (radosgw ignores the tags of a
# CreateMultipartUpload, so they are set after the complete). A rerun completes
# and repairs the untagged copies (same size and newer, but not the source's
# copy); `s3engine uploads --abort` then leaves no unfinished upload.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/rich_objects.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
put_rich_objects "$src" in/
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/" }
LUA
# big-1 and big-4: parts held 20 s; every PutObjectTagging held 20 s (big-2, big-3)
ep=$(fault_proxy_start --only UploadPartCopy,PutObjectTagging --rate delay=1 --delay 20 \
  --path '(big-1\.mp4|big-4\.mov)\?partNumber|\?tagging=?$') || { fail "fault proxy"; finish; }
s3e "$work/plan.lua" --endpoint "$ep" "${RICH_MP[@]}" -q 2>/dev/null &
pid=$!
for _ in $(seq 600); do
  [ "$(fault_count op=CompleteMultipartUpload)" -ge 2 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
sleep 0.5 # the two PutObjectTagging reach the proxy
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
fault_proxy_stop # the held requests never reach the server
expect_eq "$(fault_count op=CompleteMultipartUpload)" 2 "killed after two multipart copies completed"
held=$(s3check head "s3://$dst/out/data/big-2.tar.gz" 2>/dev/null | grep -c '"Tags": {}')
expect_eq "$held" 1 "killed before their tags were set (a copy without its tags is there)"
n=$(s3check uploads "$dst")
[ "$n" -ge 2 ] && _ok "killed with $n multipart uploads unfinished" || fail "$n uploads unfinished, expected 2 or more"

rc=0
s3e "$work/plan.lua" "${RICH_MP[@]}" -q || rc=$?
expect_eq "$rc" 0 "the rerun completes"
check "every object is the source's copy (bytes, headers, metadata, tags)" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
check "uploads --abort" s3e uploads "s3://$dst/" --abort -q
expect_eq "$(s3check uploads "$dst")" 0 "no multipart upload left"
finish
