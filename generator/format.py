"""Stage: format generated Python with black, in-process, at the version pinned in pyproject.toml.

Formatting is the slowest stage, so results are cached by content (see cache.py): black is
imported only when a file is not in the cache.
"""

from __future__ import annotations

from importlib.metadata import version

from .cache import cached

_TARGET = "py310"


def _black(text: str) -> str:
    import black

    mode = black.Mode(target_versions={black.mode.TargetVersion[_TARGET.upper()]})
    result: str = black.format_str(text, mode=mode)
    return result


def format_source(text: str) -> str:
    return cached(f"black-{version('black')}", f"{_TARGET}\0{text}", lambda: _black(text))


def format_files(files: dict[str, str]) -> dict[str, str]:
    return {path: format_source(text) if path.endswith(".py") else text for path, text in files.items()}
