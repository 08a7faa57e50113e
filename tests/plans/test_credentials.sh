#!/usr/bin/env bash
# Credentials found as the AWS SDKs find them: `s3engine whoami` names the source
# and the access key id for each one (environment, web identity, profile static /
# assume-role / chained / credential_source / credential_process / SSO, container,
# IMDSv2), in the SDKs' order, against a local stand-in for the AWS-only services
# whose request log shows the sequence (token PUT before GET, the authorization
# header sent, AssumeRole signed by the source's keys). The Debian AWS CLI is the
# oracle: where it can be pointed at the same files and stand-in it must resolve
# the same access key id. What cannot be used exits 3 and says why.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_standin.sh"

AWS_CLI=${S3E_AWS_CLI:-/usr/bin/aws}
url=$(standin_start --source-key AKIASOURCE:source-secret --container-token ctok-1 \
        --lifetime 900) || { fail "stand-in"; finish; }
home=$(mktemp -d)
on_exit rm -rf "$home"
mkdir -p "$home/.aws/sso/cache"
cat >"$home/.aws/credentials" <<'EOF2'
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = default-secret

[src]
aws_access_key_id = AKIASOURCE
aws_secret_access_key = source-secret
EOF2
cat >"$home/.aws/config" <<EOF2
[profile role]
role_arn = arn:aws:iam::123456789012:role/first
source_profile = src
external_id = ext-42
role_session_name = s3e-test
duration_seconds = 1200

[profile chained]
role_arn = arn:aws:iam::123456789012:role/second
source_profile = role

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = loop-a

[profile from-env]
role_arn = arn:aws:iam::123456789012:role/env
credential_source = Environment

[profile from-ecs]
role_arn = arn:aws:iam::123456789012:role/ecs
credential_source = EcsContainer

[profile odd-source]
role_arn = arn:aws:iam::123456789012:role/x
credential_source = Satellite

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/m
source_profile = src
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile proc]
credential_process = sh -c 'printf "%s" "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIAPROCESS\\", \\"SecretAccessKey\\": \\"p\\", \\"Expiration\\": \\"2099-01-01T00:00:00Z\\"}"'

[profile proc-broken]
credential_process = sh -c 'echo nope; exit 4'

[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-3

[profile sso-stale]
sso_session = stale
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[sso-session stale]
sso_start_url = https://stale.awsapps.com/start
sso_region = eu-west-1

[profile empty]
region = ap-south-1
EOF2
# the AWS CLI's SSO token cache: ~/.aws/sso/cache/<sha1 of the session name>.json
sso_cache() { # SESSION EXPIRES-AT
  local f
  f=$home/.aws/sso/cache/$(printf '%s' "$1" | sha1sum | cut -d' ' -f1).json
  printf '{"startUrl": "https://%s.awsapps.com/start", "region": "eu-west-1", "accessToken": "standin-sso-access-token", "expiresAt": "%s"}' "$1" "$2" >"$f"
}
sso_cache corp "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"
sso_cache stale "2020-01-01T00:00:00Z"
printf 'standin-web-identity-token' >"$home/web-token"

# A clean environment: only the files above and what each case sets.
clean() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3 -u AWS_REGION -u AWS_DEFAULT_REGION \
    HOME="$home" AWS_CONFIG_FILE="$home/.aws/config" \
    AWS_SHARED_CREDENTIALS_FILE="$home/.aws/credentials" AWS_EC2_METADATA_DISABLED=true \
    AWS_ENDPOINT_URL_STS="$url" AWS_ENDPOINT_URL_SSO="$url" "$@"
}
field() { sed -n "s/^$1: *//p"; }
whoami_ok() { # DESC EXPECTED-SOURCE ENV-AND-ARGS... ; echoes the access key id
  local desc=$1 want=$2 out rc=0
  shift 2
  out=$(clean "$@" 2>&1) || rc=$?
  if [ $rc -ne 0 ]; then
    fail "$desc: whoami exited $rc: $out"
    return 1
  fi
  expect_eq "$(field source <<<"$out")" "$want" "$desc: source" >&2
  case $out in *secret*|*token-*) fail "$desc: whoami printed a secret: $out" ;; esac
  field 'access key id' <<<"$out"
}
oracle() { # DESC EXPECTED-AKID ENV... (the AWS CLI resolving the same)
  local desc=$1 want=$2 got
  shift 2
  got=$(clean "$@" "$AWS_CLI" configure export-credentials --format env 2>&1 |
        sed -n 's/^export AWS_ACCESS_KEY_ID=//p')
  expect_eq "$got" "$want" "$desc: the AWS CLI resolves the same access key id"
}
S=$S3ENGINE

