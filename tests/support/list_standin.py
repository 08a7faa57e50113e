#!/usr/bin/python3
"""list_standin.py - a bucket that only lists: ListObjectsV2 as AWS documents it,
over a key set made at start, with a fixed delay per request and almost no CPU.

For measuring listing against AWS-like latency without a server whose own CPU
is the limit (radosgw on the same two cores): every page is answered after
--delay seconds, requests in parallel on threads.

ListObjectsV2 (GET /BUCKET?list-type=2): prefix, delimiter, start-after,
continuation-token (opaque; it wins over start-after), max-keys (default and
most 1,000; common prefixes count toward it), encoding-type=url (Key, Prefix,
Delimiter, StartAfter and CommonPrefixes' Prefix URL-encoded). Keys in UTF-8
byte order. With a delimiter, the keys after start-after that hold it past the
prefix roll up into their common prefix; a page never repeats a common prefix
the page before ended with. HeadBucket answers 200 with x-amz-bucket-region
(us-east-1); anything else is 501. Signatures are not checked.

Keys: --objects N as bench_scale.py lays them out, PREFIX + NN/NNNN/file-NNNNNNNN.bin
(1,000 per folder, 100 folders per group), or one key per line of --keys FILE.

Usage: list_standin.py --bucket B [--objects N --prefix P | --keys FILE]
                       [--delay 0.05] [--port 0] [--ready-file F] [--log F]
"""
import argparse
import base64
import bisect
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'
MTIME = "2026-01-01T00:00:00.000Z"


