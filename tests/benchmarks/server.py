"""A local keep-alive HTTP server answering every POST with one fixed ChatCompletion.

Run as a child of the bench: `python server.py`. It binds 127.0.0.1 on a free port,
prints the port on one line, and exits when its standard input closes (the bench ends)
or after LIFETIME seconds, whichever comes first.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from payload import small_completion

LIFETIME = 900.0
BODY = small_completion()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/json\r\n"
    b"x-request-id: req_bench\r\n"
    + f"Content-Length: {len(BODY)}\r\n\r\n".encode("ascii")
    + BODY
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.wfile.write(RESPONSE)  # one write: status line, headers and body

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    stop.wait(LIFETIME)
    server.shutdown()


if __name__ == "__main__":
    main()
