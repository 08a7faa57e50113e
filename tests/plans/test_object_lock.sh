#!/usr/bin/env bash
# Issue #12, tests: Object Lock on radosgw. A target bucket with Object Lock and
# a default retention (GOVERNANCE, 1 day) takes the copies, small and multipart:
# byte-exact, each under the bucket's retention, and a rerun copies nothing. A
# move from a source bucket with Object Lock (one object under a legal hold):
# the sources' current versions become delete markers, every version stays
# (nothing is lost), the copies are the sources' bytes.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/copycheck.sh"

dir=$(mktemp -d)
on_exit rm -rf "$dir"
src="locksrc-$$"
dst="lockdst-$$"
# lock PY...: boto3 on the two buckets (c: the client, src, dst: their names)
lock() {
  "$S3CHECK_PYTHON" - "$src" "$dst" "$PLAN_LIB_DIR" <<PY
import sys
sys.path.insert(0, sys.argv[3])
import s3check
c, src, dst = s3check.client(), sys.argv[1], sys.argv[2]
$1
PY
}
drop_buckets() {
  lock '
for b in (src, dst):
    try:
        v = c.list_object_versions(Bucket=b)
    except Exception:
        continue
    for x in v.get("Versions", []) + v.get("DeleteMarkers", []):
        try:
            c.put_object_legal_hold(Bucket=b, Key=x["Key"], VersionId=x["VersionId"],
                                    LegalHold={"Status": "OFF"})
        except Exception:
            pass
        c.delete_object(Bucket=b, Key=x["Key"], VersionId=x["VersionId"],
                        BypassGovernanceRetention=True)
    c.delete_bucket(Bucket=b)' >/dev/null 2>&1
}
[ -n "${S3E_KEEP_BUCKETS:-}" ] || on_exit drop_buckets
out=$(lock '
for b in (src, dst):
    c.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
c.put_object_lock_configuration(Bucket=dst, ObjectLockConfiguration={
    "ObjectLockEnabled": "Enabled",
    "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
print("made")' 2>&1)
expect_eq "$out" "made" "two buckets with Object Lock, the target with a default retention"
check "3 small objects" s3check load "$src" in 3 >/dev/null
check "a 7 MiB object (a multipart copy)" s3check put "s3://$src/in/big.bin" 7MiB >/dev/null
held=$(s3check ls "s3://$src/in/" | awk -F'\t' 'NR == 1 { print $1 }')
expect_eq "$(lock "c.put_object_legal_hold(Bucket=src, Key='$held', LegalHold={'Status': 'ON'}); print('on')")" \
  "on" "a legal hold on $held"
cat >"$dir/plan.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } }, target = "s3://$dst/out/" }
LUA
run() {
  rc=0
  out=$(s3e "$dir/plan.lua" --multipart-cutoff 5MiB --part-size 5MiB "$@" 2>&1) || rc=$?
}

run --report "$dir/a.csv"
expect_eq "$rc" 0 "copies into a bucket with Object Lock: exit 0"
expect_eq "$(summary_value "$out" copied)" 4 "4 objects copied"
check "the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/out/"
expect_eq "$(lock '
for k in ("out/big.bin", "out/" + "'"${held#in/}"'"):
    h = c.head_object(Bucket=dst, Key=k)
    print(h.get("ObjectLockMode"), "until" if h.get("ObjectLockRetainUntilDate") else "-")')" \
  "GOVERNANCE until
GOVERNANCE until" "the copies are under the target bucket's retention (multipart too)"
run --report "$dir/b.csv"
expect_eq "$rc:$(report_col "$dir/b.csv" status | sort -u)" "0:skipped" "a rerun copies nothing"

# move from the locked source into another prefix
sed -i "s#/out/#/moved/#" "$dir/plan.lua"
run --move --report "$dir/m.csv"
expect_eq "$rc" 0 "a move from a bucket with Object Lock: exit 0"
expect_eq "$(report_col "$dir/m.csv" status | sort -u)" "moved" "every object is reported moved"
expect_eq "$(s3check count "s3://$src/in/")" 0 "the sources are gone from the listing"
expect_eq "$(lock '
v = c.list_object_versions(Bucket=src, Prefix="in/")
print(len(v.get("Versions", [])), len(v.get("DeleteMarkers", [])))')" "4 4" \
  "each source version is kept under a delete marker (the held one too)"
check "the moved copies are the copies made before" s3check same-tree "s3://$dst/out/" "s3://$dst/moved/"
finish