def bench_keys(prefix, n):
    return ["%s%02d/%04d/file-%08d.bin" % (prefix, i // 100000, i // 1000, i) for i in range(n)]


class Listing:
    def __init__(self, keys):
        self.keys = sorted(k.encode() for k in keys)
        self.frags = {}  # encoding -> each key's <Contents>, made once: pages cost no CPU

    def contents(self, url, i, j):
        f = self.frags.get(url)
        if f is None:
            f = self.frags[url] = [
                ("<Contents><Key>%s</Key><LastModified>%s</LastModified><ETag>%s</ETag>"
                 "<Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>" %
                 (enc(k, url), MTIME, escape(ETAG))).encode() for k in self.keys]
        return b"".join(f[i:j])

    def page(self, prefix, delimiter, after, skip_prefix, max_keys):
        """Keys and common prefixes after `after` (past everything under it when
        skip_prefix), up to max_keys of both; the last one returned and
        whether it was a prefix, for the next token."""
        keys = self.keys
        i = bisect.bisect_right(keys, after) if after else 0
        if skip_prefix:
            i = bisect.bisect_left(keys, after + b"\xff" * 8, i)
        i = max(i, bisect.bisect_left(keys, prefix))
        contents, prefixes, last, last_is_prefix = [], [], None, False  # contents: indexes
        while i < len(keys) and len(contents) + len(prefixes) < max_keys:
            k = keys[i]
            if not k.startswith(prefix):
                break
            if delimiter:
                d = k.find(delimiter, len(prefix))
                if d >= 0:
                    cp = k[:d + len(delimiter)]
                    prefixes.append(cp)
                    last, last_is_prefix = cp, True
                    # past every key under cp (they sort together)
                    i = bisect.bisect_left(keys, cp + b"\xff" * 8, i)
                    continue
            contents.append(i)
            last, last_is_prefix = k, False
            i += 1
        truncated = i < len(keys) and keys[i].startswith(prefix)
        return contents, prefixes, truncated, last, last_is_prefix


def enc(b, url):
    return urllib.parse.quote(b, safe="/") if url else escape(b.decode())


def token_of(last, is_prefix):
    return base64.urlsafe_b64encode(json.dumps(
        {"a": base64.b64encode(last).decode(), "p": is_prefix}).encode()).decode()


def token_read(tok):
    d = json.loads(base64.urlsafe_b64decode(tok.encode()))
    return base64.b64decode(d["a"]), bool(d["p"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, code, s3code, msg):
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code><Message>%s"
                "</Message></Error>" % (s3code, escape(msg))).encode()
        self.send(code, body, [("Content-Type", "application/xml")])

    def do_HEAD(self):
        srv = self.server
        time.sleep(srv.delay)
        path = urllib.parse.urlsplit(self.path).path.strip("/")
        if path == srv.bucket:
            self.send(200, headers=[("x-amz-bucket-region", "us-east-1")])
        else:
            self.send(404)

    def do_GET(self):
        srv = self.server
        t0 = time.monotonic()
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        if u.path.strip("/") != srv.bucket:
            return self.error(404, "NoSuchBucket", "The specified bucket does not exist")
        if q.get("list-type") != "2":
            return self.error(501, "NotImplemented", "only ListObjectsV2 is answered here")
        prefix = q.get("prefix", "").encode()
        delimiter = q.get("delimiter", "").encode()
        start_after = q.get("start-after", "").encode()
        token = q.get("continuation-token")
        try:
            max_keys = min(1000, int(q.get("max-keys", "1000")))
            if max_keys < 0:
                raise ValueError
        except ValueError:
            return self.error(400, "InvalidArgument", "max-keys")
        if token is not None:
            try:
                after, skip = token_read(token)
            except (ValueError, KeyError, TypeError):
                return self.error(400, "InvalidArgument",
                                  "The continuation token provided is incorrect")
        else:
            after, skip = start_after, False
        contents, prefixes, truncated, last, last_p = srv.listing.page(
            prefix, delimiter, after, skip, max_keys)
        url = q.get("encoding-type") == "url"
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
               '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
               "<Name>%s</Name><Prefix>%s</Prefix>" % (escape(srv.bucket), enc(prefix, url))]
        if delimiter:
            out.append("<Delimiter>%s</Delimiter>" % enc(delimiter, url))
        if token is not None:
            out.append("<ContinuationToken>%s</ContinuationToken>" % escape(token))
        if start_after:
            out.append("<StartAfter>%s</StartAfter>" % enc(start_after, url))
        out.append("<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>" %
                   (len(contents) + len(prefixes), max_keys))
        if url:
            out.append("<EncodingType>url</EncodingType>")
        out.append("<IsTruncated>%s</IsTruncated>" % ("true" if truncated else "false"))
        if truncated:
            out.append("<NextContinuationToken>%s</NextContinuationToken>" %
                       token_of(last, last_p))
        # as AWS answers: every Contents, then every CommonPrefixes; the keys
        # are runs of the sorted list, each <Contents> made once
        runs, body = [], "".join(out).encode()
        for i in contents:
            if runs and runs[-1][1] == i:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
        body += b"".join(srv.listing.contents(url, a, b) for a, b in runs)
        body += "".join("<CommonPrefixes><Prefix>%s</Prefix></CommonPrefixes>" % enc(p, url)
                        for p in prefixes).encode() + b"</ListBucketResult>"
        with srv.lock:
            srv.requests += 1
            srv.in_flight += 1
            srv.peak = max(srv.peak, srv.in_flight)
            in_flight = srv.in_flight
        time.sleep(max(0.0, srv.delay - (time.monotonic() - t0)))
        with srv.lock:
            srv.in_flight -= 1
        if srv.log:
            with srv.lock:
                srv.log.write(json.dumps({"t": time.time(), "prefix": prefix.decode(),
                                          "delimiter": delimiter.decode(),
                                          "start_after": start_after.decode(),
                                          "token": token is not None,
                                          "keys": len(contents),
                                          "prefixes": len(prefixes),
                                          "in_flight": in_flight}) + "\n")
                srv.log.flush()
        self.send(200, body, [("Content-Type", "application/xml")])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bucket", required=True)
    ap.add_argument("--objects", type=int, default=0)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--keys", help="a file of keys, one per line")
    ap.add_argument("--delay", type=float, default=0.05, help="seconds per request")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file")
    ap.add_argument("--log", help="one JSON line per listing request")
    o = ap.parse_args()
    keys = bench_keys(o.prefix, o.objects)
    if o.keys:
        with open(o.keys, encoding="utf-8") as f:
            keys += [l.rstrip("\n") for l in f if l.rstrip("\n")]
    srv = ThreadingHTTPServer(("127.0.0.1", o.port), Handler)
    srv.daemon_threads = True
    srv.request_queue_size = 256
    srv.bucket, srv.delay, srv.listing = o.bucket, o.delay, Listing(keys)
    srv.lock, srv.requests, srv.in_flight, srv.peak = threading.Lock(), 0, 0, 0
    srv.log = open(o.log, "a") if o.log else None
    if o.ready_file:
        with open(o.ready_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        import os
        os.rename(o.ready_file + ".tmp", o.ready_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
