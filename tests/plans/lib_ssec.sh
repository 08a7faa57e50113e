# shellcheck shell=bash
# tests/plans/lib_ssec.sh - boto3 with customer keys, for the SSE-C tests. Source it after lib.sh.
#
#   ssec_py DIR CODE ARGS...  run Python CODE with sys.argv = ARGS, given s3 (a boto3 client
#                             of $AWS_ENDPOINT_URL), k_dst (the key in DIR/target.key),
#                             k_src (the base64 key in $S3E_TEST_SOURCE_KEY) and
#                             get(bucket, key, customer key or None): the object's bytes
ssec_py() {
  local dir=$1 code=$2
  shift 2
  "$S3CHECK_PYTHON" - "$@" <<PY
import base64, boto3, hashlib, os, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
k_dst = open("$dir/target.key", "rb").read()
k_src = base64.b64decode(os.environ["S3E_TEST_SOURCE_KEY"])
def get(b, k, key=None):
    kw = dict(SSECustomerAlgorithm="AES256", SSECustomerKey=key) if key else {}
    return s3.get_object(Bucket=b, Key=k, **kw)["Body"].read()
$code
PY
}
