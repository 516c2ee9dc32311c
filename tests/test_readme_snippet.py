"""The documented call runs as written against a server on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading

from .conftest import DATA, GENERATED

SNIPPET = """
import os
from openai_chat import OpenAI
client = OpenAI(api_key=os.environ.get("OPENAI_API_KEY"), base_url=BASE_URL)
chat_completion = client.chat.completions.update(completion_id="completion_id", metadata={"foo": "string"})
print(chat_completion.id)
"""


def test_snippet_runs_against_a_local_server():
    requests: list[tuple[str, str, dict[str, str], bytes]] = []
    body = (DATA / "seed_004_response.json").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers["content-length"]))
            requests.append((self.command, self.path, dict(self.headers), data))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        env = {**os.environ, "OPENAI_API_KEY": "sk-snippet", "PYTHONPATH": str(GENERATED)}
        result = subprocess.run([sys.executable, "-c", f"BASE_URL = {base_url!r}\n" + SNIPPET], env=env, capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout == "chatcmpl-AyPNinnUqUDYo9SAdA52NobMflmj2\n"
    (method, path, headers, data) = requests[0]
    assert (method, path) == ("POST", "/v1/chat/completions/completion_id")
    assert headers["Authorization"] == "Bearer sk-snippet"
    assert json.loads(data) == {"metadata": {"foo": "string"}}
