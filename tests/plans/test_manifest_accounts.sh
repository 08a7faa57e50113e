#!/usr/bin/env bash
# A manifest source's connection (issue 11, item 5): a manifest source may name its
# profile, region, endpoint, addressing, expected_owner and requester_pays like a bucket
# source; the buckets its rows name, and the bucket an s3:// Inventory manifest.json is
# read from, are reached through it. Two radosgw users: A (the test user) owns private
# buckets; the run's own identity is B, which can read none of them, so only A's
# profile named by the manifest source sizes the rows (HEAD) and downloads the
# inventory. The endpoint, region and requester pays of a manifest source are checked
# in the log of a relaying proxy (tests/support/region_proxy.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_accounts.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
accounts_setup "$dir" || finish
run() { s3e_as acct-b "$@"; }

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
inv=$(fresh_bucket inv) || finish
check "load 6 objects into A's private source" s3check load "$src" in 6 >/dev/null

# rows without a size: each is sized by a HEAD, which only A may send
s3check ls "s3://$src/in/" | awk -v b="$src" -F'\t' '{ print b "," $1 }' >"$dir/rows.csv"
expect_eq "$(wc -l <"$dir/rows.csv")" 6 "the manifest lists 6 rows without a size"
cat >"$dir/plan.lua" <<LUA
return { sources = { { manifest = "rows.csv", profile = "acct-a" } },
         targets = { out = { bucket = "$dst", prefix = "m/", profile = "acct-a" } } }
LUA
out=$(run "$dir/plan.lua" 2>&1)
expect_eq $? 0 "a manifest source read as A (its profile) exits 0" || printf '%s\n' "$out" >&2
check "every row copied: bytes, metadata and tags" s3check same-tree "s3://$src/in/" "s3://$dst/m/in/"
sed 's/, profile = "acct-a" } },/ } },/' "$dir/plan.lua" >"$dir/as-run.lua"
out=$(run "$dir/as-run.lua" --report "$dir/as-run.csv" 2>&1)
expect_eq $? 1 "without the source's profile B's HEADs are refused: exit 1"
expect_eq "$(report_col "$dir/as-run.csv" status | sort -u)" failed "every row failed"

# An S3 Inventory in A's private inventory bucket, named by its s3:// manifest.json
s3check ls "s3://$src/in/" >"$dir/ls.tsv"
"$S3CHECK_PYTHON" - "$src" "$inv" "$dir/ls.tsv" <<'PY' || fail "inventory not uploaded"
import boto3, csv, gzip, hashlib, io, json, os, sys, urllib.parse
bucket, inv, tsv = sys.argv[1:4]
rows = []
for line in open(tsv, encoding="utf-8"):
    key, size, etag = line.rstrip("\n").split("\t")
    rows.append([bucket, urllib.parse.quote(key, safe="/"), size, etag])
text = io.StringIO()
csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
data = gzip.compress(text.getvalue().encode())
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
key = "pre/%s/cfg/data/part-0.csv.gz" % bucket
s3.put_object(Bucket=inv, Key=key, Body=data)
manifest = {"sourceBucket": bucket, "destinationBucket": "arn:aws:s3:::" + inv,
            "version": "2016-11-30", "creationTimestamp": "1764550800000",
            "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size, ETag",
            "files": [{"key": key, "size": len(data), "MD5checksum": hashlib.md5(data).hexdigest()}]}
s3.put_object(Bucket=inv, Key="pre/%s/cfg/2026-12-01T01-00Z/manifest.json" % bucket,
              Body=json.dumps(manifest).encode())
PY
url="s3://$inv/pre/$src/cfg/2026-12-01T01-00Z/manifest.json"
cat >"$dir/inv.lua" <<LUA
return { sources = { { manifest = "$url", profile = "acct-a" } },
         targets = { out = { bucket = "$dst", prefix = "i/", profile = "acct-a" } } }
LUA
out=$(run "$dir/inv.lua" 2>&1)
expect_eq $? 0 "an inventory read from S3 as A exits 0" || printf '%s\n' "$out" >&2
check "every object of the inventory copied" s3check same-tree "s3://$src/in/" "s3://$dst/i/in/"
sed 's/, profile = "acct-a" } },/ } },/' "$dir/inv.lua" >"$dir/inv-as-run.lua"
out=$(run "$dir/inv-as-run.lua" 2>&1)
expect_eq $? 2 "read as B the inventory is refused: exit 2"
expect_contains "$out" "AccessDenied" "with AccessDenied"

# Endpoint, region and requester pays of a manifest source, seen through a proxy; the
# run's own endpoint answers nothing, so every request must go where the plan says.
relay_start "$dir" || finish
log=$RELAY_LOG
ep=$RELAY_URL
cat >"$dir/proxied.lua" <<LUA
return { sources = { { manifest = "rows.csv", profile = "acct-a", endpoint = "$ep",
                       region = "eu-west-3", requester_pays = true } },
         targets = { out = { bucket = "$dst", prefix = "p/", profile = "acct-a",
                             endpoint = "$ep" } } }
LUA
out=$(AWS_ENDPOINT_URL=http://127.0.0.1:9 run "$dir/proxied.lua" 2>&1)
expect_eq $? 0 "a manifest source with its own endpoint exits 0" || printf '%s\n' "$out" >&2
check "every row copied through it" s3check same-tree "s3://$src/in/" "s3://$dst/p/in/"
heads=$(grep -F '"method": "HEAD"' "$log" | grep -F "\"bucket\": \"$src\"")
expect_eq "$(grep -c . <<<"$heads")" 6 "each row's HEAD went to the source's endpoint"
expect_eq "$(grep -cvF '"signed": "eu-west-3"' <<<"$heads")" 0 "signed for the source's region"
expect_eq "$(grep -cvF '"x-amz-request-payer": "requester"' <<<"$heads")" 0 \
          "with x-amz-request-payer: requester"
expect_eq "$(grep -F '"method": "PUT"' "$log" | grep -cvF '"x-amz-request-payer": "requester"')" 0 \
          "and so did the copies reading it"

# Checked like the other fields: an unknown profile, and a row naming a bucket that the
# plan reaches another way, are plan errors with file:line.
cat >"$dir/nope.lua" <<LUA
return { sources = { { manifest = "rows.csv",
                       profile = "nope" } },
         targets = { out = { bucket = "$dst", prefix = "x/" } } }
LUA
err=$(run -n "$dir/nope.lua" 2>&1)
expect_eq $? 2 "a manifest source with an unknown profile exits 2"
expect_contains "$err" "nope.lua:2: sources[1].profile: 'nope' is not a profile" "and says where"
printf '%s,%s\n' "$src" "$(head -n 1 "$dir/ls.tsv" | cut -f1)" "$dst" m/x >"$dir/mixed.csv"
cat >"$dir/mixed.lua" <<LUA
return { sources = { { manifest = "mixed.csv", profile = "acct-a" } },
         targets = { out = { bucket = "$dst", prefix = "x/", profile = "acct-b" } } }
LUA
err=$(run "$dir/mixed.lua" --force 2>&1)  # --force: B does not list A's target
expect_eq $? 2 "a row naming the target's bucket, reached as B, exits 2"
expect_contains "$err" "mixed.csv:2: bucket $dst is named by targets.out ($dir/mixed.lua:2) with other" \
                "naming the row and the target"
expect_eq "$(s3check count "s3://$dst/x/")" 0 "nothing copied"
finish
