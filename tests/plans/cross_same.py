"""cross_same.py - every object under a prefix of one S3 endpoint is under a
prefix of another, byte for byte (MD5 of a GET on each side), with the same
content headers, user metadata and tags; nothing else is there. The oracle of
streamed copies (tests/plans/test_stream_copy.sh), with boto3.

usage: cross_same.py SRC_ENDPOINT SRC_KEY_ID SRC_SECRET s3://B/PREFIX
                     DST_ENDPOINT DST_KEY_ID DST_SECRET s3://B/PREFIX
Prints one line per object compared (in key order); exit 1 (and what differs on
stderr) on any difference. Objects are compared CROSS_SAME_WORKERS (default 16)
at a time: a 5,000-object run is checked in minutes, not tens of them."""
import hashlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

FIELDS = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding",
          "ContentLanguage", "Expires", "Metadata", "ContentLength")


WORKERS = int(os.environ.get("CROSS_SAME_WORKERS", "16"))


def side(endpoint, key_id, secret):
    # a client is thread-safe; one connection per worker
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key_id,
                        aws_secret_access_key=secret, region_name="us-east-1",
                        config=Config(s3={"addressing_style": "path"},
                                      max_pool_connections=WORKERS))


def split(url):
    bucket, _, prefix = url[len("s3://"):].partition("/")
    return bucket, prefix


def keys(c, bucket, prefix):
    out = []
    for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out += [o["Key"][len(prefix):] for o in page.get("Contents", [])]
    return sorted(out)


def describe(c, bucket, key):
    h = c.head_object(Bucket=bucket, Key=key)
    info = {f: h.get(f) for f in FIELDS}
    tags = c.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    info["Tags"] = sorted((t["Key"], t["Value"]) for t in tags)
    md5 = hashlib.md5()
    for chunk in c.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(1 << 20):
        md5.update(chunk)
    info["md5"] = md5.hexdigest()
    return info


def main(argv):
    if len(argv) != 9:
        sys.exit(__doc__)
    a, b = side(*argv[1:4]), side(*argv[5:8])
    (ab, ap), (bb, bp) = split(argv[4]), split(argv[8])
    left, right = keys(a, ab, ap), keys(b, bb, bp)
    bad = ["missing: %r" % k for k in sorted(set(left) - set(right))]
    bad += ["extra: %r" % k for k in sorted(set(right) - set(left))]
    both = sorted(set(left) & set(right))
    with ThreadPoolExecutor(WORKERS) as pool:
        pairs = list(pool.map(lambda k: (describe(a, ab, ap + k), describe(b, bb, bp + k)), both))
    for k, (x, y) in zip(both, pairs):
        diff = [f for f in x if x[f] != y[f]]
        if diff:
            bad.append("%r: %s" % (k, ", ".join("%s %r != %r" % (f, x[f], y[f]) for f in diff)))
        else:
            print("same\t%s\t%s\t%s" % (k, x["ContentLength"], x["md5"]))
    if not left:
        bad.append("nothing under %s" % argv[4])
    for line in bad:
        print(line, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv)
