"""The Prism mock server, started once per test session from the spec in spec/ (fixture `prism_url`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import ROOT, SPEC_DIR

PRISM = ROOT / "node_modules" / ".bin" / "prism"
PRISM_START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _accepting(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def start_prism(spec: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A Prism mock server for `spec` on 127.0.0.1 at a free port: (the process, its base URL)."""
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the client tests need Node.js and npm for the Prism mock server")
    if not PRISM.exists():
        pytest.fail(f"Prism is not installed ({PRISM} is missing): run `npm ci` in {ROOT} (`make test` does it)")
    port = free_port()
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [str(PRISM), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    log.close()
    deadline = time.monotonic() + PRISM_START_TIMEOUT
    while not _accepting(port):
        if proc.poll() is not None:
            pytest.fail(f"Prism exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            stop(proc)
            pytest.fail(f"Prism not ready after {PRISM_START_TIMEOUT}s:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a Prism mock server serving spec/openapi.yaml on 127.0.0.1.

    The upstream slice is served as is: it is what the real server implements. The overlay's
    limits are the SDK's own, checked by the client before sending.
    """
    proc, url = start_prism(SPEC_DIR / "openapi.yaml", tmp_path_factory.mktemp("prism") / "prism.log")
    try:
        yield url
    finally:
        stop(proc)
