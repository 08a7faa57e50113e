#!/usr/bin/python3
"""region_proxy - S3 buckets in other AWS regions, on loopback, for tests.

A reverse proxy in front of radosgw. Each bucket named with --bucket NAME=REGION:MODE
lives "in" REGION: a request to it signed for another region is answered as AWS
answers a request that reached the wrong region, never relayed:

  redirect   301 PermanentRedirect with an x-amz-bucket-region header; the body
             names <Endpoint>NAME.s3.REGION.amazonaws.com</Endpoint> and <Bucket>
  malformed  400 AuthorizationHeaderMalformed; the body says "the region 'X' is
             wrong; expecting 'REGION'" and names <Region>REGION</Region> (no header)

A HEAD gets the same status and the x-amz-bucket-region header, without a body
(HEAD answers have none). Requests signed for the bucket's region, and requests to
other buckets, are relayed to --upstream unchanged (radosgw verifies SigV4 with the
region the request names). A CopyObject is judged by its target bucket, as AWS does:
the request goes to the target's region whatever the source's.

Every request is logged as one JSON line in --log: method, path, bucket, the region
it was signed for, the cross-account headers it carried (x-amz-acl, x-amz-expected-
bucket-owner, x-amz-source-expected-bucket-owner, x-amz-request-payer) and the answer
("relayed", "redirect" or "malformed"). Without --bucket it only relays and logs.
With --owner NAME=ACCOUNT the bucket NAME belongs to the 12-digit ACCOUNT, and the
expected-owner headers are checked as AWS checks them (radosgw ignores them): a request
to NAME whose x-amz-expected-bucket-owner names another account, or a copy reading NAME
(x-amz-copy-source) whose x-amz-source-expected-bucket-owner names another, is answered
403 AccessDenied and not relayed (answer "owner" in the log). A request without the
header is relayed. Path-style and virtual-hosted requests are both understood. With --tls-cert and
--tls-key it is spoken to in HTTPS (tls_server.py; radosgw is reached in HTTP), to test
which CA bundle a client verifies with. Standard library only.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler

from tls_server import make_server

# Cross-account headers, logged when sent (tests check what was asked of S3).
LOGGED = ("x-amz-acl", "x-amz-expected-bucket-owner", "x-amz-source-expected-bucket-owner",
          "x-amz-request-payer")
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "te"}


def signed_region(headers, query):
    """The region of the SigV4 credential scope, from Authorization or a presigned URL."""
    m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/s3/aws4_request", headers.get("Authorization", ""))
    if m:
        return m.group(1)
    cred = urllib.parse.parse_qs(query).get("X-Amz-Credential", [""])[0]
    parts = cred.split("/")
    return parts[2] if len(parts) == 5 else ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the JSON log says everything
        pass

    def bucket(self):
        host = self.headers.get("Host", "").split(":")[0]
        for name in self.server.buckets:
            if host.startswith(name + "."):
                return name
        path = urllib.parse.urlsplit(self.path).path
        return urllib.parse.unquote(path.lstrip("/").split("/", 1)[0])

    def log(self, **rec):
        sent = {h: self.headers[h] for h in LOGGED if h in self.headers}
        line = json.dumps(dict(method=self.command, path=self.path, headers=sent, **rec))
        with self.server.lock:
            self.server.logf.write(line + "\n")
            self.server.logf.flush()

    def send_error_xml(self, status, inner, extra=()):
        """An S3 <Error> answer; a HEAD gets the status and headers, no body."""
        rid = secrets.token_hex(8).upper()
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>%s<RequestId>%s</RequestId>'
                "<HostId>%s</HostId></Error>" % (inner, rid, secrets.token_urlsafe(24))).encode()
        self.send_response(status)
        self.send_header("x-amz-request-id", rid)
        for k, v in extra:
            self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def wrong_region(self, bucket, region, mode, sent):
        if mode == "redirect":
            status = 301
            body = ("<Code>PermanentRedirect</Code><Message>The bucket you are attempting to "
                    "access must be addressed using the specified endpoint. Please send all "
                    "future requests to this endpoint.</Message>"
                    "<Endpoint>%s.s3.%s.amazonaws.com</Endpoint><Bucket>%s</Bucket>"
                    % (bucket, region, bucket))
        else:
            status = 400
            body = ("<Code>AuthorizationHeaderMalformed</Code><Message>The authorization "
                    "header is malformed; the region '%s' is wrong; expecting '%s'</Message>"
                    "<Region>%s</Region>" % (sent, region, region))
        extra = [("x-amz-bucket-region", region)] if mode == "redirect" or self.command == "HEAD" else []
        self.send_error_xml(status, body, extra)

    def owner_refused(self, bucket):
        """AWS's answer to an expected owner that is not the bucket's: 403 AccessDenied."""
        owners = self.server.owners
        said = self.headers.get("x-amz-expected-bucket-owner")
        if said is not None and bucket in owners and said != owners[bucket]:
            return True
        src = urllib.parse.unquote(self.headers.get("x-amz-copy-source", "").split("?")[0])
        src_bucket = src.lstrip("/").split("/", 1)[0]
        said = self.headers.get("x-amz-source-expected-bucket-owner")
        return said is not None and src_bucket in owners and said != owners[src_bucket]

    def relay(self, body):
        up = self.server.upstream
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status, resp.reason)
        head = self.command == "HEAD"  # its Content-Length is the object's, kept as sent
        for k, v in resp.getheaders():
            if k.lower() not in HOP and (head or k.lower() != "content-length"):
                self.send_header(k, v)
        if not head:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        bucket = self.bucket()
        sent = signed_region(self.headers, urllib.parse.urlsplit(self.path).query)
        place = self.server.buckets.get(bucket)
        if place and sent != place[0]:
            self.log(bucket=bucket, signed=sent, answer=place[1])
            self.wrong_region(bucket, place[0], place[1], sent)
            return
        if self.owner_refused(bucket):
            self.log(bucket=bucket, signed=sent, answer="owner")
            self.send_error_xml(403, "<Code>AccessDenied</Code><Message>Access Denied</Message>")
            return
        self.log(bucket=bucket, signed=sent, answer="relayed")
        self.relay(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = handle_any


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True, help="radosgw, http://host:port")
    ap.add_argument("--bucket", action="append", default=[], metavar="NAME=REGION:MODE",
                    help="a bucket in REGION; MODE redirect (301) or malformed (400)")
    ap.add_argument("--owner", action="append", default=[], metavar="NAME=ACCOUNT",
                    help="bucket NAME belongs to ACCOUNT: expected-owner headers are checked")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file", help="the port is written here once listening")
    ap.add_argument("--log", required=True)
    ap.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (with --tls-key)")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert")
    a = ap.parse_args()
    buckets = {}
    for spec in a.bucket:
        name, rest = spec.split("=", 1)
        region, mode = rest.split(":", 1)
        if mode not in ("redirect", "malformed"):
            sys.exit("mode must be redirect or malformed: " + spec)
        buckets[name] = (region, mode)
    srv = make_server(("127.0.0.1", a.port), Handler, a.tls_cert, a.tls_key)
    srv.daemon_threads = True
    srv.upstream = urllib.parse.urlsplit(a.upstream)
    srv.buckets = buckets
    srv.owners = dict(spec.split("=", 1) for spec in a.owner)
    srv.lock = threading.Lock()
    srv.logf = open(a.log, "a")
    if a.ready_file:
        with open(a.ready_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.ready_file + ".tmp", a.ready_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
