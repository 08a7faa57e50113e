#!/usr/bin/env bash
# A profile's ca_bundle verifies the credential services its credentials come from (STS
# for role_arn, the SSO portal), as the AWS SDKs use it: the stand-in
# (tests/support/aws_standin.py) speaks HTTPS with a self-signed certificate, which
# only the profile's ca_bundle trusts. AWS_CA_BUNDLE, when set, goes first (for S3
# requests too). (Debian's AWS CLI 2.9 cannot be the oracle for STS and SSO: it does
# not read AWS_ENDPOINT_URL_STS, so it cannot be pointed at the stand-in.) Container
# credentials and IMDS at https URLs: verified with AWS_CA_BUNDLE, never with the
# profile's ca_bundle, which the AWS CLI (the oracle there) does not use either.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_standin.sh"

AWS_CLI=${S3E_AWS_CLI:-/usr/bin/aws}
home=$(mktemp -d)
on_exit rm -rf "$home"
mkdir -p "$home/.aws/sso/cache"
for n in 1 2; do
  check "self-signed certificate $n for 127.0.0.1" openssl req -x509 -newkey rsa:2048 -nodes \
    -keyout "$home/k$n.pem" -out "$home/c$n.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
done
url=$(standin_start --source-key AKIASOURCE:source-secret --issue AKIAISSUEDTLS:issued-secret:tok \
        --tls-cert "$home/c1.pem" --tls-key "$home/k1.pem") || { fail "stand-in"; finish; }
expect_contains "$url" "https://" "the stand-in speaks HTTPS"
cat >"$home/.aws/credentials" <<'INI'
[src]
aws_access_key_id = AKIASOURCE
aws_secret_access_key = source-secret
INI
cat >"$home/.aws/config" <<INI
[profile trusting]
role_arn = arn:aws:iam::123456789012:role/tls
source_profile = src
region = us-east-1
ca_bundle = $home/c1.pem

[profile other-ca]
role_arn = arn:aws:iam::123456789012:role/tls
source_profile = src
region = us-east-1
ca_bundle = $home/c2.pem

[profile ca-only]
region = us-east-1
ca_bundle = $home/c1.pem

[profile sso-trusting]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = us-east-1
ca_bundle = $home/c1.pem
INI
f=$home/.aws/sso/cache/$(printf '%s' https://corp.awsapps.com/start | sha1sum | cut -d' ' -f1).json
printf '{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "standin-sso-access-token", "expiresAt": "%s"}' \
  "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$f"

clean() { # only the files above, the stand-in, and what each case sets
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    -u AWS_CA_BUNDLE -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3 -u AWS_REGION \
    -u AWS_DEFAULT_REGION HOME="$home" AWS_CONFIG_FILE="$home/.aws/config" \
    AWS_SHARED_CREDENTIALS_FILE="$home/.aws/credentials" AWS_EC2_METADATA_DISABLED=true \
    AWS_ENDPOINT_URL_STS="$url" AWS_ENDPOINT_URL_SSO="$url" "$@"
}

out=$(clean "$S3ENGINE" whoami --profile trusting 2>&1)
expect_eq $? 0 "assume-role through STS that only the profile's ca_bundle trusts: exit 0" ||
  printf '%s\n' "$out" >&2
expect_contains "$out" "access key id: AKIAISSUEDTLS" "the key STS issued"
expect_ne "$(standin_log '"action": "AssumeRole"' '"status": 200')" "" "STS was asked"

out=$(clean "$S3ENGINE" whoami --profile sso-trusting 2>&1)
expect_eq $? 0 "SSO through a portal that only the profile's ca_bundle trusts: exit 0" ||
  printf '%s\n' "$out" >&2
expect_contains "$out" "access key id: AKIAISSUEDTLS" "the key the portal issued"

out=$(clean "$S3ENGINE" whoami --profile other-ca 2>&1)
expect_eq $? 3 "a ca_bundle that does not trust STS's certificate: exit 3"
expect_contains "$out" "SSL certificate problem" "naming the certificate"
out=$(clean AWS_CA_BUNDLE="$home/c1.pem" "$S3ENGINE" whoami --profile other-ca 2>&1)
expect_eq $? 0 "AWS_CA_BUNDLE goes before the profile's ca_bundle" || printf '%s\n' "$out" >&2

# Container credentials at an https AWS_CONTAINER_CREDENTIALS_FULL_URI: the profile's
# ca_bundle is for AWS service calls (STS, SSO, S3), not for them: as in the AWS CLI,
# which fails here too (the oracle). AWS_CA_BUNDLE is used for them; the CLI verifies
# them against its own CA store only and still fails (README says so).
cont() { clean AWS_CONTAINER_CREDENTIALS_FULL_URI="$url/container/creds" "$@"; }
cli() { cont "$@" "$AWS_CLI" configure export-credentials --profile ca-only --format env 2>&1; }
out=$(cont "$S3ENGINE" whoami --profile ca-only 2>&1)
expect_eq $? 3 "container credentials: the profile's ca_bundle is not used for them (exit 3)"
expect_contains "$out" "credentials from container: GET $url/container/creds: SSL certificate problem" \
                "naming the endpoint and the certificate"
expect_contains "$(cli)" "CERTIFICATE_VERIFY_FAILED" "the AWS CLI does not use it either"
out=$(cont AWS_CA_BUNDLE="$home/c1.pem" "$S3ENGINE" whoami --profile ca-only 2>&1)
expect_eq $? 0 "AWS_CA_BUNDLE verifies container credentials" || printf '%s\n' "$out" >&2
expect_contains "$out" "source:        container" "they are the container's"
expect_contains "$(cli AWS_CA_BUNDLE="$home/c1.pem")" "CERTIFICATE_VERIFY_FAILED" \
                "(the AWS CLI ignores AWS_CA_BUNDLE there)"
# IMDS the same (plain http on EC2; https only where AWS_EC2_METADATA_SERVICE_ENDPOINT says)
imds() { clean AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$url" "$@"; }
out=$(imds "$S3ENGINE" whoami --profile ca-only 2>&1)
expect_eq $? 3 "IMDS over https: not with the profile's ca_bundle (exit 3)"
expect_contains "$out" "SSL certificate problem" "naming the certificate"
out=$(imds AWS_CA_BUNDLE="$home/c1.pem" "$S3ENGINE" whoami --profile ca-only 2>&1)
expect_eq $? 0 "IMDS over https with AWS_CA_BUNDLE" || printf '%s\n' "$out" >&2
expect_contains "$out" "source:        imds" "the instance's credentials"
finish
