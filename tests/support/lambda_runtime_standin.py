#!/usr/bin/python3
"""lambda_runtime_standin - the AWS Lambda Runtime API (version 2018-06-01) on
loopback, for tests of a custom runtime (`s3engine lambda`).

Answers as the Lambda documentation describes it:
  GET  /2018-06-01/runtime/invocation/next
       200, the next event as the body, with the headers Lambda-Runtime-Aws-Request-Id,
       Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Invoked-Function-Arn and
       Lambda-Runtime-Trace-Id. When every event of --events has been handed out and
       answered: 500 (a container error: the runtime should exit), so tests end.
  POST /2018-06-01/runtime/invocation/{id}/response
       202 {"status":"OK"}; 400 for an id it did not hand out or that was answered
       already; 413 above 6 MB.
  POST /2018-06-01/runtime/invocation/{id}/error
       202 {"status":"OK"}; 400 as above, or when the body is not JSON with
       errorMessage and errorType.
  POST /2018-06-01/runtime/init/error
       202 {"status":"OK"}, then every next is 500 (Lambda would end the environment).
Anything else: 404.

--events is a file of one JSON event per line. Every request is logged as one JSON line
in --log: kind (next, response, error, init_error, unknown), request id, status
answered, the body received (parsed when JSON) and the error-type header.
Python 3 standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = "/2018-06-01/runtime"
MAX_RESPONSE = 6 * 1024 * 1024
ARN = "arn:aws:lambda:us-east-1:123456789012:function:s3engine-standin"


class State:
    def __init__(self, events, log, timeout_ms):
        self.events = list(events)
        self.log = open(log, "a", encoding="utf-8")
        self.lock = threading.Lock()
        self.open = set()       # request ids handed out, not answered
        self.answered = set()
        self.init_failed = False
        self.timeout_ms = timeout_ms

    def write(self, **rec):
        rec["time"] = time.time()
        with self.lock:
            self.log.write(json.dumps(rec, sort_keys=True) + "\n")
            self.log.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LambdaRuntimeStandin/1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        st = self.server.state
        if self.path != BASE + "/invocation/next":
            st.write(kind="unknown", method="GET", path=self.path, status=404)
            return self.reply(404, {"errorMessage": "not found", "errorType": "NotFound"})
        with st.lock:
            ended = st.init_failed or (not st.events and not st.open)
            event = None if ended or not st.events else st.events.pop(0)
            rid = str(uuid.uuid4()) if event is not None else None
            if rid:
                st.open.add(rid)
        if event is None:
            # Nothing left (or init failed): a container error ends the runtime.
            st.write(kind="next", status=500)
            return self.reply(500, {"errorMessage": "no more events (stand-in)",
                                    "errorType": "ContainerError"})
        deadline = int(time.time() * 1000) + st.timeout_ms
        st.write(kind="next", request_id=rid, status=200, event=event, deadline_ms=deadline)
        self.reply(200, event.encode(), {
            "Lambda-Runtime-Aws-Request-Id": rid,
            "Lambda-Runtime-Deadline-Ms": str(deadline),
            "Lambda-Runtime-Invoked-Function-Arn": ARN,
            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
        })

    def do_POST(self):
        st = self.server.state
        data = self.body()
        etype = self.headers.get("Lambda-Runtime-Function-Error-Type")
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        if self.path == BASE + "/init/error":
            ok = isinstance(parsed, dict) and "errorMessage" in parsed and "errorType" in parsed
            status = 202 if ok else 400
            with st.lock:
                st.init_failed = st.init_failed or ok
            st.write(kind="init_error", status=status, body=parsed, error_type=etype)
            return self.reply(status, {"status": "OK"} if ok else
                              {"errorMessage": "bad error body", "errorType": "InvalidRequest"})
        parts = self.path[len(BASE):].split("/") if self.path.startswith(BASE + "/invocation/") else []
        if len(parts) != 4 or parts[3] not in ("response", "error"):
            st.write(kind="unknown", method="POST", path=self.path, status=404)
            return self.reply(404, {"errorMessage": "not found", "errorType": "NotFound"})
        rid, what = parts[2], parts[3]
        with st.lock:
            known = rid in st.open
            if known:
                st.open.discard(rid)
                st.answered.add(rid)
        status = 202
        if not known:
            status = 400
        elif what == "response" and len(data) > MAX_RESPONSE:
            status = 413
        elif what == "error" and not (isinstance(parsed, dict) and "errorMessage" in parsed
                                      and "errorType" in parsed):
            status = 400
        st.write(kind=what, request_id=rid, status=status,
                 body=parsed if parsed is not None else data.decode("utf-8", "replace"),
                 error_type=etype)
        if status == 202:
            return self.reply(202, {"status": "OK"})
        return self.reply(status, {"errorMessage": "invalid request id or body",
                                   "errorType": "InvalidRequestID" if not known
                                   else "InvalidRequest"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", required=True, help="one JSON event per line")
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready-file", help="the port is written here once listening")
    ap.add_argument("--timeout-ms", type=int, default=900000)
    a = ap.parse_args()
    with open(a.events, encoding="utf-8") as f:
        events = [l.strip() for l in f if l.strip()]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.state = State(events, a.log, a.timeout_ms)
    if a.ready_file:
        with open(a.ready_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.ready_file + ".tmp", a.ready_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
