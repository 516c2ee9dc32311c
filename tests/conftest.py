"""Shared fixtures: the repository's paths and the generated package on sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SPEC_DIR = ROOT / "spec"
DATA = Path(__file__).resolve().parent / "data"

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


from .prism import prism_url  # noqa: E402,F401  (a session fixture)
