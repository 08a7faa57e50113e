#!/usr/bin/env bash
# --help, the man page, both completion scripts and README name the same
# options: one that is added or renamed in one place and not the others fails.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PLAN_ROOT" || finish

longopts() { grep -oE -- '--[a-z][a-z0-9-]+' | sort -u; }
helpopts=$(s3e --help | longopts)
[ "$(wc -l <<<"$helpopts")" -gt 20 ] || fail "--help lists too few options: $helpopts"
# in roff, a dash is written \-
manopts=$(sed 's/\\-/-/g' man/s3engine.1 | longopts)
bashopts=$(longopts <completions/s3engine.bash)
zshopts=$(longopts <completions/_s3engine)
expect_eq "$(diff <(echo "$helpopts") <(echo "$manopts"))" "" "man page and --help list the same options"
expect_eq "$(diff <(echo "$helpopts") <(echo "$bashopts"))" "" "bash completion and --help list the same options"
expect_eq "$(diff <(echo "$helpopts") <(echo "$zshopts"))" "" "zsh completion and --help list the same options"
# every option README's table names exists
readmeopts=$(sed -n '/^## Options/,/^## /p' README.md | grep '^|' | longopts)
[ -n "$readmeopts" ] || fail "README's Options table names no option"
expect_eq "$(comm -23 <(echo "$readmeopts") <(echo "$helpopts"))" "" "README names no option --help lacks"
# the help's pointers lead somewhere
hint=$(s3e --help | grep -o 'README.md, "[^"]*"' | sed 's/.*"\(.*\)"/\1/')
if [ -n "$hint" ]; then
  grep -q "^#.* $hint" README.md || fail "--help points to README section '$hint', which does not exist"
fi
# the man pages are well-formed roff
for m in man/s3engine.1 man/s3engine-plan.5; do
  w=$(groff -ww -man -z "$m" 2>&1)
  expect_eq "$w" "" "$m: groff has no warnings"
  expect_contains "$(MANWIDTH=80 man -l "$m" 2>/dev/null)" "SEE ALSO" "$m renders with man"
  # the version in the page header is the program's own
  expect_eq "$(sed -n 's/^\.TH .*"s3engine \([^"]*\)".*/\1/p' "$m")" "$(s3e --version | cut -d' ' -f2)" \
    "$m names the version s3engine --version prints"
done
# the version is written once, in version.h: a User-Agent or a message of its own goes stale
expect_eq "$(grep -rnE '"s3engine/[0-9]|"[0-9]+\.[0-9]+(\.[0-9]+)?"' engine include \
               --exclude=version.h)" "" "no source but version.h writes the version"
check "bash completion parses" bash -n completions/s3engine.bash
check "zsh completion parses" zsh -n completions/_s3engine
finish
