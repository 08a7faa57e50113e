#!/usr/bin/env bash
# Versions on a versioned radosgw bucket: a named versionId from manifests
# (bucket,key,versionId without a header, and a VersionId column under one),
# sized by HEAD ?versionId= and copied with x-amz-copy-source ...?versionId=,
# multipart (UploadPartCopy) included; versions = "latest" (delete markers
# skipped and counted) and versions = "all" (every version, oldest to newest,
# so the newest is current at the target). Each copied version is checked
# byte for byte against that source version with an independent client, and
# a second run copies nothing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

versioned_pair || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# v/a.txt: three versions of three sizes; v/big.bin: 12 MiB, then 6 MiB;
# v/one.txt: one version; v/gone.txt: deleted (its latest is a delete marker).
for i in 1 2 3; do
  check "v/a.txt version $i" s3check put "s3://$src/v/a.txt" $((1000 * i)) --seed "a$i" >/dev/null
done
check "v/big.bin version 1 (12 MiB)" s3check put "s3://$src/v/big.bin" 12MiB --seed big1 >/dev/null
check "v/big.bin version 2 (6 MiB)" s3check put "s3://$src/v/big.bin" 6MiB --seed big2 >/dev/null
check "v/one.txt" s3check put "s3://$src/v/one.txt" 500 >/dev/null
check "v/gone.txt" s3check put "s3://$src/v/gone.txt" 700 >/dev/null
check "v/gone.txt deleted" s3check rm "s3://$src/v/gone.txt" >/dev/null
s3check versions "s3://$src/v/" >"$dir/versions.tsv"
# the id of KEY's Nth version, 1 = the oldest
vid() { awk -F'\t' -v k="$1" '$1 == k && $6 == "version" { print $2 }' "$dir/versions.tsv" | tac | sed -n "${2}p"; }
expect_eq "$(awk -F'\t' '$6 == "version"' "$dir/versions.tsv" | wc -l)" 7 "7 versions at the source"
a1=$(vid v/a.txt 1) a2=$(vid v/a.txt 2) a3=$(vid v/a.txt 3) b1=$(vid v/big.bin 1)
expect_ne "$a1" "$a3" "versions have their own ids"
md5v() { s3check md5 "s3://$1/$2" --version-id="$3"; }  # an id may start with "-"

# 1. bucket,key,versionId without a header: the id is not a size; the sizes
# come from HEAD ?versionId=; the 12 MiB version is a multipart copy.
printf '%s,v/a.txt,%s\n%s,v/big.bin,%s\n' "$src" "$a1" "$src" "$b1" >"$dir/batch.csv"
cat >"$dir/batch.lua" <<LUA
return { sources = { { manifest = "batch.csv" } }, target = "s3://$dst/m1/" }
LUA
out=$(cd "$dir" && s3e batch.lua --report r1.csv --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 0 "a bucket,key,versionId manifest is copied (exit 0)"
expect_eq "$(summary_value "$out" copied)" 2 "2 copied"
expect_eq "$(s3check md5 "s3://$dst/m1/v/a.txt")" "$(md5v "$src" v/a.txt "$a1")" \
  "m1/v/a.txt holds the oldest version's bytes, not the latest's"
expect_eq "$(s3check md5 "s3://$dst/m1/v/big.bin")" "$(md5v "$src" v/big.bin "$b1")" \
  "m1/v/big.bin (multipart) holds version 1's 12 MiB"
expect_eq "$(s3check ls "s3://$dst/m1/v/big.bin" | cut -f2)" $((12 << 20)) "of 12 MiB"
expect_contains "$(cat "$dir/r1.csv")" ",$a1" "the report names the version copied"
expect_eq "$(head -1 "$dir/r1.csv")" "source,target,bytes,status,error,etag,seconds,verified,version,method" \
  "the report's last column is version"

# 2. A header row: the VersionId column is used, whatever its place.
printf 'VersionId,Bucket,Key\n%s,%s,v/a.txt\n' "$a2" "$src" >"$dir/header.csv"
cat >"$dir/header.lua" <<LUA
return { sources = { { manifest = "header.csv" } }, target = "s3://$dst/m2/" }
LUA
(cd "$dir" && s3e header.lua >/dev/null 2>"$dir/err")
expect_eq $? 0 "a manifest with a VersionId column is copied"
expect_eq "$(s3check md5 "s3://$dst/m2/v/a.txt")" "$(md5v "$src" v/a.txt "$a2")" \
  "m2/v/a.txt holds version 2"

# 3. versions = "latest": each key's latest version, pinned; the deleted key
# is skipped and counted.
cat >"$dir/latest.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/", versions = "latest" } },
         target = "s3://$dst/m3/" }
