"""A recording HTTP server on 127.0.0.1 that answers every request with `{}` (a model read from nothing)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, percent-encoding kept
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: bytes


class Loopback:
    def __init__(self) -> None:
        self.seen: list[Request] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def handle_one(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                with server.lock:
                    server.seen.append(
                        Request(self.command, url.path, parse_qsl(url.query, keep_blank_values=True),
                                {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def take(self) -> list[Request]:
        with self.lock:
            seen, self.seen = self.seen, []
        return seen

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
