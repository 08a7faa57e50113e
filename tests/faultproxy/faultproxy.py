#!/usr/bin/python3
"""faultproxy - an HTTP/1.1 reverse proxy that injects S3 faults, for tests.

Why: s3engine must survive servers that throttle, fail, drop connections, cut
responses short, stall, or send listings that loop or lie (issue #9). radosgw
does none of that on its own, so tests put this proxy between s3engine and
radosgw and choose, with a seed, which requests get which fault. Every request
is logged with the fault it got, one line each, so tests can assert on it.

The proxy relays requests byte for byte, Host header included: s3engine signs
the host it connects to (the proxy's address) and radosgw verifies the
signature with the Host it receives, so nothing is re-signed. Keep-alive is
kept on both sides (one upstream connection per client connection).
Path-style addressing is assumed when naming S3 operations.

Python 3 standard library only (asyncio). Run with --help for the options.
"""

import argparse
import asyncio
import email.utils
import hashlib
import json
import os
import re
import shlex
import signal
import socket
import struct
import sys
import time
import urllib.parse

from archive import Archive, with_headers
from checksums import ALGORITHMS, Checksums, Upstream, error_xml
from sse_s3 import SseS3
from ssec_copy import SsecCopy

LIMIT = 4 * 1024 * 1024  # longest header block read from either side
CHUNK = 64 * 1024
REPEAT_TOKEN = "faultproxy-repeat"
REWIND_TOKEN = "faultproxy-rewind-"

# kind -> what it does (shown in --help)
KINDS = {
    "slowdown": "answer 503 SlowDown (S3 XML error body); not forwarded",
    "internal": "answer 500 InternalError; not forwarded",
    "expired-token": "answer 400 ExpiredToken (temporary credentials expired); not forwarded",
    "expired-denied": "answer 403 AccessDenied with an empty message, as radosgw 16 answers a "
                      "session token past its expiry; not forwarded (chosen by "
                      "--expire-tokens only)",
    "reset-before": "reset the connection (RST) before any response; not forwarded",
    "reset-after": "forward, read the whole response, then reset the client connection "
                   "(the server did the work, the client sees a reset)",
    "cut-headers": "forward, send the status line and the first header lines "
                   "(--cut-headers-keep), then close",
    "cut-body": "forward, send the headers and half the body, then close "
                "(GET, POST, and PUT copies)",
    "error-in-200": "answer 200 with an <Error> body; not forwarded (CopyObject, "
                    "UploadPartCopy, CompleteMultipartUpload)",
    "delay": "wait --delay seconds, then forward",
    "silent": "read the request and never answer (until the client closes)",
    "drip": "forward, then send the response at --drip-bps bytes per second",
    "repeat-token": "ListObjectsV2: the page says IsTruncated with continuation token "
                    "'%s'; every request with that token gets the same page again, "
                    "forever" % REPEAT_TOKEN,
    "rewind-token": "ListObjectsV2: the page says IsTruncated with a new token "
                    "'%sN' each time; every request with such a token gets the same "
                    "first page again (the tokens change, the keys do not advance)"
                    % REWIND_TOKEN,
    "negative-size": "ListObjectsV2: the first <Size> becomes --negative-size",
    "doctype": "ListObjectsV2: a DOCTYPE with an entity; the first <Key>'s name after "
               "its last '/' is written as the entity &fp; (a parser that does not "
               "expand it reads the folder's key instead)",
    "big-header": "forward, add a response header of --big-header-bytes bytes",
    "precondition": "answer 412 PreconditionFailed, as AWS does to a copy whose "
                    "x-amz-copy-source-if-match (or a GetObject whose If-Match) is not the "
                    "source's ETag (the source changed); not forwarded (CopyObject, "
                    "UploadPartCopy, GetObject that carry the header)",
    "kms-etag": "forward, then give every MD5 ETag of the answer (ETag header, <ETag> of "
                "listings and copy results) another 32 hex digits, as AWS does for objects "
                "encrypted with SSE-KMS, and say aws:kms in HEAD and GET answers (pick the "
                "bucket with --path)",
    "archived": "answer 403 InvalidObjectState, as AWS does to a copy of an object in "
                "GLACIER or DEEP_ARCHIVE that is not restored; not forwarded (CopyObject, "
                "UploadPartCopy; pick the keys with --path)",
}
ALIASES = {"503": "slowdown", "500": "internal", "error200": "error-in-200",
           "reset": "reset-before", "stall": "silent"}
DEFAULT_KINDS = "slowdown,internal,reset-before,reset-after,cut-body,delay,error-in-200"
METHODS = ("HEAD", "GET", "PUT", "POST", "DELETE")
OPS = ("ListBuckets", "ListObjectsV2", "ListObjects", "ListMultipartUploads", "HeadBucket",
       "CreateBucket", "DeleteBucket", "DeleteObjects", "GetBucketLocation", "GetBucket",
       "HeadObject", "GetObject", "GetObjectTagging", "ListParts", "PutObject", "CopyObject",
       "UploadPart", "UploadPartCopy", "PutObjectTagging", "CreateMultipartUpload",
       "CompleteMultipartUpload", "AbortMultipartUpload", "DeleteObject",
       "DeleteObjectTagging")

