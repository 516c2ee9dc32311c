"""A scripted HTTP server on 127.0.0.1: each request gets the next step of a script.

Steps: `Reply(status, headers, body)` answers, `DROP` closes the connection without answering,
`HANG` never answers: it holds the connection until the client gives up and closes it, so a
client timeout is certain however slow the machine is. When the script runs out, it answers 200
with `SUCCESS_BODY`.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Union

from .conftest import DATA

SUCCESS_BODY = (DATA / "seed_004_response.json").read_bytes()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = SUCCESS_BODY


class Drop:
    def __repr__(self) -> str:
        return "DROP"


class Hang:
    def __repr__(self) -> str:
        return "HANG"


DROP = Drop()
HANG = Hang()
Step = Union[Reply, Drop, Hang]
# How long a hanging step waits for the client to close at most (a client that never times out).
HANG_LIMIT = 60.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class FaultServer:
    def __init__(self) -> None:
        self.script: deque[Step] = deque()
        self.seen: list[Seen] = []
        self.lock = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                with server.lock:
                    server.seen.append(
                        Seen(self.command, self.path, dict(self.headers), json.loads(raw) if raw else None)
                    )
                    server.lock.notify_all()
                    step = server.script.popleft() if server.script else Reply()
                if isinstance(step, Drop):
                    self.close_connection = True
                    return
                if isinstance(step, Hang):
                    self.connection.settimeout(HANG_LIMIT)
                    try:
                        while self.connection.recv(4096):  # b"" once the client has closed
                            pass
                    except (OSError, socket.timeout):
                        pass
                    self.close_connection = True
                    return
                try:
                    self.send_response(step.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(step.body)))
                    for k, v in step.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(step.body)
                except OSError:
                    self.close_connection = True

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def load(self, steps: Iterable[Step]) -> None:
        with self.lock:
            self.script = deque(steps)
            self.seen = []

    def wait_seen(self, n: int) -> int:
        """How many requests have arrived, once at least `n` have (a client that timed out may be
        ahead of the handler reading its request)."""
        with self.lock:
            self.lock.wait_for(lambda: len(self.seen) >= n, timeout=HANG_LIMIT)
            return len(self.seen)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
