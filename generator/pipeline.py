"""`generate()`: the stages wired together, spec file in, {path: text} out."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from packaging.version import InvalidVersion, Version

from . import ir
from .build import build
from .config import Config
from .errors import Diagnostic, SpecError
from .format import format_files
from .load import Document, load
from .names import name
from .overlay import apply_names, apply_overlay
from .package import package_files
from .render import render
from .surface import SURFACE_FILE, dump_surface, surface
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


def named_api(config: Config, strict: bool = False) -> ir.Api:
    """The named IR of the config's spec: what every generated file and the change report derive from."""
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
    return replace(name(api, doc.path), version=package_version(doc, config))


def package_version(doc: Document, config: Config) -> str:
    """The package's PEP 440 version: the config's `version`, else the spec's `info.version`."""
    if config.version is not None:
        try:
            return str(Version(config.version))
        except InvalidVersion:
            raise SpecError.at(config.path, "/version", f"{config.version!r} is not a PEP 440 version (such as 1.2.0)") from None
    info = doc.data.get("info")
    given = info.get("version") if isinstance(info, dict) else None
    try:
        return str(Version(str(given)))
    except InvalidVersion:
        problem = Diagnostic(doc.path, "/info/version", f"{given!r} is not a PEP 440 version: the package is 0.0.0 (set `version:` in the config)")
        print(f"warning: {problem}", file=sys.stderr)
        return "0.0.0"


def generate(config: Config, strict: bool = False) -> dict[str, str]:
    api = named_api(config, strict)
    source = Path(config.spec).name
    rendered, runtime = render(api, source)
    public = surface(api)
    return {**format_files(rendered), **runtime, **package_files(api, public, source), SURFACE_FILE: dump_surface(public)}