HELP_EPILOG = """\
fault kinds (names for --kinds and --rate KIND=P; 503, 500, reset, stall are aliases):
%s

choosing faults:
  Each request that passes the filters (--only, --path, --after, --max-faults) draws a
  number from a hash of --seed, its method, its key and query (bucket name and upload
  id left out) and how many times the same came before (a retry draws again). So a
  seed gives the same faults whatever order concurrent requests arrive in, and in
  runs whose bucket names differ. With --rate P the request is faulted
  with probability P, the kind picked evenly among the --kinds that apply to it
  (error-in-200 only to copies and completes, listing kinds only to ListObjectsV2,
  cut-body not to HEAD, DELETE and plain PUT). --rate KIND=P (repeatable) adds a kind
  with its own probability. --throttle-rps R answers SlowDown to requests beyond R per
  second (token bucket, burst --throttle-burst), before any other rule. --server-slots N
  serves N requests at a time, faulted or not, the rest waiting in arrival order (a
  server's op threads: with --rate delay=1 --only UploadPartCopy, small requests queue
  behind slow part copies); a client that gives up does not free its slot.
  --uploads-page N answers ListMultipartUploads in pages of N uploads (AWS's are 1000).

filters (--only, comma-separated, a request matching any item passes):
  HEAD GET PUT POST DELETE      the HTTP method
  CopyObject, HeadObject, ...   the S3 operation (%s)
  ?uploads ?partNumber ?list-type=2 ...   a query parameter (with =V: that value)
  copy                          has an x-amz-copy-source header
  --path REGEX                  the request target (path?query, as sent) must match

control while running:
  http://127.0.0.1:CONTROL_PORT/
    GET  /config       the fault settings (JSON)
    POST /config       body: fault options (as on this command line, e.g.
                       "--rate 0.3 --kinds 503,500 --seed 7"); they replace the
                       current fault settings (unset options take their defaults)
    GET  /stats        counts of requests, faults by kind, operations (JSON)
  --control-file FILE  fault options read from FILE (shell words, # comments) at start
                       and whenever it changes (checked twice a second); SIGHUP re-reads it

log (--log FILE, default stderr; one line per request, flushed):
  TIME c=CONN n=SEQ METHOD TARGET op=OPERATION fault=KIND status=CODE|- up=yes|no ms=N
  fault=none when none; status=- when the client got no status line; up=yes when the
  request reached the server. A line is written when the answer is complete, except
  for silent: when the request arrives.

archived objects (--archive REGEX: radosgw has no archive tier):
  objects whose "bucket/key" matches are in --archive-class, not restored. A copy of one
  (CopyObject, UploadPartCopy) and GetObject get 403 InvalidObjectState until restored;
  RestoreObject (POST ?restore) gets 202 when it starts a restore, 409
  RestoreAlreadyInProgress while it runs (--restore-seconds), 200 once done, and is
  logged as a line "RestoreObject /bucket/key days=N tier=T status=S"; HeadObject gets
  x-amz-storage-class and x-amz-restore (ongoing-request="true", then "false" with an
  expiry-date); ListObjectsV2 shows their <StorageClass>. Then copies are relayed. Restores asked for outlive new settings.
  With --archive-status (ARCHIVE_ACCESS, DEEP_ARCHIVE_ACCESS; --archive-class
  INTELLIGENT_TIERING) they are in an archive tier of Intelligent-Tiering: HeadObject adds
  x-amz-archive-status until restored, RestoreObject with Days (or Tier Expedited) gets 400
  InvalidArgument, and a finished restore has no expiry-date.

additional checksums (--checksums: radosgw 16 keeps none): the proxy keeps a checksum per
  object, computed from the server's bytes (signed GETs with AWS_ACCESS_KEY_ID and
  AWS_SECRET_ACCESS_KEY), and answers as AWS does: HeadObject with x-amz-checksum-mode
  ENABLED gets x-amz-checksum-<alg> and x-amz-checksum-type; CopyObject, UploadPartCopy,
  CompleteMultipartUpload results get Checksum<ALG>; x-amz-checksum-algorithm (and
  x-amz-checksum-type) on CopyObject and CreateMultipartUpload pick the algorithm; a
  COMPOSITE upload's CompleteMultipartUpload must name every part's checksum (else 400
  InvalidRequest, not forwarded) and the object's checksum is then the checksum of the
  part checksums, "-N". Objects not written through the proxy have --checksum-default.
  See tests/faultproxy/checksums.py.

SSE-S3 (--sse-s3: radosgw 16 has none): as on AWS since 2023, every object is encrypted
  with SSE-S3 unless SSE-KMS or SSE-C was asked for: HEAD, GET and write answers without
  another encryption say x-amz-server-side-encryption: AES256; each write that asks for
  AES256 is logged as a line "SSE-S3 OPERATION /bucket/key". See tests/faultproxy/sse_s3.py.

SSE-C copies (--ssec-copy: radosgw 16 answers a CopyObject from an SSE-C source 501 and
  reads UploadPartCopy's source with the part's key): CopyObject and UploadPartCopy with
  a copy-source customer key are made by the proxy as AWS makes them (GET with the
  source's key, PUT or UploadPart with the destination's), each logged as a line
  "SSE-C OPERATION /bucket/key". See tests/faultproxy/ssec_copy.py.

startup: prints "faultproxy PORT CONTROL_PORT" on stdout when listening (and writes
the same line to --ready-file, atomically). SIGTERM/SIGINT stop it.

example:
  faultproxy.py --upstream http://127.0.0.1:7480 --seed 1 --rate 0.1 \\
      --kinds 503,500,reset-before,delay,error-in-200 --log proxy.log
  s3engine --endpoint http://127.0.0.1:PORT plan.lua
""" % ("\n".join("  %-14s %s" % (k, v) for k, v in KINDS.items()), ", ".join(OPS[:8]) + ", ...")


# ---------------------------------------------------------------------------
# settings

def fault_args(p):
    g = p.add_argument_group("faults (also accepted by the control interface)")
    g.add_argument("--seed", default="0", help="seed of the fault choices (default 0)")
    g.add_argument("--rate", action="append", default=[], metavar="P|KIND=P",
                   help="P: probability that a request is faulted, kind from --kinds; "
                        "KIND=P: that kind with probability P (repeatable)")
    g.add_argument("--kinds", default=DEFAULT_KINDS,
                   help="kinds used by --rate P (default %s)" % DEFAULT_KINDS)
    g.add_argument("--only", default="", metavar="SPEC,...",
                   help="fault only requests matching one of these (see filters)")
    g.add_argument("--path", default="", metavar="REGEX",
                   help="fault only requests whose target matches REGEX")
    g.add_argument("--after", type=int, default=0, metavar="N",
                   help="let the first N requests that pass the filters through")
    g.add_argument("--max-faults", type=int, default=0, metavar="N",
                   help="inject at most N faults (0: no limit; throttle not counted)")
    g.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                   help="delay of the delay fault (default 1)")
    g.add_argument("--drip-bps", type=float, default=4.0, metavar="N",
                   help="bytes per second of the drip fault (default 4)")
    g.add_argument("--cut-headers-keep", type=int, default=-1, metavar="N",
                   help="header lines kept after the status line by cut-headers "
                        "(default: half of them)")
    g.add_argument("--big-header-bytes", type=int, default=1024 * 1024, metavar="N",
                   help="size of the big-header fault's header (default 1048576)")
    g.add_argument("--negative-size", type=int, default=-5, metavar="N",
                   help="the <Size> written by negative-size (default -5)")
    g.add_argument("--throttle-rps", type=float, default=0.0, metavar="R",
                   help="SlowDown beyond R requests per second (0: off)")
    g.add_argument("--uploads-page", type=int, default=0, metavar="N",
                   help="ListMultipartUploads answers hold at most N uploads, truncated "
                        "with the next page's markers as AWS pages them (radosgw answers "
                        "the next page's request itself); 0: as the server answers")
    g.add_argument("--server-slots", type=int, default=0, metavar="N",
                   help="serve at most N requests at once, the others waiting in "
                        "arrival order, as a server with N op threads does (the delay "
                        "fault's wait holds a slot); 0: no limit")
    g.add_argument("--throttle-burst", type=float, default=0.0, metavar="B",
                   help="token bucket size (default R)")
    g.add_argument("--archive", default="", metavar="REGEX",
                   help="objects whose bucket/key matches REGEX are archived, answered as "
                        "AWS does (see archived objects below)")
    g.add_argument("--archive-class", default="GLACIER", metavar="CLASS",
                   help="their storage class (default GLACIER)")
    g.add_argument("--archive-status", default="", metavar="STATUS",
                   choices=("", "ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"),
                   help="with --archive-class INTELLIGENT_TIERING: the archive tier, "
                        "ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS (see archived objects below)")
    g.add_argument("--restore-seconds", type=float, default=0.0, metavar="S",
                   help="a restore of an archived object finishes S seconds after "
                        "RestoreObject (default 0)")
    g.add_argument("--checksums", action="store_true",
                   help="keep S3's additional checksums (x-amz-checksum-*) and answer as AWS "
                        "does (see checksums below)")
    g.add_argument("--checksum-default", default="CRC64NVME", metavar="ALG|none",
                   help="the checksum of objects not written through the proxy (default "
                        "CRC64NVME, which AWS adds to objects uploaded without one)")
    g.add_argument("--checksum-corrupt", default="", metavar="REGEX",
                   help="objects whose bucket/key matches REGEX show a wrong checksum")
    g.add_argument("--sse-s3", action="store_true",
                   help="objects are encrypted with SSE-S3 unless SSE-KMS or SSE-C, as on AWS "
                        "since 2023 (see SSE-S3 below)")
    g.add_argument("--expire-tokens", action="store_true",
                   help="a request whose x-amz-security-token ends in -expEPOCH "
                        "(aws_standin.py --dated-tokens) at or after that second is answered "
                        "expired-denied, before any other fault")
    g.add_argument("--ssec-copy", action="store_true",
                   help="copies from an SSE-C source made server-side, to any key or none, "
                        "as AWS makes them (see SSE-C copies below)")


