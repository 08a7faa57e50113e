#!/usr/bin/env bash
# Keys made to attack a terminal or a report: ESC sequences, CR, BEL, NUL-free
# C0/C1 controls, DEL, a bidi override, backslashes, commas, quotes, a newline,
# and (from a manifest, since S3 cannot store it) a key that is not UTF-8.
# Nothing raw reaches stdout or stderr (log lines with -v, the summary, the
# dry-run plan, `s3engine ls`); every .jsonl line is JSON naming its keys
# byte-exact; the CSV parses into the right keys; a report, stdout or pipe
# that cannot be written is exit status 3.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"

# One list of keys for set-up and checks. "bad" keys only come from the manifest.
cat >"$dir/hostile.py" <<'PY'
import base64, csv, json, sys
sys.path.insert(0, sys.argv[1])
import s3check

STORED = [
    b"h/esc-\x1b[2J\x1b[31mred.txt",
    b"h/cr-\rforged line.txt",
    b"h/bel-\x07-bs-\x08-del-\x7f.txt",
    b"h/nl-\ns3engine: error: forged.txt",
    b"h/comma,and\"quote\",\"x\".txt",
    b"h/back\\x1b-slash.txt",
    b"h/c1-\xc2\x9b31m-csi.txt",
    b"h/rlo-\xe2\x80\xaetxt.exe",
    b"h/plain-caf\xc3\xa9.txt",
]
BAD = [b"h/bad-\xff\xfe-\x1b]0;title\x07.txt"]

def text(raw):
    return raw.decode("utf-8", "surrogateescape")

def want(src, dst):
    """{source bytes: target bytes} for every row the copy must report: a key
    S3 cannot hold is refused before it is routed, so it has no target."""
    rows = {b"s3://%s/%s" % (src.encode(), k): b"s3://%s/out/%s" % (dst.encode(), k)
            for k in STORED}
    rows.update({b"s3://%s/%s" % (src.encode(), k): b"" for k in BAD})
    return rows

def field(row, name):
    if name + "_base64" in row:
        raw = base64.b64decode(row[name + "_base64"], validate=True)
        shown = row[name].encode("utf-8")  # the display form must itself be valid
        assert b"\xef\xbf\xbd" in shown, "invalid UTF-8 is not marked with U+FFFD: %r" % row[name]
        return raw
    return row[name].encode("utf-8")

def check_jsonl(path, src, dst):
    got = {}
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            assert line.endswith(b"\n"), "line %d is not terminated" % n
            row = json.loads(line.decode("utf-8"))  # strict: the file is UTF-8
            got[field(row, "source")] = field(row, "target")
            assert row["status"] in ("copied", "failed"), row
            assert (row["status"] == "failed") == (field(row, "source").endswith(BAD[0])), row
    expected = want(src, dst)
    assert got == expected, "report rows %r, expected %r" % (sorted(got), sorted(expected))

def check_csv(path, src, dst):
    got = {}
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        rows = list(csv.reader(f, strict=True))
    assert rows[0][:4] == ["source", "target", "bytes", "status"], rows[0]
    for row in rows[1:]:
        assert len(row) == len(rows[0]), "a row with %d fields, the header %d: %r" % (len(row), len(rows[0]), row)
        got[row[0].encode("utf-8", "surrogateescape")] = row[1].encode("utf-8", "surrogateescape")
    expected = want(src, dst)
    assert got == expected, "CSV rows %r, expected %r" % (sorted(got), sorted(expected))

def check_text(path):
    data = open(path, "rb").read()
    data.decode("utf-8")  # strict: no invalid UTF-8 reaches the terminal
    for i, c in enumerate(data):
        assert not (c < 0x20 and c not in (0x0a,)) and c != 0x7f, \
            "raw control byte 0x%02x at %d: %r" % (c, i, data[max(0, i - 40):i + 40])
    for bad in ("\u009b", "\u202e"):
        assert bad not in data.decode("utf-8"), "raw %r in the output" % bad

cmd = sys.argv[2]
if cmd == "put":
    for k in STORED:
        s3check.client().put_object(Bucket=sys.argv[3], Key=text(k), Body=b"x" * 10)
elif cmd == "manifest":
    src = sys.argv[3].encode()
    with open(sys.argv[4], "wb") as f:
        f.write(b"bucket,key,size\n")
        for k in BAD:
            f.write(b'%s,"%s",10\n' % (src, k.replace(b'"', b'""')))
