"""Stage: structural validation with openapi-spec-validator, reported with JSON pointers.

References are checked first, by us: one that is not local (the loader bundles files, so
only an overlay can add one), one that points nowhere, or a chain of `$ref`s that loops
is fatal, and the validator (which would follow them) never sees it.
"""

from __future__ import annotations

from typing import Any

from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from .errors import Diagnostic, SpecError, pointer
from .load import Document
from .slice import HTTP_METHODS, _refs

MAX_REPORTED = 50


def broken_refs(doc: Document) -> list[Diagnostic]:
    """Every `$ref` that is not local, points nowhere or starts a loop of bare references."""
    out: list[Diagnostic] = []
    for ref, where in _refs(doc.data, ""):
        try:
            chain = [ref]
            target = doc.resolve(ref, where)
            while isinstance(target, dict) and isinstance(target.get("$ref"), str):
                if target["$ref"] in chain:
                    loop = " -> ".join([*chain[chain.index(target["$ref"]):], target["$ref"]])
                    raise SpecError.at(doc.path, where, f"$ref cycle that never reaches a schema: {loop}")
                chain.append(target["$ref"])
                target = doc.resolve(target["$ref"], ref[1:])
        except SpecError as e:
            out.extend(e.diagnostics)
    return sorted(set(out), key=lambda d: (d.pointer, d.message))


def generated_part(doc: Document, operation_ids: list[str] | None) -> list[str]:
    """Pointers of everything generation reads: the chosen operations and what they reference."""
    used = ["/openapi", "/info", "/servers"]
    todo: list[tuple[str, str]] = []
    for path, item in (doc.data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict) and (operation_ids is None or op.get("operationId") in operation_ids):
                where = pointer("paths", path, method)
                used.append(where)
                todo.extend(_refs(op, where))
                if "parameters" in item:
                    used.append(pointer("paths", path, "parameters"))
                    todo.extend(_refs(item["parameters"], pointer("paths", path, "parameters")))
    seen: set[str] = set()
    while todo:
        ref, where = todo.pop()
        if ref in seen or not ref.startswith("#"):
            continue
        seen.add(ref)
        used.append(ref[1:])
        try:
            todo.extend(_refs(doc.resolve(ref, where), ref[1:]))
        except SpecError:
            pass  # reported by broken_refs
    return used


def inside(ptr: str, parts: list[str]) -> bool:
    return any(ptr == p or ptr.startswith(p + "/") for p in parts)


def validate(doc: Document) -> list[Diagnostic]:
    """Structural problems, as diagnostics. Broken references are fatal: raised, not returned."""
    broken = broken_refs(doc)
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