def kind_name(k):
    k = k.strip().lower()
    k = ALIASES.get(k, k)
    if k not in KINDS:
        raise ValueError("unknown fault kind %r (kinds: %s)" % (k, ", ".join(KINDS)))
    return k


class Faults:
    """Fault settings, built from parsed fault options; raises ValueError if bad."""

    def __init__(self, a):
        self.seed = str(a.seed)
        self.kinds = [kind_name(k) for k in a.kinds.split(",") if k.strip()]
        self.total = 0.0
        self.per_kind = {}
        for r in a.rate:
            k, sep, p = r.rpartition("=")
            p = float(p)
            if not 0.0 <= p <= 1.0:
                raise ValueError("rate %r is not between 0 and 1" % r)
            if sep:
                self.per_kind[kind_name(k)] = p
            else:
                self.total = p
        self.only = [s.strip() for s in a.only.split(",") if s.strip()]
        for s in self.only:
            if not (s.upper() in METHODS or s in OPS or s.startswith("?") or s == "copy"):
                raise ValueError("unknown --only item %r" % s)
        self.path = re.compile(a.path) if a.path else None
        self.after = a.after
        self.max_faults = a.max_faults
        self.delay = a.delay
        self.drip_bps = max(a.drip_bps, 0.001)
        self.cut_keep = a.cut_headers_keep
        self.big_header = a.big_header_bytes
        self.negative_size = a.negative_size
        self.throttle_rps = a.throttle_rps
        self.throttle_burst = a.throttle_burst or a.throttle_rps
        self.server_slots = max(a.server_slots, 0)
        self.uploads_page = max(a.uploads_page, 0)
        self.archive = re.compile(a.archive) if a.archive else None
        self.archive_class = a.archive_class
        self.archive_status = a.archive_status
        self.restore_seconds = a.restore_seconds
        self.checksums = a.checksums
        self.expire_tokens = a.expire_tokens
        self.checksum_default = a.checksum_default.upper()
        if self.checksum_default not in ALGORITHMS + ("NONE",):
            raise ValueError("--checksum-default %r is not one of %s or none"
                             % (a.checksum_default, ", ".join(ALGORITHMS)))
        self.checksum_corrupt = re.compile(a.checksum_corrupt) if a.checksum_corrupt else None
        self.sse_s3 = a.sse_s3
        self.ssec_copy = a.ssec_copy
        self.args = a

    def describe(self):
        d = {k: v for k, v in vars(self.args).items()}
        d["kinds"] = self.kinds
        return d


def fault_parser():
    p = argparse.ArgumentParser(prog="faultproxy-control", add_help=False)
    fault_args(p)
    return p


def parse_faults(words):
    p = fault_parser()
    try:
        a = p.parse_args(words)
    except SystemExit:
        raise ValueError("bad fault options: %s" % " ".join(words))
    return Faults(a)


# ---------------------------------------------------------------------------
# requests

class Request:
    def __init__(self, head, body):
        self.head = head  # raw bytes up to and including the blank line
        self.body = body  # raw bytes as sent (chunked framing kept)
        lines = head[:-4].split(b"\r\n")
        parts = lines[0].decode("latin-1").split(" ")
        if len(parts) != 3:
            raise ValueError("bad request line")
        self.method, self.target, self.version = parts
        self.headers = []
        for ln in lines[1:]:
            name, _, value = ln.decode("latin-1").partition(":")
            self.headers.append((name.strip().lower(), value.strip()))
        path, _, q = self.target.partition("?")
        self.path = path
        self.query = urllib.parse.parse_qs(q, keep_blank_values=True)
        self.op = classify(self)

    def header(self, name):
        for n, v in self.headers:
            if n == name:
                return v
        return None

    def wants_close(self):
        c = (self.header("connection") or "").lower()
        return "close" in c or (self.version == "HTTP/1.0" and "keep-alive" not in c)


