#!/usr/bin/env bash
# A key holding "%" copied as a multipart object on radosgw. radosgw 16
# URL-decodes UploadPartCopy's x-amz-copy-source twice (CopyObject's once):
# "q%41x" is read as "qAx", so the parts come from another object and the
# copy, checked by size, passed as done; "q%x" (no hex after "%") aborts the
# radosgw process. On a server other than AWS such an object is streamed
# (GET, UploadPart) instead; below the multipart cutoff it stays a CopyObject,
# which reads the key right. Every copy must hold its own source's bytes.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# Each "%" key beside the key a second decoding makes of it, with other bytes.
big=(pct/q%41x.bin pct/qAx.bin pct/a%2Fb.bin pct/a/b.bin pct/100% pct/q%x.bin pct/plain.bin)
for i in "${!big[@]}"; do
  check "put ${big[$i]}" s3check put "s3://$src/${big[$i]}" 6MiB --seed "$i" >/dev/null
done
check "put small/q%41x.bin" s3check put "s3://$src/small/q%41x.bin" 1MiB --seed 20 >/dev/null
check "put small/qAx.bin" s3check put "s3://$src/small/qAx.bin" 1MiB --seed 21 >/dev/null
declare -A want
for k in "${big[@]}" small/q%41x.bin small/qAx.bin; do
  want[$k]=$(s3check md5 "$src" "$k")
done
expect_eq "$(printf '%s\n' "${want[@]}" | sort -u | grep -c .)" 9 "nine sources, nine different bodies"

cat >"$dir/plan.lua" <<LUA
return { sources = { "s3://$src/" }, target = "s3://$dst/",
         multipart_cutoff = "5MiB", part_size = "5MiB" }
LUA
dry=$(s3e --dry-run "$dir/plan.lua" 2>&1)
expect_eq $? 0 "the dry run plans (output: $(head -c 400 <<<"$dry"))"
expect_contains "$dry" "4 objects, 24.0 MiB by stream" "the dry run names the four streamed"
s3e "$dir/plan.lua" --report "$dir/r.csv" >/dev/null 2>"$dir/err"
expect_eq $? 0 "every object copied (stderr: $(head -c 600 "$dir/err"))"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$AWS_ENDPOINT_URL/")" 200 "radosgw still answers"

for k in "${big[@]}" small/q%41x.bin small/qAx.bin; do
  expect_eq "$(s3check md5 "$dst" "$k")" "${want[$k]}" "$k holds its own source's bytes"
done

method_of() {
  "$S3CHECK_PYTHON" -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["source"] == sys.argv[2]: print(r["method"])' "$dir/r.csv" "s3://$src/$1"
}
expect_eq "$(method_of pct/q%41x.bin)" stream "a multipart-sized key with % is streamed"
expect_eq "$(method_of pct/100%)" stream "a key ending in % is streamed"
expect_eq "$(method_of pct/qAx.bin)" copy "a key without % is copied server-side"
expect_eq "$(method_of small/q%41x.bin)" copy "a key with % below the cutoff is a CopyObject"

s3e -q cp "s3://$src/pct/q%41x.bin" "s3://$dst/cp/q%41x.bin" --multipart-cutoff 5MiB \
  --part-size 5MiB 2>"$dir/err"
expect_eq $? 0 "cp copies a multipart-sized key with % (stderr: $(head -c 300 "$dir/err"))"
expect_eq "$(s3check md5 "$dst" cp/q%41x.bin)" "${want[pct/q%41x.bin]}" "cp: its own source's bytes"

s3e "$dir/plan.lua" --report "$dir/r2.csv" >/dev/null 2>"$dir/err"
expect_eq $? 0 "the rerun succeeds"
expect_eq "$(report_col "$dir/r2.csv" status | sort -u | tr '\n' ' ')" "skipped " \
  "the rerun copies nothing"
finish
