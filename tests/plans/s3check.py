#!/usr/bin/python3
"""s3check - an independent S3 client (boto3) to set up fixtures and check results.

Run with Debian's /usr/bin/python3 (package python3-boto3). Connection settings
come from the environment:
    AWS_ENDPOINT_URL        e.g. http://127.0.0.1:17480 (unset: AWS itself)
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION (default us-east-1)
Path-style addressing is always used.

Commands (results on stdout; on failure a message on stderr and exit status 1):
    mb BUCKET...                       create buckets (fine if they exist)
    rb BUCKET...                       delete every object, abort every multipart
                                       upload, delete the bucket (fine if it is gone)
    put s3://B/KEY SIZE [--content-type T] [--meta k=v]... [--tag k=v]... [--seed S]
        [--header NAME=V]...           (NAME: CacheControl, ContentDisposition,
                                       ContentEncoding, ContentLanguage)
                                       put SIZE bytes (pseudo-random, seeded by KEY or S);
                                       multipart above 16 MiB. SIZE takes K/KiB/M/MiB/G/GiB
                                       (binary) or KB/MB/GB (decimal).
    load BUCKET PREFIX COUNT [--big SIZE] [--ext mp4,jpg,...] [--size-range MIN-MAX]
                                       COUNT small objects of mixed types (16 threads):
                                       PREFIX/videos/clip-0001.mp4, PREFIX/images/img-0002.jpg,
                                       PREFIX/images/img-0003.png, PREFIX/docs/note-0004.txt,
                                       PREFIX/data/table-0005.csv, ... sizes 1-64 KiB;
                                       --big adds PREFIX/videos/big-0000.mp4 of SIZE bytes
    ls s3://B/PREFIX                   "key<TAB>size<TAB>etag" per object (etag unquoted)
    count s3://B/PREFIX                number of objects under PREFIX
    head s3://B/KEY                    JSON: ContentLength, ETag, ContentType, Metadata,
                                       StorageClass, Tags
    md5 s3://B/KEY [--version-id V]    md5 hex digest of the object's (version's) bytes
    versioning BUCKET...               turn versioning on (put-bucket-versioning Enabled)
    versions s3://B/PREFIX             every version and delete marker, in listing order
                                       (a key's newest first): "key<TAB>versionId<TAB>size
                                       <TAB>etag<TAB>latest|-<TAB>version|marker"
    same s3://A/K1 s3://B/K2           exit 0 if bytes, ContentType, Metadata and tags are
                                       identical; else print the differences, exit 1
    same-tree s3://A/P s3://B/Q        every object under P has a twin under Q (same key
                                       below the prefix) with identical bytes, ContentType,
                                       content headers, Metadata and tags, and Q holds
                                       nothing else; else print the differences, exit 1.
                                       --missing-ok: an object missing under Q is no
                                       difference, only named ("missing<TAB>REST")
    uploads BUCKET [PREFIX]            number of in-progress multipart uploads
    empty s3://B/PREFIX                delete every object under PREFIX
    rm s3://B/KEY...                   delete single objects
    putkeys BUCKET FILE                put a small object (content seeded by its key) under
                                       every key of FILE, a JSON array of strings ("-" =
                                       stdin); keys may hold any character, "." and ".."
                                       segments, "//"
    batch FILE                         run the s3check commands of FILE, one per line (shell
                                       words, # comments), in parallel in this one process
                                       (python and boto3 start once); exit 1 if any failed
    keys s3://B/PREFIX                 every key under PREFIX as one JSON array (sorted,
                                       non-ASCII and control characters as JSON escapes)

Wherever s3://B/X is expected, "B X" (two words) is accepted too, and put takes
--size N instead of the positional SIZE; load takes --count N instead of COUNT.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shlex
import sys
import threading
import urllib.parse

MULTIPART_THRESHOLD = 16 * 1024 * 1024
PART_SIZE = 8 * 1024 * 1024
BLOCK = 1024 * 1024  # the pseudo-random stream is generated in blocks of this size
THREADS = 16

CONTENT_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "txt": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "bin": "application/octet-stream",
}
# extension -> (folder, stem) used by `load`
LAYOUT = {
    "mp4": ("videos", "clip"),
    "mov": ("videos", "clip"),
    "jpg": ("images", "img"),
    "jpeg": ("images", "img"),
    "png": ("images", "img"),
    "gif": ("images", "img"),
    "txt": ("docs", "note"),
    "csv": ("data", "table"),
    "json": ("data", "record"),
}
DEFAULT_EXTS = ["mp4", "jpg", "png", "txt", "csv"]


class Failure(Exception):
    """A check or operation failed: message goes to stderr, exit status 1."""


# ---------------------------------------------------------------------------
# client

_client = None
_client_lock = threading.Lock()


def client():
    global _client
    with _client_lock:
        if _client is None:
            _client = _make_client()
        return _client


def _make_client():
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("S3_ENDPOINT") or None
    if endpoint and endpoint.startswith("http://"):
        # a CA bundle is irrelevant for plain http and a bad path must not break us
        os.environ.pop("AWS_CA_BUNDLE", None)
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        # keys in the environment win; a stale AWS_PROFILE would only raise ProfileNotFound
        os.environ.pop("AWS_PROFILE", None)
    import boto3
    from botocore.config import Config

    opts = dict(
        s3={"addressing_style": "path"},
        signature_version="s3v4",
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=THREADS * 2,
        connect_timeout=10,
        read_timeout=120,
    )
    try:  # newer botocore adds CRC checksums by default; radosgw 16 does not need them
        cfg = Config(request_checksum_calculation="when_required",
                     response_checksum_validation="when_required", **opts)
    except TypeError:
        cfg = Config(**opts)
    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
    session = boto3.session.Session(region_name=region)
    return session.client("s3", endpoint_url=endpoint, config=cfg)


def err_code(e):
    try:
        return e.response["Error"]["Code"]
    except (AttributeError, KeyError, TypeError):
        return ""


# ---------------------------------------------------------------------------
# argument helpers

def parse_size(text):
    """Bytes; like the engine: K/KiB/M/MiB/G/GiB/T/TiB are binary, KB/MB/GB/TB decimal."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:([kmgt])(i?)(b?))?\s*", str(text), re.IGNORECASE)
    if not m:
        raise Failure("bad size %r (use e.g. 1000, 64KiB, 16MiB, 1G, 5MB)" % text)
    n, unit = int(m.group(1)), (m.group(2) or "").lower()
    if not unit:
        return n
    exp = "kmgt".index(unit) + 1
    if m.group(4) and not m.group(3):  # KB, MB, ...: decimal
        return n * 1000 ** exp
    return n * 1024 ** exp


