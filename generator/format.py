"""Stage: format generated Python with black, in-process, at the version pinned in pyproject.toml.

Formatting is the slowest stage, so results are cached by content (black's version, its mode
and the input text): regenerating an unchanged file costs a hash. The output does not depend
on the cache; OASFORGE_CACHE_DIR=off turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import black
from importlib.metadata import version

_MODE = black.Mode(target_versions={black.mode.TargetVersion.PY310})


def _cache_dir() -> Path | None:
    setting = os.environ.get("OASFORGE_CACHE_DIR", "")
    if setting == "off":
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "oasforge"
    return base / f"black-{version('black')}"


def format_source(text: str) -> str:
    cache = _cache_dir()
    key = hashlib.sha256(f"{_MODE!r}\0{text}".encode()).hexdigest()
    entry = cache / key if cache else None
    if entry is not None and entry.is_file():
        return entry.read_text(encoding="utf-8")
    result: str = black.format_str(text, mode=_MODE)
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, delete=False) as f:
                f.write(result)
            os.replace(f.name, entry)
        except OSError:
            pass  # a cache that cannot be written is only slower
    return result


def format_files(files: dict[str, str]) -> dict[str, str]:
    return {path: format_source(text) if path.endswith(".py") else text for path, text in files.items()}