# 1. environment, before everything else
ak=$(whoami_ok "environment" env AWS_ACCESS_KEY_ID=AKIAENVIRON AWS_SECRET_ACCESS_KEY=env-secret \
       AWS_SESSION_TOKEN=env-token-1 "$S" whoami)
expect_eq "$ak" AKIAENVIRON "environment: access key id"
oracle "environment" AKIAENVIRON AWS_ACCESS_KEY_ID=AKIAENVIRON AWS_SECRET_ACCESS_KEY=env-secret
# AWS_PROFILE does not beat the environment's keys, --profile does (as in the AWS CLI)
ak=$(whoami_ok "AWS_PROFILE and keys" env AWS_ACCESS_KEY_ID=AKIAENVIRON AWS_SECRET_ACCESS_KEY=e \
       AWS_PROFILE=src "$S" whoami)
expect_eq "$ak" AKIAENVIRON "AWS_PROFILE and keys in the environment: the keys"
oracle "AWS_PROFILE and keys" AKIAENVIRON AWS_ACCESS_KEY_ID=AKIAENVIRON AWS_SECRET_ACCESS_KEY=e AWS_PROFILE=src
ak=$(whoami_ok "--profile and keys" "profile:src static" env AWS_ACCESS_KEY_ID=AKIAENVIRON \
       AWS_SECRET_ACCESS_KEY=e "$S" whoami --profile src)
expect_eq "$ak" AKIASOURCE "--profile beats the environment's keys"
got=$(clean env AWS_ACCESS_KEY_ID=AKIAENVIRON AWS_SECRET_ACCESS_KEY=e "$AWS_CLI" configure \
        export-credentials --profile src --format env | sed -n 's/^export AWS_ACCESS_KEY_ID=//p')
expect_eq "$got" AKIASOURCE "--profile and keys: the AWS CLI agrees"

# 2. web identity (EKS IRSA): unsigned AssumeRoleWithWebIdentity
ak=$(whoami_ok "web identity" web-identity env AWS_WEB_IDENTITY_TOKEN_FILE="$home/web-token" \
       AWS_ROLE_ARN=arn:aws:iam::123456789012:role/irsa AWS_ROLE_SESSION_NAME=pod-1 "$S" whoami)
line=$(standin_log '"AssumeRoleWithWebIdentity"' '"status": 200' | tail -n 1)
expect_contains "$line" "\"issued\": \"$ak\"" "web identity: the key STS issued"
expect_contains "$line" '"authorization": false' "web identity: the call is not signed"
expect_contains "$line" '"RoleSessionName": "pod-1"' "web identity: AWS_ROLE_SESSION_NAME sent"

