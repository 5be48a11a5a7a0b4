"""A local OTLP/HTTP receiver for the transport tests: records every request (headers and the
gunzipped body as proto3 JSON: protobuf bodies are read by tests/otlp_wire.py) and answers from a
script of (status, headers, body) tuples, then 200s."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import otlp_wire


class Receiver:
    """``with Receiver([(503, {"Retry-After": "0"}, b"")]) as r: ... r.requests``"""

    def __init__(self, script=()):
        self.script = list(script)
        self.requests = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
                with receiver.lock:
                    content_type = self.headers.get("Content-Type")
                    parsed = otlp_wire.decode(body) if content_type == "application/x-protobuf" else json.loads(body)
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "json": parsed})
                    status, headers, payload = receiver.script.pop(0) if receiver.script else (200, {"Content-Type": "application/json"}, b"{}")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def records(self):
        """Every log record received, in order, with its attributes as a plain dict."""
        out = []
        for request in self.requests:
            for resource_logs in request["json"]["resourceLogs"]:
                for scope_logs in resource_logs["scopeLogs"]:
                    for record in scope_logs["logRecords"]:
                        out.append(dict(record, attributes={kv["key"]: kv["value"] for kv in record["attributes"]}))
        return out


def free_port_closed():
    """A loopback URL nothing listens on (the port was bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
