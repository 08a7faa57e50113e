# shellcheck shell=bash
# tests/plans/lib_accounts.sh - two radosgw users as two accounts, reached through
# profiles, and a relaying proxy that logs what is sent. Source it after lib.sh:
#
#   accounts_setup "$dir" || finish   # user B; $dir/credentials with acct-a and acct-b
#   as_b CMD...                       # CMD with B's keys in its environment
#   s3e_as acct-b ARGS...             # s3engine with that profile and no keys in its env
#   relay_start "$dir" [ARGS] || finish  # region_proxy.py relaying to radosgw: RELAY_URL,
#                                     # its JSON-lines log RELAY_LOG; stopped at exit;
#                                     # ARGS its own (--tls-cert C --tls-key K: https)
#
# A is the test user (the environment's keys); B is the radosgw user s3e-acct-b
# (made once, kept: its keys are fixed). RGW_DIR must be set (run-tests.sh does).

ACCT_B_KEY=s3etestacctb0000000002
ACCT_B_SECRET=s3etestacctbsecret000000000000000000000002
ACCT_DIR=

accounts_setup() {
  ACCT_DIR=$1
  [ -n "${RGW_DIR:-}" ] || { fail "RGW_DIR is not set (scripts/run-tests.sh exports it)"; return 1; }
  if ! radosgw-admin -c "$RGW_DIR/ceph.conf" user info --uid=s3e-acct-b >/dev/null 2>&1; then
    check "radosgw user B" radosgw-admin -c "$RGW_DIR/ceph.conf" user create --uid=s3e-acct-b \
      --display-name="account B" --access-key="$ACCT_B_KEY" --secret-key="$ACCT_B_SECRET" \
      >/dev/null || return 1
  fi
  cat >"$ACCT_DIR/credentials" <<INI
[acct-a]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
[acct-b]
aws_access_key_id = $ACCT_B_KEY
aws_secret_access_key = $ACCT_B_SECRET
INI
  : >"$ACCT_DIR/config"
}

as_b() { AWS_ACCESS_KEY_ID=$ACCT_B_KEY AWS_SECRET_ACCESS_KEY=$ACCT_B_SECRET "$@"; }

# s3engine sees profiles only: no keys in its environment
s3e_as() {
  local profile=$1
  shift
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$ACCT_DIR" AWS_PROFILE="$profile" \
    AWS_SHARED_CREDENTIALS_FILE="$ACCT_DIR/credentials" AWS_CONFIG_FILE="$ACCT_DIR/config" \
    "$S3ENGINE" "$@"
}

relay_start() {
  local d=$1 pid scheme=http
  shift
  case " $* " in *" --tls-cert "*) scheme=https ;; esac
  RELAY_LOG=$d/requests.jsonl
  rm -f "$d/relay-port"
  "$S3CHECK_PYTHON" "$PLAN_ROOT/tests/support/region_proxy.py" --upstream "$AWS_ENDPOINT_URL" \
    --log "$RELAY_LOG" --ready-file "$d/relay-port" "$@" >"$d/relay.out" 2>&1 </dev/null &
  pid=$!
  on_exit kill "$pid"
  for _ in $(seq 100); do [ -s "$d/relay-port" ] && break; sleep 0.1; done
  [ -s "$d/relay-port" ] || { fail "proxy did not start: $(cat "$d/relay.out")"; return 1; }
  RELAY_URL=$scheme://127.0.0.1:$(cat "$d/relay-port")
}