def classify(r):
    """The S3 operation of a path-style request."""
    q, m = r.query, r.method
    segs = r.path.lstrip("/").split("/", 1)
    bucket = segs[0]
    key = segs[1] if len(segs) > 1 else ""
    copy = r.header("x-amz-copy-source") is not None
    if not bucket:
        return "ListBuckets" if m == "GET" else "Service"
    if not key:
        if m == "GET":
            if q.get("list-type") == ["2"]:
                return "ListObjectsV2"
            if "uploads" in q:
                return "ListMultipartUploads"
            if "location" in q:
                return "GetBucketLocation"
            if len([k for k in q if k not in ("prefix", "marker", "delimiter", "max-keys",
                                              "encoding-type")]) == 0:
                return "ListObjects"
            return "GetBucket"
        if m == "POST" and "delete" in q:
            return "DeleteObjects"
        return {"HEAD": "HeadBucket", "PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(m, m)
    if m == "HEAD":
        return "HeadObject"
    if m == "GET":
        if "tagging" in q:
            return "GetObjectTagging"
        if "uploadId" in q:
            return "ListParts"
        return "GetObject"
    if m == "PUT":
        if "tagging" in q:
            return "PutObjectTagging"
        if "partNumber" in q and "uploadId" in q:
            return "UploadPartCopy" if copy else "UploadPart"
        return "CopyObject" if copy else "PutObject"
    if m == "POST":
        if "uploads" in q:
            return "CreateMultipartUpload"
        if "uploadId" in q:
            return "CompleteMultipartUpload"
        return "PostObject"
    if m == "DELETE":
        if "uploadId" in q:
            return "AbortMultipartUpload"
        if "tagging" in q:
            return "DeleteObjectTagging"
        return "DeleteObject"
    return m


def draw_identity(r):
    """What a request's fault draw hashes: method, key below the bucket and query
    without the upload id, so that runs with other bucket names (tests add their
    pid) or other upload ids draw the same faults."""
    key = r.path.lstrip("/").partition("/")[2]
    q = re.sub(r"(^|&)uploadId=[^&]*", r"\1uploadId", r.target.partition("?")[2])
    return "%s %s?%s" % (r.method, key, q)


LISTING_KINDS = ("repeat-token", "rewind-token", "negative-size", "doctype")


def eligible(kind, r):
    if kind == "precondition":
        return ((r.op in ("CopyObject", "UploadPartCopy") and
                 r.header("x-amz-copy-source-if-match") is not None) or
                (r.op == "GetObject" and r.header("if-match") is not None))
    if kind == "archived":
        return r.op in ("CopyObject", "UploadPartCopy")
    if kind == "error-in-200":
        return r.op in ("CopyObject", "UploadPartCopy", "CompleteMultipartUpload")
    if kind in LISTING_KINDS:
        return r.op == "ListObjectsV2"
    if kind == "cut-body":
        return r.method in ("GET", "POST") or (r.method == "PUT" and
                                              r.header("x-amz-copy-source") is not None)
    return True


def matches(spec, r):
    if spec.upper() in METHODS:
        return r.method == spec.upper()
    if spec in OPS:
        return r.op == spec
    if spec == "copy":
        return r.header("x-amz-copy-source") is not None
    if spec.startswith("?"):
        name, sep, value = spec[1:].partition("=")
        if name not in r.query:
            return False
        return not sep or value in r.query[name]
    return False


# ---------------------------------------------------------------------------
# HTTP framing

class Closed(Exception):
    """The peer closed the connection (before a complete message)."""


async def read_head(reader):
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        raise Closed(len(e.partial))
    except asyncio.LimitOverrunError:
        raise ValueError("header block too large")


async def read_chunked_raw(reader, sink):
    """Relay a chunked body raw to sink(bytes) (awaitable); returns when complete."""
    try:
        while True:
            line = await reader.readuntil(b"\r\n")
            await sink(line)
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers up to the blank line
                    t = await reader.readuntil(b"\r\n")
                    await sink(t)
                    if t == b"\r\n":
                        return
            left = size + 2
            while left:
                b = await reader.read(min(left, CHUNK))
                if not b:
                    raise Closed(0)
                left -= len(b)
                await sink(b)
    except asyncio.IncompleteReadError:
        raise Closed(0)


def dechunk(raw):
    out = bytearray()
    pos = 0
    while True:
        eol = raw.index(b"\r\n", pos)
        size = int(raw[pos:eol].split(b";", 1)[0].strip() or b"0", 16)
        pos = eol + 2
        if size == 0:
            return bytes(out)
        out += raw[pos:pos + size]
        pos += size + 2


def header_value(lines, name):
    name = name.encode("latin-1") if isinstance(name, str) else name
    for ln in lines[1:]:
        n, _, v = ln.partition(b":")
        if n.strip().lower() == name:
            return v.strip().decode("latin-1")
    return None


class Response:
    def __init__(self, head):
        self.head = head
        self.lines = head[:-4].split(b"\r\n")
        parts = self.lines[0].split(b" ", 2)
        self.status = int(parts[1])
        self.version = parts[0].decode("latin-1")

    def header(self, name):
        return header_value(self.lines, name)

    def framing(self, method):
        """'none', 'chunked', 'length' or 'eof'."""
        if method == "HEAD" or self.status in (204, 304) or 100 <= self.status < 200:
            return "none"
        if "chunked" in (self.header("transfer-encoding") or "").lower():
            return "chunked"
        if self.header("content-length") is not None:
            return "length"
        return "eof"

    def closes(self):
        c = (self.header("connection") or "").lower()
        return "close" in c or (self.version == "HTTP/1.0" and "keep-alive" not in c)


def build_head(status_line, headers):
    out = [status_line] + ["%s: %s" % (n, v) for n, v in headers]
    return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")


def rebuild(resp, body, extra=None):
    """resp's head with Content-Length for body (Transfer-Encoding dropped) + body."""
    keep = []
    for ln in resp.lines[1:]:
        n = ln.partition(b":")[0].strip().lower()
        if n in (b"content-length", b"transfer-encoding"):
            continue
        keep.append(ln)
    keep.append(b"Content-Length: %d" % len(body))
    if extra:
        keep.append(extra)
    return b"\r\n".join([resp.lines[0]] + keep) + b"\r\n\r\n" + body


MD5_ETAG = re.compile(rb'((?:ETag>|ETag: )(?:&quot;|"|&#34;)?)([0-9a-f]{32})(?=&quot;|"|&#34;|<|\r)',
                      re.IGNORECASE)


def kms_etags(data):
    """Every quoted 32-hex ETag in data replaced by another one derived from it:
    an SSE-KMS object's ETag on AWS is not the MD5 of its bytes."""
    return MD5_ETAG.sub(lambda m: m.group(1) + hashlib.md5(b"kms:" + m.group(2)).hexdigest()
                        .encode(), data)


def token_expired(r):
    """1 when the request's session token names its expiry (-expEPOCH) and that is past."""
    m = re.search(r"-exp(\d+)$", r.header("x-amz-security-token") or "")
    return m is not None and time.time() >= int(m.group(1))


def error_response(r, status, reason, code, message, n):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s'
            '</Message><Resource>%s</Resource><RequestId>faultproxy-%d</RequestId></Error>'
            % (code, message, r.path, n)).encode()
    head = build_head("HTTP/1.1 %d %s" % (status, reason), [
        ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
        ("x-amz-request-id", "faultproxy-%d" % n),
        ("Date", email.utils.formatdate(usegmt=True)), ("Connection", "keep-alive")])
    return head if r.method == "HEAD" else head + body


# ---------------------------------------------------------------------------
# listing rewrites

