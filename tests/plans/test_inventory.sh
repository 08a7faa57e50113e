#!/usr/bin/env bash
# S3 Inventory as AWS writes it: manifest.json (fileFormat, fileSchema, files
# with size and MD5checksum) and header-less gzip CSV files in the documented
# column order, keys URL-encoded, in the layout of the inventory's bucket.
# Delete markers are skipped, a noncurrent version is copied as that version,
# a file whose MD5 differs from the manifest's, or a manifest.json whose MD5
# is not the one its manifest.checksum gives, stops the run with nothing
# copied, ORC/Parquet are refused. Then an S3 Batch Operations manifest
# (bucket,key[,versionId], URL-encoded, no size: sizes by HEAD). Every copy is
# checked with an independent client; reruns copy nothing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
odd='inv/a b+c%d,"é".txt'
check "versioning on the source" s3check versioning "$src" >/dev/null
check "a plain object" s3check put "s3://$src/inv/plain.txt" 1000 >/dev/null
check "an odd key" s3check put "s3://$src/$odd" 2000 >/dev/null
check "a 7 MiB object (multipart copy)" s3check put "s3://$src/inv/big.bin" 7MiB >/dev/null
check "an object deleted later" s3check put "s3://$src/inv/old.txt" 3000 >/dev/null
check "its delete marker" s3check rm "s3://$src/inv/old.txt" >/dev/null
old_vid=$(s3check versions "s3://$src/inv/old.txt" | awk -F'\t' '$6 == "version" { print $2 }')
expect_ne "$old_vid" "" "the deleted object's version is listed"

# versions -> inventory rows (Bucket, Key, VersionId, IsLatest, IsDeleteMarker,
# Size, LastModifiedDate, ETag, StorageClass), split over two .csv.gz files
s3check versions "s3://$src/inv/" >"$dir/versions.tsv"
inv="$dir/bucket/pre/$src/cfg"
mkdir -p "$inv/data" "$inv/2026-12-01T01-00Z"
"$S3CHECK_PYTHON" - "$src" "$dir/versions.tsv" "$inv" "pre/$src/cfg" <<'PY' || fail "inventory not written"
import csv, gzip, hashlib, io, json, os, sys, urllib.parse
bucket, tsv, inv, keyroot = sys.argv[1:5]
rows = []
for line in open(tsv, encoding="utf-8"):
    key, vid, size, etag, latest, kind = line.rstrip("\n").split("\t")
    marker = kind == "marker"
    rows.append([bucket, urllib.parse.quote(key, safe="/"), vid,
                 "true" if latest == "latest" else "false", "true" if marker else "false",
                 "" if marker else size, "2026-12-01T00:00:00.000Z", "" if marker else etag,
                 "" if marker else "STANDARD"])
