#!/usr/bin/env bash
# `s3engine uploads`: lists the multipart uploads a killed run (SIGKILL, a
# crash, a lost machine) may leave behind, and aborts them with --abort,
# optionally only the older ones.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

b=$(fresh_bucket up) || finish
start_upload() {
  "$S3CHECK_PYTHON" - "$b" "$1" <<'PY'
import os, sys, boto3
from botocore.config import Config
c = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                 config=Config(s3={"addressing_style": "path"}))
print(c.create_multipart_upload(Bucket=sys.argv[1], Key=sys.argv[2])["UploadId"])
PY
}
check "start an upload under a/" start_upload a/left-behind.bin >/dev/null
check "start an upload under b/" start_upload b/other.bin >/dev/null
out=$(s3e uploads "s3://$b/a/")
expect_eq $? 0 "uploads exits 0"
expect_contains "$out" "a/left-behind.bin" "lists the upload under the prefix"
case $out in *b/other.bin*) fail "listed an upload outside the prefix" ;; esac
out=$(s3e uploads "s3://$b/" --abort --older-than 1h 2>&1)
expect_contains "$out" "0 aborted" "--older-than 1h leaves fresh uploads alone"
expect_eq "$(s3check uploads "$b")" 2 "both uploads still there"
out=$(s3e uploads "s3://$b/a/" --abort 2>&1)
expect_contains "$out" "1 aborted, 0 failed" "--abort says it aborted the one upload"
expect_eq "$(s3check uploads "$b")" 1 "only the one under the prefix is gone"
expect_exit 2 s3e uploads not-a-url
finish
