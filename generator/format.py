"""Stage: format generated Python with black, in-process, at the version pinned in pyproject.toml."""

from __future__ import annotations

import black

_MODE = black.Mode(target_versions={black.mode.TargetVersion.PY310})


def format_files(files: dict[str, str]) -> dict[str, str]:
    return {path: black.format_str(text, mode=_MODE) if path.endswith(".py") else text for path, text in files.items()}
