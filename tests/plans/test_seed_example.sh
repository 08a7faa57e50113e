#!/usr/bin/env bash
# The seed's scenario end to end: examples/seed.lua (and the seed's own JSON
# input through --seed-input) route mp4 to one prefix and jpg/png to another,
# including a multipart-sized object inside a payload; the destination is
# checked with an independent client.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 200 mixed objects and a 23 MiB mp4" s3check load "$src" source 200 --big 23MiB >/dev/null
report=$(mktemp)
on_exit rm -f "$report"

out=$(s3e "$PLAN_ROOT/examples/seed.lua" --arg src="$src" --arg dst="$dst" \
      --multipart-cutoff 8MiB --part-size 5MiB --max-payload 1MiB --workers 4 --report "$report")
expect_eq $? 0 "seed example exits 0"
expect_copied "$src" source/ '\.mp4	' "$dst" mp4/ "mp4 files under mp4/, paths kept"
expect_copied "$src" source/ '\.(jpg|png)	' "$dst" images/ "jpg and png under images/"
expect_eq "$(s3check count "s3://$dst/")" \
          "$(listing "$src" source/ '\.(mp4|jpg|png)	' | wc -l)" "nothing else was copied"
expect_same_objects "$src" source/ "$dst" mp4/ videos/big-0000.mp4
sample=$(listing "$src" source/ '\.png	' | head -1 | cut -f1)
expect_same_objects "$src" source/ "$dst" images/ "$sample"
expect_eq "$(s3check uploads "$dst")" 0 "no multipart upload left behind"
copied=$(summary_value "$out" copied)
expect_eq "$copied" "$(s3check count "s3://$dst/")" "summary counts the copies"
expect_eq "$(grep -c ',copied,' "$report")" "$copied" "report has one 'copied' row per object"
expect_contains "$(head -1 "$report")" "source,target,bytes,status,error" "report header"

# The seed's JSON input, unchanged in form (no outer braces, trailing comma).
dst2=$(fresh_bucket dst2) || finish
json=$(mktemp)
on_exit rm -f "$json"
sed -e "s/my-source-s3-bucket/$src/" -e "s/my-target-s3-bucket/$dst2/" \
    "$PLAN_ROOT/examples/seed-input.json" >"$json"
check "--seed-input runs the seed's JSON" s3e --seed-input "$json" --workers 2 -q
expect_copied "$src" source/ '\.mp4	' "$dst2" mp4/ "--seed-input: mp4 under mp4/"
expect_copied "$src" source/ '\.(jpg|png)	' "$dst2" images/ "--seed-input: images under images/"
finish
