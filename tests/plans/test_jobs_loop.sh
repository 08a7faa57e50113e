#!/usr/bin/env bash
# Jobs that need more than a CopyObject are state machines of requests on the
# workers' one event loop, not a thread each (issue #10): with eight workers and
# every HeadObject and PutObjectTagging slowed by the fault proxy (so that the
# jobs overlap), a run never has more than three threads (main, the loop, one
# spare) while it copies
#   - sources whose ETags cannot verify a copy (multipart ETags: HEADs of both),
#   - objects whose route replaces their tags (CopyObject, PutObjectTagging,
#     HEADs of both),
#   - rows of a manifest without sizes (a HEAD of the source first),
# and every object arrives whole with its metadata and tags, reported as before.
# Then a CopyObject answered 412 every time (the source changed, as AWS says it):
# each object is looked up again (a slowed HEAD), copied again, and reported
# `changed`, still on the loop.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"
. "$PLAN_LIB_DIR/lib_threads.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
work=$(mktemp -d)
on_exit rm -rf "$work"

# Four objects uploaded in two parts: their ETags ("...-2") verify nothing.
check "four objects with multipart ETags" "$S3CHECK_PYTHON" - "$src" <<'PY'
import boto3, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
b = sys.argv[1]
for i in range(4):
    k = "chk/m%d.bin" % i
    u = s3.create_multipart_upload(Bucket=b, Key=k, Metadata={"n": str(i)})["UploadId"]
    parts = []
    for n, body in ((1, os.urandom(5 << 20)), (2, os.urandom(1000 + i))):
        e = s3.upload_part(Bucket=b, Key=k, UploadId=u, PartNumber=n, Body=body)["ETag"]
        parts.append({"PartNumber": n, "ETag": e})
    s3.complete_multipart_upload(Bucket=b, Key=k, UploadId=u, MultipartUpload={"Parts": parts})
    s3.put_object_tagging(Bucket=b, Key=k, Tagging={"TagSet": [{"Key": "t", "Value": str(i)}]})
PY
for i in 1 2 3 4 5 6 7 8; do
  echo "put s3://$src/tag/t$i.txt $((1000 + i)) --meta k=v --tag old=1"
  echo "put s3://$src/man/u$i.txt $((2000 + i)) --meta m=$i --tag x=$i"
done >"$work/puts"
check "sixteen small objects with metadata and tags" s3check batch "$work/puts" >/dev/null
for i in 1 2 3 4 5 6 7 8; do echo "$src,man/u$i.txt"; done >"$work/rows.csv"
cat >"$work/plan.lua" <<LUA
return {
  sources = { "s3://$src/chk/", "s3://$src/tag/", { manifest = "$work/rows.csv" } },
  targets = { chk = "s3://$dst/chk/", tag = "s3://$dst/tag/", man = "s3://$dst/man/" },
  route = function(o)
    if o.key:find("tag/", 1, true) then
      return { target = "tag", tags = { class = "hot" } }
    end
    return o.key:find("man/", 1, true) and "man" or "chk"
  end,
}
LUA

# watched ERR ARGS...: s3engine ARGS (stderr into ERR) with its peak of threads
# in $peak and its exit status in $rc; the fault proxy stopped after.
watched() {
  local err=$1 pid
  shift
  "$S3ENGINE" "$@" 2>"$err" &
  pid=$!
  peak=$(peak_threads "$pid")
  rc=0; wait "$pid" || rc=$?
  fault_proxy_stop
}

ep=$(fault_proxy_start --only HeadObject,PutObjectTagging --rate delay=1 --delay 0.4) ||
  { fail "fault proxy"; finish; }
watched "$work/r.err" "$work/plan.lua" --endpoint "$ep" --workers 8 -q --report "$work/r.csv"
expect_eq "$rc" 0 "checks, route tags, unknown sizes: exit 0"
expect_eq "$(grep -c ',copied,' "$work/r.csv")" 20 "twenty copied"
expect_eq "$(report_col "$work/r.csv" verified | sort | uniq -c | awk '{print $1, $2}' | xargs)" \
  "8 etag 4 size 8 size+etag" "verified as before: ETags after a HEAD of a source without size, HEADs of both otherwise"
[ "$(fault_count fault=delay)" -ge 40 ] && _ok "their HEADs and taggings went through the proxy" ||
  fail "only $(fault_count fault=delay) slowed requests went through the proxy"
[ "$peak" -le 3 ] && _ok "at most 3 threads while twenty such jobs ran (peak $peak)" ||
  fail "peak of $peak threads while twenty such jobs ran (a thread per object?)"
check "the multipart-ETag sources copied whole, with metadata and tags" \
  s3check same-tree "s3://$src/chk/" "s3://$dst/chk/"
check "the manifest's rows copied whole, with metadata and tags" \
  s3check same-tree "s3://$src/man/" "s3://$dst/man/man/"
tags=$(s3check head "s3://$dst/tag/t3.txt")
expect_contains "$tags" '"class": "hot"' "the route's tags replace the source's"
expect_eq "$(s3check md5 "s3://$dst/tag/t8.txt")" "$(s3check md5 "s3://$src/tag/t8.txt")" \
  "a route-tagged copy is byte-exact"

# 412 to every CopyObject: looked up again (slowed HEADs), copied again, `changed`.
cat >"$work/chg.lua" <<LUA
return { sources = { "s3://$src/tag/" }, target = "s3://$dst/chg/" }
LUA
ep=$(fault_proxy_start --only CopyObject,HeadObject --rate precondition=1 --rate delay=1 \
  --delay 0.4) || { fail "fault proxy"; finish; }
watched "$work/c.err" "$work/chg.lua" --endpoint "$ep" --workers 8 -v --report "$work/c.csv"
expect_eq "$rc" 1 "412 every time: exit 1"
expect_eq "$(report_col "$work/c.csv" status | sort | uniq -c | awk '{print $1, $2}')" "8 changed" \
  "all eight reported changed"
expect_eq "$(fault_count fault=precondition)" 16 "each copied twice (again after a HEAD)"
expect_contains "$(cat "$work/c.err")" "changed since it was listed" "the look-up is logged"
[ "$peak" -le 3 ] && _ok "at most 3 threads while eight sources changed (peak $peak)" ||
  fail "peak of $peak threads while eight sources changed (a thread per object?)"
expect_eq "$(s3check count "s3://$dst/chg/")" 0 "nothing copied"
finish
