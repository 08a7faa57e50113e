"""checksums - S3's additional checksums (x-amz-checksum-*), answered as AWS documents.

radosgw 16 keeps no checksums. With --checksums the fault proxy keeps one for
each object and answers as AWS does ("Checking object integrity" in the S3
User Guide, and the API reference of the operations below):

  HeadObject with x-amz-checksum-mode: ENABLED: x-amz-checksum-<alg> and
      x-amz-checksum-type (FULL_OBJECT or COMPOSITE). An object the proxy did
      not see written has the --checksum-default checksum (AWS adds CRC64NVME
      to objects uploaded without one; "none": no checksum).
  PutObject with x-amz-checksum-<alg>: checked against the body (400
      BadDigest if it differs, not forwarded), then kept.
  CopyObject: x-amz-checksum-algorithm picks the copy's algorithm (else the
      source's); CopyObjectResult gets Checksum<ALG> and ChecksumType; an
      algorithm S3 does not have: 400 InvalidRequest, not forwarded.
  CreateMultipartUpload: x-amz-checksum-algorithm and x-amz-checksum-type
      (default FULL_OBJECT for CRC64NVME, COMPOSITE for the others; SHA1 and
      SHA256 cannot be FULL_OBJECT, CRC64NVME cannot be COMPOSITE: 400
      InvalidRequest); both echoed in the answer.
  UploadPartCopy, UploadPart of such an upload: the part's checksum
      (CopyPartResult's Checksum<ALG>, the x-amz-checksum-<alg> header).
  CompleteMultipartUpload of such an upload, checked before it is forwarded:
      a COMPOSITE upload needs every part's Checksum<ALG> (400 InvalidRequest
      "... must include the checksum for each part. It was missing for part
      N"); a part checksum that is not the part's: 400 InvalidPart; an
      x-amz-checksum-type other than the upload's: 400 BadDigest. The object
      then has, for COMPOSITE, the checksum of the parts' checksums (raw bytes
      in part order) in base64 followed by "-N"; for FULL_OBJECT the checksum
      of the whole object.

Checksums are computed from the bytes radosgw holds (signed GETs with the
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the environment), so a copy
whose bytes differ from its source's has another checksum, as on AWS.
--checksum-corrupt REGEX makes the checksum of the objects whose "bucket/key"
matches wrong in every answer (a copy S3 checksummed differently from its
source, without having to corrupt radosgw's bytes).
"""

import base64
import datetime
import hashlib
import hmac
import html
import http.client
import os
import re
import urllib.parse
import zlib

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
FULL_OBJECT_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME")
COMPOSITE_ALGORITHMS = ("CRC32", "CRC32C", "SHA1", "SHA256")
OPS = ("HeadObject", "PutObject", "CopyObject", "CreateMultipartUpload", "UploadPartCopy",
       "UploadPart", "CompleteMultipartUpload")


def _reflected_table(poly, width):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & ((1 << width) - 1))
    return table