def parse_url(words, want_key):
    """words: ["s3://b/key"] or ["b", "key"] or ["b"]; returns (bucket, key_or_prefix)."""
    if not words:
        raise Failure("missing s3://BUCKET/%s" % ("KEY" if want_key else "PREFIX"))
    first = words[0]
    if first.startswith("s3://"):
        if len(words) > 1:
            raise Failure("unexpected arguments after %s: %s" % (first, " ".join(words[1:])))
        rest = first[len("s3://"):]
        bucket, _, key = rest.partition("/")
    else:
        if len(words) > 2:
            raise Failure("unexpected arguments: %s" % " ".join(words[2:]))
        bucket, key = first, (words[1] if len(words) > 1 else "")
    if not bucket:
        raise Failure("no bucket in %r" % " ".join(words))
    if want_key and not key:
        raise Failure("no object key in %r" % " ".join(words))
    return bucket, key


def parse_pairs(items, what):
    out = {}
    for it in items or []:
        k, sep, v = it.partition("=")
        if not sep or not k:
            raise Failure("bad %s %r (expected k=v)" % (what, it))
        out[k] = v
    return out


def s3url(bucket, key):
    return "s3://%s/%s" % (bucket, key)


# ---------------------------------------------------------------------------
# deterministic content

def _block(key, index):
    """BLOCK pseudo-random bytes, block number `index` of the stream for `key`."""
    seed = hashlib.sha256(("%s\0%d" % (key, index)).encode("utf-8", "surrogateescape")).digest()
    return random.Random(seed).randbytes(BLOCK)


