#!/usr/bin/env bash
# A profile with role_arn + source_profile against radosgw's own STS (issue 11): a
# radosgw cluster of this test's own with `rgw s3 auth use sts` (the suite's cluster
# cannot have it: its STS engine refuses the stand-ins' made-up session tokens that
# other tests send with real keys). Roles made with radosgw-admin:
#   S3ECopy    trusts user sts-assumer, may do s3:* on the two buckets;
#   S3EDenied  trusts sts-assumer, may read everything but not PutObject to the target;
#   S3EUntrusted trusts another user.
# Checked: whoami names the assume-role source and a temporary key; radosgw's log shows
# RoleSessionName, DurationSeconds and ExternalId as the profile sets them; the AWS CLI
# (the oracle) assumes the same role with the profile's settings for the same lifetime;
# a server-side copy and a streamed multipart copy through the role are byte-exact (the
# bucket owner checks with boto3, through the canned ACL bucket-owner-full-control, and
# the role's own credentials from the AWS CLI check too); a role whose policy denies the
# target stops the run with one AccessDenied message; chained roles; credential_source =
# Environment; STS refusals named (untrusted, unknown role, too long a duration).
# Debian's AWS CLI 2.9 does not read AWS_ENDPOINT_URL(_STS), so it cannot resolve the
# profile itself here: it is given the profile's settings (`aws configure get`) instead.
#
# The cluster is started with scripts/rgw-start.sh on free ports, or taken from
# S3E_TEST_RGW_STS_ENV (lib_cluster.sh, sts_cluster_start).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_cluster.sh"

AWS_CLI=${S3E_AWS_CLI:-/usr/bin/aws}
dir=$(mktemp -d)
on_exit rm -rf "$dir"
sts_cluster_start "$dir" || finish
ak=$STS_AK
sk=$STS_SK
src=sts-src-$$
dst=sts-dst-$$
check "the buckets (owned by the test user)" s3check mb "$src" "$dst" >/dev/null
# (a cluster started here is wiped at exit, after the commands registered before)
[ -z "${S3E_TEST_RGW_STS_ENV:-}" ] || on_exit s3check rb "$src" "$dst"
check "20 objects" s3check load "$src" in 20 >/dev/null
check "a 12 MiB object" s3check put "s3://$src/big/x.bin" 12MiB --meta k=v >/dev/null
sts_assumer
sts_role S3ECopy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],
  \"Resource\":[\"arn:aws:s3:::$src\",\"arn:aws:s3:::$src/*\",\"arn:aws:s3:::$dst\",\"arn:aws:s3:::$dst/*\"]}]}"
# trusts another user only
sts_admin role get --role-name=S3EUntrusted >/dev/null 2>&1 ||
  check "role S3EUntrusted" sts_admin role create --role-name=S3EUntrusted \
    --assume-role-policy-doc="${STS_TRUST/sts-assumer/someone-else}" >/dev/null
sts_role S3EDenied "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],
  \"Resource\":[\"arn:aws:s3:::*\"]},{\"Effect\":\"Deny\",\"Action\":[\"s3:PutObject\"],
  \"Resource\":[\"arn:aws:s3:::$dst/*\"]}]}"

mkdir -p "$dir/.aws"
cat >"$dir/.aws/credentials" <<INI
[assumer]
aws_access_key_id = $ak
aws_secret_access_key = $sk
INI
cat >"$dir/.aws/config" <<'INI'
[profile copier]
role_arn = arn:aws:iam:::role/S3ECopy
source_profile = assumer
role_session_name = s3e-sts-test
external_id = ext-42
duration_seconds = 900
region = us-east-1

[profile denied]
role_arn = arn:aws:iam:::role/S3EDenied
source_profile = assumer

[profile chained]
role_arn = arn:aws:iam:::role/S3EDenied
source_profile = copier

[profile no-role]
role_arn = arn:aws:iam:::role/NoSuchRole
source_profile = assumer

[profile from-env]
role_arn = arn:aws:iam:::role/S3ECopy
credential_source = Environment

[profile untrusted]
role_arn = arn:aws:iam:::role/S3EUntrusted
source_profile = assumer

