#!/usr/bin/env bash
# A profile's ca_bundle is its connection's (issue 11): every request to a bucket is
# verified with the CA bundle of the connection that reaches it, whichever connection
# the curl handle that sends it carried before. radosgw behind a relaying proxy that
# speaks HTTPS with a self-signed certificate (tests/support/region_proxy.py
# --tls-cert); profile `good` trusts that certificate, profile `wrong` another one.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_accounts.sh"
unset AWS_CA_BUNDLE # it would pass over every profile's ca_bundle, as in the AWS CLI

dir=$(mktemp -d)
on_exit rm -rf "$dir"
accounts_setup "$dir" || finish
for n in 1 2; do
  check "self-signed certificate $n for 127.0.0.1" openssl req -x509 -newkey rsa:2048 -nodes \
    -keyout "$dir/k$n.pem" -out "$dir/c$n.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
done
cat >>"$dir/credentials" <<INI
[good]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
[wrong]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
INI
cat >"$dir/config" <<INI
[profile good]
ca_bundle = $dir/c1.pem
[profile wrong]
ca_bundle = $dir/c2.pem
INI
relay_start "$dir" --tls-cert "$dir/c1.pem" --tls-key "$dir/k1.pem" || finish
expect_contains "$RELAY_URL" "https://" "the proxy speaks HTTPS"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
check "load 4 objects" s3check load "$src" in 4 >/dev/null
# plan SOURCE_PROFILE TARGET_PROFILE PREFIX: both through the HTTPS proxy
plan() {
  cat >"$dir/$3.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/", profile = "$1", endpoint = "$RELAY_URL" } },
         targets = { out = { bucket = "$dst", prefix = "$3/", profile = "$2",
                             endpoint = "$RELAY_URL" } } }
LUA
  echo "$dir/$3.lua"
}

out=$(s3e_as acct-a "$(plan acct-a acct-a default)" 2>&1)
expect_eq $? 3 "a profile without ca_bundle verifies with the system's CAs: refused, exit 3"
expect_contains "$out" "SSL certificate problem" "the certificate is named"

out=$(s3e_as acct-a "$(plan good good both)" 2>&1)
expect_eq $? 0 "source and target trusting the certificate: exit 0" || printf '%s\n' "$out" >&2
check "every object copied" s3check same-tree "s3://$src/in/" "s3://$dst/both/"

# The source is asked first (its region), so a handle that kept the CA bundle of its
# first request would let the target's requests through: none may reach the server.
: >"$RELAY_LOG"
out=$(s3e_as acct-a "$(plan good wrong target)" 2>&1)
expect_eq $? 3 "a target whose profile trusts another certificate: exit 3"
expect_contains "$out" "listing target out (s3://$dst/target/) failed" "at the target's listing"
expect_contains "$out" "SSL certificate problem" "for its certificate"
expect_ne "$(grep -cF "\"bucket\": \"$src\"" "$RELAY_LOG")" 0 "the source was asked"
expect_eq "$(grep -cF "\"bucket\": \"$dst\"" "$RELAY_LOG")" 0 \
          "no request to the target passed the certificate check"
out=$(s3e_as acct-a "$(plan good wrong forced)" --force 2>&1)
expect_eq $? 1 "with --force (no listing of the target) every copy fails: exit 1"
expect_eq "$(s3check count "s3://$dst/forced/")" 0 "nothing copied"

out=$(s3e_as acct-a "$(plan wrong good source)" 2>&1)
expect_eq $? 3 "a source whose profile trusts another certificate: exit 3"
expect_contains "$out" "listing s3://$src/in/ failed" "at the source's listing"
finish
