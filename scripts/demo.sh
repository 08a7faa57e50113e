#!/usr/bin/env bash
# demo.sh - `make demo`: the seed's scenario end to end on a local S3 server.
#
# Installs what is missing, builds s3engine, starts a throwaway radosgw on
# 127.0.0.1, loads a few hundred sample objects of mixed types (one large
# enough for multipart copy) into s3://media-src/source/, runs
# examples/seed.lua (mp4 -> media-dst/mp4/, jpg+png -> media-dst/images/),
# shows the summary and the resulting layout, then stops the server.
# Set S3E_DEMO_KEEP=1 to leave the server running afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "installing what is missing (Debian packages)"
scripts/install-deps.sh test

step "building s3engine"
make -s -j2

DIR=${TMPDIR:-/tmp}/s3engine-demo-rgw
step "starting a local S3 server (Ceph radosgw on 127.0.0.1) in $DIR"
export RGW_PORT=${RGW_PORT:-17490} MON_PORT=${MON_PORT:-13390}
eval "$(scripts/rgw-start.sh "$DIR")"
if [ -z "${S3E_DEMO_KEEP:-}" ]; then
  trap 'scripts/rgw-stop.sh "$DIR" --wipe >/dev/null 2>&1 || true' EXIT
fi
export AWS_ENDPOINT_URL=$RGW_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION
CHECK=(/usr/bin/python3 "$ROOT/tests/plans/s3check.py")

step "loading sample data: s3://media-src/source/ (mp4, jpg, png, txt; one 40 MiB video)"
"${CHECK[@]}" mb media-src media-dst
"${CHECK[@]}" load media-src source/ --count 300 --ext mp4,jpg,png,txt --size-range 1000-300000
"${CHECK[@]}" put media-src source/big/feature.mp4 --size $((40 * 1024 * 1024)) --content-type video/mp4
echo "source: $("${CHECK[@]}" count media-src source/) objects"

step "the plan: examples/seed.lua"
grep -v '^\s*$' examples/seed.lua

step "dry run: what would be copied, per worker and payload"
./s3engine examples/seed.lua --arg src=media-src --arg dst=media-dst --dry-run --multipart-cutoff 16MiB

step "running it (the 40 MiB video goes through multipart copy: cutoff lowered to 16 MiB)"
./s3engine examples/seed.lua --arg src=media-src --arg dst=media-dst --multipart-cutoff 16MiB --part-size 8MiB --report "$DIR/report.csv"

step "the result"
echo "s3://media-dst/mp4/:    $("${CHECK[@]}" count media-dst mp4/) objects"
echo "s3://media-dst/images/: $("${CHECK[@]}" count media-dst images/) objects"
echo "first lines of s3://media-dst/:"
./s3engine ls s3://media-dst/ >"$DIR/layout.txt"
head -n 8 "$DIR/layout.txt"
echo "report: $DIR/report.csv ($(($(wc -l <"$DIR/report.csv") - 1)) rows)"

step "running it again: everything is already there, so nothing is copied"
./s3engine examples/seed.lua --arg src=media-src --arg dst=media-dst --multipart-cutoff 16MiB
