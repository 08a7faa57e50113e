#!/usr/bin/python3
"""aws_standin - the AWS-only credential services, on loopback, for tests.

Answers as AWS documents them:
  EC2 IMDSv2     PUT /latest/api/token (needs X-aws-ec2-metadata-token-ttl-seconds),
                 GET /latest/meta-data/iam/security-credentials/[ROLE] (needs
                 X-aws-ec2-metadata-token: 401 without it)
  container      GET /container/creds (checks the Authorization header when
                 --container-token is given: 401 without, 403 when wrong)
  STS            POST / Action=AssumeRole (SigV4 verified against the keys it knows:
                 --source-key and every key it issued) and
                 Action=AssumeRoleWithWebIdentity (unsigned, checks --web-token)
  SSO            GET /federation/credentials?role_name=&account_id= (checks
                 x-amz-sso_bearer_token against --sso-token)
Each answer hands out credentials valid for --lifetime seconds: the fixed --issue
AK:SK[:TOKEN] or a new ASIA... key each time (with --dated-tokens every session token
ends in -expEPOCH, its expiry, so that a proxy can refuse it as radosgw does once it
has expired: faultproxy.py --expire-tokens).

Every request is logged as one JSON line in --log: time, method, path, action,
whether Authorization / the IMDS token / the SSO token was sent, the key it issued,
its expiry, and the key that signed (STS). With --tls-cert and --tls-key it speaks
HTTPS (tls_server.py). Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import hmac
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

from tls_server import make_server

ROLE = "s3engine-test-role"


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.keys = {}      # access key id -> (secret, session token or None)
        self.imds_tokens = set()
        self.counter = 0
        if args.source_key:
            ak, sk = args.source_key.split(":", 1)
            self.keys[ak] = (sk, None)

    def issue(self):
        with self.lock:
            self.counter += 1
            exp = int(time.time()) + self.args.lifetime
            if self.args.issue:
                ak, sk, token = (self.args.issue.split(":", 2) + [None])[:3]
            else:
                ak = "ASIASTANDIN%09d" % self.counter
                sk = secrets.token_urlsafe(30)
                token = "standin-token-%d-%s" % (self.counter, secrets.token_hex(8))
            if self.args.dated_tokens:  # the expiry readable by a proxy (faultproxy --expire-tokens)
                token = "%s-exp%d" % (token or "standin-token-%d" % self.counter, exp)
            self.keys[ak] = (sk, token)
            return ak, sk, token, exp

    def log(self, entry):
        entry["t"] = round(time.time(), 3)
        with self.lock, open(self.args.log, "a") as f:
            f.write(json.dumps(entry) + "\n")


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sigv4_ok(state, method, path, query, headers, body):
    """The signer's key id when the SigV4 Authorization header is right, else None."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return None
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    ak, date, region, service, _ = parts["Credential"].split("/")
    secret = state.keys.get(ak)
    if not secret:
        return None
    signed = parts["SignedHeaders"].split(";")
    canon_headers = "".join("%s:%s\n" % (h, " ".join(headers.get(h, "").split())) for h in signed)
    creq = "\n".join([method, path, query, canon_headers, parts["SignedHeaders"],
                      hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", headers.get("X-Amz-Date", ""), scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret[0]).encode()
    for m in (date, region, service, "aws4_request"):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, parts.get("Signature", "")):
        return None
    if secret[1] and headers.get("X-Amz-Security-Token") != secret[1]:
        return None
    return ak


def sts_xml(action, ak, sk, token, exp, role_arn, session):
    return ("<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <%sResult>\n"
            "    <AssumedRoleUser>\n"
            "      <Arn>%s/%s</Arn>\n"
            "      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s</AssumedRoleId>\n"
            "    </AssumedRoleUser>\n"
            "    <Credentials>\n"
            "      <AccessKeyId>%s</AccessKeyId>\n"
            "      <SecretAccessKey>%s</SecretAccessKey>\n"
            "      <SessionToken>%s</SessionToken>\n"
            "      <Expiration>%s</Expiration>\n"
            "    </Credentials>\n"
            "  </%sResult>\n"
            "  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
            "</ResponseMetadata>\n"
            "</%sResponse>\n" % (action, action, role_arn.replace(":role/", ":assumed-role/"),
                                 session, session, ak, sk, token or "", iso(exp), action, action))


def sts_error(code, message, status=403):
    body = ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>\n"
            "  <RequestId>standin</RequestId>\n</ErrorResponse>\n" % (code, message))
    return status, "text/xml", body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, ctype, body):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def entry(self, **kw):
        e = {"method": self.command, "path": self.path.split("?")[0],
             "authorization": "Authorization" in self.headers}
        e.update(kw)
        return e

    def do_PUT(self):
        self.body()
        st = self.state
        if self.path != "/latest/api/token":
            return self.reply(404, "text/plain", "not found")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            st.log(self.entry(action="imds-token", status=400))
            return self.reply(400, "text/plain", "Bad Request")
        token = "AQAEA" + secrets.token_urlsafe(24)
        with st.lock:
            st.imds_tokens.add(token)
        st.log(self.entry(action="imds-token", status=200, ttl=int(ttl)))
        self.reply(200, "text/plain", token)

    def do_GET(self):
        st = self.state
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/latest/meta-data/iam/security-credentials/"):
            return self.imds(url.path)
        if url.path.startswith("/container/"):
            return self.container()
        if url.path == "/federation/credentials":
            return self.sso(urllib.parse.parse_qs(url.query))
        st.log(self.entry(action="unknown", status=404))
        self.reply(404, "text/plain", "not found")

    def imds(self, path):
        st = self.state
        token = self.headers.get("X-aws-ec2-metadata-token")
        if token not in st.imds_tokens:
            st.log(self.entry(action="imds-get", status=401, token=token is not None))
            return self.reply(401, "text/plain", "Unauthorized")
        role = path[len("/latest/meta-data/iam/security-credentials/"):]
        if not role:
            st.log(self.entry(action="imds-role", status=200, token=True))
            return self.reply(200, "text/plain", ROLE)
        if role != ROLE:
            st.log(self.entry(action="imds-creds", status=404, token=True))
            return self.reply(404, "text/plain", "Not Found")
        ak, sk, tok, exp = st.issue()
        st.log(self.entry(action="imds-creds", status=200, token=True, issued=ak, expiration=exp))
        self.reply(200, "text/plain", json.dumps({
            "Code": "Success", "LastUpdated": iso(time.time()), "Type": "AWS-HMAC",
            "AccessKeyId": ak, "SecretAccessKey": sk, "Token": tok or "", "Expiration": iso(exp)},
            indent=2))

    def container(self):
        st = self.state
        want = st.args.container_token
        got = self.headers.get("Authorization")
        if want and got is None:
            st.log(self.entry(action="container", status=401))
            return self.reply(401, "application/json", '{"message":"missing authorization"}')
        if want and got != want:
            st.log(self.entry(action="container", status=403, auth_ok=False))
            return self.reply(403, "application/json", '{"message":"bad authorization"}')
        ak, sk, tok, exp = st.issue()
        doc = {"AccessKeyId": ak, "SecretAccessKey": sk, "Expiration": iso(exp),
               "RoleArn": "arn:aws:iam::123456789012:role/" + ROLE}
        if tok:
            doc["Token"] = tok
        st.log(self.entry(action="container", status=200, auth_ok=bool(want), issued=ak,
                          expiration=exp))
        self.reply(200, "application/json", json.dumps(doc))

    def sso(self, q):
        st = self.state
        token = self.headers.get("x-amz-sso_bearer_token")
        if token != st.args.sso_token:
            st.log(self.entry(action="sso", status=401, token=token is not None))
            return self.reply(401, "application/json",
                              '{"message":"Session token not found or invalid"}')
        ak, sk, tok, exp = st.issue()
        st.log(self.entry(action="sso", status=200, token=True, issued=ak, expiration=exp,
                          role_name=q.get("role_name", [""])[0],
                          account_id=q.get("account_id", [""])[0]))
        self.reply(200, "application/json", json.dumps({"roleCredentials": {
            "accessKeyId": ak, "secretAccessKey": sk, "sessionToken": tok or "",
            "expiration": exp * 1000}}))

    def do_POST(self):
        st = self.state
        body = self.body()
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        action = form.get("Action", "")
        session = form.get("RoleSessionName", "")
        params = {k: form[k] for k in ("RoleArn", "RoleSessionName", "DurationSeconds",
                                       "ExternalId") if k in form}
        if action == "AssumeRole":
            signer = sigv4_ok(st, "POST", urllib.parse.urlsplit(self.path).path or "/", "",
                              self.headers, body)
            if not signer:
                st.log(self.entry(action=action, status=403, params=params))
                return self.reply(*sts_error("SignatureDoesNotMatch", "The request signature "
                                             "we calculated does not match the signature you "
                                             "provided."))
        elif action == "AssumeRoleWithWebIdentity":
            signer = None
            if form.get("WebIdentityToken") != st.args.web_token:
                st.log(self.entry(action=action, status=400, params=params))
                return self.reply(*sts_error("InvalidIdentityToken", "Couldn't retrieve "
                                             "verification key from your identity provider",
                                             400))
        else:
            st.log(self.entry(action=action or "unknown", status=400))
            return self.reply(*sts_error("InvalidAction", "Could not find operation", 400))
        ak, sk, tok, exp = st.issue()
        st.log(self.entry(action=action, status=200, signer=signer, issued=ak, expiration=exp,
                          params=params))
        self.reply(200, "text/xml", sts_xml(action, ak, sk, tok, exp, form.get("RoleArn", ""),
                                            session))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file", required=True, help="gets the port once listening")
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=int, default=3600, help="seconds issued credentials live")
    ap.add_argument("--issue", help="AK:SK[:TOKEN] to hand out every time (no session token "
                    "unless given)")
    ap.add_argument("--dated-tokens", action="store_true",
                    help="every session token handed out ends in -expEPOCH, its expiry")
    ap.add_argument("--source-key", help="AK:SK that may sign AssumeRole")
    ap.add_argument("--container-token", help="the Authorization value container requests need")
    ap.add_argument("--web-token", default="standin-web-identity-token")
    ap.add_argument("--sso-token", default="standin-sso-access-token")
    ap.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (with --tls-key)")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = ap.parse_args()
    Handler.state = State(args)
    srv = make_server(("127.0.0.1", args.port), Handler, args.tls_cert, args.tls_key)
    srv.daemon_threads = True
    tmp = args.ready_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.ready_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
