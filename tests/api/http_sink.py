"""A real HTTP server on loopback for the tests (the SMS gateway and the
webhook receivers): it keeps every POST it gets (path, headers, raw body,
parsed JSON) and can be told to answer a status for the next N requests
(a 503 then success, a 400 for good)."""

import http.server
import json
import threading
import time


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server naming)
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        sink = self.server.sink
        status = sink._answer(self.path)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with sink.lock:
            sink.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                                  "raw": raw, "json": body, "status": status,
                                  "at": time.monotonic()})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class HttpSink:
    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.plan = {}  # path -> [status, count or None for always]
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.sink = self
        self.port = self.httpd.server_address[1]
        self.thread = None

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def answer(self, path, status, times=None):
        """Answer status to the next `times` POSTs to path (None: all)."""
        with self.lock:
            self.plan[path] = [status, times]

    def _answer(self, path):
        with self.lock:
            p = self.plan.get(path)
            if not p:
                return 200
            status, times = p
            if times is not None:
                p[1] -= 1
                if p[1] <= 0:
                    del self.plan[path]
            return status

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def received(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]
