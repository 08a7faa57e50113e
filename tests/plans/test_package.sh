#!/usr/bin/env bash
# `make deb` builds a package that installs into a scratch root and removes
# cleanly; `make install` / `make uninstall` do the same into a DESTDIR. In both,
# the installed binary runs, finds its installed recipes for a dry run, and the
# man pages and bash completion work from the installed files.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PLAN_ROOT" || finish
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 10 objects" s3check load "$src" in 10 >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
cat >"$work/plan.lua" <<LUA
local route = require "s3engine.recipes.route"
return {
  sources = { "s3://$src/in/" },
  targets = { media = "s3://$dst/media/", rest = "s3://$dst/rest/" },
  route = route.by_extension({ media = { "mp4", "jpg", "png" } }, { default = "rest" }),
}
LUA

# installed ROOT PREFIX: the files under ROOT/PREFIX work
installed() {
  local root=$1 prefix=$2 bin=$1$2/bin/s3engine out
  check "$prefix/bin/s3engine is installed" test -x "$bin"
  expect_contains "$("$bin" --version)" "s3engine " "--version runs"
  # the recipes are found next to the binary, not in the checkout
  out=$(cd "$work" && "$bin" --dry-run plan.lua 2>&1)
  expect_contains "$out" "to copy: 10 objects" "a dry run with a recipe plans all 10"
  out=$(cd "$work" && "$bin" --dry-run --json plan.lua 2>/dev/null)
  expect_contains "$out" '"planned":{"objects":10,' "--json prints the outcome as JSON"
  expect_contains "$(MANWIDTH=80 man -l "$root$prefix/share/man/man1/s3engine.1.gz" 2>/dev/null)" \
    "EXIT STATUS" "man s3engine renders from the installed page"
  expect_contains "$(MANWIDTH=80 man -l "$root$prefix/share/man/man5/s3engine-plan.5.gz" 2>/dev/null)" \
    "THE OBJECT" "man s3engine-plan renders from the installed page"
  out=$(bash -c '. "$1"; COMP_WORDS=(s3engine --dry); COMP_CWORD=1; _s3engine; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$root$prefix/share/bash-completion/completions/s3engine")
  expect_eq "$out" "--dry-run" "bash completion completes --dry"
  mkdir -p "$work/comp/sub" && touch "$work/comp/a.lua" "$work/comp/notes.txt"
  out=$(cd "$work/comp" && bash -c '. "$1"; COMP_WORDS=(s3engine ""); COMP_CWORD=1; _s3engine; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$root$prefix/share/bash-completion/completions/s3engine" | sort | tr '\n' ' ')
  expect_eq "$out" "a.lua cp job-status lambda ls lua run-job sub uploads whoami " "bash completion offers commands, folders and .lua plans"
}

# ---- the Debian package
deb=$(make -s deb 2>"$work/deb.err" | tail -1)
check "make deb builds a package" test -f "$deb" || cat "$work/deb.err" >&2
info=$(dpkg-deb -I "$deb")
expect_contains "$info" "Depends: libc6" "the package declares its library dependencies"
expect_contains "$info" "liblua5.4-0" "including Lua"
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
# a scratch root of its own: its dpkg database knows none of the libraries, hence --force-depends
check "dpkg installs it into a scratch root" \
  dpkg --root="$root" --force-depends --force-not-root --log=/dev/null -i "$deb" >/dev/null 2>&1
installed "$root" /usr
check "dpkg removes it" dpkg --root="$root" --force-not-root --log=/dev/null --purge s3engine >/dev/null
expect_eq "$(find "$root/usr" -type f 2>/dev/null | head -5)" "" "nothing is left under /usr"

# ---- make install / make uninstall
dest=$work/dest
check "make install into a DESTDIR" make -s install DESTDIR="$dest" PREFIX=/opt/s3e >/dev/null
installed "$dest" /opt/s3e
check "make uninstall" make -s uninstall DESTDIR="$dest" PREFIX=/opt/s3e
expect_eq "$(find "$dest" -type f | head -5)" "" "make uninstall leaves no file"
expect_eq "$(s3check count "s3://$dst/")" 0 "dry runs copied nothing"
finish