def content(key, offset, length):
    """Bytes [offset, offset+length) of the pseudo-random stream seeded by key."""
    out = bytearray()
    pos = offset
    end = offset + length
    while pos < end:
        b = pos // BLOCK
        start = pos - b * BLOCK
        take = min(BLOCK - start, end - pos)
        if start == 0 and take == BLOCK:
            out += _block(key, b)
        else:
            out += _block(key, b)[start:start + take]
        pos += take
    return bytes(out)


def small_content(key, size):
    # objects below one block: seeded by key directly, cheap for thousands of tiny objects
    if size >= BLOCK:
        return content(key, 0, size)
    return random.Random(key).randbytes(size)


def guess_type(key):
    ext = key.rsplit(".", 1)[-1].lower() if "." in key.rsplit("/", 1)[-1] else ""
    return CONTENT_TYPES.get(ext, "application/octet-stream")


# ---------------------------------------------------------------------------
# operations

def put_object(bucket, key, size, content_type=None, meta=None, tags=None, pool=None, seed=None,
               headers=None):
    """Upload `size` deterministic bytes (seeded by `seed`, default the key);
    multipart (parallel parts) above the threshold."""
    c = client()
    seed = key if seed is None else seed
    extra = {}
    extra["ContentType"] = content_type or guess_type(key)
    if meta:
        extra["Metadata"] = meta
    extra.update(headers or {})
    if tags:
        extra["Tagging"] = urllib.parse.urlencode(tags)
    if size <= MULTIPART_THRESHOLD:
        r = c.put_object(Bucket=bucket, Key=key, Body=small_content(seed, size), **extra)
        return r.get("ETag", "").strip('"')

    up = c.create_multipart_upload(Bucket=bucket, Key=key, **extra)
    uid = up["UploadId"]
    nparts = (size + PART_SIZE - 1) // PART_SIZE

    def one(n):
        off = (n - 1) * PART_SIZE
        body = content(seed, off, min(PART_SIZE, size - off))
        r = c.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=n, Body=body)
        return {"PartNumber": n, "ETag": r["ETag"]}

    try:
        own = pool is None
        ex = pool or concurrent.futures.ThreadPoolExecutor(max_workers=4)
        try:
            parts = list(ex.map(one, range(1, nparts + 1)))
        finally:
            if own:
                ex.shutdown(wait=True)
        c.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=uid,
                                    MultipartUpload={"Parts": parts})
        if tags:  # radosgw 16 ignores Tagging on CreateMultipartUpload
            c.put_object_tagging(Bucket=bucket, Key=key, Tagging={
                "TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    except BaseException:
        try:
            c.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)
        except Exception:
            pass
        raise
    # radosgw 16 answers CompleteMultipartUpload with an empty ETag: ask HEAD
    return c.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')


def iter_objects(bucket, prefix):
    pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    for page in pages:
        for o in page.get("Contents", []) or []:
            yield o


def delete_keys(bucket, keys):
    """Delete keys in batches of 1000; returns the number deleted."""
    c = client()
    n = 0
    for i in range(0, len(keys), 1000):
        batch = keys[i:i + 1000]
        r = c.delete_objects(Bucket=bucket,
                             Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        errs = r.get("Errors") or []
        if errs:
            e = errs[0]
            raise Failure("delete failed for %d keys, first: %s: %s %s"
                          % (len(errs), e.get("Key"), e.get("Code"), e.get("Message", "")))
        n += len(batch)
    return n


def empty_prefix(bucket, prefix):
    return delete_keys(bucket, [o["Key"] for o in iter_objects(bucket, prefix)])


def list_uploads(bucket, prefix=""):
    pages = client().get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix)
    out = []
    for page in pages:
        out.extend(page.get("Uploads", []) or [])
    return out


def get_tags(bucket, key):
    r = client().get_object_tagging(Bucket=bucket, Key=key)
    return {t["Key"]: t["Value"] for t in r.get("TagSet", [])}


def head_info(bucket, key):
    h = client().head_object(Bucket=bucket, Key=key)
    return {
        "ContentLength": h.get("ContentLength"),
        "ETag": (h.get("ETag") or "").strip('"'),
        "ContentType": h.get("ContentType"),
        "Metadata": h.get("Metadata", {}),
        "StorageClass": h.get("StorageClass") or "STANDARD",
        "Tags": get_tags(bucket, key),
    }


def stream_chunks(bucket, key, chunk=BLOCK, version=None):
    extra = {"VersionId": version} if version else {}
    body = client().get_object(Bucket=bucket, Key=key, **extra)["Body"]
    try:
        while True:
            b = body.read(chunk)
            if not b:
                break
            yield b
    finally:
        body.close()


def md5_of(bucket, key, version=None):
    h = hashlib.md5()
    n = 0
    for b in stream_chunks(bucket, key, version=version):
        h.update(b)
        n += len(b)
    return h.hexdigest(), n


# ---------------------------------------------------------------------------
# commands

def cmd_mb(a):
    c = client()
    for b in a.buckets:
        try:
            c.create_bucket(Bucket=b)
            print("created %s" % b)
        except Exception as e:
            if err_code(e) in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                print("exists %s" % b)
            else:
                raise


def cmd_rb(a):
    c = client()
    for b in a.buckets:
        try:
            ups = list_uploads(b)
        except Exception as e:
            if err_code(e) == "NoSuchBucket":
                print("absent %s" % b)
                continue
            raise
        for u in ups:
            try:
                c.abort_multipart_upload(Bucket=b, Key=u["Key"], UploadId=u["UploadId"])
            except Exception as e:
                if err_code(e) != "NoSuchUpload":
                    raise
        n = empty_prefix(b, "")
        old = [(v["Key"], v["VersionId"]) for v, _ in iter_versions(b, "")]
        for i in range(0, len(old), 1000):  # a versioned bucket keeps them
            c.delete_objects(Bucket=b, Delete={"Quiet": True, "Objects": [
                {"Key": k, "VersionId": vid} for k, vid in old[i:i + 1000]]})
        c.delete_bucket(Bucket=b)
        print("removed %s (%d objects, %d uploads aborted)" % (b, n, len(ups)))


def cmd_put(a):
    words = list(a.args)
    size = parse_size(a.size) if a.size is not None else None
    if size is None:
        if len(words) < 2:
            raise Failure("usage: put s3://BUCKET/KEY SIZE")
        size = parse_size(words.pop())
    bucket, key = parse_url(words, want_key=True)
    headers = {}
    for name, value in parse_pairs(a.header, "--header").items():
        if name not in CONTENT_HEADERS[1:-2]:
            raise Failure("--header %s: one of %s" % (name, ", ".join(CONTENT_HEADERS[1:-2])))
        headers[name] = value
    etag = put_object(bucket, key, size, a.content_type, parse_pairs(a.meta, "--meta"),
                      parse_pairs(a.tag, "--tag"), seed=a.seed, headers=headers)
    print("%s\t%d\t%s" % (s3url(bucket, key), size, etag))


def join_prefix(prefix, rest):
    prefix = prefix.rstrip("/")
    return "%s/%s" % (prefix, rest) if prefix else rest


def cmd_load(a):
    words = list(a.args)
    count = a.count
    if count is None:
        if len(words) != 3:
            raise Failure("usage: load BUCKET PREFIX COUNT [--big SIZE]")
        count = words.pop()
    if len(words) == 1 and words[0].startswith("s3://"):
        bucket, prefix = parse_url(words, want_key=False)
    elif len(words) == 2:
        bucket, prefix = words
    else:
        raise Failure("usage: load BUCKET PREFIX COUNT [--big SIZE]")
    try:
        count = int(count)
    except ValueError:
        raise Failure("COUNT must be a number, not %r" % count)
    exts = [e.strip().lstrip(".").lower() for e in (a.ext or ",".join(DEFAULT_EXTS)).split(",")
            if e.strip()]
    lo, hi = 1024, 64 * 1024
    if a.size_range:
        m = re.fullmatch(r"([^-]+)-([^-]+)", a.size_range)
        if not m:
            raise Failure("bad --size-range %r (expected MIN-MAX)" % a.size_range)
        lo, hi = parse_size(m.group(1)), parse_size(m.group(2))
        if lo > hi:
            raise Failure("bad --size-range %r: MIN > MAX" % a.size_range)
    width = max(4, len(str(count)))
    jobs = []
    for i in range(1, count + 1):
        ext = exts[(i - 1) % len(exts)]
        folder, stem = LAYOUT.get(ext, ("files", "file"))
        key = join_prefix(prefix, "%s/%s-%0*d.%s" % (folder, stem, width, i, ext))
        size = random.Random("size:" + key).randint(lo, hi)
        jobs.append((key, size))

    total = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as ex:
        futs = [ex.submit(put_object, bucket, k, s) for k, s in jobs]
        for f in futs:
            f.result()
        total = sum(s for _, s in jobs)
        if a.big is not None:
            big = parse_size(a.big)
            key = join_prefix(prefix, "videos/big-%0*d.mp4" % (width, 0))
            put_object(bucket, key, big, pool=ex)
            total += big
            count += 1
    print("loaded %d objects (%d bytes) into %s" % (count, total, s3url(bucket, prefix)))


def cmd_ls(a):
    bucket, prefix = parse_url(a.args, want_key=False)
    out = sys.stdout
    for o in iter_objects(bucket, prefix):
        out.write("%s\t%d\t%s\n" % (o["Key"], o["Size"], o.get("ETag", "").strip('"')))


def cmd_count(a):
    bucket, prefix = parse_url(a.args, want_key=False)
    print(sum(1 for _ in iter_objects(bucket, prefix)))


def cmd_head(a):
    bucket, key = parse_url(a.args, want_key=True)
    print(json.dumps(head_info(bucket, key), indent=2, sort_keys=True))


def cmd_md5(a):
    bucket, key = parse_url(a.args, want_key=True)
    print(md5_of(bucket, key, getattr(a, "version_id", None))[0])


def iter_versions(bucket, prefix):
    pages = client().get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix)
    for page in pages:
        # boto3 returns versions and markers as two lists, each in the server's
        # order: per key, a latest marker first, then the versions, then the
        # older markers (a stable sort keeps the versions' own order)
        both = [(v, "version") for v in page.get("Versions", []) or []]
        both += [(d, "marker") for d in page.get("DeleteMarkers", []) or []]
        both.sort(key=lambda e: (e[0]["Key"], 0 if e[0].get("IsLatest") else
                                 1 if e[1] == "version" else 2))
        for e in both:
            yield e


