"""A recording HTTP server on 127.0.0.1: what a client sent, byte for byte, and canned answers.

`Recorder.answer(path, status, body, content_type)` sets the reply for a path (default: 200
with `{}`); every request is kept as a `Request` with its raw request target, headers and body.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qsl

import pytest


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # the raw request target: path and query string, as sent
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> list[tuple[str, str]]:
        """The query's name=value pairs, decoded."""
        return parse_qsl(self.target.split("?", 1)[1], keep_blank_values=True) if "?" in self.target else []


class Recorder:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.answers: dict[str, tuple[int, bytes, str]] = {}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorder.requests.append(Request(self.command, self.path, headers, body))
                status, content, media = recorder.answers.get(self.path.split("?", 1)[0], (200, b"{}", "application/json"))
                self.send_response(status)
                self.send_header("content-type", media)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, status: int = 200, body: bytes = b"{}", content_type: str = "application/json") -> None:
        self.answers[path] = (status, body, content_type)

    def last(self) -> Request:
        return self.requests[-1]

    def take(self) -> list[Request]:
        """The requests seen so far, forgotten."""
        seen, self.requests[:] = list(self.requests), []
        return seen

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()
