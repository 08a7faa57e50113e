"""archive - objects in an archive storage class, answered as AWS documents.

radosgw has no archive tier. With --archive REGEX the fault proxy treats the
objects whose "bucket/key" matches REGEX as stored in --archive-class
(GLACIER by default), not restored, and answers for them as AWS does:

  CopyObject, UploadPartCopy (x-amz-copy-source names one), GetObject:
      403 InvalidObjectState until a restore has finished; then relayed.
  RestoreObject (POST ?restore, RestoreRequest body with Days and
      GlacierJobParameters/Tier): 202 Accepted when it starts a restore,
      409 RestoreAlreadyInProgress while one is under way, 200 OK once the
      object is restored. Never forwarded.
  ListObjectsV2: relayed, each archived key's <StorageClass> the archive class
      (a listing shows it whether restored or not).
  HeadObject: relayed, with x-amz-storage-class set to the archive class and,
      once a restore was asked for, x-amz-restore: ongoing-request="true"
      while it runs, ongoing-request="false", expiry-date="..." after.

With --archive-status ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS (and --archive-class
INTELLIGENT_TIERING) the objects are in an archive tier of Intelligent-Tiering:
HeadObject also says x-amz-archive-status until the restore has finished;
RestoreObject must not carry Days (AWS: these tiers have no restore expiry, a
request with Days fails; the code it answers is not documented, here 400
InvalidArgument) and takes Tier Standard or Bulk (Expedited is not offered
for them); a restore moves the object back to the Frequent Access tier, so
x-amz-restore then has no expiry-date.

A restore finishes --restore-seconds after it was asked for (default 0: at
once). The restores asked for are kept while the proxy runs, across new
fault settings (POST /config), so a test can ask for a restore with
--restore-seconds 3600 and finish it by setting --restore-seconds 0.
Each RestoreObject is logged with its Days and Tier (see log_restore).
"""

import email.utils
import html
import re
import time
import urllib.parse


def object_name(path):
    """'/bucket/key' or 'bucket/key?versionId=...' (%-encoded) -> 'bucket/key'."""
    return urllib.parse.unquote(path.partition("?")[0].lstrip("/"))


class Archive:
    def __init__(self):
        self.restores = {}  # "bucket/key" -> (asked at: monotonic, wall; days; tier)

    def state(self, name, cfg):
        """'none', 'ongoing' or 'done' for an archived object."""
        r = self.restores.get(name)
        if r is None:
            return "none"
        return "ongoing" if time.monotonic() - r[0] < cfg.restore_seconds else "done"

    def decide(self, r, cfg):
        """The archive's part in answering r: None (not an archived object, or
        nothing to change), 'archive-refuse', 'archive-restore' or 'archive-head'."""
        if cfg.archive is None:
            return None
        if r.op == "ListObjectsV2":
            return "archive-list"
        src = r.header("x-amz-copy-source")
        if r.op in ("CopyObject", "UploadPartCopy") and src is not None:
            name = object_name(src)
            if cfg.archive.search(name) and self.state(name, cfg) != "done":
                return "archive-refuse"
            return None
        name = object_name(r.path)
        if not cfg.archive.search(name):
            return None
        if r.method == "POST" and "restore" in r.query:
            return "archive-restore"
        if r.op == "HeadObject":
            return "archive-head"
        if r.op == "GetObject" and self.state(name, cfg) != "done":
            return "archive-refuse"
        return None

    def restore(self, r, cfg):
        """RestoreObject: (status, reason, error code or None, days, tier)."""
        name = object_name(r.path)
        body = r.body.decode("utf-8", "replace")
        days = re.search(r"<Days>\s*(\d+)\s*</Days>", body)
        tier = re.search(r"<GlacierJobParameters>.*?<Tier>\s*(\w+)\s*</Tier>", body, re.S)
        days = int(days.group(1)) if days else 0
        tier = tier.group(1) if tier else "Standard"
        st = self.state(name, cfg)
        if st == "ongoing":
            return 409, "Conflict", "RestoreAlreadyInProgress", days, tier
        if cfg.archive_status:
            if days or tier not in ("Standard", "Bulk"):
                return 400, "Bad Request", "InvalidArgument", days, tier
        elif days <= 0 or tier not in ("Standard", "Bulk", "Expedited"):
            return 400, "Bad Request", "MalformedXML", days, tier
        old = self.restores.get(name)
        self.restores[name] = (old[0] if old else time.monotonic(),
                               old[1] if old else time.time(), days, tier)
        return (200, "OK", None, days, tier) if st == "done" else \
            (202, "Accepted", None, days, tier)

    def listing(self, r, body, cfg):
        """A ListObjectsV2 page with the archived keys' storage class."""
        bucket = r.path.strip("/")
        url = "url" in r.query.get("encoding-type", [])

        def one(m):
            block = m.group(0)
            k = re.search(r"<Key>(.*?)</Key>", block, re.S)
            if not k:
                return block
            key = urllib.parse.unquote(k.group(1)) if url else html.unescape(k.group(1))
            if not cfg.archive.search(bucket + "/" + key):
                return block
            sc = "<StorageClass>%s</StorageClass>" % cfg.archive_class
            if "<StorageClass>" in block:
                return re.sub(r"<StorageClass>.*?</StorageClass>", sc, block)
            return block.replace("</Contents>", sc + "</Contents>")
        text = body.decode("utf-8", "surrogateescape")
        return re.sub(r"<Contents>.*?</Contents>", one, text, flags=re.S).encode(
            "utf-8", "surrogateescape")

    def head_lines(self, r, cfg):
        """Header lines a HeadObject answer gets for an archived object."""
        name = object_name(r.path)
        out = [b"x-amz-storage-class: " + cfg.archive_class.encode()]
        st = self.state(name, cfg)
        if cfg.archive_status and st != "done":
            out.append(b"x-amz-archive-status: " + cfg.archive_status.encode())
        if st == "ongoing":
            out.append(b'x-amz-restore: ongoing-request="true"')
        elif st == "done" and cfg.archive_status:  # back in Frequent Access: no expiry
            out.append(b'x-amz-restore: ongoing-request="false"')
        elif st == "done":
            _, wall, days, _ = self.restores[name]
            expiry = email.utils.formatdate(wall + days * 86400, usegmt=True)
            out.append(('x-amz-restore: ongoing-request="false", expiry-date="%s"'
                        % expiry).encode())
        return out


def with_headers(head, lines):
    """A response head with the named headers replaced by lines."""
    names = {ln.partition(b":")[0].strip().lower() for ln in lines}
    kept = [ln for ln in head[:-4].split(b"\r\n")
            if ln.partition(b":")[0].strip().lower() not in names]
    return b"\r\n".join(kept + lines) + b"\r\n\r\n"