def cmd_versioning(a):
    for b in a.buckets:
        client().put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        print("versioned %s" % b)


def cmd_versions(a):
    bucket, prefix = parse_url(a.args, want_key=False)
    for v, kind in iter_versions(bucket, prefix):
        sys.stdout.write("%s\t%s\t%d\t%s\t%s\t%s\n" % (
            v["Key"], v["VersionId"], v.get("Size", 0), v.get("ETag", "").strip('"'),
            "latest" if v.get("IsLatest") else "-", kind))


def cmd_same(a):
    if len(a.args) != 2 or not all(x.startswith("s3://") for x in a.args):
        raise Failure("usage: same s3://A/KEY s3://B/KEY")
    (b1, k1), (b2, k2) = parse_url([a.args[0]], True), parse_url([a.args[1]], True)
    i1, i2 = head_info(b1, k1), head_info(b2, k2)
    diffs = []
    for field in ("ContentType", "Metadata", "Tags"):
        if i1[field] != i2[field]:
            diffs.append("%s: %s != %s" % (field, json.dumps(i1[field], sort_keys=True),
                                           json.dumps(i2[field], sort_keys=True)))
    if i1["ContentLength"] != i2["ContentLength"]:
        diffs.append("ContentLength: %s != %s" % (i1["ContentLength"], i2["ContentLength"]))
    else:
        (m1, n1), (m2, n2) = md5_of(b1, k1), md5_of(b2, k2)
        if m1 != m2 or n1 != n2:
            diffs.append("bytes: md5 %s (%d bytes) != md5 %s (%d bytes)" % (m1, n1, m2, n2))
    if diffs:
        for d in diffs:
            print(d)
        raise Failure("%s and %s differ (%d difference%s)" % (
            a.args[0], a.args[1], len(diffs), "" if len(diffs) == 1 else "s"))
    print("same\t%s\t%s" % (a.args[0], a.args[1]))


