# shellcheck shell=bash
# tests/plans/lib_versions.sh - a key's versions as boto3 reads them, for the
# versions tests. Source it after lib.sh; $src and $dst are the test's buckets.
#
#   version_list B KEY     "versionId md5" of each version of s3://B/KEY, oldest first
#   version_md5s B KEY     the md5 of each version, oldest first, one per line
#   expect_history SRC_KEY DST_KEY N MSG
#                          s3://$dst/DST_KEY's versions are, one by one, the first N
#                          of s3://$src/SRC_KEY's (a check named MSG)
version_list() {
  "$S3CHECK_PYTHON" - "$1" "$2" "$PLAN_LIB_DIR" <<'PY'
import hashlib, sys
sys.path.insert(0, sys.argv[3])
import s3check
s3 = s3check.client()
b, k = sys.argv[1], sys.argv[2]
vs = s3.list_object_versions(Bucket=b, Prefix=k).get("Versions", [])
for v in reversed([v for v in vs if v["Key"] == k]):
    body = s3.get_object(Bucket=b, Key=k, VersionId=v["VersionId"])["Body"].read()
    print(v["VersionId"], hashlib.md5(body).hexdigest())
PY
}

version_md5s() { version_list "$1" "$2" | cut -d' ' -f2; }

expect_history() {
  local want
  want=$(version_md5s "$src" "$1")
  expect_eq "$(version_md5s "$dst" "$2" | tr '\n' ' ')" "$(head -n "$3" <<<"$want" | tr '\n' ' ')" "$4"
}
