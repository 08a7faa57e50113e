#!/usr/bin/env bash
# make-lambda-zip.sh BINARY OUT.zip - the AWS Lambda deployment package of
# s3engine for the custom runtime provided.al2023:
#   bootstrap                  runs bin/s3engine lambda (the Runtime API loop)
#   bin/s3engine               the binary
#   lib/*.so*                  the shared libraries it needs beyond glibc
#   share/s3engine/lua/        the recipes (found next to the binary)
# glibc itself is not bundled: build on Amazon Linux 2023 (or in its container
# image) so that the binary asks for no newer glibc than the runtime has.
set -euo pipefail
bin=${1:?usage: make-lambda-zip.sh BINARY OUT.zip}
out=${2:?usage: make-lambda-zip.sh BINARY OUT.zip}
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/s3engine"
install -m 0755 "$bin" "$stage/bin/s3engine"
# every library ldd resolves, except glibc's own (the runtime provides those)
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  case $(basename "$lib") in
    libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|ld-linux*) ;;
    *) install -m 0644 "$(readlink -f "$lib")" "$stage/lib/$(basename "$lib")" ;;
  esac
done
cp -r "$root/lua" "$stage/share/s3engine/lua"
find "$stage/share" -type f ! -name '*.lua' ! -name '*.json' -delete
install -m 0755 "$root/deploy/lambda/bootstrap" "$stage/bootstrap"
rm -f "$out"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$stage" && zip -qr -X "$out" .)
echo "$out: $(du -h "$out" | cut -f1), $(ls "$stage/lib" | wc -l) libraries"
