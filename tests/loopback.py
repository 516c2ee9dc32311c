"""A recording HTTP server on 127.0.0.1: every request exactly as it arrived, answered with one JSON body."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest


@dataclass(frozen=True)
class Received:
    request_line: str  # e.g. "GET /v1/items/42?x=1 HTTP/1.1", as sent
    headers: list[tuple[str, str]]  # in order, names as sent
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, f"{name} sent {len(values)} times"
        return values[0] if values else None


class Recorder:
    def __init__(self, status: int = 200, body: bytes = b'{"id": "i1"}') -> None:
        self.received: list[Received] = []
        self.status, self.body = status, body
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _record(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.received.append(Received(self.requestline, list(self.headers.items()), body))
                self.send_response(recorder.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(recorder.body)))
                self.end_headers()
                self.wfile.write(recorder.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _record

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def last(self) -> Received:
        return self.received[-1]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    r = Recorder()
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()