[profile too-long]
role_arn = arn:aws:iam:::role/S3ECopy
source_profile = assumer
duration_seconds = 43200
INI
# only the profile files: no keys in the environment
as_profile() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    HOME="$dir" AWS_CONFIG_FILE="$dir/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$dir/.aws/credentials" \
    AWS_REGION=us-east-1 "$@"
}
field() { sed -n "s/^$1: *//p"; }

# 1. whoami: the role's temporary key, for the profile's duration
lines0=$(wc -l <"$RGWLOG")
out=$(as_profile "$S3ENGINE" whoami --profile copier 2>&1)
expect_eq $? 0 "whoami --profile copier exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(field source <<<"$out")" "profile:copier assume-role" "the source is the assume-role profile"
key=$(field 'access key id' <<<"$out")
expect_ne "$key" "" "an access key id"
expect_ne "$key" "$ak" "a temporary key, not the source profile's"
left=$(sed -n 's/^expires: .*(in \([0-9]*\)s)$/\1/p' <<<"$out")
if [ -n "$left" ] && [ "$left" -ge 880 ] && [ "$left" -le 900 ]; then
  _ok "the credentials last duration_seconds (in ${left}s)"
else
  fail "expiry not about 900 s ahead: $out"
fi
case $out in *"$sk"*) fail "whoami printed the source's secret" ;; esac
form=$(tail -n +"$lines0" "$RGWLOG" | grep -F 'Content of POST: Action=AssumeRole' | tail -n 1)
expect_contains "$form" "RoleArn=arn%3Aaws%3Aiam%3A%3A%3Arole%2FS3ECopy" "radosgw got the role"
expect_contains "$form" "RoleSessionName=s3e-sts-test" "and role_session_name"
expect_contains "$form" "DurationSeconds=900" "and duration_seconds"
expect_contains "$form" "ExternalId=ext-42" "and external_id"

# 2. the oracle: the AWS CLI assumes the same role with the profile's own settings
cli_get() { as_profile "$AWS_CLI" configure get "$1" --profile copier; }
cli=$(as_profile env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" "$AWS_CLI" \
        --endpoint-url "$AWS_ENDPOINT_URL" --region us-east-1 --output text sts assume-role \
        --role-arn "$(cli_get role_arn)" --role-session-name "$(cli_get role_session_name)" \
        --external-id "$(cli_get external_id)" --duration-seconds "$(cli_get duration_seconds)" \
        --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken,Expiration]' 2>&1)
expect_eq $? 0 "the AWS CLI assumes the role with the same settings" || printf '%s\n' "$cli" >&2
read -r cli_ak cli_sk cli_tok cli_exp <<<"$cli"
cli_left=$(( $(date -d "$cli_exp" +%s) - $(date +%s) ))
if [ "$cli_left" -ge 880 ] && [ "$cli_left" -le 900 ] && [ $((cli_left - left)) -le 20 ]; then
  _ok "the AWS CLI's credentials last as long (${cli_left}s)"
else
  fail "the AWS CLI's credentials last ${cli_left}s, s3engine's ${left}s"
fi
expect_eq "${#cli_ak}" "${#key}" "its access key id has the form whoami showed"
as_role() { AWS_ACCESS_KEY_ID=$cli_ak AWS_SECRET_ACCESS_KEY=$cli_sk AWS_SESSION_TOKEN=$cli_tok "$@"; }

# 3. a server-side copy through the role; the target's ACL lets the bucket owner read
# (radosgw makes the assuming user the owner of what a role writes; AWS the account)
plan=$dir/plan.lua
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "out/", acl = "bucket-owner-full-control" } } }
LUA
out=$(as_profile "$S3ENGINE" --profile copier "$plan" --report "$dir/run.csv" 2>&1)
expect_eq $? 0 "a copy through the assumed role exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(report_col "$dir/run.csv" status | sort -u)" copied "every row copied"
expect_eq "$(report_col "$dir/run.csv" method | sort -u)" copy "server-side (CopyObject)"
check "every object byte-exact with metadata and tags (the bucket owner checks)" \
  s3check same-tree "s3://$src/in/" "s3://$dst/out/"
check "and the role's credentials from the AWS CLI see the same" \
  as_role s3check same-tree "s3://$src/in/" "s3://$dst/out/"
first=$(s3check ls "s3://$dst/out/" | head -n 1 | cut -f1)
acl=$("$S3CHECK_PYTHON" -c '
import boto3, os, sys
a = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).get_object_acl(
    Bucket=sys.argv[1], Key=sys.argv[2])
