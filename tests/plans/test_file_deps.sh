#!/usr/bin/env bash
# No cycle between engine files: scripts/file-deps.py reads who calls whom from the
# objects built beside the binary under test (ARCHITECTURE.md, "Who calls whom").
# Headers that still declare another file's functions are listed in the log.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

objs=$(dirname "$(readlink -f "$S3ENGINE")")/engine
out=$(/usr/bin/python3 "$PLAN_ROOT/scripts/file-deps.py" --objects "$objs" --check)
rc=$?
printf '%s\n' "$out"
case $rc in 0 | 1) ;; *) fail "file-deps.py could not read $objs (exit $rc)" ;; esac
expect_eq "$(grep '^cycle' <<<"$out")" "" "no cycle between engine files"
finish
