#!/usr/bin/env bash
# install-deps.sh - install the Debian/Ubuntu packages s3engine needs, only those missing.
#
# Usage: scripts/install-deps.sh [build|test|bench|all]     (default: all)
#   build  compiler, pkg-config, Lua 5.4, libcurl, OpenSSL, libxml2, zlib, cmocka
#   test   build + a local S3 server (Ceph radosgw, mon, osd), curl, uuidgen, boto3,
#          dpkg-dev, man-db and zsh (the package, man page and completion tests),
#          clang and libFuzzer (the fuzz targets, make fuzz), Slurm and munge (the
#          array-job test), and asl-validator from npm in tools/node (not global)
#   bench  test + rclone, the AWS CLI and hyperfine (peers for benchmarks)
#   all    everything (same as bench)
#
# Idempotent and non-interactive: checks each package with dpkg-query, runs
# `apt-get update` and `apt-get install --no-install-recommends` only when
# something is missing, and prints what it installs. Uses sudo only when not
# running as root.
set -euo pipefail

BUILD_PKGS=(build-essential pkg-config liblua5.4-dev lua5.4 libcurl4-openssl-dev libssl-dev
            libxml2-dev zlib1g-dev libcmocka-dev)
TEST_PKGS=(radosgw ceph-mon ceph-osd ceph-common curl uuid-runtime python3-boto3
           dpkg-dev man-db zsh clang libclang-rt-14-dev  # clang-14 on Debian 12: -fsanitize=fuzzer needs the rt
           awscli  # the oracle of tests/plans/test_credentials.sh
           slurm-wlm munge  # a local Slurm for tests/plans/test_job_slurm.sh
           nodejs)  # its npm installs asl-validator, for the Step Functions definition
BENCH_PKGS=(rclone hyperfine)

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

level=${1:-all}
case $level in
  build) want=("${BUILD_PKGS[@]}") ;;
  test)  want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  bench|all) want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
  -h|--help|help) usage; exit 0 ;;
  *) echo "install-deps: unknown set '$level' (expected build, test, bench or all)" >&2; usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "install-deps: too many arguments" >&2; usage >&2; exit 2; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: this script needs a Debian-like system (dpkg-query, apt-get)." >&2
  echo "install-deps: install these packages (or equivalents) by hand: ${want[*]}" >&2
  exit 1
fi

installed() { # PKG: true when dpkg says "install ok installed"
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# asl-validator validates deploy/stepfunctions/ in the tests: from the npm registry,
# pinned, into the project's tools/node (never global).
ASL_VALIDATOR=asl-validator@4.0.0
node_tools() {
  [ "$level" = build ] && return 0
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  [ -x "$root/tools/node/node_modules/.bin/asl-validator" ] && return 0
  command -v npm >/dev/null 2>&1 || { echo "install-deps: npm is missing" >&2; return 1; }
  echo "install-deps: npm install $ASL_VALIDATOR into tools/node"
  mkdir -p "$root/tools/node"
  npm install --prefix "$root/tools/node" --no-audit --no-fund --loglevel=error "$ASL_VALIDATOR"
}

missing=()
for p in "${want[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages for '$level' are already installed"
  node_tools
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: not root and no sudo; run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing (${#missing[@]}): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

still=()
for p in "${missing[@]}"; do
  installed "$p" || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
  echo "install-deps: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${missing[*]}"
node_tools
