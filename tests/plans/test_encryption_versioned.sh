#!/usr/bin/env bash
# An encrypted, versioned target on radosgw 16, which ignores the encryption of
# CopyObject: the unencrypted copy a CopyObject made is removed by its version
# id before the object is copied again as a multipart upload (whose parts
# radosgw encrypts), so no plain version of it stays in the target's history.
# SSE-KMS (radosgw's testing KMS) and SSE-C targets, listed sources (flight.c's
# CopyObject) and a manifest without sizes (flight_copy.c's path). Every
# version at the target is encrypted, one per object. Before: each key held
# its unencrypted copy as an older version.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "versioning on the target" s3check versioning "$dst" >/dev/null
dir=$(mktemp -d)
on_exit rm -rf "$dir"
head -c 32 /dev/urandom >"$dir/target.key"
for i in 1 2 3; do
  check "in/$i.bin" s3check put "s3://$src/in/$i.bin" $((i * 3000)) >/dev/null
  printf '%s,in/%s.bin\n' "$src" "$i" >>"$dir/list.csv" # no size: the careful path
done

# history PREFIX KEYFILE: a line per key under PREFIX: its versions' encryption
# ("kms", "ssec" or "plain"), oldest first
history() {
  "$S3CHECK_PYTHON" - "$dst" "$1" "${2:-}" "$PLAN_LIB_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[4])
import s3check
s3 = s3check.client()
b, p = sys.argv[1], sys.argv[2]
key = open(sys.argv[3], "rb").read() if sys.argv[3] else None
vs = s3.list_object_versions(Bucket=b, Prefix=p).get("Versions", [])
for k in sorted({v["Key"] for v in vs}):
    out = []
    for v in reversed([v for v in vs if v["Key"] == k]):
        kw = dict(SSECustomerAlgorithm="AES256", SSECustomerKey=key) if key else {}
        try:
            h = s3.head_object(Bucket=b, Key=k, VersionId=v["VersionId"], **kw)
        except Exception:
            h = s3.head_object(Bucket=b, Key=k, VersionId=v["VersionId"])
        out.append("kms" if h.get("ServerSideEncryption") == "aws:kms" else
                   "ssec" if h.get("SSECustomerAlgorithm") else "plain")
    print(" ".join(out))
PY
}

# case_of NAME FIELDS SOURCE WANT KEYFILE: copy SOURCE (a plan source) to NAME/ with
# the target's FIELDS, then check that each key has one version, encrypted as WANT says
case_of() {
  local name=$1 fields=$2 source=$3 want=$4 rc=0
  cat >"$dir/$name.lua" <<LUA
return { sources = { $source },
         targets = { out = { bucket = "$dst", prefix = "$name/", $fields } } }
LUA
  s3e "$dir/$name.lua" --report "$dir/$name.csv" >"$dir/$name.out" 2>&1 || rc=$?
  expect_eq "$rc:$(grep -c ',copied,' "$dir/$name.csv")" "0:3" "$name: three copied (exit 0)"
  expect_eq "$(history "$name/" "$5" | sort | uniq -c | tr -s ' ')" " 3 $want" \
    "$name: one version per object, encrypted as asked"
}
listed="{ bucket = \"$src\", prefix = \"in/\" }"
case_of kms 'sse = "aws:kms", kms_key_id = "testkey-1"' "$listed" kms ""
case_of ssec 'sse_c_key_file = "target.key"' "$listed" ssec "$dir/target.key"
case_of kmsman 'sse = "aws:kms", kms_key_id = "testkey-1"' '{ manifest = "list.csv" }' kms ""
finish
