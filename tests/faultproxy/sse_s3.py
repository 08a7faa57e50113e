"""sse_s3 - SSE-S3 (x-amz-server-side-encryption: AES256), answered as AWS documents.

radosgw 16 has no SSE-S3: it ignores the header (its "rgw crypt default
encryption key" encrypts everything instead, and then cannot copy). Since
January 2023 AWS encrypts every new object with SSE-S3 unless SSE-KMS or a
customer key (SSE-C) is asked for, and says so. With --sse-s3 the fault proxy
answers that way:

  HeadObject, GetObject, PutObject, CopyObject, CreateMultipartUpload,
  UploadPart, UploadPartCopy, CompleteMultipartUpload: a 200 answer without
      x-amz-server-side-encryption and without a customer key gets
      x-amz-server-side-encryption: AES256.
  A request with x-amz-server-side-encryption other than AES256, aws:kms or
      aws:kms:dsse: 400 InvalidArgument, not forwarded.
  Each write that asks for AES256 (PutObject, CopyObject,
      CreateMultipartUpload) is logged as "SSE-S3 OPERATION /bucket/key", so a
      test can tell that it was asked for.
"""

OPS = ("HeadObject", "GetObject", "PutObject", "CopyObject", "CreateMultipartUpload",
       "UploadPart", "UploadPartCopy", "CompleteMultipartUpload")
WRITES = ("PutObject", "CopyObject", "CreateMultipartUpload")
VALUES = ("AES256", "aws:kms", "aws:kms:dsse")


class SseS3:
    def __init__(self, log):
        self.log = log

    def wants(self, r, cfg):
        return cfg.sse_s3 and r.op in OPS

    def refuse(self, r):
        v = r.header("x-amz-server-side-encryption")
        if v is not None and v not in VALUES:
            return (400, "Bad Request", "InvalidArgument",
                    "The encryption method specified is not supported")
        return None

    def answer(self, r, resp, body, cfg):
        if r.op in WRITES and r.header("x-amz-server-side-encryption") == "AES256":
            self.log.write("SSE-S3 %s %s\n" % (r.op, r.path))
        if resp.header("x-amz-server-side-encryption") is not None or \
                resp.header("x-amz-server-side-encryption-customer-algorithm") is not None:
            return [], None
        return [b"x-amz-server-side-encryption: AES256"], None