files = []
for n, part in enumerate((rows[: len(rows) // 2], rows[len(rows) // 2:])):
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(part)
    name = "part-%d.csv.gz" % n
    data = gzip.compress(text.getvalue().encode())
    open(os.path.join(inv, "data", name), "wb").write(data)
    files.append({"key": keyroot + "/data/" + name, "size": len(data),
                  "MD5checksum": hashlib.md5(data).hexdigest()})
manifest = {"sourceBucket": bucket, "destinationBucket": "arn:aws:s3:::inventory",
            "version": "2016-11-30", "creationTimestamp": "1764550800000",
            "fileFormat": "CSV",
            "fileSchema": "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, "
                          "LastModifiedDate, ETag, StorageClass",
            "files": files}
json.dump(manifest, open(os.path.join(inv, "2026-12-01T01-00Z", "manifest.json"), "w"), indent=2)
PY
manifest="$inv/2026-12-01T01-00Z/manifest.json"
# manifest.checksum beside it: the MD5 of manifest.json, in hex (as AWS writes it)
rechecksum() { md5sum "$manifest" | cut -c1-32 | tr -d '\n' >"${manifest%.json}.checksum"; }
rechecksum
expect_eq "$(zcat "$inv"/data/*.csv.gz | grep -c '"true","true"')" 1 "the inventory holds a delete marker row"
expect_contains "$(zcat "$inv"/data/*.csv.gz)" "a%20b%2Bc%25d%2C%22%C3%A9%22.txt" "keys are URL-encoded"

# 1. the manifest.json: every file read, the marker skipped, old.txt's version copied
cat >"$dir/inv.lua" <<LUA
return { sources = { { manifest = "$manifest" } }, target = "s3://$dst/i1/" }
LUA
out=$(s3e "$dir/inv.lua" --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 0 "a run from manifest.json exits 0"
expect_eq "$(summary_value "$out" copied)" 4 "4 objects copied (the delete marker is not one)"
expect_eq "$(s3check count "s3://$dst/i1/")" 4 "the destination holds 4 objects"
expect_same_objects "$src" "" "$dst" i1/ inv/plain.txt "$odd" inv/big.bin
expect_eq "$(s3check md5 "s3://$dst/i1/inv/old.txt")" \
  "$(s3check md5 "s3://$src/inv/old.txt" --version-id="$old_vid")" \
  "the noncurrent version (IsLatest false) is copied as that version"
out=$(s3e "$dir/inv.lua" --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 0 "a rerun from the same manifest.json exits 0"
expect_eq "$(summary_value "$out" copied)" 0 "and copies nothing (the inventory's sizes and ETags match)"

# 2. a data file that is not the one the manifest lists: nothing copied
cp "$manifest" "$dir/good.json"
sed -i 's/"MD5checksum": "\(.\)/"MD5checksum": "0\1/; s/"MD5checksum": "0\(.\{31\}\)./"MD5checksum": "0\1/' "$manifest"
expect_ne "$(cat "$manifest")" "$(cat "$dir/good.json")" "one MD5 in the manifest is changed"
sed "s#i1/#i2/#" "$dir/inv.lua" >"$dir/bad.lua"
# without a new manifest.checksum: the manifest is not the one the inventory wrote
s3e "$dir/bad.lua" >/dev/null 2>"$dir/err"
expect_eq $? 2 "a manifest.json that differs from its manifest.checksum: exit status 2"
expect_contains "$(cat "$dir/err")" "manifest.json has MD5 $(md5sum "$manifest" | cut -c1-32), manifest.checksum says $(cat "${manifest%.json}.checksum")" \
  "the message names both MD5s"
expect_eq "$(s3check count "s3://$dst/i2/")" 0 "nothing is copied"
rechecksum
s3e "$dir/bad.lua" >/dev/null 2>"$dir/err"
expect_eq $? 2 "a wrong MD5 stops the run with exit status 2"
expect_contains "$(cat "$dir/err")" "the manifest lists 0" "the message names the MD5 the manifest lists"
expect_contains "$(cat "$dir/err")" "part-0.csv.gz has MD5" "and the file"
expect_eq "$(s3check count "s3://$dst/i2/")" 0 "nothing is copied"

# 3. ORC and Parquet inventories are refused by name
for fmt in ORC Parquet; do
  sed "s/\"fileFormat\": \"CSV\"/\"fileFormat\": \"$fmt\"/" "$dir/good.json" >"$manifest"
  rechecksum
  s3e "$dir/bad.lua" >/dev/null 2>"$dir/err"
  expect_eq $? 2 "a $fmt inventory: exit status 2"
  expect_contains "$(cat "$dir/err")" "fileFormat '$fmt': S3 Inventory is read in CSV format only" \
    "the message names the format read"
done
expect_eq "$(s3check count "s3://$dst/i2/")" 0 "nothing is copied"

# 4. the same inventory read from S3 (s3://inventory-bucket/.../manifest.json)
invb=$(fresh_bucket invb) || finish
cp "$dir/good.json" "$manifest"
rechecksum
(cd "$dir/bucket" && "$S3CHECK_PYTHON" - "$invb" "$PLAN_LIB_DIR" <<'PY') || fail "inventory not uploaded"
import os, sys
sys.path.insert(0, sys.argv[2])
import s3check
c = s3check.client()
for root, _, files in os.walk("."):
    for f in files:
        path = os.path.join(root, f)[2:]
        c.upload_file(path, sys.argv[1], path)
PY
sed "s#manifest = \"[^\"]*\"#manifest = \"s3://$invb/pre/$src/cfg/2026-12-01T01-00Z/manifest.json\"#; s#i1/#i3/#" \
  "$dir/inv.lua" >"$dir/s3.lua"
out=$(s3e "$dir/s3.lua" --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 0 "a run from an s3:// manifest.json exits 0"
expect_eq "$(summary_value "$out" copied)" 4 "4 objects copied"
expect_same_objects "$src" "" "$dst" i3/ inv/plain.txt "$odd" inv/big.bin
expect_eq "$(s3check md5 "s3://$dst/i3/inv/old.txt")" \
  "$(s3check md5 "s3://$src/inv/old.txt" --version-id="$old_vid")" "the noncurrent version is copied"
check "an inventory file changed in S3" s3check put "s3://$invb/pre/$src/cfg/data/part-1.csv.gz" 100 >/dev/null
sed "s#i3/#i4/#" "$dir/s3.lua" >"$dir/s3bad.lua"
s3e "$dir/s3bad.lua" >/dev/null 2>"$dir/err"
expect_eq $? 2 "a file in S3 that is not the one listed: exit status 2"
expect_contains "$(cat "$dir/err")" "part-1.csv.gz is 100 bytes, the manifest lists" "named"
expect_eq "$(s3check count "s3://$dst/i4/")" 0 "nothing is copied"
# a manifest.checksum in S3 that is not the manifest's MD5
printf '%s' 0123456789abcdef0123456789abcdef >"$dir/wrong.checksum"
check "a wrong manifest.checksum in S3" "$S3CHECK_PYTHON" -c "import sys; sys.path.insert(0, '$PLAN_LIB_DIR'); import s3check; s3check.client().upload_file('$dir/wrong.checksum', '$invb', 'pre/$src/cfg/2026-12-01T01-00Z/manifest.checksum')"
check "the changed file put back" "$S3CHECK_PYTHON" -c "import sys; sys.path.insert(0, '$PLAN_LIB_DIR'); import s3check; s3check.client().upload_file('$inv/data/part-1.csv.gz', '$invb', 'pre/$src/cfg/data/part-1.csv.gz')"
s3e "$dir/s3bad.lua" >/dev/null 2>"$dir/err"
expect_eq $? 2 "an s3:// manifest.json that differs from its manifest.checksum: exit status 2"
expect_contains "$(cat "$dir/err")" "manifest.checksum says 0123456789abcdef0123456789abcdef" "named"
expect_eq "$(s3check count "s3://$dst/i4/")" 0 "nothing is copied"

# 5. Batch Operations: bucket,key[,versionId], URL-encoded, no size (HEAD)
"$S3CHECK_PYTHON" - "$src" "$odd" "$old_vid" >"$dir/batch.csv" <<'PY'
import sys, urllib.parse
b, odd, vid = sys.argv[1:4]
q = lambda k: urllib.parse.quote(k, safe="/")
print("%s,%s" % (b, q("inv/plain.txt")))
print('%s,"%s"' % (b, q(odd)))
print("%s,%s,%s" % (b, q("inv/old.txt"), vid))
print("%s,%s" % (b, q("inv/big.bin")))
PY
cat >"$dir/batch.lua" <<LUA
return { sources = { { manifest = "$dir/batch.csv", url_encoded = true } }, target = "s3://$dst/b1/" }
LUA
out=$(s3e "$dir/batch.lua" --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 0 "a Batch Operations manifest exits 0"
expect_eq "$(summary_value "$out" copied)" 4 "4 objects copied"
expect_same_objects "$src" "" "$dst" b1/ inv/plain.txt "$odd" inv/big.bin
expect_eq "$(s3check md5 "s3://$dst/b1/inv/old.txt")" \
  "$(s3check md5 "s3://$src/inv/old.txt" --version-id="$old_vid")" "the named version is copied"
out=$(s3e "$dir/batch.lua" --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq "$(summary_value "$out" copied)" 0 "a rerun copies nothing"
finish
