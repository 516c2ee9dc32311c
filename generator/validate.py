"""Stage: structural validation with openapi-spec-validator, reported with JSON pointers."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from .errors import Diagnostic, SpecError, pointer
from .load import Document

MAX_REPORTED = 50


def dangling_refs(doc: Document) -> list[Diagnostic]:
    """Every local `$ref` that points nowhere (the validator would stop at the first one)."""
    out: list[Diagnostic] = []
    stack: list[tuple[Any, str]] = [(doc.data, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                try:
                    doc.resolve(ref, where)
                except SpecError as e:
                    out.extend(e.diagnostics)
            stack.extend((v, where + pointer(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{where}/{i}") for i, v in enumerate(node))
    return sorted(out, key=lambda d: d.pointer)


def validate(doc: Document) -> list[Diagnostic]:
    """Structural problems, as diagnostics. Dangling references are fatal: raised, not returned."""
    broken = dangling_refs(doc)
    if broken:
        raise SpecError(*broken)
    cls: Any = OpenAPIV31SpecValidator if doc.data["openapi"].startswith("3.1") else OpenAPIV30SpecValidator
    out = []
    for error in cls(doc.data).iter_errors():
        where = pointer(*getattr(error, "absolute_path", ()) or ())
        message = getattr(error, "message", str(error)).splitlines()[0]
        out.append(Diagnostic(doc.path, where, message[:300]))
        if len(out) >= MAX_REPORTED:
            break
    return out
