"""A content-addressed cache for the slow, pure stages (formatting, validation).

An entry is keyed by everything its result depends on, so the output never depends on
the cache. It lives in $OASFORGE_CACHE_DIR, else ~/.cache/oasforge; `off` (or the CLI's
`--no-cache`) turns it off. Each entry starts with a sha256 digest of its name and content:
an entry edited, truncated or copied under another name is a miss, recomputed and rewritten,
and reported once per run. The digest catches damage and careless edits, not someone who can
write the cache and recompute it: a check that must not trust the cache runs without one.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Callable

from .write import read_regular

# Entries with a digest line live under their own directory: other versions never read them.
_LAYOUT = "v2"
_state = {"on": True, "warned": False}


def use(on: bool) -> None:
    """Turn the cache on or off for this process (`--no-cache` turns it off)."""
    _state["on"] = on


def _root() -> Path | None:
    setting = os.environ.get("OASFORGE_CACHE_DIR", "")
    if setting == "off" or not _state["on"]:
        return None
    return Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "oasforge"


def _digest(name: str, content: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\0" + content).hexdigest().encode()


def cached(kind: str, key: str, compute: Callable[[], str]) -> str:
    root = _root()
    if root is None:
        return compute()
    name = f"{kind}/{hashlib.sha256(key.encode()).hexdigest()}"
    entry = root / _LAYOUT / name
    try:
        digest, _, content = read_regular(entry).partition(b"\n")
        if digest == _digest(name, content):
            return content.decode("utf-8")
        _warn(entry)
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError):
        _warn(entry)
    result = compute()
    data = result.encode("utf-8")
    temporary = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, delete=False) as f:
            temporary = f.name
            f.write(_digest(name, data) + b"\n" + data)
        os.replace(temporary, entry)
    except OSError:  # a cache that cannot be written is only slower
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)
    return result


def _warn(entry: Path) -> None:
    if not _state["warned"]:
        _state["warned"] = True
        print(f"warning: {entry}: cache entry does not match its digest; recomputed", file=sys.stderr)