CONTENT_HEADERS = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding",
                   "ContentLanguage", "Expires", "WebsiteRedirectLocation")


def full_info(bucket, key):
    """What a copy must carry over: content headers, metadata, tags, size, md5."""
    h = client().head_object(Bucket=bucket, Key=key)
    out = {k: h.get(k) for k in CONTENT_HEADERS}
    if out["Expires"] is not None:
        out["Expires"] = str(out["Expires"])
    out["Metadata"] = h.get("Metadata", {})
    out["Tags"] = get_tags(bucket, key)
    out["md5"], out["ContentLength"] = md5_of(bucket, key)
    return out


def cmd_same_tree(a):
    if len(a.args) != 2 or not all(x.startswith("s3://") for x in a.args):
        raise Failure("usage: same-tree s3://A/PREFIX s3://B/PREFIX")
    (b1, p1), (b2, p2) = parse_url([a.args[0]], False), parse_url([a.args[1]], False)
    left = {o["Key"][len(p1):] for o in iter_objects(b1, p1)}
    right = {o["Key"][len(p2):] for o in iter_objects(b2, p2)}
    if a.missing_ok:
        for k in sorted(left - right):
            print("missing\t%s" % k)
        diffs = []
    else:
        diffs = ["missing: %s" % s3url(b2, p2 + k) for k in sorted(left - right)]
    diffs += ["extra: %s" % s3url(b2, p2 + k) for k in sorted(right - left)]

    def compare(rest):
        i1, i2 = full_info(b1, p1 + rest), full_info(b2, p2 + rest)
        return ["%s: %s: %s != %s" % (s3url(b2, p2 + rest), f,
                                      json.dumps(i1[f], sort_keys=True),
                                      json.dumps(i2[f], sort_keys=True))
                for f in sorted(i1) if i1[f] != i2[f]]

    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as ex:
        for d in ex.map(compare, sorted(left & right)):
            diffs += d
    if diffs:
        for d in diffs:
            print(d)
        raise Failure("%s and %s differ (%d difference%s)" % (
            a.args[0], a.args[1], len(diffs), "" if len(diffs) == 1 else "s"))
    print("same-tree\t%s\t%s\t%d objects" % (a.args[0], a.args[1], len(left & right)))


