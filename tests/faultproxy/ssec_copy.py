"""ssec_copy - copies from an SSE-C source, answered as AWS documents.

AWS copies an object encrypted with a customer key (SSE-C) server-side:
CopyObject and UploadPartCopy read the source with the key in
x-amz-copy-source-server-side-encryption-customer-{algorithm,key,key-MD5} and
write the copy with the key in x-amz-server-side-encryption-customer-* (or
without one: a plain copy), the two keys being any two ("Specifying
server-side encryption with customer-provided keys", S3 User Guide).
radosgw 16 answers such a CopyObject 501 NotImplemented and reads
UploadPartCopy's source with the part's own key (400 InvalidArgument when the
keys differ). With --ssec-copy the fault proxy does those copies itself from
the server's bytes (signed requests with AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY):

  CopyObject with a copy-source customer key: a key whose MD5 is not the one
      given: 400 InvalidArgument; x-amz-copy-source-if-match another ETag: 412
      PreconditionFailed; else GetObject of the source (versionId kept) with
      its key, PutObject of the copy with the destination's key or encryption,
      storage class, the source's content headers, metadata and tags (or the
      request's with REPLACE directives); answered with CopyObjectResult.
  UploadPartCopy with a copy-source customer key: the same checks, GetObject
      of x-amz-copy-source-range with the source's key, UploadPart with the
      destination's key; answered with CopyPartResult.
  A GetObject the server refuses (a wrong key: 403 or 400) is answered as the
      server answered it.
Each copy is logged as a line "SSE-C OPERATION /bucket/key", so a test can
tell that it was made server-side.
"""

import base64
import hashlib
import urllib.parse
import xml.etree.ElementTree as ET

from checksums import error_xml

OPS = ("CopyObject", "UploadPartCopy")
KEY = "x-amz-server-side-encryption-customer-"
SRC_KEY = "x-amz-copy-source-server-side-encryption-customer-"
CONTENT = ("content-type", "cache-control", "content-disposition", "content-encoding",
           "content-language", "expires")
# what a copy's PutObject or UploadPart carries over from the request
DEST = ("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-storage-class",
        KEY + "algorithm", KEY + "key", KEY + "key-md5")


def key_ok(key_b64, md5_b64):
    try:
        key = base64.b64decode(key_b64 or "", validate=True)
    except ValueError:
        return False
    return len(key) == 32 and base64.b64encode(hashlib.md5(key).digest()).decode() == md5_b64


def refused(status, code, message):
    reason = {400: "Bad Request", 412: "Precondition Failed"}.get(status, "Error")
    return status, reason, [("Content-Type", "application/xml")], \
        error_xml(code, message).encode()


def tag_query(xml_body):
    """GetObjectTagging's answer -> the x-amz-tagging form."""
    root = ET.fromstring(xml_body)
    pairs = []
    for tag in root.iter():
        if tag.tag.endswith("Tag"):
            k = next((c.text for c in tag if c.tag.endswith("Key")), None)
            v = next((c.text for c in tag if c.tag.endswith("Value")), "") or ""
            if k is not None:
                pairs.append((k, v))
    return urllib.parse.urlencode(pairs)


class SsecCopy:
    def __init__(self, upstream, log):
        self.up = upstream
        self.log = log

    def wants(self, r, cfg):
        return cfg.ssec_copy and r.op in OPS and r.header(SRC_KEY + "key") is not None

    def serve(self, r):
        """The whole answer: (status, reason, [(header, value)], body)."""
        if not key_ok(r.header(SRC_KEY + "key"), r.header(SRC_KEY + "key-md5")):
            return refused(400, "InvalidArgument", "The calculated MD5 hash of the key did "
                                                   "not match the hash that was provided.")
        if r.header(KEY + "key") is not None and \
                not key_ok(r.header(KEY + "key"), r.header(KEY + "key-md5")):
            return refused(400, "InvalidArgument", "The calculated MD5 hash of the key did "
                                                   "not match the hash that was provided.")
        src = urllib.parse.unquote(r.header("x-amz-copy-source"))
        name, _, q = src.lstrip("/").partition("?")
        version = urllib.parse.parse_qs(q).get("versionId", [None])[0]
        get_h = {KEY + "algorithm": r.header(SRC_KEY + "algorithm") or "AES256",
                 KEY + "key": r.header(SRC_KEY + "key"),
                 KEY + "key-md5": r.header(SRC_KEY + "key-md5")}
        rng = r.header("x-amz-copy-source-range")
        if r.op == "UploadPartCopy" and rng:
            get_h["range"] = rng
        status, h, body = self.up.request("GET", name, {"versionId": version} if version else None,
                                          get_h)
        if status not in (200, 206):
            return status, "Error", [("Content-Type", "application/xml")], body
        want = r.header("x-amz-copy-source-if-match")
        if want and want.strip('"') != h.get("etag", "").strip('"'):
            return refused(412, "PreconditionFailed", "At least one of the pre-conditions you "
                                                      "specified did not hold")
        dest = urllib.parse.unquote(r.path.lstrip("/"))
        put_h = {n: r.header(n) for n in DEST if r.header(n) is not None}
        if r.op == "CopyObject":
            put_h.update(self.carried(r, h, name, version))
            status, ph, pbody = self.up.request("PUT", dest, None, put_h, body)
            result = "CopyObjectResult"
        else:
            put_h.pop("x-amz-storage-class", None)
            query = {"partNumber": r.query["partNumber"][0], "uploadId": r.query["uploadId"][0]}
            status, ph, pbody = self.up.request("PUT", dest, query, put_h, body)
            result = "CopyPartResult"
        if status != 200:
            return status, "Error", [("Content-Type", "application/xml")], pbody
        self.log.write("SSE-C %s %s\n" % (r.op, r.path))
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<%s><LastModified>%s</LastModified>'
               '<ETag>%s</ETag></%s>' % (result, h.get("last-modified", ""),
                                         ph.get("etag", ""), result)).encode()
        headers = [("Content-Type", "application/xml")]
        for n in (KEY + "algorithm", KEY + "key-md5"):
            if ph.get(n):
                headers.append((n, ph[n]))
        return 200, "OK", headers, xml

    def carried(self, r, h, name, version):
        """A CopyObject's content headers, metadata and tags: the source's, or the
        request's where its directives say REPLACE."""
        out = {}
        meta_from = h
        if (r.header("x-amz-metadata-directive") or "COPY").upper() == "REPLACE":
            meta_from = {n: v for n, v in r.headers}
        for n, v in meta_from.items():
            if n in CONTENT or n.startswith("x-amz-meta-"):
                out[n] = v
        if (r.header("x-amz-tagging-directive") or "COPY").upper() == "REPLACE":
            if r.header("x-amz-tagging"):
                out["x-amz-tagging"] = r.header("x-amz-tagging")
        else:
            query = {"tagging": ""}
            if version:
                query["versionId"] = version
            status, _, body = self.up.request("GET", name, query)
            tags = tag_query(body) if status == 200 and body else ""
            if tags:
                out["x-amz-tagging"] = tags
        return out