# 3. profiles
ak=$(whoami_ok "default profile" "profile:default static" "$S" whoami)
expect_eq "$ak" AKIADEFAULT "default profile: access key id"
oracle "default profile" AKIADEFAULT
ak=$(whoami_ok "static profile" "profile:src static" "$S" whoami --profile src)
oracle "static profile" "$ak" AWS_PROFILE=src
ak=$(whoami_ok "assume-role" "profile:role assume-role" "$S" whoami --profile role)
line=$(standin_log '"action": "AssumeRole"' "\"issued\": \"$ak\"")
expect_contains "$line" '"signer": "AKIASOURCE"' "assume-role: signed (SigV4, verified) with source_profile's keys"
expect_contains "$line" '"ExternalId": "ext-42"' "assume-role: external_id sent"
expect_contains "$line" '"DurationSeconds": "1200"' "assume-role: duration_seconds sent"
expect_contains "$line" '"RoleSessionName": "s3e-test"' "assume-role: role_session_name sent"
n0=$(standin_log '"action": "AssumeRole"' | wc -l)
ak=$(whoami_ok "chained roles" "profile:chained assume-role" "$S" whoami --profile chained)
calls=$(standin_log '"action": "AssumeRole"' | tail -n +$((n0 + 1)))
expect_eq "$(wc -l <<<"$calls")" 2 "chained roles: two AssumeRole calls"
first=$(head -n 1 <<<"$calls" | grep -o '"issued": "[^"]*"' | cut -d'"' -f4)
expect_contains "$(tail -n 1 <<<"$calls")" "\"signer\": \"$first\"" \
  "chained roles: the second is signed with the first role's credentials"
expect_contains "$(tail -n 1 <<<"$calls")" "role/second" "chained roles: the second role asked for"
ak=$(whoami_ok "credential_source = Environment" "profile:from-env assume-role" env \
       AWS_ACCESS_KEY_ID=AKIASOURCE AWS_SECRET_ACCESS_KEY=source-secret "$S" whoami --profile from-env)
expect_contains "$(standin_log "\"issued\": \"$ak\"")" '"signer": "AKIASOURCE"' \
  "credential_source = Environment: signed with the environment's keys"
ak=$(whoami_ok "credential_source = EcsContainer" "profile:from-ecs assume-role" env \
       AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ctok-1 \
       "$S" whoami --profile from-ecs)
ecs_key=$(standin_log '"action": "container"' '"status": 200' | tail -n 1 | grep -o '"issued": "[^"]*"' | cut -d'"' -f4)
expect_contains "$(standin_log "\"issued\": \"$ak\"")" "\"signer\": \"$ecs_key\"" \
  "credential_source = EcsContainer: signed with the container's credentials"
ak=$(whoami_ok "credential_process" "profile:proc process" "$S" whoami --profile proc)
expect_eq "$ak" AKIAPROCESS "credential_process: access key id"
expect_contains "$(clean "$S" whoami --profile proc | field expires)" "2099-01-01T00:00:00Z (in " \
  "credential_process: its Expiration shown"
oracle "credential_process" AKIAPROCESS AWS_PROFILE=proc
out=$(clean "$S" whoami --profile sso)
ak=$(field 'access key id' <<<"$out")
expect_eq "$(field source <<<"$out")" "profile:sso sso" "SSO: source"
expect_eq "$(field region <<<"$out")" "eu-west-3" "SSO: the profile's region"
line=$(standin_log '"action": "sso"' "\"issued\": \"$ak\"")
expect_contains "$line" '"role_name": "ReadOnly"' "SSO: GetRoleCredentials for sso_role_name"
expect_contains "$line" '"account_id": "111122223333"' "SSO: and sso_account_id"
expect_contains "$line" '"token": true' "SSO: the cached token sent"
expect_eq "$(standin_log '"action": "sso"' '"status": 401')" "" "SSO: no call refused"

# 4. container credentials (a profile without credentials falls through to them): the
# Authorization header, from the file before the variable
n0=$(standin_log '"action": "container"' | wc -l)
printf 'ctok-1\n' >"$home/ctoken"
ak=$(whoami_ok "container" container env AWS_PROFILE=empty AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" \
       AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$home/ctoken" AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong "$S" whoami)
expect_contains "$(standin_log '"action": "container"' | tail -n 1)" "\"issued\": \"$ak\"" \
  "container: the key it handed out"
expect_contains "$(standin_log '"action": "container"' | tail -n 1)" '"auth_ok": true' \
  "container: the authorization header sent (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
