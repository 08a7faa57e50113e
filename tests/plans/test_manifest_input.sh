#!/usr/bin/env bash
# Manifests as careless users and other tools write them: a BOM, a comment and
# a blank line before the header, no size column (sizes come from HEAD),
# quoted keys with commas and quotes, an object that does not exist, the
# Batch Operations form bucket,key in move mode, an unterminated quote, a
# %00 in a URL-encoded key (versionId columns: test_versions.sh). Copies are checked byte for
# byte with an independent client.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
odd='man/odd, "quoted" name.txt'
check "load 8 objects" s3check load "$src" man 8 >/dev/null
check "a key with a comma and quotes" s3check put "s3://$src/$odd" 3000 >/dev/null
check "a 12 MiB object (multipart copy needs its size)" s3check put "s3://$src/big/big.bin" 12MiB >/dev/null

# rows "bucket,"key"" with quotes doubled, from a listing
rows() {
  s3check ls "s3://$src/$1" | awk -F'\t' -v b="$src" '{ k = $1; gsub(/"/, "\"\"", k); printf "%s,\"%s\"\n", b, k }'
}

# 1. BOM, comment, blank line, header without a size column, a missing object.
{
  printf '\xEF\xBB\xBF# objects to copy (no sizes: s3engine asks S3)\n\n'
  printf 'bucket,key\r\n'
  rows man/
  rows big/
  echo "$src,man/gone.bin"
} >"$dir/list.csv"
cat >"$dir/plan.lua" <<LUA
return { sources = { { manifest = "list.csv" } }, target = "s3://$dst/m1/" }
LUA
out=$(cd "$dir" && s3e plan.lua --report report.jsonl --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 1 "a missing object gives exit status 1"
expect_eq "$(summary_value "$out" copied)" 10 "the 10 objects that exist are copied"
expect_eq "$(summary_value "$out" failed)" 1 "the missing one is counted as failed"
expect_contains "$(grep gone.bin "$dir/report.jsonl")" "NoSuchKey" "its report row says NoSuchKey"
expect_contains "$(grep gone.bin "$dir/report.jsonl")" "m1/man/gone.bin" "its report row names the destination"
expect_copied "$src" man/ . "$dst" m1/man/ "copied with keys, sizes and ETags of the sources"
expect_same_objects "$src" "" "$dst" m1/ "$odd" big/big.bin \
  "$(s3check ls "s3://$src/man/" | head -1 | cut -f1)"
expect_eq "$(s3check md5 "s3://$dst/m1/big/big.bin")" "$(s3check md5 "s3://$src/big/big.bin")" \
  "the multipart copy is byte-exact"

# 2. Batch Operations bucket,key without a header, in move mode: the sizes from
# HEAD verify, the sources go only after their copies are verified.
check "load 5 objects to move" s3check load "$src" mv 5 >/dev/null
want=$(listing "$src" mv/)
rows mv/ | tr -d '"' >"$dir/batch.csv"
cat >"$dir/move.lua" <<LUA
return { sources = { { manifest = "batch.csv" } }, target = "s3://$dst/m2/", move = true }
LUA
out=$(cd "$dir" && s3e move.lua 2>"$dir/err")
expect_eq $? 0 "move from a bucket,key manifest exits 0"
expect_eq "$(summary_value "$out" moved)" 5 "5 moved"
expect_eq "$(listing "$dst" m2/mv/)" "$want" "the destination holds the sources (sizes, ETags)"
expect_eq "$(s3check count "s3://$src/mv/")" 0 "the sources are gone"

# 3. An unterminated quote: nothing is copied, the message names file:line.
{
  rows man/ | head -3
  echo "$src,\"man/never-written.txt"
  rows man/ | tail -3
} >"$dir/bad.csv"
cat >"$dir/bad.lua" <<LUA
return { sources = { { manifest = "bad.csv" } }, target = "s3://$dst/m3/" }
LUA
(cd "$dir" && s3e bad.lua >/dev/null 2>"$dir/err")
expect_eq $? 2 "an unterminated quote is exit 2"
expect_contains "$(cat "$dir/err")" "bad.csv:4: unterminated quoted field" \
  "the message names bad.csv:4 where the quote opened"
expect_eq "$(s3check count "s3://$dst/m3/")" 0 "nothing copied"

# 5. A URL-encoded key that decodes to a NUL is a failed row: the object its
# first bytes name is neither copied nor (in move mode) deleted.
check "a victim object" s3check put "s3://$src/nul/victim.txt" 100 >/dev/null
check "another object" s3check put "s3://$src/nul/other.txt" 100 >/dev/null
printf 'Bucket,Key,Size\n%s,nul/victim.txt%%00.bak,100\n%s,nul/other.txt,100\n' "$src" "$src" \
  >"$dir/nul.csv"
cat >"$dir/nul.lua" <<LUA
return { sources = { { manifest = "nul.csv", url_encoded = true } }, target = "s3://$dst/m5/",
         move = true }
LUA
out=$(cd "$dir" && s3e nul.lua 2>"$dir/err")
expect_eq $? 1 "a key with %00 gives exit status 1"
expect_eq "$(summary_value "$out" failed)" 1 "one failed row"
expect_contains "$(cat "$dir/err")" "nul.csv:2: key 'nul/victim.txt%00.bak': %-decodes to a NUL byte" \
  "the message names nul.csv:2 and the key as written"
expect_eq "$(s3check count "s3://$src/nul/victim.txt")" 1 "the victim is still at the source"
expect_eq "$(s3check count "s3://$dst/m5/nul/victim.txt")" 0 "and not copied"
expect_eq "$(s3check count "s3://$dst/m5/nul/other.txt")" 1 "the other row is moved"

# 6. A gzip-compressed manifest (S3 Inventory writes .csv.gz) is read through
# zlib; a Parquet file stops the run with the formats that are read.
rows man/ | gzip -c >"$dir/list.csv.gz"
cat >"$dir/gz.lua" <<LUA
return { sources = { { manifest = "list.csv.gz" } }, target = "s3://$dst/m6/" }
LUA
out=$(cd "$dir" && s3e gz.lua 2>"$dir/err")
expect_eq $? 0 "a .csv.gz manifest is copied"
expect_eq "$(summary_value "$out" copied)" 9 "its 9 rows copied"
expect_copied "$src" man/ . "$dst" m6/man/ "with the sources' keys, sizes and ETags"
printf 'PAR1\025\004\025\000' >"$dir/inv.parquet"
cat >"$dir/pq.lua" <<LUA
return { sources = { { manifest = "inv.parquet" } }, target = "s3://$dst/m7/" }
LUA
(cd "$dir" && s3e pq.lua >/dev/null 2>"$dir/err")
expect_eq $? 2 "a Parquet manifest is exit 2"
expect_contains "$(cat "$dir/err")" "inv.parquet:1: an Apache Parquet file: manifests are CSV" \
  "the message names the file and the formats read"
finish