class _Crc:
    """A reflected CRC (init and final XOR all ones), digest big-endian as S3 gives it."""
    tables = {}

    def __init__(self, poly, width):
        key = (poly, width)
        if key not in self.tables:
            self.tables[key] = _reflected_table(poly, width)
        self.table = self.tables[key]
        self.width = width
        self.mask = (1 << width) - 1
        self.crc = self.mask

    def update(self, data):
        t, c = self.table, self.crc
        for b in data:
            c = t[(c ^ b) & 0xFF] ^ (c >> 8)
        self.crc = c

    def digest(self):
        return ((self.crc ^ self.mask) & self.mask).to_bytes(self.width // 8, "big")


class _Crc32:
    def __init__(self):
        self.crc = 0

    def update(self, data):
        self.crc = zlib.crc32(data, self.crc)

    def digest(self):
        return self.crc.to_bytes(4, "big")


def hasher(alg):
    if alg == "CRC32":
        return _Crc32()
    if alg == "CRC32C":
        return _Crc(0x82F63B78, 32)
    if alg == "CRC64NVME":
        return _Crc(0x9A6C9329AC4BC9B5, 64)
    return hashlib.new(alg.lower())


def checksum(alg, data):
    """base64 of alg over data."""
    h = hasher(alg)
    h.update(data)
    return base64.b64encode(h.digest()).decode()


def composite(alg, part_values):
    """A COMPOSITE object's checksum from its parts' (base64) checksums."""
    h = hasher(alg)
    for v in part_values:
        h.update(base64.b64decode(v))
    return "%s-%d" % (base64.b64encode(h.digest()).decode(), len(part_values))


def corrupted(value):
    """Another value of the same form."""
    return ("B" if value[0] == "A" else "A") + value[1:]


# ---------------------------------------------------------------------------
# signed requests of our own to the server (SigV4, path style)

def _sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class Upstream:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.ak = os.environ.get("AWS_ACCESS_KEY_ID", "")
        self.sk = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        self.region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") \
            or "us-east-1"

    def request(self, method, name, query=None, headers=None, body=None):
        """method on "bucket/key" (decoded), with body (bytes) if any; returns
        (status, {header: value}, body)."""
        path = "/" + urllib.parse.quote(name, safe="/-_.~")
        q = sorted((query or {}).items())
        qs = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                                 urllib.parse.quote(v, safe="-_.~")) for k, v in q)
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        host = "%s:%d" % (self.host, self.port)
        h = {"host": host, "x-amz-date": amz_date, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
        h.update({k.lower(): v for k, v in (headers or {}).items()})
        names = sorted(h)
        canonical = "\n".join([method, path, qs, "".join("%s:%s\n" % (k, h[k]) for k in names),
                               ";".join(names), "UNSIGNED-PAYLOAD"])
        scope = "%s/%s/s3/aws4_request" % (day, self.region)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        k = _sign(_sign(_sign(_sign(("AWS4" + self.sk).encode(), day), self.region), "s3"),
                  "aws4_request")
        sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        h["authorization"] = ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                              "Signature=%s" % (self.ak, scope, ";".join(names), sig))
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path + ("?" + qs if qs else ""), body=body, headers=h)
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
        finally:
            conn.close()

    def get(self, name, version=None, byte_range=None):
        status, _, body = self.request("GET", name, {"versionId": version} if version else None,
                                       {"range": byte_range} if byte_range else None)
        if status not in (200, 206):
            raise IOError("GET %s: HTTP %d" % (name, status))
        return body

    def etag(self, name):
        status, h, _ = self.request("HEAD", name)
        return h.get("etag", "").strip('"') if status == 200 else None


# ---------------------------------------------------------------------------
# the checksums S3 would keep

def object_name(path):
    """'/bucket/key?...' or 'bucket/key?versionId=..' (%-encoded) -> ('bucket/key', version)."""
    p, _, q = path.partition("?")
    version = urllib.parse.parse_qs(q).get("versionId", [None])[0]
    return urllib.parse.unquote(p.lstrip("/")), version


def error_xml(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s'
            '</Message></Error>' % (code, html.escape(message)))


def insert_before(body, closing, xml):
    text = body.decode("utf-8", "surrogateescape")
    at = text.rfind(closing)
    if at < 0:
        return body
    return (text[:at] + xml + text[at:]).encode("utf-8", "surrogateescape")


