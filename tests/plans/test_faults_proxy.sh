#!/usr/bin/env bash
# The fault proxy itself (tests/faultproxy/faultproxy.py), checked with boto3 so
# that the fault tests of s3engine stand on a tested instrument: requests pass
# through byte-exact (SigV4 still verifies), faults are applied and logged as
# asked, the control interface changes them while it runs, and a seed repeats.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

b=$(fresh_bucket fp) || finish
check "help" "$S3CHECK_PYTHON" "$FAULT_PROXY" --help >/dev/null
ep=$(fault_proxy_start) || { fail "proxy"; finish; }
via() { AWS_ENDPOINT_URL=$ep s3check "$@"; }
check "put through the proxy (no faults)" via put "s3://$b/p/a.bin" 200000 --meta k=v --tag t=1 >/dev/null
check "a multipart put through the proxy" via put "s3://$b/p/big.bin" 17MiB >/dev/null
expect_eq "$(via md5 "s3://$b/p/big.bin")" "$(s3check md5 "s3://$b/p/big.bin")" "bytes read through the proxy are the server's"
check "same through the proxy as direct" via same "s3://$b/p/a.bin" "s3://$b/p/a.bin"
expect_eq "$(grep -c 'fault=none' "$FAULT_PROXY_LOG")" "$(wc -l <"$FAULT_PROXY_LOG")" "no faults logged"
expect_ne "$(fault_count 'op=UploadPart ')" 0 "operations named in the log"

# one request (N=n: n of them), no retries: prints "ok" or the error code, a line each
probe() {
  AWS_ENDPOINT_URL=$ep "$S3CHECK_PYTHON" - "$@" <<'PY'
import os, sys, boto3
from botocore.config import Config
c = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                 config=Config(s3={"addressing_style": "path"},
                               retries={"total_max_attempts": int(os.environ.get("TRIES", "1"))}))
op, bucket, key = sys.argv[1:4]
for _ in range(int(os.environ.get("N", "1"))):
    try:
        if op == "get":
            c.get_object(Bucket=bucket, Key=key)["Body"].read()
        elif op == "head":
            c.head_object(Bucket=bucket, Key=key)
        elif op == "copy":
            c.copy_object(Bucket=bucket, Key=sys.argv[4],
                          CopySource={"Bucket": bucket, "Key": key})
        elif op == "put":
            c.put_object(Bucket=bucket, Key=key, Body=b"x" * 1000)
        print("ok")
    except Exception as e:
        err = (getattr(e, "response", None) or {}).get("Error", {})
        print(err.get("Code") or type(e).__name__)
PY
}

: >"$FAULT_PROXY_LOG"
fault_proxy_set --rate slowdown=1 --only GetObject
expect_eq "$(probe get "$b" p/a.bin)" SlowDown "503 SlowDown with an S3 error body"
expect_eq "$(fault_count 'op=GetObject fault=slowdown status=503 up=no')" 1 "logged, not forwarded"
expect_eq "$(probe head "$b" p/a.bin)" ok "other operations pass"
fault_proxy_set --rate internal=1 --only HEAD
expect_eq "$(probe head "$b" p/a.bin)" 500 "500 to a HEAD, without a body"
fault_proxy_set --rate 0
expect_eq "$(probe get "$b" p/a.bin)" ok "faults off through the control interface"
expect_contains "$(fault_proxy_stats)" '"slowdown"' "stats count the faults"

: >"$FAULT_PROXY_LOG"
fault_proxy_set --only PutObject --rate reset-after=1
expect_ne "$(probe put "$b" p/r.bin)" ok "a reset after the server did the work is an error"
expect_eq "$(fault_count 'op=PutObject fault=reset-after status=- up=yes')" 1 "logged as forwarded"
expect_eq "$(s3check count "s3://$b/p/r.bin")" 1 "and the object was written"

fault_proxy_set --only CopyObject --rate error-in-200=1 --max-faults 1
expect_ne "$(probe copy "$b" p/a.bin p/c.bin)" ok "an <Error> in a 200 to CopyObject is an error"
expect_eq "$(TRIES=2 probe copy "$b" p/a.bin p/c.bin)" ok "--max-faults 1: the retry passes"

# http.client, like libcurl, takes a header block cut at a line end for a whole one
fault_proxy_set --only HeadObject --rate cut-headers=1 --cut-headers-keep 1
probe head "$b" p/a.bin >/dev/null
expect_eq "$(fault_count 'op=HeadObject fault=cut-headers status=200 up=yes')" 1 "a HEAD cut off in its headers"

fault_proxy_set --only ListObjectsV2 --rate negative-size=1
expect_contains "$(via ls "s3://$b/p/" 2>&1)" "-5" "negative-size rewrites a listing"

# the same seed draws the same faults
draws() {
  fault_proxy_set --seed "$1" --rate 0.5 --kinds slowdown --only GetObject
  N=8 probe get "$b" p/a.bin | tr '\n' ' '
}
first=$(draws 42)
expect_eq "$(draws 42)" "$first" "a seed repeats its faults"
case $first in *SlowDown*ok* | *ok*SlowDown*) _ok "a 50% rate gives both: $first" ;;
  *) fail "a 50% rate drew only one kind: $first" ;; esac
expect_ne "$(draws 43)" "$first" "another seed, other faults"
finish
