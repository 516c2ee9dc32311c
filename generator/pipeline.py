"""`generate()`: the stages wired together, spec file in, {path: text} out."""

from __future__ import annotations

import sys
from pathlib import Path

from .build import build
from .config import Config
from .errors import SpecError
from .format import format_files
from .load import load
from .names import name
from .overlay import apply_names, apply_overlay
from .render import render
from .validate import validate


def generate(config: Config, strict: bool = False) -> dict[str, str]:
    doc = load(config.spec)
    if config.overlay is not None:
        doc = apply_overlay(doc, str(config.overlay))
    doc = apply_names(doc, config)
    problems = validate(doc)
    if problems and strict:
        raise SpecError(*problems)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    api, skipped = build(doc, config.build, config.operations)
    for problem in skipped:
        print(f"warning: {problem}", file=sys.stderr)
    api = name(api, doc.path)
    rendered, runtime = render(api, Path(config.spec).name)
    return {**format_files(rendered), **runtime}