class Checksums:
    def __init__(self, upstream):
        self.up = upstream
        self.objects = {}  # "bucket/key" -> (alg, type, value, etag)
        self.uploads = {}  # upload id -> {"alg", "type", "parts": {n: value}}
        self.cache = {}    # ("bucket/key", version, etag, alg) -> value (default checksums)

    def wants(self, r, cfg):
        return cfg.checksums and r.op in OPS

    # -- before forwarding: (status, reason, code, message) to refuse r, else None
    def refuse(self, r):
        asked = (r.header("x-amz-checksum-algorithm") or "").upper()
        if r.op in ("CopyObject", "CreateMultipartUpload", "PutObject") and asked and \
                asked not in ALGORITHMS:
            return (400, "Bad Request", "InvalidRequest",
                    "Checksum algorithm provided is unsupported. Please try again with any of "
                    "the valid types: [%s]" % ", ".join(ALGORITHMS))
        if r.op == "CreateMultipartUpload":
            kind = (r.header("x-amz-checksum-type") or "").upper()
            if kind and not asked:
                return (400, "Bad Request", "InvalidRequest",
                        "The x-amz-checksum-type header can only be used with the "
                        "x-amz-checksum-algorithm header.")
            if kind and kind not in ("FULL_OBJECT", "COMPOSITE") or \
                    kind == "FULL_OBJECT" and asked not in FULL_OBJECT_ALGORITHMS or \
                    kind == "COMPOSITE" and asked not in COMPOSITE_ALGORITHMS:
                return (400, "Bad Request", "InvalidRequest",
                        "The %s checksum type cannot be used with the %s checksum algorithm."
                        % (kind, asked.lower()))
        if r.op in ("PutObject", "UploadPart"):
            for alg in ALGORITHMS:
                v = r.header("x-amz-checksum-" + alg.lower())
                if v is not None and v != checksum(alg, self.body_of(r)):
                    return (400, "Bad Request", "BadDigest",
                            "The %s you specified did not match the calculated checksum."
                            % alg)
        if r.op == "CompleteMultipartUpload":
            return self.refuse_complete(r)
        return None

    @staticmethod
    def body_of(r):
        if "chunked" not in (r.header("transfer-encoding") or "").lower():
            return r.body
        out, pos = bytearray(), 0
        while True:
            eol = r.body.index(b"\r\n", pos)
            size = int(r.body[pos:eol].split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                return bytes(out)
            out += r.body[eol + 2:eol + 2 + size]
            pos = eol + 4 + size

    def refuse_complete(self, r):
        u = self.uploads.get(r.query.get("uploadId", [""])[0])
        if not u or not u["alg"]:
            return None
        kind = (r.header("x-amz-checksum-type") or "").upper()
        if kind and kind != u["type"]:
            return (400, "Bad Request", "BadDigest",
                    "The upload was created using the %s checksum mode. The complete request "
                    "must use the same checksum mode." % u["type"])
        for n, value in self.completed_parts(r, u["alg"]):
            if value is None and u["type"] == "COMPOSITE":
                return (400, "Bad Request", "InvalidRequest",
                        "The upload was created using a %s checksum. The complete request must "
                        "include the checksum for each part. It was missing for part %d in the "
                        "request." % (u["alg"].lower(), n))
            if value is not None and value != u["parts"].get(n):
                return (400, "Bad Request", "InvalidPart",
                        "One or more of the specified parts could not be found. The part may "
                        "not have been uploaded, or the specified entity tag may not match the "
                        "part's entity tag.")
        return None

    @staticmethod
    def completed_parts(r, alg):
        """[(part number, its Checksum<alg> or None)] of a CompleteMultipartUpload body."""
        text = Checksums.body_of(r).decode("utf-8", "replace")
        out = []
        for block in re.findall(r"<Part>(.*?)</Part>", text, re.S):
            n = re.search(r"<PartNumber>\s*(\d+)\s*</PartNumber>", block)
            v = re.search(r"<Checksum%s>\s*([^<]*?)\s*</Checksum%s>" % (alg, alg), block)
            out.append((int(n.group(1)) if n else 0, v.group(1) if v else None))
        return out

    # -- after a 200 from the server: (header lines to add, new body or None)
    def answer(self, r, resp, body, cfg):
        op = r.op
        head_etag = (resp.header("etag") or "").strip('"')
        if op == "HeadObject":
            return self.head(r, head_etag, cfg), None
        if op == "PutObject":
            for alg in ALGORITHMS:
                v = r.header("x-amz-checksum-" + alg.lower())
                if v is not None:
                    name, _ = object_name(r.path)
                    self.objects[name] = (alg, "FULL_OBJECT", v, head_etag)
                    return [self.line(alg, v, name, cfg), b"x-amz-checksum-type: FULL_OBJECT"], \
                        None
            return [], None
        if op == "CopyObject":
            return [], self.copied(r, body, cfg)
        if op == "CreateMultipartUpload":
            return self.created(r, body), None
        if op == "UploadPartCopy":
            return [], self.part_copied(r, body)
        if op == "UploadPart":
            return self.part_uploaded(r), None
        if op == "CompleteMultipartUpload":
            return [], self.completed(r, body, cfg)
        return [], None

    def line(self, alg, value, name, cfg):
        if cfg.checksum_corrupt and cfg.checksum_corrupt.search(name):
            value = corrupted(value)
        return ("x-amz-checksum-%s: %s" % (alg.lower(), value)).encode()

    def current(self, name, version, etag, cfg):
        """(alg, type, value) of an object as S3 would keep it, or None."""
        rec = self.objects.get(name)
        if rec and not version and rec[3] == etag:
            return rec[:3]
        alg = cfg.checksum_default
        if alg == "NONE":
            return None
        key = (name, version, etag, alg)
        if key not in self.cache:
            self.cache[key] = checksum(alg, self.up.get(name, version))
        return alg, "FULL_OBJECT", self.cache[key]

    def head(self, r, etag, cfg):
        if (r.header("x-amz-checksum-mode") or "").upper() != "ENABLED" or \
                "partNumber" in r.query:
            return []
        name, version = object_name(r.target)
        cur = self.current(name, version, etag, cfg)
        if not cur:
            return []
        return [self.line(cur[0], cur[2], name, cfg),
                ("x-amz-checksum-type: %s" % cur[1]).encode()]

    def copied(self, r, body, cfg):
        src, version = object_name(r.header("x-amz-copy-source"))
        dst, _ = object_name(r.path)
        alg = (r.header("x-amz-checksum-algorithm") or "").upper()
        if not alg:
            status, h, _ = self.up.request("HEAD", src, {"versionId": version} if version
                                           else None)
            cur = self.current(src, version, h.get("etag", "").strip('"'), cfg) \
                if status == 200 else None
            alg = cur[0] if cur else ""
        if not alg:
            return None
        value = checksum(alg, self.up.get(dst))
        m = re.search(r"<ETag>(?:&quot;|&#34;|\")?([^<&\"]*)", body.decode("utf-8", "replace"))
        self.objects[dst] = (alg, "FULL_OBJECT", value, m.group(1) if m else None)
        shown = corrupted(value) if cfg.checksum_corrupt and cfg.checksum_corrupt.search(dst) \
            else value
        return insert_before(body, "</CopyObjectResult>",
                             "<Checksum%s>%s</Checksum%s><ChecksumType>FULL_OBJECT</ChecksumType>"
                             % (alg, shown, alg))

    def created(self, r, body):
        alg = (r.header("x-amz-checksum-algorithm") or "").upper()
        kind = (r.header("x-amz-checksum-type") or "").upper() or \
            ("FULL_OBJECT" if alg == "CRC64NVME" else "COMPOSITE")
        m = re.search(r"<UploadId>([^<]*)</UploadId>", body.decode("utf-8", "replace"))
        if m:
            self.uploads[html.unescape(m.group(1))] = {"alg": alg, "type": kind, "parts": {}}
        if not alg:
            return []
        return [("x-amz-checksum-algorithm: %s" % alg).encode(),
                ("x-amz-checksum-type: %s" % kind).encode()]

    def upload_of(self, r):
        u = self.uploads.get(r.query.get("uploadId", [""])[0])
        return u if u and u["alg"] else None

    def part_copied(self, r, body):
        u = self.upload_of(r)
        if not u:
            return None
        src, version = object_name(r.header("x-amz-copy-source"))
        value = checksum(u["alg"], self.up.get(src, version,
                                               r.header("x-amz-copy-source-range")))
        u["parts"][int(r.query["partNumber"][0])] = value
        return insert_before(body, "</CopyPartResult>",
                             "<Checksum%s>%s</Checksum%s>" % (u["alg"], value, u["alg"]))

    def part_uploaded(self, r):
        u = self.upload_of(r)
        if not u:
            return []
        value = checksum(u["alg"], self.body_of(r))
        u["parts"][int(r.query["partNumber"][0])] = value
        return [("x-amz-checksum-%s: %s" % (u["alg"].lower(), value)).encode()]

    def completed(self, r, body, cfg):
        upload_id = r.query.get("uploadId", [""])[0]
        u = self.uploads.pop(upload_id, None)
        if not u or not u["alg"]:
            return None
        name, _ = object_name(r.path)
        alg = u["alg"]
        if u["type"] == "COMPOSITE":
            numbers = [n for n, _ in self.completed_parts(r, alg)]
            value = composite(alg, [u["parts"][n] for n in numbers])
        else:
            value = checksum(alg, self.up.get(name))
        self.objects[name] = (alg, u["type"], value, self.up.etag(name))
        shown = corrupted(value) if cfg.checksum_corrupt and cfg.checksum_corrupt.search(name) \
            else value
        return insert_before(body, "</CompleteMultipartUploadResult>",
                             "<Checksum%s>%s</Checksum%s><ChecksumType>%s</ChecksumType>"
                             % (alg, shown, alg, u["type"]))
