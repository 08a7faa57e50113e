#!/usr/bin/env bash
# make-deb.sh BINARY - build build/s3engine_VERSION_ARCH.deb from a release build:
# the binary (stripped), the recipes, man pages and completion, installed by
# `make install PREFIX=/usr` into a staging root; Depends computed from the
# binary's shared libraries with dpkg-shlibdeps, as Debian's own tools do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${1:?usage: make-deb.sh BINARY}
version=$(sed -n 's/^#define S3E_VERSION "\(.*\)"/\1/p' include/s3engine/version.h)
arch=$(dpkg --print-architecture)
[ -n "$version" ] || { echo "make-deb: no S3E_VERSION in include/s3engine/version.h" >&2; exit 1; }
stage=build/deb/s3engine_${version}_$arch
out=build/s3engine_${version}_$arch.deb
rm -rf "$stage"
make -s install SANITIZER= DESTDIR="$PWD/$stage" PREFIX=/usr ZSHCOMPDIR=/usr/share/zsh/vendor-completions >/dev/null
strip --strip-unneeded "$stage/usr/bin/s3engine"
install -d "$stage/usr/share/doc/s3engine"
gzip -9n <README.md >"$stage/usr/share/doc/s3engine/README.md.gz"
gzip -9n <lua/README.md >"$stage/usr/share/doc/s3engine/recipes.md.gz"

# dpkg-shlibdeps wants a debian/control beside it: give it one in a scratch folder
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/debian"
printf 'Source: s3engine\n\nPackage: s3engine\nArchitecture: any\n' >"$scratch/debian/control"
depends=$(cd "$scratch" && dpkg-shlibdeps -O -e "$OLDPWD/$stage/usr/bin/s3engine" 2>/dev/null |
          sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "make-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: s3engine
Version: $version
Architecture: $arch
Maintainer: s3engine developers <s3engine@localhost>
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Description: bulk server-side S3 copy driven by Lua plans
 s3engine copies very large numbers of objects between S3 locations
 server-side (CopyObject, multipart UploadPartCopy). A Lua plan chooses
 sources, selects and routes objects to targets, rewrites keys and sizes
 the payloads; the engine lists, copies, retries and verifies with N
 parallel workers.
CONTROL
(cd "$stage" && find usr -type f -exec md5sum {} + | sort -k2) >"$stage/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "$out"
