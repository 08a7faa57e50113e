# shellcheck shell=bash
# tests/plans/lib_rgw2.sh - a second radosgw cluster B beside the suite's A,
# with keys of its own, for tests across two endpoints. Source after lib.sh:
#
#   rgw2_start DIR || finish   # sets B_EP, B_KEY, B_SECRET (B's env file in DIR/b.env)
#   rgw2_profiles DIR          # DIR/credentials: profile a for A, b for B; DIR/config
#   rgw2_same s3://A/P s3://B/P N  # the objects on A are on B, all N compared (boto3)
#
# B is started with scripts/rgw-start.sh on free ports (stopped and wiped at
# exit, lib_cluster.sh), or taken from S3E_TEST_RGW2_ENV (a file rgw-start.sh
# wrote) when set.

. "$PLAN_LIB_DIR/lib_cluster.sh"

rgw2_start() {
  if [ -n "${S3E_TEST_RGW2_ENV:-}" ]; then
    cp "$S3E_TEST_RGW2_ENV" "$1/b.env"
  else
    cluster_start "$1/b.env" RGW_ACCESS_KEY=s3etestclusterb00000001 \
      RGW_SECRET_KEY=s3etestclusterbsecret0000000000000000001 || return 1
  fi
  local dir=$1
  _RGW2_DIR=$dir
  B_EP=$(sed -n 's/^RGW_ENDPOINT=//p' "$dir/b.env")
  B_KEY=$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$dir/b.env")
  B_SECRET=$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$dir/b.env")
}

# rgw2_profiles DIR: DIR/credentials with profile a (cluster A's keys) and b
# (B's), and an empty DIR/config: for runs that reach each side by profile only
rgw2_profiles() {
  cat >"$1/credentials" <<INI
[a]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
[b]
aws_access_key_id = $B_KEY
aws_secret_access_key = $B_SECRET
INI
  : >"$1/config"
}

# rgw2_same s3://A-BUCKET/PREFIX s3://B-BUCKET/PREFIX N: every object under the first
# (cluster A, the environment's keys) is under the second on B byte for byte, with its
# metadata and tags (boto3, cross_same.py, 16 objects at a time), nothing else is there,
# and all N were compared. The keys are passed, never printed.
rgw2_same() {
  local same rc
  same=$(timeout $((120 + $3 / 10)) "$S3CHECK_PYTHON" "$PLAN_LIB_DIR/cross_same.py" \
    "$AWS_ENDPOINT_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$1" \
    "$B_EP" "$B_KEY" "$B_SECRET" "$2" 2>"$_RGW2_DIR/same.err")
  rc=$?
  expect_eq "$rc" 0 "every object on B byte for byte, with its metadata and tags (boto3)" ||
    head -n 20 "$_RGW2_DIR/same.err" >&2
  expect_eq "$(grep -c '^same' <<<"$same")" "$3" "the check compared all $3 objects"
}
