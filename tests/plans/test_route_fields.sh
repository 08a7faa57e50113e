#!/usr/bin/env bash
# Issue #12, item 6: metadata, tags and content headers from a route replace the
# source's (x-amz-metadata-directive / x-amz-tagging-directive: REPLACE), on a
# CopyObject and on a multipart copy alike (CreateMultipartUpload carries them,
# the tags also set after the upload). Checked with boto3: exactly the route's
# metadata, tags and headers, the source's bytes. A rerun copies nothing; a
# misspelt route field stops the run with file:line (exit 2).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "a small object with metadata and tags" s3check put "s3://$src/in/small.mp4" 3000 \
  --content-type application/octet-stream --meta old=1 --tag old=1 >/dev/null
check "a 12 MiB one" s3check put "s3://$src/in/big.mp4" 12MiB --meta old=2 --tag old=2 >/dev/null
check "one the route leaves alone" s3check put "s3://$src/in/keep.txt" 100 --meta keep=yes \
  --tag keep=yes >/dev/null

cat >"$dir/plan.lua" <<LUA
return {
  sources = { { bucket = "$src", prefix = "in/" } },
  targets = { out = { bucket = "$dst", prefix = "out/" } },
  multipart_cutoff = "8MiB", part_size = "5MiB",
  route = function(o)
    if o.ext ~= "mp4" then return "out" end
    return { target = "out", metadata = { team = "media", Size = tostring(o.size) },
             tags = { class = "hot", ["owner name"] = "a&b" },
             content_type = "video/mp4", cache_control = "max-age=60",
             content_disposition = "attachment", content_language = "en",
             expires = "Thu, 01 Jan 2037 00:00:00 GMT" }
  end,
}
LUA
rc=0
s3e "$dir/plan.lua" --report "$dir/a.csv" >"$dir/a.out" 2>&1 || rc=$?
expect_eq "$rc" 0 "copied (exit 0)"
expect_eq "$(grep -c ',copied,' "$dir/a.csv")" 3 "three objects copied"
out=$("$S3CHECK_PYTHON" - "$src" "$dst" <<'PY' 2>&1
import boto3, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
src, dst = sys.argv[1], sys.argv[2]
bad = []
for k, size in (("small.mp4", "3000"), ("big.mp4", str(12 << 20))):
    h = s3.head_object(Bucket=dst, Key="out/" + k)
    want = {"ContentType": "video/mp4", "CacheControl": "max-age=60",
            "ContentDisposition": "attachment", "ContentLanguage": "en"}
    for f, v in want.items():
        if h.get(f) != v:
            bad.append("%s %s: %r" % (k, f, h.get(f)))
    if h["ResponseMetadata"]["HTTPHeaders"].get("expires") != "Thu, 01 Jan 2037 00:00:00 GMT":
        bad.append("%s Expires: %r" % (k, h["ResponseMetadata"]["HTTPHeaders"].get("expires")))
    if h["Metadata"] != {"team": "media", "size": size}:
        bad.append("%s metadata: %r" % (k, h["Metadata"]))
    tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=dst, Key="out/" + k)["TagSet"]}
    if tags != {"class": "hot", "owner name": "a&b"}:
        bad.append("%s tags: %r" % (k, tags))
    a = s3.get_object(Bucket=src, Key="in/" + k)["Body"].read()
    b = s3.get_object(Bucket=dst, Key="out/" + k)["Body"].read()
    if a != b:
        bad.append(k + " bytes differ")
h = s3.head_object(Bucket=dst, Key="out/keep.txt")
tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=dst, Key="out/keep.txt")["TagSet"]}
if h["Metadata"] != {"keep": "yes"} or tags != {"keep": "yes"}:
    bad.append("keep.txt: %r %r" % (h["Metadata"], tags))
print("\n".join(bad) or "checked")
PY
)
expect_eq "$out" "checked" "the route's metadata, tags and headers, the source's bytes (single and multipart)"
rc=0
s3e "$dir/plan.lua" --report "$dir/b.csv" >/dev/null 2>&1 || rc=$?
expect_eq "$rc:$(grep -c ',skipped,' "$dir/b.csv")" "0:3" "a rerun copies nothing"

# a misspelt route field: exit 2, file:line, nothing copied
sed -e 's/metadata = {/metdata = {/' -e 's#prefix = "out/"#prefix = "typo/"#' "$dir/plan.lua" >"$dir/typo.lua"
rc=0
out=$(s3e "$dir/typo.lua" 2>&1) || rc=$?
expect_eq "$rc" 2 "a misspelt route field: exit 2"
expect_contains "$out" "typo.lua:7: route: unknown field 'metdata' in a route table (did you mean 'metadata'?)" \
  "named with file:line and the field meant"
expect_eq "$(s3check count "s3://$dst/typo/")" 0 "nothing copied"
finish
