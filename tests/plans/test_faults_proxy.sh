#!/usr/bin/env bash
# The fault proxy itself (tests/faultproxy/faultproxy.py), checked with boto3 so
# that the fault tests of s3engine stand on a tested instrument: requests pass
# through byte-exact (SigV4 still verifies), faults are applied and logged as
# asked, the control interface changes them while it runs, and a seed repeats.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

b=$(fresh_bucket fp) || finish
direct=$AWS_ENDPOINT_URL
check "help" "$S3CHECK_PYTHON" "$FAULT_PROXY" --help >/dev/null
ep=$(fault_proxy_start) || { fail "proxy"; finish; }
via() { AWS_ENDPOINT_URL=$ep s3check "$@"; }
check "put through the proxy (no faults)" via put "s3://$b/p/a.bin" 200000 --meta k=v --tag t=1 >/dev/null
check "a multipart put through the proxy" via put "s3://$b/p/big.bin" 17MiB >/dev/null
expect_eq "$(via md5 "s3://$b/p/big.bin")" "$(s3check md5 "s3://$b/p/big.bin")" "bytes read through the proxy are the server's"
check "same through the proxy as direct" via same "s3://$b/p/a.bin" "s3://$b/p/a.bin"
expect_eq "$(grep -c 'fault=none' "$FAULT_PROXY_LOG")" "$(wc -l <"$FAULT_PROXY_LOG")" "no faults logged"
expect_ne "$(fault_count 'op=UploadPart ')" 0 "operations named in the log"

: >"$FAULT_PROXY_LOG"
fault_proxy_set --rate slowdown=1 --only HeadObject
err=$(via head "s3://$b/p/a.bin" 2>&1)
expect_contains "$err" "SlowDown" "503 SlowDown with an S3 error body"
expect_ne "$(fault_count 'op=HeadObject fault=slowdown status=503 up=no')" 0 "logged, not forwarded"
check "other operations pass" via md5 "s3://$b/p/a.bin" >/dev/null
fault_proxy_set --rate 0
check "faults off through the control interface" via head "s3://$b/p/a.bin" >/dev/null
expect_contains "$(fault_proxy_stats)" '"slowdown"' "stats count the faults"

: >"$FAULT_PROXY_LOG"
fault_proxy_set --only PutObject --rate reset-after=1 --max-faults 1
check "a put whose answer is lost is retried by boto3" via put "s3://$b/p/r.bin" 1000 >/dev/null
expect_eq "$(fault_count 'op=PutObject fault=reset-after status=- up=yes')" 1 "reset after the server did the work, once"

: >"$FAULT_PROXY_LOG"
fault_proxy_set --only CopyObject --rate error-in-200=1 --max-faults 2
# boto3 turns an <Error> in a 200 into an error and retries
AWS_ENDPOINT_URL=$ep "$S3CHECK_PYTHON" - "$b" <<'PY'
import os, sys, boto3
from botocore.config import Config
c = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                 config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5}))
c.copy_object(Bucket=sys.argv[1], Key="p/c.bin", CopySource={"Bucket": sys.argv[1], "Key": "p/a.bin"})
PY
expect_eq $? 0 "copy done after two <Error>-in-200 answers"
expect_eq "$(fault_count 'fault=error-in-200 status=200 up=no')" 2 "two errors in a 200 logged"

: >"$FAULT_PROXY_LOG"
fault_proxy_set --only ListObjectsV2 --rate negative-size=1
expect_contains "$(via ls "s3://$b/p/" 2>&1)" "-5" "negative-size rewrites a listing"

# the same seed draws the same faults
draws() {
  fault_proxy_set --seed 42 --rate 0.5 --kinds slowdown --only HeadObject
  : >"$FAULT_PROXY_LOG"
  for i in 1 2 3 4 5 6 7 8; do via head "s3://$b/p/a.bin" >/dev/null 2>&1; done
  awk '{print $6}' "$FAULT_PROXY_LOG" | tr '\n' ' '
}
first=$(draws)
expect_eq "$(draws)" "$first" "a seed repeats its faults"
case $first in *slowdown*fault=none* | *fault=none*slowdown*) _ok "a 50% rate gives both" ;;
  *) fail "a 50% rate drew only one kind: $first" ;; esac
AWS_ENDPOINT_URL=$direct
finish
