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
from .validate import generated_part, inside, validate


def generate(config: Config, strict: bool = False) -> dict[str, str]:
    doc = load(config.spec, config.limits)
    if config.overlay is not None:
        doc = apply_overlay(doc, str(config.overlay), config.limits)
    doc = apply_names(doc, config)
    problems = validate(doc)
    # Lenient by default, but never about the part we generate from: that would emit guesses.
    used = generated_part(doc, config.operations)
    fatal = [p for p in problems if strict or inside(p.pointer, used)]
    if fatal:
        raise SpecError(*fatal)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    api, skipped = build(doc, config.build, config.operations)
    if not api.operations:
        raise SpecError(*skipped) if skipped else SpecError.at(doc.path, "/paths", "no operations to generate")
    for problem in skipped:
        print(f"warning: {problem}", file=sys.stderr)
    api = name(api, doc.path)
    rendered, runtime = render(api, Path(config.spec).name)
    return {**format_files(rendered), **runtime}