def cmd_uploads(a):
    bucket, prefix = parse_url(a.args, want_key=False)
    print(len(list_uploads(bucket, prefix)))


def cmd_empty(a):
    bucket, prefix = parse_url(a.args, want_key=False)
    n = empty_prefix(bucket, prefix)
    print("deleted %d objects from %s" % (n, s3url(bucket, prefix)))


def cmd_rm(a):
    for u in a.urls:
        bucket, key = parse_url([u], want_key=True)
        client().delete_object(Bucket=bucket, Key=key)
        print("deleted %s" % s3url(bucket, key))


def cmd_putkeys(a):
    text = sys.stdin.read() if a.file == "-" else open(a.file, encoding="utf-8").read()
    keys = json.loads(text)
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise Failure("%s: expected a JSON array of non-empty strings" % a.file)
    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as ex:
        for f in [ex.submit(client().put_object, Bucket=a.bucket, Key=k,
                            Body=small_content(k, 16)) for k in keys]:
            f.result()
    print("put %d objects into %s" % (len(keys), s3url(a.bucket, "")))


def cmd_keys(a):
    bucket, prefix = parse_url(a.args, want_key=False)
    print(json.dumps(sorted(o["Key"] for o in iter_objects(bucket, prefix))))


def cmd_batch(a):
    lines = [shlex.split(l, comments=True) for l in open(a.file, encoding="utf-8")]
    cmds = [build_parser().parse_args(w) for w in lines if w]

    def run(c):
        try:
            c.fn(c)
            return None
        except Exception as e:
            return "%s: %s" % (" ".join(shlex.quote(x) for x in c.args), e)

    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as ex:
        errors = [e for e in ex.map(run, cmds) if e]
    if errors:
        raise Failure("; ".join(errors))


