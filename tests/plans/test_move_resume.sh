#!/usr/bin/env bash
# Move mode resumes: objects an earlier run copied but did not delete (a crash
# between the copy and the delete) are checked like a fresh copy and their
# sources deleted; a destination that is not the source's copy (same size and
# newer, but other bytes or metadata) is copied again before its source goes.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 12 small objects" s3check load "$src" in 12 >/dev/null
check "a 12 MiB object with metadata and tags" \
  s3check put "s3://$src/in/big/clip.mp4" 12MiB --content-type video/mp4 --meta a=1 --tag t=1 >/dev/null
MP=(--multipart-cutoff 5MiB --part-size 5MiB)
plan=$(mktemp --suffix=.lua)
on_exit rm -f "$plan" "$plan.csv"
cat >"$plan" <<LUA
return { sources = { "s3://$src/in/" }, target = "s3://$dst/out/", workers = 3 }
LUA
# the copies of a move that stopped before its deletes
check "copy without move" s3e "$plan" "${MP[@]}" -q
expect_eq "$(s3check count "s3://$dst/out/")" 13 "every object copied"
# one destination replaced by another object of the same size: copied again
victim=$(s3check ls "s3://$src/in/" | awk -F'\t' '$1 !~ /clip/ { print $1; exit }')
vsize=$(s3check ls "s3://$src/in/" | awk -F'\t' -v k="$victim" '$1 == k { print $2 }')
vmd5=$(s3check md5 "s3://$src/$victim")
check "replace one destination" s3check put "s3://$dst/out/${victim#in/}" "$vsize" >/dev/null
expect_ne "$(s3check md5 "s3://$dst/out/${victim#in/}")" "$vmd5" "that destination differs now"
# the multipart copy's metadata changed at the destination: not the source's copy
/usr/bin/python3 - "$dst" out/big/clip.mp4 <<'PY'
import os, sys, boto3
from botocore.config import Config
c = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                 config=Config(s3={"addressing_style": "path"}))
b, k = sys.argv[1], sys.argv[2]
c.copy_object(Bucket=b, Key=k, CopySource={"Bucket": b, "Key": k}, MetadataDirective="REPLACE",
              ContentType="video/mp4", Metadata={"a": "changed"})
PY

rc=0; out=$(s3e --move "$plan" "${MP[@]}" --report "$plan.csv" 2>&1) || rc=$?
expect_eq "$rc" 0 "the move run exits 0"
expect_eq "$(summary_value "$out" moved)" 13 "13 sources moved"
expect_eq "$(s3check count "s3://$src/in/")" 0 "no source left"
expect_eq "$(awk -F, 'NR > 1 && $4 == "moved"' "$plan.csv" | wc -l)" 13 "13 'moved' rows"
# the report says what was compared for every move, an earlier run's copy too
expect_eq "$(report_col "$plan.csv" verified | grep -c '^$')" 0 "every moved row names what was verified"
expect_eq "$(report_col "$plan.csv" verified | grep -c '^size+etag$')" 11 \
  "the 11 earlier copies kept are verified by size and MD5 ETag"
expect_eq "$(s3check md5 "s3://$dst/out/${victim#in/}")" "$vmd5" "the replaced destination was copied again"
expect_contains "$(s3check head "s3://$dst/out/big/clip.mp4")" '"a": "1"' \
  "the multipart destination whose metadata differed was copied again"
finish
