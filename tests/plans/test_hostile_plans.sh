#!/usr/bin/env bash
# Hostile plans (tests/plans/hostile/*.lua): each runs through the real binary
# (the ASan/UBSan build when S3ENGINE_HOSTILE is set, as run-tests.sh does) and
# must stop with the expected exit status and a `file:line:` message, copy
# nothing, write no file, print no sanitizer report, and end within the time limit.
#
# A case is a Lua file whose header comments say what it tries and expects:
#   -- hostile: what the plan tries (one line, required)
#   -- expect-exit: 2                 (default 2)
#   -- expect-stderr: TEXT            (repeatable; every TEXT must appear in stderr;
#                                       default: "<name>.lua:" followed by a line number)
#   -- expect-no-stderr: TEXT         (repeatable; TEXT must not appear in stderr or stdout)
#   -- args: --flag value ...         (extra command-line arguments, before the plan)
#   -- timeout: 60                    (seconds; default 60)
# In the plan text @SRC@, @DST@ and @CANARY@ are replaced by the source bucket, the
# destination bucket and a folder the plan must not be able to write into.
# S3E_HOSTILE_FILTER=word runs only the cases whose file name contains word.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIN=${S3ENGINE_HOSTILE:-$S3ENGINE}
[ -x "$BIN" ] || { fail "no binary to run the hostile plans: $BIN (make SANITIZER=address)"; finish; }
CASES=$PLAN_LIB_DIR/hostile
src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 12 objects" s3check load "$src" in 12 >/dev/null
work=$(mktemp -d)
on_exit rm -rf "$work"
canary=$work/canary
mkdir -p "$canary"
secret_tail=${AWS_SECRET_ACCESS_KEY: -12}

header() { # FILE KEY: every value of "-- KEY: value" in the header comments
  sed -n "s/^-- $2: //p" "$1"
}

ran=0
for f in "$CASES"/*.lua; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .lua)
  case $name in *"${S3E_HOSTILE_FILTER:-}"*) ;; *) continue ;; esac
  ran=$((ran + 1))
  what=$(header "$f" hostile)
  [ -n "$what" ] || fail "$name: no '-- hostile:' line"
  want=$(header "$f" expect-exit); want=${want:-2}
  tmo=$(header "$f" timeout); tmo=${tmo:-60}
  read -r -a extra <<<"$(header "$f" args)"
  d=$work/$name
  mkdir -p "$d"
  sed -e "s|@SRC@|$src|g" -e "s|@DST@|$dst|g" -e "s|@CANARY@|$canary|g" "$f" >"$d/$name.lua"
  rc=0
  (cd "$d" && HOME=$d timeout --kill-after=5 "$tmo" "$BIN" ${extra[@]+"${extra[@]}"} \
      --arg src="$src" --arg dst="$dst" --arg canary="$canary" "$name.lua" \
      >"$d/stdout" 2>"$d/stderr") || rc=$?
  err=$(cat "$d/stderr")
  out=$(cat "$d/stdout")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    fail "$name ($what): still running after ${tmo}s"
  else
    expect_eq "$rc" "$want" "$name ($what): exit status $want"
  fi
  case $err in
    *AddressSanitizer*|*"runtime error:"*|*LeakSanitizer*|*"PANIC"*)
      fail "$name: sanitizer report or Lua panic: $(printf '%s' "$err" | head -c 3000)" ;;
  esac
  mapfile -t needles < <(header "$f" expect-stderr)
  if [ ${#needles[@]} -eq 0 ]; then
    if [[ $err =~ $name\.lua:[1-9][0-9]*: ]]; then _ok "$name: file:line named"
    else fail "$name: no '$name.lua:LINE:' in: $(printf '%s' "$err" | head -c 1500)"; fi
  fi
  for n in ${needles[@]+"${needles[@]}"}; do expect_contains "$err" "$n" "$name: says '$n'"; done
  mapfile -t bad < <(header "$f" expect-no-stderr)
  for n in ${bad[@]+"${bad[@]}"} "$AWS_SECRET_ACCESS_KEY" "$secret_tail"; do
    case "$err$out" in *"$n"*) fail "$name: output contains '$n'" ;; esac
  done
  n_dst=$(s3check count "s3://$dst/")
  if [ "$n_dst" != 0 ]; then
    fail "$name: $n_dst objects copied"
    s3check empty "s3://$dst/" >/dev/null 2>&1
  fi
  if [ -n "$(ls -A "$canary")" ]; then
    fail "$name: wrote into the canary folder: $(ls -A "$canary" | head -5 | tr '\n' ' ')"
    rm -rf "${canary:?}"/* "$canary"/.[!.]* 2>/dev/null
  fi
  n_src=$(s3check count "s3://$src/in/")
  expect_eq "$n_src" 12 "$name: sources intact"
  [ "$n_src" = 12 ] || { s3check empty "s3://$src/" >/dev/null 2>&1; s3check load "$src" in 12 >/dev/null; }
done
[ "$ran" -gt 0 ] || fail "no hostile case ran"
finish
