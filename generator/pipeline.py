"""`generate()`: the stages wired together, spec file in, {path: text} out."""

from __future__ import annotations

import sys
from pathlib import Path

from .build import build
from .config import Config
from .errors import Diagnostic, SpecError
from .format import format_files
from .load import Document, load
from .names import name
from .overlay import apply_names, apply_overlay
from .render import render
from .validate import generated_part, inside, validate


def checked(doc: Document, config: Config, strict: bool = False) -> list[Diagnostic]:
    """Validation findings to warn about; raises on the ones that must stop generation."""
    problems = validate(doc)
    # Lenient by default, but never about the operations the config asks for: that would emit
    # guesses. With no list (a whole upstream API, which real specs never get entirely valid),
    # findings are warnings and an operation the build cannot handle is skipped, loudly.
    used = generated_part(doc, config.operations) if config.operations is not None else []
    fatal = [p for p in problems if strict or inside(p.pointer, used)]
    if fatal:
        raise SpecError(*fatal)
    return problems


def generate(config: Config, strict: bool = False) -> dict[str, str]:
    # Every problem in the config, the overlay and the spec is reported in one run: each stage
    # goes on with what is usable, and the run stops before the build if any was found.
    errors = list(config.problems)
    try:
        doc = load(config.spec, config.limits)
    except SpecError as e:
        raise SpecError(*errors, *e.diagnostics) from None
    if config.overlay is not None:
        doc, found = apply_overlay(doc, str(config.overlay), config.limits)
        errors += found
    doc, found = apply_names(doc, config)
    errors += found
    warnings: list[Diagnostic] = []
    try:
        warnings = checked(doc, config, strict)
    except SpecError as e:
        errors += e.diagnostics
    if errors:
        raise SpecError(*errors)
    for problem in warnings:
        print(f"warning: {problem}", file=sys.stderr)
    api, skipped = build(doc, config.build, config.operations)
    if not api.operations and not api.webhooks:
        raise SpecError(*skipped) if skipped else SpecError.at(doc.path, "/paths", "no operations to generate")
    for problem in skipped:
        print(f"warning: {problem}", file=sys.stderr)
    api = name(api, doc.path)
    rendered, runtime = render(api, Path(config.spec).name)
    return {**format_files(rendered), **runtime}
