"""A content-addressed cache for the slow, pure stages (formatting, validation).

An entry is keyed by everything its result depends on, so the output never depends on
the cache. It lives in $OASFORGE_CACHE_DIR, else ~/.cache/oasforge; `off` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable


def _root() -> Path | None:
    setting = os.environ.get("OASFORGE_CACHE_DIR", "")
    if setting == "off":
        return None
    return Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "oasforge"


def cached(kind: str, key: str, compute: Callable[[], str]) -> str:
    root = _root()
    entry = root / kind / hashlib.sha256(key.encode()).hexdigest() if root else None
    if entry is not None and entry.is_file():
        return entry.read_text(encoding="utf-8")
    result = compute()
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, delete=False) as f:
                f.write(result)
            os.replace(f.name, entry)
        except OSError:
            pass  # a cache that cannot be written is only slower
    return result
