#!/usr/bin/env bash
# What a run carries that an emitted job must carry too: a source with
# versions = "all" is emitted as one manifest row per version (its versionId,
# oldest first, flag "v") and run-job copies them in that order, so the
# versioned target holds every version and the newest is current; a rerun
# copies nothing. A route's metadata and tags (the route's header lines) reach
# the copies made by run-job.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

versioned_pair || finish
for i in 1 2 3; do
  check "v/a.txt version $i" s3check put "s3://$src/v/a.txt" $((1000 * i)) --seed "a$i" >/dev/null
done
check "v/big.bin version 1 (12 MiB)" s3check put "s3://$src/v/big.bin" 12MiB --seed big1 >/dev/null
check "v/big.bin version 2 (6 MiB)" s3check put "s3://$src/v/big.bin" 6MiB --seed big2 >/dev/null
check "v/one.txt" s3check put "s3://$src/v/one.txt" 500 >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"
s3check versions "s3://$src/v/" >"$dir/versions.tsv"
md5v() { s3check md5 "s3://$1/$2" --version-id="$3"; }
vid() { awk -F'\t' -v k="$1" '$1 == k && $6 == "version" { print $2 }' "$dir/versions.tsv" | tac | sed -n "$2p"; }

cat >"$dir/all.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/", versions = "all" } },
         target = "s3://$dst/m/", workers = 2 }
LUA
job=$dir/job
check "emit versions = \"all\"" s3e "$dir/all.lua" --emit "$job" >/dev/null
rows=$(cat "$job"/manifests/*.tsv)
expect_eq "$(awk -F'\t' '$11 ~ /v/' <<<"$rows" | wc -l)" 5 "one row per version of the keys with several"
expect_eq "$(awk -F'\t' '$2 == "v/a.txt" { print $3 }' <<<"$rows" | tr '\n' ' ')" \
  "$(vid v/a.txt 1) $(vid v/a.txt 2) $(vid v/a.txt 3) " "v/a.txt's rows name its versions, oldest first"
expect_eq "$(awk -F'\t' '$1 == "payload" { n += $4 } END { print n }' "$job/job.tsv")" 6 \
  "the payloads count 6 objects (versions)"
rc=0
out=$(s3e run-job "$job" --index 0 --count 1 --multipart-cutoff 5MiB --part-size 5MiB 2>&1) || rc=$?
expect_eq "$rc" 0 "run-job exits 0"
check "job-status: all done" s3e job-status "$job" >/dev/null
s3check versions "s3://$dst/m/" >"$dir/dst.tsv"
for k in v/a.txt v/big.bin v/one.txt; do
  n=$(awk -F'\t' -v k="$k" '$1 == k && $6 == "version"' "$dir/versions.tsv" | wc -l)
  got=$(awk -F'\t' -v k="m/${k#v/}" '$1 == k' "$dir/dst.tsv" | wc -l)
  expect_eq "$got" "$n" "m/${k#v/} has as many versions as $k"
  for i in $(seq 1 "$n"); do
    dv=$(awk -F'\t' -v k="m/${k#v/}" '$1 == k { print $2 }' "$dir/dst.tsv" | tac | sed -n "${i}p")
    expect_eq "$(md5v "$dst" "m/${k#v/}" "$dv")" "$(md5v "$src" "$k" "$(vid "$k" "$i")")" \
      "m/${k#v/} version $i is $k version $i, byte for byte"
  done
done
expect_eq "$(grep -c ',copied,' "$job"/results/*.csv | awk -F: '{ n += $2 } END { print n }')" 6 \
  "one report row per version"

# a payload run again (its result removed): nothing copied twice
rm "$job"/results/*.tsv
check "run-job again" s3e run-job "$job" --index 0 --count 1 >/dev/null
expect_eq "$(awk -F'\t' '$1 ~ /^m\//' <(s3check versions "s3://$dst/m/") | wc -l)" 6 \
  "a second run copies no version again"
expect_eq "$(cat "$job"/results/*.tsv | awk -F'\t' '$1 == "skipped" { n += $2 } END { print n }')" 6 \
  "and skips all 6"

# ---- a route's metadata and tags reach run-job's copies --------------------------------
cat >"$dir/meta.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/" } }, targets = { out = "s3://$dst/meta/" },
  route = function(o)
    return { target = "out", metadata = { team = "media" }, tags = { class = "hot" },
             content_type = "text/x-job" }
  end }
LUA
check "emit with route headers" s3e "$dir/meta.lua" --emit "$dir/meta" >/dev/null
check "run-job" s3e run-job "$dir/meta" --index 0 --count 1 --multipart-cutoff 5MiB --part-size 5MiB >/dev/null
out=$("$S3CHECK_PYTHON" - "$dst" <<'PY' 2>&1
import boto3, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
bad = []
for k in ("a.txt", "big.bin", "one.txt"):
    h = s3.head_object(Bucket=sys.argv[1], Key="meta/" + k)
    tags = {t["Key"]: t["Value"] for t in
            s3.get_object_tagging(Bucket=sys.argv[1], Key="meta/" + k)["TagSet"]}
    if h["Metadata"] != {"team": "media"} or h["ContentType"] != "text/x-job" or tags != {"class": "hot"}:
        bad.append("%s: %r %r %r" % (k, h["Metadata"], h["ContentType"], tags))
print("\n".join(bad) or "checked")
PY
)
expect_eq "$out" "checked" "metadata, content type and tags from the route, single and multipart"

finish