def rewrite_listing(kind, body, cfg, request_token, next_token=REPEAT_TOKEN):
    text = body.decode("utf-8", "surrogateescape")
    if kind in ("repeat-token", "rewind-token"):
        text = re.sub(r"<IsTruncated>\w+</IsTruncated>", "<IsTruncated>true</IsTruncated>", text)
        if "<IsTruncated>" not in text:
            text = text.replace("</ListBucketResult>",
                                "<IsTruncated>true</IsTruncated></ListBucketResult>")
        tok = "<NextContinuationToken>%s</NextContinuationToken>" % next_token
        if "<NextContinuationToken>" in text:
            text = re.sub(r"<NextContinuationToken>[^<]*</NextContinuationToken>", tok, text)
        else:
            text = text.replace("</ListBucketResult>", tok + "</ListBucketResult>")
        if request_token and "<ContinuationToken>" not in text:
            text = text.replace("<IsTruncated>", "<ContinuationToken>%s</ContinuationToken>"
                                "<IsTruncated>" % request_token, 1)
    elif kind == "negative-size":
        text = re.sub(r"<Size>\d+</Size>", "<Size>%d</Size>" % cfg.negative_size, text, count=1)
    elif kind == "doctype":
        m = re.search(r"<Key>([^<]*)</Key>", text)
        if m:
            key = m.group(1)  # url-encoded keys have %2F for /
            cut = max(key.rfind("/") + 1, key.upper().rfind("%2F") + 3, 0)
            folder, base = key[:cut], key[cut:]
            ent = (base or "faultproxy-entity").replace("%", "&#37;")
            text = text[:m.start()] + "<Key>%s&fp;</Key>" % folder + text[m.end():]
            dt = '<!DOCTYPE ListBucketResult [<!ENTITY fp "%s">]>' % ent
            decl = re.match(r"\s*<\?xml[^>]*\?>", text)
            at = decl.end() if decl else 0
            text = text[:at] + dt + text[at:]
    return text.encode("utf-8", "surrogateescape")


def page_uploads(body, n):
    """A ListMultipartUploadsResult cut to its first n uploads, truncated with the
    markers of the next page (the last upload kept), as AWS pages with max-uploads."""
    text = body.decode("utf-8", "surrogateescape")
    ups = list(re.finditer(r"<Upload>.*?</Upload>", text, re.S))
    if len(ups) <= n:
        return body
    last = ups[n - 1].group(0)
    marks = {"NextKeyMarker": re.search(r"<Key>(.*?)</Key>", last, re.S).group(1),
             "NextUploadIdMarker": re.search(r"<UploadId>(.*?)</UploadId>", last, re.S).group(1)}
    text = text[:ups[n].start()] + text[ups[-1].end():]
    text = re.sub(r"<IsTruncated>\w+</IsTruncated>", "", text)
    marks["IsTruncated"] = "true"
    for name, value in marks.items():
        text = re.sub(r"<%s>[^<]*</%s>|<%s\s*/>" % (name, name, name), "", text)
        text = text.replace("<Upload>", "<%s>%s</%s><Upload>" % (name, value, name), 1)
    return text.encode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------
# the proxy

