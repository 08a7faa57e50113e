#!/usr/bin/env bash
# An emitted job carries each target's encryption and checksum (issue #13 left
# open, issue #12's fields): sse = "aws:kms" with kms_key_id (radosgw's testing
# KMS, set up by scripts/run-tests.sh), an SSE-C key named by a variable (the
# job names the variable, never the key), and checksum_algorithm (radosgw keeps
# none: the fault proxy answers as AWS documents, as in test_checksums.sh).
# run-job makes the copies as a run of the plan makes them: checked with boto3
# and the key; a runner without the key's variable copies nothing (exit 3).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PLAN_LIB_DIR/lib_faults.sh"

src=$(fresh_bucket src) || finish
dst=$(fresh_bucket dst) || finish
dir=$(mktemp -d)
on_exit rm -rf "$dir"
export S3E_TEST_JOB_KEY=$(head -c 32 /dev/urandom | base64)
check "a small object" s3check put "s3://$src/in/small.bin" 3000 >/dev/null
check "a 12 MiB object" s3check put "s3://$src/in/big.bin" 12MiB >/dev/null

cat >"$dir/enc.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { c = { bucket = "$dst", prefix = "c/", sse_c_key_env = "S3E_TEST_JOB_KEY" },
                     k = { bucket = "$dst", prefix = "k/", sse = "aws:kms",
                           kms_key_id = "testkey-1" } },
         route = function(o) return { { target = "c" }, { target = "k" } } end,
         multipart_cutoff = "8MiB", part_size = "5MiB" }
LUA
check "emit a plan with SSE-C and SSE-KMS targets" s3e "$dir/enc.lua" --emit "$dir/job"
tsv=$(cat "$dir/job/job.tsv" 2>/dev/null)
expect_contains "$tsv" "$(printf 'option\ttarget\t0\tsse_c_key_env\tS3E_TEST_JOB_KEY')" \
  "job.tsv names the key's variable"
expect_contains "$tsv" "$(printf 'option\ttarget\t1\tkms_key_id\ttestkey-1')" "and the KMS key id"
expect_eq "$(grep -rlF "$S3E_TEST_JOB_KEY" "$dir/job" | wc -l)" 0 "the key is in no file of the job"

rc=0
out=$(env -u S3E_TEST_JOB_KEY "$S3ENGINE" run-job "$dir/job" --index 0 --count 1 2>&1) || rc=$?
expect_eq "$rc" 3 "a runner without the key's variable: exit 3"
expect_contains "$out" "S3E_TEST_JOB_KEY is not set" "it names the variable"
expect_eq "$(s3check count "s3://$dst/")" 0 "and copies nothing"

check "run-job" s3e run-job "$dir/job" --index 0 --count 1
check "job-status: all done (it needs no key)" env -u S3E_TEST_JOB_KEY "$S3ENGINE" job-status "$dir/job"
out=$("$S3CHECK_PYTHON" - "$dst" "$src" <<'PY' 2>&1
import base64, boto3, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
key = base64.b64decode(os.environ["S3E_TEST_JOB_KEY"])
def get(b, k, **kw):
    return s3.get_object(Bucket=b, Key=k, **kw)["Body"].read()
for k in ("small.bin", "big.bin"):
    want = get(sys.argv[2], "in/" + k)
    try:
        s3.head_object(Bucket=sys.argv[1], Key="c/" + k)
        print(k, "SSE-C copy readable without the key")
    except Exception:
        pass
    if get(sys.argv[1], "c/" + k, SSECustomerAlgorithm="AES256", SSECustomerKey=key) != want:
        print(k, "SSE-C copy differs")
    h = s3.head_object(Bucket=sys.argv[1], Key="k/" + k)
    if h.get("ServerSideEncryption") != "aws:kms" or h.get("SSEKMSKeyId") != "testkey-1":
        print(k, "not encrypted with testkey-1:", h.get("ServerSideEncryption"), h.get("SSEKMSKeyId"))
    if get(sys.argv[1], "k/" + k) != want:
        print(k, "SSE-KMS copy differs")
print("checked")
PY
)
expect_eq "$out" "checked" "run-job's copies: SSE-C with the key, SSE-KMS with testkey-1, byte for byte"

# ---- checksum_algorithm, through the AWS stand-in --------------------------------
ep=$(fault_proxy_start --checksums --checksum-default CRC32) || { fail "proxy"; finish; }
cat >"$dir/sum.lua" <<LUA
return { sources = { { bucket = "$src", prefix = "in/" } },
         targets = { out = { bucket = "$dst", prefix = "s/", checksum_algorithm = "SHA256" } },
         multipart_cutoff = "8MiB", part_size = "5MiB" }
LUA
check "emit a plan with a target's checksum_algorithm" \
  s3e "$dir/sum.lua" --endpoint "$ep" --emit "$dir/sjob"
expect_contains "$(cat "$dir/sjob/job.tsv" 2>/dev/null)" \
  "$(printf 'option\ttarget\t0\tchecksum_algorithm\tSHA256')" "job.tsv: the checksum algorithm"
check "run-job through the stand-in" s3e run-job "$dir/sjob" --endpoint "$ep" --index 0 --count 1
sums=$(for k in small.bin big.bin; do proxy_head "$ep" "s3://$dst/s/$k" |
         awk '$1 == "x-amz-checksum-type:" { t = $2 } /^x-amz-checksum-sha256:/ { a = "SHA256" }
              END { print a, t }'; done | tr '\n' ' ')
expect_eq "$sums" "SHA256 FULL_OBJECT SHA256 COMPOSITE " \
  "run-job's copies have the SHA256 asked for (a multipart one composite)"
check "the copies are the sources" s3check same-tree "s3://$src/in/" "s3://$dst/s/"
fault_proxy_stop
finish