def build_parser():
    p = argparse.ArgumentParser(prog="s3check", description=__doc__.split("\n")[0],
                                epilog=__doc__.split("\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("mb", help="create buckets")
    s.add_argument("buckets", nargs="+")
    s.set_defaults(fn=cmd_mb)
    s = sub.add_parser("rb", help="delete buckets with everything in them")
    s.add_argument("buckets", nargs="+")
    s.set_defaults(fn=cmd_rb)
    s = sub.add_parser("put", help="put an object of SIZE pseudo-random bytes")
    s.add_argument("args", nargs="+", metavar="s3://B/KEY SIZE")
    s.add_argument("--size")
    s.add_argument("--content-type")
    s.add_argument("--meta", action="append", metavar="K=V")
    s.add_argument("--tag", action="append", metavar="K=V")
    s.add_argument("--seed", help="seed of the content (default: the key)")
    s.add_argument("--header", action="append", metavar="NAME=V",
                   help="a content header: CacheControl, ContentDisposition, "
                        "ContentEncoding, ContentLanguage")
    s.set_defaults(fn=cmd_put)
    s = sub.add_parser("load", help="put many small objects of mixed types")
    s.add_argument("args", nargs="+", metavar="BUCKET PREFIX COUNT")
    s.add_argument("--count", type=int)
    s.add_argument("--big", metavar="SIZE")
    s.add_argument("--ext", help="comma-separated extensions (default %s)" % ",".join(DEFAULT_EXTS))
    s.add_argument("--size-range", metavar="MIN-MAX", help="default 1KiB-64KiB")
    s.set_defaults(fn=cmd_load)
    for name, fn, hlp in (("ls", cmd_ls, "list key, size, etag"),
                          ("count", cmd_count, "count objects"),
                          ("uploads", cmd_uploads, "count in-progress multipart uploads"),
                          ("empty", cmd_empty, "delete all objects under a prefix")):
        s = sub.add_parser(name, help=hlp)
        s.add_argument("args", nargs="+", metavar="s3://B/PREFIX")
        s.set_defaults(fn=fn)
    for name, fn, hlp in (("head", cmd_head, "object properties as JSON"),
                          ("md5", cmd_md5, "md5 of the object's bytes")):
        s = sub.add_parser(name, help=hlp)
        s.add_argument("args", nargs="+", metavar="s3://B/KEY")
        if name == "md5":
            s.add_argument("--version-id", help="that version's bytes")
        s.set_defaults(fn=fn)
    s = sub.add_parser("versioning", help="turn versioning on")
    s.add_argument("buckets", nargs="+")
    s.set_defaults(fn=cmd_versioning)
    s = sub.add_parser("versions", help="list versions and delete markers")
    s.add_argument("args", nargs="+", metavar="s3://B/PREFIX")
    s.set_defaults(fn=cmd_versions)
    s = sub.add_parser("same", help="compare two objects")
    s.add_argument("args", nargs=2, metavar="s3://B/KEY")
    s.set_defaults(fn=cmd_same)
    s = sub.add_parser("same-tree", help="compare every object under two prefixes")
    s.add_argument("args", nargs=2, metavar="s3://B/PREFIX")
    s.add_argument("--missing-ok", action="store_true",
                   help="objects missing under the second prefix are named, not differences")
    s.set_defaults(fn=cmd_same_tree)
    s = sub.add_parser("putkeys", help="put small objects under keys read from a JSON array")
    s.add_argument("bucket")
    s.add_argument("file")
    s.set_defaults(fn=cmd_putkeys)
    s = sub.add_parser("keys", help="every key under a prefix as a JSON array")
    s.add_argument("args", nargs="+", metavar="s3://B/PREFIX")
    s.set_defaults(fn=cmd_keys)
    s = sub.add_parser("batch", help="run the commands of FILE, one per line, in parallel")
    s.add_argument("file")
    s.set_defaults(fn=cmd_batch)
    s = sub.add_parser("rm", help="delete objects")
    s.add_argument("urls", nargs="+", metavar="s3://B/KEY")
    s.set_defaults(fn=cmd_rm)
    return p


def main(argv=None):
    a = build_parser().parse_args(argv)
    try:
        a.fn(a)
    except Failure as e:
        sys.stdout.flush()
        print("s3check %s: %s" % (a.cmd, e), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as e:  # botocore ClientError, connection errors, ...
        sys.stdout.flush()
        code = err_code(e)
        print("s3check %s: %s%s" % (a.cmd, "%s: " % code if code else "", e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