class Proxy:
    def __init__(self, upstream_host, upstream_port, cfg, log):
        self.uhost = upstream_host
        self.uport = upstream_port
        self.cfg = cfg
        self.log = log
        self.conn_seq = 0
        self.req_seq = 0
        self.occurrences = {}
        self.matched = 0
        self.faults_done = 0
        self.tokens = 0.0
        self.tokens_at = time.monotonic()
        self.repeat_pages = {}
        self.rewind_pages = {}  # listing -> (response, body) of its first page
        self.rewinds = 0
        self.stats = {"requests": 0, "faults": {}, "ops": {}, "forwarded": 0}
        self.archive = Archive()  # restores asked for: kept across new settings
        self.sums = Checksums(Upstream(upstream_host, upstream_port))  # likewise
        # AWS behaviour radosgw lacks, in this order
        self.aws = (self.sums, SseS3(log), SsecCopy(Upstream(upstream_host, upstream_port), log))
        self.slots = None  # --server-slots: (N, its semaphore)

    def set_faults(self, cfg):
        self.cfg = cfg
        self.occurrences = {}  # new settings draw afresh: a seed repeats its faults
        self.matched = 0
        self.faults_done = 0
        self.tokens = cfg.throttle_burst
        self.tokens_at = time.monotonic()

    def slot_gate(self):
        """The semaphore of --server-slots (None: no limit); a new one when N changes
        (requests waiting on the old one keep it)."""
        n = self.cfg.server_slots
        if n <= 0:
            return None
        if not self.slots or self.slots[0] != n:
            self.slots = (n, asyncio.Semaphore(n))
        return self.slots[1]

    # -- choosing a fault
    def throttled(self):
        c = self.cfg
        if c.throttle_rps <= 0:
            return False
        now = time.monotonic()
        self.tokens = min(c.throttle_burst, self.tokens + (now - self.tokens_at) * c.throttle_rps)
        self.tokens_at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return False
        return True

    def choose(self, r):
        c = self.cfg
        ident = draw_identity(r)
        occ = self.occurrences.get(ident, 0)
        self.occurrences[ident] = occ + 1
        if r.op == "ListObjectsV2" and r.query.get("continuation-token") == [REPEAT_TOKEN]:
            return "repeat-token"
        if r.op == "ListObjectsV2" and \
                (r.query.get("continuation-token") or [""])[0].startswith(REWIND_TOKEN):
            return "rewind-token"
        if c.expire_tokens and token_expired(r):
            return "expired-denied"
        if self.throttled():
            return "throttle"
        if c.only and not any(matches(s, r) for s in c.only):
            return None
        if c.path and not c.path.search(r.target):
            return None
        self.matched += 1
        if self.matched <= c.after:
            return None
        if c.max_faults and self.faults_done >= c.max_faults:
            return None
        h = hashlib.sha256(("%s\0%s\0%d" % (c.seed, ident, occ)).encode("utf-8",
                                                                          "surrogateescape"))
        u = int.from_bytes(h.digest()[:8], "big") / 2.0 ** 64
        choices = []
        base = [k for k in c.kinds if eligible(k, r)]
        if c.total > 0 and base:
            choices += [(k, c.total / len(base)) for k in base]
        choices += [(k, p) for k, p in c.per_kind.items() if eligible(k, r)]
        acc = 0.0
        for k, p in choices:
            acc += p
            if u < acc:
                self.faults_done += 1
                return k
        return None

    # -- connections
    async def handle(self, creader, cwriter):
        self.conn_seq += 1
        cid = self.conn_seq
        up = None  # (reader, writer) to the server
        try:
            while True:
                try:
                    head = await read_head(creader)
                except Closed:
                    return
                except ValueError:
                    cwriter.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                  b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                    return
                r = Request(head, b"")
                r.body = await self.read_request_body(creader, r)
                self.req_seq += 1
                n = self.req_seq
                t0 = time.monotonic()
                kind = self.choose(r) or self.archive.decide(r, self.cfg) or \
                    ("uploads-page" if self.cfg.uploads_page and
                     r.op == "ListMultipartUploads" else None) or \
                    ("aws" if any(a.wants(r, self.cfg) for a in self.aws) else None)
                self.stats["requests"] += 1
                self.stats["ops"][r.op] = self.stats["ops"].get(r.op, 0) + 1
                if kind:
                    self.stats["faults"][kind] = self.stats["faults"].get(kind, 0) + 1
                res = {"status": "-", "up": "no", "keep": True}
                if kind == "silent":  # logged now: it ends only when the client gives up
                    self.log_line(cid, n, r, kind, res, t0)
                gate = self.slot_gate()
                try:
                    if gate:  # a bounded server: wait for one of its slots
                        async with gate:
                            up = await self.serve(r, kind, n, creader, cwriter, up, res)
                    else:
                        up = await self.serve(r, kind, n, creader, cwriter, up, res)
                finally:
                    self.stats["forwarded"] += res["up"] == "yes"
                    if kind != "silent":
                        self.log_line(cid, n, r, kind, res, t0)
                if not res["keep"] or r.wants_close():
                    return
        except (ConnectionError, Closed, asyncio.IncompleteReadError, OSError, ValueError):
            return
        finally:
            if up:
                up[1].close()
            if not cwriter.is_closing():
                cwriter.close()

    async def read_request_body(self, reader, r):
        te = (r.header("transfer-encoding") or "").lower()
        if "chunked" in te:
            buf = bytearray()

            async def sink(b):
                buf.extend(b)
            await read_chunked_raw(reader, sink)
            return bytes(buf)
        n = int(r.header("content-length") or 0)
        if n:
            try:
                return await reader.readexactly(n)
            except asyncio.IncompleteReadError:
                raise Closed(0)
        return b""

    def log_line(self, cid, n, r, kind, res, t0):
        now = time.time()
        ts = time.strftime("%H:%M:%S", time.localtime(now)) + ".%03d" % int(now % 1 * 1000)
        self.log.write("%s c=%d n=%d %s %s op=%s fault=%s status=%s up=%s ms=%d\n" % (
            ts, cid, n, r.method, r.target, r.op, kind or "none", res["status"], res["up"],
            int((time.monotonic() - t0) * 1000)))
        self.log.flush()

    async def upstream(self, up):
        if up is not None:
            return up, True
        reader, writer = await asyncio.open_connection(self.uhost, self.uport, limit=LIMIT)
        s = writer.get_extra_info("socket")
        if s is not None:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return (reader, writer), False

    async def exchange(self, r, up, res):
        """Send r upstream, read the response head (1xx skipped); returns (up, Response).
        A reused connection the server closed meanwhile is replaced once."""
        for attempt in (0, 1):
            up, reused = await self.upstream(up)
            try:
                up[1].write(r.head + r.body)
                await up[1].drain()
                res["up"] = "yes"
                while True:
                    head = await read_head(up[0])
                    resp = Response(head)
                    if not 100 <= resp.status < 200:
                        return up, resp
            except (Closed, ConnectionError) as e:
                up[1].close()
                up = None
                if attempt or not reused or (isinstance(e, Closed) and e.args and e.args[0]):
                    raise
        raise Closed(0)

    async def read_body_raw(self, up, resp, method):
        fr = resp.framing(method)
        if fr == "none":
            return b""
        if fr == "length":
            try:
                return await up[0].readexactly(int(resp.header("content-length")))
            except asyncio.IncompleteReadError:
                raise Closed(0)
        if fr == "chunked":
            buf = bytearray()

            async def sink(b):
                buf.extend(b)
            await read_chunked_raw(up[0], sink)
            return bytes(buf)
        return await up[0].read()  # until EOF

    async def relay_body(self, up, resp, method, cwriter):
        fr = resp.framing(method)
        if fr == "none":
            return
        if fr == "chunked":
            async def sink(b):
                cwriter.write(b)
                await cwriter.drain()
            await read_chunked_raw(up[0], sink)
            return
        left = int(resp.header("content-length")) if fr == "length" else -1
        while left != 0:
            b = await up[0].read(CHUNK if left < 0 else min(left, CHUNK))
            if not b:
                if left > 0:
                    raise Closed(0)
                return
            if left > 0:
                left -= len(b)
            cwriter.write(b)
            await cwriter.drain()

    async def serve(self, r, kind, n, creader, cwriter, up, res):
        """Answer r on cwriter with fault kind applied; returns the upstream connection
        to keep (None when it must not be reused)."""
        c = self.cfg
        if kind in ("slowdown", "throttle"):
            cwriter.write(error_response(r, 503, "Slow Down", "SlowDown",
                                         "Please reduce your request rate.", n))
            await cwriter.drain()
            res["status"] = 503
            return up
        if kind == "expired-denied":
            cwriter.write(error_response(r, 403, "Forbidden", "AccessDenied", "", n))
            await cwriter.drain()
            res["status"] = 403
            return up
        if kind == "expired-token":
            cwriter.write(error_response(r, 400, "Bad Request", "ExpiredToken",
                                         "The provided token has expired.", n))
            await cwriter.drain()
            res["status"] = 400
            return up
        if kind == "internal":
            cwriter.write(error_response(r, 500, "Internal Server Error", "InternalError",
                                         "We encountered an internal error. Please try again.",
                                         n))
            await cwriter.drain()
            res["status"] = 500
            return up
        if kind == "precondition":
            cwriter.write(error_response(r, 412, "Precondition Failed", "PreconditionFailed",
                                         "At least one of the pre-conditions you specified "
                                         "did not hold", n))
            await cwriter.drain()
            res["status"] = 412
            return up
        if kind == "archived":
            cwriter.write(error_response(r, 403, "Forbidden", "InvalidObjectState",
                                         "The operation is not valid for the object's "
                                         "storage class", n))
            await cwriter.drain()
            res["status"] = 403
            return up
        if kind in ("archive-refuse", "archive-restore"):
            return await self.serve_archived(r, kind, n, cwriter, up, res)
        if kind == "aws":
            return await self.serve_aws(r, n, cwriter, up, res)
        if kind == "error-in-200":
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n\n<Error><Code>InternalError</Code>'
                    '<Message>We encountered an internal error. Please try again.</Message>'
                    '<RequestId>faultproxy-%d</RequestId></Error>' % n).encode()
            cwriter.write(build_head("HTTP/1.1 200 OK", [
                ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
                ("x-amz-request-id", "faultproxy-%d" % n)]) + body)
            await cwriter.drain()
            res["status"] = 200
            return up
        if kind == "reset-before":
            reset(cwriter)
            res["keep"] = False
            return up
        if kind == "silent":
            res["keep"] = False
            while await creader.read(CHUNK):
                pass
            return up
        if kind == "repeat-token" and r.query.get("continuation-token") == [REPEAT_TOKEN]:
            page = self.repeat_pages.get(self.listing_id(r))
            if page is not None:
                cwriter.write(page)
                await cwriter.drain()
                res["status"] = 200
                return up
            # no page to repeat (settings changed?): answer as the server does
        if kind == "rewind-token" and \
                (r.query.get("continuation-token") or [""])[0].startswith(REWIND_TOKEN):
            first = self.rewind_pages.get(self.listing_id(r))
            if first is not None:
                cwriter.write(self.rewound(r, *first))
                await cwriter.drain()
                res["status"] = 200
                return up
        if kind == "delay":
            await asyncio.sleep(c.delay)

        up, resp = await self.exchange(r, up, res)
        keep_up = not resp.closes() and resp.framing(r.method) != "eof"
        if kind in (None, "delay"):
            cwriter.write(resp.head)
            res["status"] = resp.status
            await self.relay_body(up, resp, r.method, cwriter)
            await cwriter.drain()
            if not keep_up:
                res["keep"] = False
            return up if keep_up else None

        raw = await self.read_body_raw(up, resp, r.method)
        res["status"] = resp.status
        chunked = resp.framing(r.method) == "chunked"
        if kind == "reset-after":
            reset(cwriter)
            res["status"] = "-"
            res["keep"] = False
        elif kind == "cut-headers":
            lines = resp.head[:-4].split(b"\r\n")
            keep = c.cut_keep if c.cut_keep >= 0 else (len(lines) - 1) // 2
            cwriter.write(b"\r\n".join(lines[:1 + keep]) + b"\r\n")
            await cwriter.drain()
            cwriter.close()
            res["keep"] = False
        elif kind == "cut-body":
            cwriter.write(resp.head + raw[:len(raw) // 2])
            await cwriter.drain()
            cwriter.close()
            res["keep"] = False
        elif kind == "drip":
            data = resp.head + raw
            step = max(1, int(c.drip_bps)) if c.drip_bps >= 1 else 1
            pause = step / c.drip_bps
            for i in range(0, len(data), step):
                cwriter.write(data[i:i + step])
                await cwriter.drain()
                if cwriter.is_closing():
                    raise Closed(0)
                await asyncio.sleep(pause)
        elif kind == "kms-etag":
            head = kms_etags(resp.head)
            if r.method in ("HEAD", "GET") and resp.status == 200 and \
                    resp.header("x-amz-server-side-encryption") is None:
                head = head[:-2] + b"x-amz-server-side-encryption: aws:kms\r\n\r\n"
            if r.method == "HEAD" or resp.status != 200:
                cwriter.write(head + raw)
            else:
                body = dechunk(raw) if chunked else raw
                cwriter.write(rebuild(Response(head), kms_etags(body)))
            await cwriter.drain()
        elif kind == "archive-list":
            body = dechunk(raw) if chunked else raw
            if resp.status == 200:
                body = self.archive.listing(r, body, c)
            cwriter.write(rebuild(resp, body))
            await cwriter.drain()
        elif kind == "archive-head":
            head = with_headers(resp.head, self.archive.head_lines(r, c)) \
                if resp.status == 200 else resp.head
            cwriter.write(head + raw)
            await cwriter.drain()
        elif kind == "big-header":
            pad = b"x-faultproxy-padding: " + b"a" * max(0, c.big_header - 24)
            cwriter.write(resp.head[:-2] + pad + b"\r\n\r\n" + raw)
            await cwriter.drain()
        elif kind == "rewind-token" and resp.status == 200:
            body = dechunk(raw) if chunked else raw
            self.rewind_pages[self.listing_id(r)] = (resp, body)
            cwriter.write(self.rewound(r, resp, body))
            await cwriter.drain()
        elif kind == "uploads-page":
            body = dechunk(raw) if chunked else raw
            if resp.status == 200:
                body = page_uploads(body, c.uploads_page)
            cwriter.write(rebuild(resp, body))
            await cwriter.drain()
        elif kind in LISTING_KINDS:
            body = dechunk(raw) if chunked else raw
            if resp.status == 200:
                tok = (r.query.get("continuation-token") or [""])[0]
                body = rewrite_listing(kind, body, c, tok)
            out = rebuild(resp, body)
            if kind == "repeat-token" and resp.status == 200:
                self.repeat_pages[self.listing_id(r)] = out
            cwriter.write(out)
            await cwriter.drain()
        else:
            raise ValueError("fault %r not handled" % kind)
        if not keep_up:
            res["keep"] = False
        return up if keep_up else None

    async def serve_archived(self, r, kind, n, cwriter, up, res):
        """An archived object: a copy or GET refused, or RestoreObject answered."""
        if kind == "archive-refuse":
            cwriter.write(error_response(r, 403, "Forbidden", "InvalidObjectState",
                                         "The operation is not valid for the object's "
                                         "storage class", n))
            res["status"] = 403
        else:
            status, reason, code, days, tier = self.archive.restore(r, self.cfg)
            if code:
                cwriter.write(error_response(r, status, reason, code,
                                             "Object restore is already in progress"
                                             if status == 409 else
                                             "Days is not allowed for an object in an "
                                             "Intelligent-Tiering archive tier"
                                             if code == "InvalidArgument" else
                                             "Malformed restore request",
                                             n))
            else:
                cwriter.write(build_head("HTTP/1.1 %d %s" % (status, reason), [
                    ("Content-Length", "0"), ("x-amz-request-id", "faultproxy-%d" % n)]))
            res["status"] = status
            self.log.write("RestoreObject %s days=%d tier=%s status=%d\n"
                           % (r.path, days, tier, status))
        await cwriter.drain()
        return up

    async def serve_aws(self, r, n, cwriter, up, res):
        """r answered as AWS does where radosgw cannot (additional checksums: checksums.py,
        SSE-S3: sse_s3.py): refused before it reaches the server, or relayed with what
        AWS would add."""
        mine = [a for a in self.aws if a.wants(r, self.cfg)]
        whole = next((a for a in mine if hasattr(a, "serve")), None)
        if whole:  # made here, not by the server (ssec_copy.py)
            status, reason, headers, body = await asyncio.to_thread(whole.serve, r)
            cwriter.write(build_head("HTTP/1.1 %d %s" % (status, reason), headers + [
                ("Content-Length", str(len(body))), ("x-amz-request-id", "faultproxy-%d" % n)])
                + body)
            await cwriter.drain()
            res["status"] = status
            return up
        no = next(filter(None, (a.refuse(r) for a in mine)), None)
        if no:
            status, reason, code, message = no
            body = error_xml(code, message).encode()
            cwriter.write(build_head("HTTP/1.1 %d %s" % (status, reason), [
                ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
                ("x-amz-request-id", "faultproxy-%d" % n)]) + (b"" if r.method == "HEAD" else body))
            await cwriter.drain()
            res["status"] = status
            return up
        up, resp = await self.exchange(r, up, res)
        keep_up = not resp.closes() and resp.framing(r.method) != "eof"
        raw = await self.read_body_raw(up, resp, r.method)
        res["status"] = resp.status
        if resp.status != 200:
            cwriter.write(resp.head + raw)
        else:
            body = dechunk(raw) if resp.framing(r.method) == "chunked" else raw
            head, changed = resp.head, False
            for a in mine:
                lines, new_body = await asyncio.to_thread(a.answer, r, resp, body, self.cfg)
                head = with_headers(head, lines) if lines else head
                if new_body is not None:
                    body, changed = new_body, True
            cwriter.write(rebuild(Response(head), body) if changed else head + raw)
        await cwriter.drain()
        if not keep_up:
            res["keep"] = False
        return up if keep_up else None

    def rewound(self, r, resp, body):
        """The first page again, with a token never sent before."""
        self.rewinds += 1
        tok = (r.query.get("continuation-token") or [""])[0]
        return rebuild(resp, rewrite_listing("rewind-token", body, self.cfg, tok,
                                             "%s%d" % (REWIND_TOKEN, self.rewinds)))

    @staticmethod
    def listing_id(r):
        q = r.query
        return (r.path, tuple(q.get("prefix", [""])), tuple(q.get("delimiter", [""])))


def reset(writer):
    s = writer.get_extra_info("socket")
    if s is not None:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


# ---------------------------------------------------------------------------
# control interface

class Control:
    def __init__(self, proxy, control_file):
        self.proxy = proxy
        self.file = control_file
        self.mtime = None

    async def handle(self, reader, writer):
        status, body = 200, ""
        try:
            head = await read_head(reader)
            lines = head[:-4].split(b"\r\n")
            method, target, _ = lines[0].decode("latin-1").split(" ", 2)
            n = int(header_value(lines, b"content-length") or 0)
            data = (await reader.readexactly(n)).decode() if n else ""
            path = target.split("?", 1)[0]
            if path == "/config" and method == "GET":
                body = json.dumps(self.proxy.cfg.describe(), indent=1)
            elif path == "/config" and method in ("POST", "PUT"):
                try:
                    self.proxy.set_faults(parse_faults(shlex.split(data, comments=True)))
                    body = json.dumps(self.proxy.cfg.describe(), indent=1)
                    print("faultproxy: settings now: %s" % " ".join(shlex.split(
                        data, comments=True)), file=sys.stderr, flush=True)
                except ValueError as e:
                    status, body = 400, str(e)
            elif path == "/stats" and method == "GET":
                body = json.dumps(self.proxy.stats, indent=1, sort_keys=True)
            else:
                status, body = 404, "GET /config, POST /config, GET /stats"
        except Exception as e:  # a broken control request must not stop the proxy
            status, body = 400, "bad request: %s" % e
        data = (body + "\n").encode()
        writer.write(b"HTTP/1.1 %d X\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n%s" % (status, len(data), data))
        try:
            await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    def reload(self, force=False):
        if not self.file:
            return
        try:
            mt = os.stat(self.file).st_mtime_ns
        except OSError:
            return
        if mt == self.mtime and not force:
            return
        self.mtime = mt
        try:
            with open(self.file) as f:
                words = shlex.split(f.read(), comments=True)
            self.proxy.set_faults(parse_faults(words))
            print("faultproxy: %s read: %s" % (self.file, " ".join(words)), file=sys.stderr,
                  flush=True)
        except (OSError, ValueError) as e:
            print("faultproxy: %s: %s (settings unchanged)" % (self.file, e), file=sys.stderr,
                  flush=True)

    async def poll(self):
        while True:
            await asyncio.sleep(0.5)
            self.reload()


# ---------------------------------------------------------------------------
# main

def build_parser():
    p = argparse.ArgumentParser(
        prog="faultproxy.py",
        description="An HTTP/1.1 reverse proxy for S3 that injects seeded faults "
                    "(for s3engine's tests).",
        epilog=HELP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--upstream", required=True, metavar="URL",
                   help="the S3 server, e.g. http://127.0.0.1:7480 (http only)")
    p.add_argument("--listen", default="127.0.0.1", metavar="ADDR",
                   help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: any free one)")
    p.add_argument("--control-port", type=int, default=0,
                   help="control interface port (default 0: any free one; -1: none)")
    p.add_argument("--control-file", metavar="FILE",
                   help="fault options re-read from FILE whenever it changes")
    p.add_argument("--log", metavar="FILE", help="request log (default stderr)")
    p.add_argument("--ready-file", metavar="FILE",
                   help="write 'PORT CONTROL_PORT' here once listening")
    fault_args(p)
    return p


async def amain(a):
    u = urllib.parse.urlsplit(a.upstream)
    if u.scheme != "http" or not u.hostname:
        raise SystemExit("faultproxy: --upstream must be http://HOST:PORT")
    try:
        cfg = Faults(a)
    except ValueError as e:
        raise SystemExit("faultproxy: %s" % e)
    log = open(a.log, "a", buffering=1) if a.log else sys.stderr
    proxy = Proxy(u.hostname, u.port or 80, cfg, log)
    proxy.set_faults(cfg)
    ctl = Control(proxy, a.control_file)
    ctl.reload(force=True)
    server = await asyncio.start_server(proxy.handle, a.listen, a.port, limit=LIMIT,
                                        backlog=512)
    port = server.sockets[0].getsockname()[1]
    cport = -1
    cserver = None
    if a.control_port >= 0:
        cserver = await asyncio.start_server(ctl.handle, "127.0.0.1", a.control_port)
        cport = cserver.sockets[0].getsockname()[1]
    line = "faultproxy %d %d\n" % (port, cport)
    sys.stdout.write(line)
    sys.stdout.flush()
    if a.ready_file:
        tmp = a.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(line)
        os.replace(tmp, a.ready_file)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: ctl.reload(force=True))
    poller = asyncio.ensure_future(ctl.poll()) if a.control_file else None
    await stop.wait()
    if poller:
        poller.cancel()
    server.close()
    if cserver:
        cserver.close()
    if log is not sys.stderr:
        log.close()


def main():
    a = build_parser().parse_args()
    try:
        asyncio.run(amain(a))
    except KeyboardInterrupt:
        pass
    # connections still open (a silent fault's) are simply dropped with the process
    os._exit(0)


if __name__ == "__main__":
    main()
