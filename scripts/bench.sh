#!/usr/bin/env bash
# bench.sh - `make bench`: s3engine vs rclone vs the AWS CLI on a throwaway radosgw,
# plus a serverless planning benchmark (bench.py), then listing 200,000 objects behind
# 50 ms of latency and planning 10,000,000 manifest rows (bench_scale.py), then 16
# multipart copies of 256 MiB at once against rclone: threads, peak RSS, wall
# (bench_multipart.py; --quick: 16 MiB each, one run), then one process against a Slurm
# array of 4 tasks (bench_slurm.sh). Results go to BENCH.md.
#
# Usage: scripts/bench.sh [--no-install] [bench.py options]
#   --no-install   do not run scripts/install-deps.sh bench first
#   everything else is passed to scripts/bench.py (see: scripts/bench.sh --help)
# Ports (on a shared machine, give each run its own): RGW_PORT and MON_PORT for each
# throwaway radosgw (started one after another; default: the first free ones past 20480 and
# 20300 for the Python scripts, rgw-start.sh's for bench_slurm.sh), SLURMCTLD_PORT and
# SLURMD_PORT for bench_slurm.sh's Slurm (slurm-start.sh's defaults).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

install=1
args=()
for a in "$@"; do
  case $a in
    --no-install) install= ;;
    *) args+=("$a") ;;
  esac
done

if [ -n "$install" ]; then
  scripts/install-deps.sh bench
fi
make -j2
# Listing and planning at scale (issue #14) after the copies; --quick makes both short.
scale=()
for a in "${args[@]}"; do
  [ "$a" = --quick ] && scale+=(--quick)
done
rc=0
/usr/bin/python3 scripts/bench.py "${args[@]}" || rc=$?
/usr/bin/python3 scripts/bench_scale.py "${scale[@]}" || rc=$?
/usr/bin/python3 scripts/bench_multipart.py "${scale[@]}" || rc=$?
# One process against a Slurm array of 4 tasks running the emitted job (issue #13).
scripts/bench_slurm.sh "${scale[@]}" >/dev/null || rc=$?
exit $rc
