"""A scripted HTTP server on 127.0.0.1, and the virtual clock the fault tests run on.

Each request gets the next step of a script; when the script runs out, the server answers
200 with `SUCCESS_BODY`. Steps:

- `Reply(status, headers, body, ...)` answers; `advance` moves the virtual clock first (a server
  that is slow by that many seconds, without anyone waiting), `delay` sleeps for real,
  `length` overrides Content-Length, `truncate` sends only that many body bytes and hangs up.
- `Drip(...)`: an answer sent in `pieces` with a real `pause` between them, headers included
  unless `head_first` (`advance` moves the virtual clock once, before the first byte).
- `DROP` closes the connection without answering.

The virtual clock moves only when a step or a recorded wait moves it, so what the client
decides (time out, retry, give up) follows from the script alone, never from the machine.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Union

from .conftest import DATA

SUCCESS_BODY = (DATA / "seed_004_response.json").read_bytes()


class VirtualClock:
    """Seconds that pass only when told to; `sleep` records each wait and passes it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = SUCCESS_BODY
    delay: float = 0.0
    advance: float = 0.0
    length: int | None = None
    truncate: int | None = None


@dataclass(frozen=True)
class Drip:
    status: int = 200
    body: bytes = SUCCESS_BODY
    pieces: int = 12
    pause: float = 0.002
    advance: float = 0.0
    head_first: bool = False  # the headers in one piece, then the body dripping


class Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP = Drop()
Step = Union[Reply, Drip, Drop]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def gzip_bomb(size: int, piece: int = 1 << 20) -> bytes:
    """`size` zero bytes gzipped (about a thousandth of that), made without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(piece)
    out = [packer.compress(zeros) for _ in range(size // piece)]
    out.append(packer.compress(bytes(size % piece)))
    out.append(packer.flush())
    return b"".join(out)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


def _head(status: int, headers: dict[str, str], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} Scripted", "content-type: application/json"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if "content-length" not in {k.lower() for k in headers}:
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class FaultServer:
    def __init__(self) -> None:
        self.script: deque[Step] = deque()
        self.seen: list[Seen] = []
        self.clock = VirtualClock()
        self.lock = threading.Lock()
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
                    step = server.script.popleft() if server.script else Reply()
                if isinstance(step, Drop):
                    self.close_connection = True
                    return
                if step.advance:
                    server.clock.advance(step.advance)
                try:
                    if isinstance(step, Drip):
                        self.drip(step)
                    else:
                        self.reply(step)
                except OSError:
                    self.close_connection = True

            def reply(self, step: Reply) -> None:
                if step.delay:
                    time.sleep(step.delay)
                length = len(step.body) if step.length is None else step.length
                body = step.body if step.truncate is None else step.body[: step.truncate]
                self.wfile.write(_head(step.status, step.headers, length) + body)
                self.wfile.flush()
                if step.truncate is not None or length != len(step.body):
                    self.close_connection = True

            def drip(self, step: Drip) -> None:
                head = _head(step.status, {}, len(step.body))
                data = step.body if step.head_first else head + step.body
                if step.head_first:
                    self.wfile.write(head)
                size = -(-len(data) // step.pieces)
                for i in range(0, len(data), size):
                    self.wfile.write(data[i : i + size])
                    self.wfile.flush()
                    time.sleep(step.pause)

            do_GET = do_POST
            do_DELETE = do_POST

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client hanging up mid-answer is what many steps are about

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def load(self, steps: Iterable[Step], clock: VirtualClock | None = None) -> VirtualClock:
        """A new script, and a new virtual clock for it (returned, for the client)."""
        with self.lock:
            self.script = deque(steps)
            self.seen = []
            self.clock = clock or VirtualClock()
        return self.clock

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