out=$(clean env AWS_PROFILE=empty AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" "$S" whoami 2>&1)
expect_eq $? 3 "container without its token: exit 3"
expect_contains "$out" "HTTP 401" "container without its token: says the endpoint refused"
out=$(clean env AWS_PROFILE=empty AWS_CONTAINER_CREDENTIALS_FULL_URI="http://example.com/creds" "$S" whoami 2>&1)
expect_contains "$out" "must be https, or http to a loopback address" \
  "container: a plain-http FULL_URI to another host is refused"

# 5. EC2 IMDSv2: the token PUT first, the role, then its credentials
n0=$(wc -l <"$STANDIN_LOG")
ak=$(whoami_ok "IMDS" imds env AWS_PROFILE=empty AWS_EC2_METADATA_DISABLED=false \
       AWS_EC2_METADATA_SERVICE_ENDPOINT="$url/" "$S" whoami)
seq=$(tail -n +$((n0 + 1)) "$STANDIN_LOG" | grep -o '"action": "imds-[a-z]*"' | cut -d'"' -f4 | paste -sd' ')
expect_eq "$seq" "imds-token imds-role imds-creds" "IMDS: token PUT before the GETs"
expect_contains "$(tail -n 1 "$STANDIN_LOG")" '"token": true' "IMDS: the GETs carry the session token"
expect_contains "$(tail -n 1 "$STANDIN_LOG")" "\"issued\": \"$ak\"" "IMDS: the key it handed out"
out=$(clean env AWS_PROFILE=empty AWS_EC2_METADATA_SERVICE_ENDPOINT="$url/" "$S" whoami 2>&1)
expect_eq $? 3 "AWS_EC2_METADATA_DISABLED=true: no credentials, exit 3"
expect_contains "$out" "no AWS credentials" "AWS_EC2_METADATA_DISABLED=true: says none was found"
expect_contains "$out" "AWS_EC2_METADATA_DISABLED" "... and that instance metadata is off"

# the same stand-in, for the AWS CLI: a fixed key so both see the same one
standin_stop
url=$(standin_start --issue AKIAFIXEDSTANDIN:fixed-secret:fixed-session --container-token ctok-1) || { fail "stand-in"; finish; }
ak=$(whoami_ok "IMDS (fixed key)" imds env AWS_PROFILE=empty AWS_EC2_METADATA_DISABLED=false \
       AWS_EC2_METADATA_SERVICE_ENDPOINT="$url/" "$S" whoami)
oracle "IMDS" "$ak" AWS_PROFILE=empty AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$url/"
ak=$(whoami_ok "container (fixed key)" container env AWS_PROFILE=empty AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" \
       AWS_CONTAINER_AUTHORIZATION_TOKEN=ctok-1 "$S" whoami)
oracle "container" "$ak" AWS_PROFILE=empty AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN=ctok-1
expect_eq "$ak" AKIAFIXEDSTANDIN "container: access key id"

# 6. what cannot be used: exit 3, and the reason names the profile's type
refused() { # DESC NEEDLE ARGS...
  local desc=$1 needle=$2 out rc=0
  shift 2
  out=$(clean "$S" whoami "$@" 2>&1) || rc=$?
  expect_eq "$rc" 3 "$desc: exit 3"
  expect_contains "$out" "$needle" "$desc: says why"
  case $out in *"set AWS_ACCESS_KEY_ID"*) fail "$desc: falls back to 'set static keys': $out" ;; esac
}
refused "a source_profile loop" "source_profile loop: loop-a -> loop-b -> loop-a" --profile loop-a
refused "an unknown credential_source" "credential_source = Satellite" --profile odd-source
refused "an MFA profile" "mfa_serial" --profile mfa
refused "an expired SSO token" "aws sso login --profile sso-stale" --profile sso-stale
refused "a failing credential_process" "credential_process exited with status 4" --profile proc-broken
refused "a missing profile" "profile 'nobody' was not found" --profile nobody
out=$(clean "$S" whoami --profile empty 2>&1)
expect_eq $? 3 "a profile without credentials (and nothing else): exit 3"
expect_contains "$out" "no AWS credentials" "a profile without credentials: says none was found"
finish
