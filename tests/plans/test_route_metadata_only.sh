#!/usr/bin/env bash
# A route that replaces the metadata without giving a content_type: the copy
# has the route's metadata and the server's own Content-Type (radosgw 16: an
# empty one; AWS: binary/octet-stream), which verification accepts where the
# route set none. Small (CopyObject) and multipart copies, to a plain and to an
# SSE-KMS target (radosgw's testing KMS: a multipart copy after the CopyObject
# it does not encrypt); a rerun copies nothing. Before: every such copy failed
# verification ("the copy's Content-Type differs from the source's") and was deleted.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
check "a small object" s3check put "s3://$src/in/a.txt" 5000 >/dev/null
check "a 6 MiB object" s3check put "s3://$src/in/b.bin" 6MiB >/dev/null

# case_of NAME FIELDS: in/ to NAME/ with a route giving metadata only
case_of() {
  local name=$1 fields=$2 rc=0 out
  cat >"$dir/$name.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "$name/" $fields } },
         multipart_cutoff = "5MiB", part_size = "5MiB",
         route = function(o) return { target = "out", metadata = { team = "blue" } } end }
LUA
  out=$(s3e "$dir/$name.lua" 2>"$dir/$name.err") || rc=$?
  expect_eq "$rc:$(summary_value "$out" copied)" "0:2" "$name: both copied (exit 0)"
  out=$("$S3CHECK_PYTHON" - "$src" "$dst" "$name/" "$PLAN_LIB_DIR" <<'PY' 2>&1
import hashlib, sys
sys.path.insert(0, sys.argv[4])
import s3check
s3 = s3check.client()
for k in ("a.txt", "b.bin"):
    a = s3.get_object(Bucket=sys.argv[1], Key="in/" + k)
    b = s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3] + k)
    if hashlib.md5(a["Body"].read()).digest() != hashlib.md5(b["Body"].read()).digest():
        print(k, "differs")
    if b.get("Metadata") != {"team": "blue"}:
        print(k, "metadata", b.get("Metadata"))
print("checked")
PY
)
  expect_eq "$out" "checked" "$name: byte for byte, with the route's metadata"
  rc=0
  out=$(s3e "$dir/$name.lua" 2>>"$dir/$name.err") || rc=$?
  expect_eq "$rc:$(summary_value "$out" copied):$(summary_value "$out" skipped)" "0:0:2" \
    "$name: a rerun copies nothing"
}
case_of plain ''
case_of kms ', sse = "aws:kms", kms_key_id = "testkey-1"'
finish