elif cmd == "jsonl":
    check_jsonl(sys.argv[3], sys.argv[4], sys.argv[5])
elif cmd == "csv":
    check_csv(sys.argv[3], sys.argv[4], sys.argv[5])
elif cmd == "text":
    for p in sys.argv[3:]:
        check_text(p)
PY
hp() { "$S3CHECK_PYTHON" "$dir/hostile.py" "$PLAN_LIB_DIR" "$@"; }

check "put objects with hostile keys" hp put "$src"
expect_eq "$(s3check count "s3://$src/h/")" 9 "radosgw stored the 9 keys"
check "a manifest naming a key that is not UTF-8" hp manifest "$src" "$dir/list.csv"
cat >"$dir/plan.lua" <<LUA
return { sources = { "s3://$src/", { manifest = "list.csv" } }, target = "s3://$dst/out/" }
LUA

for fmt in jsonl csv; do
  (cd "$dir" && s3e plan.lua -v --force --report "r.$fmt" >"out.$fmt" 2>"err.$fmt")
  expect_eq $? 1 "$fmt: the key that is not UTF-8 fails, exit 1"
  check "$fmt: no raw control byte or invalid UTF-8 on stdout/stderr" hp text "$dir/out.$fmt" "$dir/err.$fmt"
  if grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' "$dir/out.$fmt" "$dir/err.$fmt"; then
    fail "$fmt: grep -P finds a control byte in the output"
  fi
  check "$fmt: every row parses and names its keys byte-exact" hp "$fmt" "$dir/r.$fmt" "$src" "$dst"
done
err=$(cat "$dir/err.jsonl")
expect_contains "$err" 'h/bad-\xff\xfe-\x1b]0;title\x07.txt' "the failed key is logged escaped"
case $err in *"s3:///"*) fail "a refused key is logged with an empty target URL" ;; esac
expect_eq "$(s3check count "s3://$dst/out/h/")" 9 "the 9 stored keys were copied"

out=$(s3e ls "s3://$src/h/" 2>&1)
expect_eq $? 0 "ls exits 0"
printf '%s' "$out" >"$dir/ls.txt"
check "ls: no raw control byte" hp text "$dir/ls.txt"
expect_contains "$out" 'h/esc-\x1b[2J\x1b[31mred.txt' "ls shows ESC as \\x1b"
expect_contains "$out" 'h/back\\x1b-slash.txt' "ls shows a backslash doubled"
expect_contains "$out" 'h/c1-\u009b31m-csi.txt' "ls shows a C1 control as \\u009b"
expect_contains "$out" 'h/plain-café.txt' "ls shows valid UTF-8 as it is"

cat >"$dir/dry.lua" <<LUA
return { sources = { "s3://$src/h/" }, target = "s3://$dst/pre\27[2J\r/" }
LUA
(cd "$dir" && s3e dry.lua --dry-run --force -v >dry.out 2>dry.err)
expect_eq $? 0 "dry run exits 0"
check "dry run: no raw control byte" hp text "$dir/dry.out" "$dir/dry.err"
expect_contains "$(cat "$dir/dry.out")" "s3://$dst/pre\\x1b[2J\\x0d/" "the target prefix shown escaped"

# Write errors: exit 3 and a message, never a silent truncated report.
(cd "$dir" && s3e plan.lua --force --report /dev/full >/dev/null 2>full.err)
expect_eq $? 3 "--report /dev/full exits 3"
expect_contains "$(cat "$dir/full.err")" "report" "and says the report failed"
(cd "$dir" && s3e plan.lua --force >/dev/full 2>stdout.err)
expect_eq $? 3 "a summary that cannot be written exits 3"
expect_contains "$(cat "$dir/stdout.err")" "No space left" "and says why"
(cd "$dir" && s3e plan.lua --force 2>/dev/full >/dev/null)
expect_eq $? 3 "log lines that cannot be written (stderr on a full disk) exit 3"
(cd "$dir" && s3e plan.lua --force --report - 2>pipe.err | true)
expect_eq "${PIPESTATUS[0]}" 3 "--report - into a closed pipe exits 3"
(cd "$dir" && s3e plan.lua --force --report - >r-stdout.csv 2>/dev/null)
check "--report - on stdout holds only the CSV report (the summary goes to stderr)" \
  hp csv "$dir/r-stdout.csv" "$src" "$dst"
out=$(s3e ls "s3://$src/h/" 2>&1 >/dev/full)
expect_eq $? 3 "ls into /dev/full exits 3"
finish