print("owner", a["Owner"]["ID"])
for g in a["Grants"]:
    print(g["Grantee"].get("ID", g["Grantee"].get("URI")), g["Permission"])' "$dst" "$first" 2>&1)
expect_contains "$acl" "owner sts-assumer" "$first was written through the role"
expect_contains "$acl" "test FULL_CONTROL" "and grants the bucket owner FULL_CONTROL (bucket-owner-full-control)"

# 4. multipart: radosgw 16 refuses UploadPartCopy to the role (AWS allows it; README
# says so, and this keeps it true); a streamed multipart copy works
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "big/" } },
         targets = { out = { bucket = "$dst", prefix = "mp/", acl = "bucket-owner-full-control" } } }
LUA
out=$(as_profile "$S3ENGINE" --profile copier "$plan" --multipart-cutoff 5MiB --part-size 5MiB 2>&1)
expect_eq $? 1 "UploadPartCopy through the role: the object fails (radosgw 16)"
expect_contains "$out" "UploadPartCopy: AccessDenied" "radosgw refuses UploadPartCopy to the role"
sed -i 's/prefix = "mp\/",/prefix = "mp\/", stream = true,/' "$plan"
out=$(as_profile "$S3ENGINE" --profile copier "$plan" --multipart-cutoff 5MiB --part-size 5MiB \
        --report "$dir/mp.csv" 2>&1)
expect_eq $? 0 "a streamed multipart copy through the role exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(report_col "$dir/mp.csv" method)" stream "streamed"
check "byte-exact with its metadata (the bucket owner checks)" \
  s3check same "s3://$src/big/x.bin" "s3://$dst/mp/x.bin"
expect_contains "$(s3check ls "s3://$dst/mp/" | cut -f3)" "-3" "in three parts"

# 5. a role whose policy denies the target: one clear message, nothing written
cat >"$plan" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "denied/" } } }
LUA
out=$(as_profile "$S3ENGINE" --profile denied "$plan" --fail-fast 5 2>&1)
expect_eq $? 1 "a role denied the target: exit 1"
expect_contains "$out" "stopped: the first 5 copies all failed with AccessDenied" "the run stops at once"
expect_contains "$out" "CopyObject: AccessDenied (HTTP 403)" "naming the refused request"
expect_eq "$(s3check count "s3://$dst/denied/")" 0 "nothing written"

# 6. a chained role (signed by the first role's temporary credentials), and refusals
lines0=$(wc -l <"$RGWLOG")
out=$(as_profile "$S3ENGINE" whoami --profile chained 2>&1)
expect_eq $? 0 "chained roles: whoami exits 0" || printf '%s\n' "$out" >&2
expect_eq "$(field source <<<"$out")" "profile:chained assume-role" "the chained profile is the source"
expect_eq "$(tail -n +"$lines0" "$RGWLOG" | grep -cF 'Content of POST: Action=AssumeRole')" 2 \
          "two AssumeRole requests"
out=$(as_profile env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" \
      "$S3ENGINE" whoami --profile from-env 2>&1)
expect_eq $? 0 "credential_source = Environment: the environment's keys sign AssumeRole" ||
  printf '%s\n' "$out" >&2
expect_eq "$(field source <<<"$out")" "profile:from-env assume-role" "from-env is the source"
expect_ne "$(field 'access key id' <<<"$out")" "$ak" "a temporary key"
out=$(as_profile "$S3ENGINE" whoami --profile untrusted 2>&1)
expect_eq $? 3 "a role that does not trust the source: exit 3"
expect_contains "$out" "profile:untrusted assume-role: STS: AccessDenied (HTTP 403" "AccessDenied"
out=$(as_profile "$S3ENGINE" whoami --profile no-role 2>&1)
expect_eq $? 3 "a role radosgw does not know: exit 3"
expect_contains "$out" "profile:no-role assume-role: STS: NoSuchEntity (HTTP 404" "naming STS's error code"
out=$(as_profile "$S3ENGINE" whoami --profile too-long 2>&1)
expect_eq $? 3 "duration_seconds above the role's maximum (3600): exit 3"
expect_contains "$out" "STS: InvalidArgument (HTTP 400" "radosgw refuses the duration"
finish