LUA
out=$(cd "$dir" && s3e latest.lua --report r3.csv 2>"$dir/err")
expect_eq $? 0 "versions = \"latest\" exits 0"
expect_eq "$(summary_value "$out" copied)" 3 "3 keys copied (a.txt, big.bin, one.txt)"
expect_eq "$(summary_value "$out" deleted)" 1 "one delete marker counted"
expect_eq "$(s3check count "s3://$dst/m3/gone.txt")" 0 "the deleted key is not copied"
expect_eq "$(s3check md5 "s3://$dst/m3/a.txt")" "$(md5v "$src" v/a.txt "$a3")" "m3/a.txt is version 3"
expect_contains "$(grep 'v/a.txt' "$dir/r3.csv")" ",$a3" "its row names version 3"

# 4. versions = "all" into a versioned target: every version, oldest first.
cat >"$dir/all.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/", versions = "all" } },
         target = "s3://$dst/m4/", workers = 4 }
LUA
out=$(cd "$dir" && s3e all.lua --report r4.csv --multipart-cutoff 5MiB --part-size 5MiB 2>"$dir/err")
expect_eq $? 0 "versions = \"all\" exits 0"
expect_eq "$(summary_value "$out" copied)" 7 "7 versions copied"
expect_eq "$(summary_value "$out" deleted)" 1 "the delete marker is counted, not copied"
s3check versions "s3://$dst/m4/" >"$dir/dst-versions.tsv"
for k in v/a.txt v/big.bin v/one.txt v/gone.txt; do
  n=$(awk -F'\t' -v k="$k" '$1 == k && $6 == "version"' "$dir/versions.tsv" | wc -l)
  got=$(awk -F'\t' -v k="m4/${k#v/}" '$1 == k' "$dir/dst-versions.tsv" | wc -l)
  expect_eq "$got" "$n" "m4/${k#v/} has as many versions as $k"
  for i in $(seq 1 "$n"); do
    dv=$(awk -F'\t' -v k="m4/${k#v/}" '$1 == k { print $2 }' "$dir/dst-versions.tsv" | tac | sed -n "${i}p")
    expect_eq "$(md5v "$dst" "m4/${k#v/}" "$dv")" "$(md5v "$src" "$k" "$(vid "$k" "$i")")" \
      "m4/${k#v/} version $i is $k version $i, byte for byte"
  done
done
expect_eq "$(s3check md5 "s3://$dst/m4/a.txt")" "$(md5v "$src" v/a.txt "$a3")" \
  "the newest version is current at the target"
expect_eq "$(grep -c ',copied,' "$dir/r4.csv")" 7 "one report row per version"
for v in "$a1" "$a2" "$a3"; do
  expect_contains "$(cat "$dir/r4.csv")" ",$v" "the report names version $v"
done

# 5. Reruns copy nothing.
out=$(cd "$dir" && s3e all.lua 2>"$dir/err")
expect_eq "$(summary_value "$out" copied)" 0 "a rerun of versions = \"all\" copies nothing"
expect_eq "$(summary_value "$out" skipped)" 7 "and skips the 7 versions"
out=$(cd "$dir" && s3e latest.lua 2>"$dir/err")
expect_eq "$(summary_value "$out" copied)" 0 "a rerun of versions = \"latest\" copies nothing"
expect_eq "$(awk -F'\t' '$1 ~ /^m4\//' <(s3check versions "s3://$dst/m4/") | wc -l)" 7 \
  "the target still has 7 versions"

# 6. Plan errors: an unknown value; versions on a manifest; move with versions.
cat >"$dir/bad.lua" <<LUA
return { target = "s3://$dst/m6/",
         sources = { { versions = "newest", prefix = "v/",
                       bucket = "$src" } } }
LUA
(cd "$dir" && s3e bad.lua >/dev/null 2>"$dir/err")
expect_eq $? 2 "versions = \"newest\" is a plan error"
expect_contains "$(cat "$dir/err")" "bad.lua:2: sources[1].versions:" "it names the line and field"
expect_contains "$(cat "$dir/err")" "expected \"latest\" or \"all\"" "and what is expected"
cat >"$dir/move.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "v/", versions = "latest" } },
         target = "s3://$dst/m6/", move = true }
LUA
(cd "$dir" && s3e move.lua >/dev/null 2>"$dir/err")
expect_eq $? 2 "move with versions is a plan error"
expect_contains "$(cat "$dir/err")" "move mode does not take versions" "it says so"
expect_eq "$(s3check count "s3://$dst/m6/")" 0 "nothing copied"
finish
