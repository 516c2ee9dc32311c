"""Stage: structural validation with openapi-spec-validator, reported with JSON pointers.

References are checked first, by us: one that is not local (the loader bundles files, so
only an overlay can add one), one that points nowhere, or a chain of `$ref`s that loops
is fatal, and the validator (which would follow them) never sees it.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from typing import Any

from .cache import cached
from .errors import Diagnostic, SpecError, pointer
from .load import Document
from .slice import HTTP_METHODS, _refs

MAX_REPORTED = 50
_UNKNOWN_KEY = re.compile(r"^(.*) (does|do) not match any of the regexes: '\^x-'$")
# Bumped when `_findings` words or locates its results differently (they are cached).
FINDINGS_FORMAT = 3
# Longest repr of an offending value in a message.
SHORT = 60


def _hops(node: Any) -> list[str]:
    """References a schema *is* (bare `$ref`, allOf/anyOf/oneOf parts), not ones it contains."""
    if not isinstance(node, dict):
        return []
    if isinstance(node.get("$ref"), str):
        return [node["$ref"]]
    out: list[str] = []
    for key in ("allOf", "anyOf", "oneOf"):
        parts = node.get(key)
        for part in parts if isinstance(parts, list) else []:
            out.extend(_hops(part))
    return out


def broken_refs(doc: Document) -> list[Diagnostic]:
    """Every `$ref` that is not local or points nowhere, and every schema that is, in the end, itself."""
    out: list[Diagnostic] = []
    targets: dict[str, Any] = {}
    for ref, where in _refs(doc.data, ""):
        try:
            targets[ref] = doc.resolve(ref, where)
        except SpecError as e:
            out.extend(e.diagnostics)
    if out:
        return sorted(set(out), key=lambda d: (d.pointer, d.message))
    # Depth-first search for a loop of hops; a loop through a property or an item is a recursive model, fine.
    state: dict[str, str] = {}
    for start in sorted(targets):
        if start in state:
            continue
        state[start] = "open"
        path = [start]
        stack = [iter(_hops(targets[start]))]
        while stack:
            hop = next(stack[-1], None)
            if hop is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(hop) == "open":
                loop = " -> ".join([*path[path.index(hop):], hop])
                raise SpecError.at(doc.path, hop[1:], f"$ref cycle: {loop} (a schema cannot be made of itself)")
            elif hop not in state and hop in targets:
                state[hop] = "open"
                path.append(hop)
                stack.append(iter(_hops(targets[hop])))
    return []


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


def _located(cls: Any, keyword: str) -> Any:
    """A keyword validator whose errors remember where in the document they arose.

    openapi-spec-validator checks each schema, parameter, etc. on its own, so an error's path is
    relative to that node (for `default`, to the default value); the node's own path (`parts`) is
    only known while it is being checked. The error is made the library's own type here, so that
    the validator's final wrapping passes it through with its pointer.
    """
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    class Located(cls):  # type: ignore[misc]
        def __call__(self, node: Any, *args: Any, **kwargs: Any) -> Any:
            for error in super().__call__(node, *args, **kwargs):
                if not hasattr(error, "pointer") and isinstance(getattr(node, "parts", None), tuple):
                    if not isinstance(error, OpenAPIValidationError):
                        error = OpenAPIValidationError.create_from(error)
                    where = (*node.parts, "default") if keyword == "default" else node.parts
                    error.pointer = pointer(*where, *error.path)
                yield error

    return Located


def _validator(version: str) -> Any:
    # Imported here: it takes a third of a second, and a cached result needs none of it.
    from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    base: Any = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    keywords = {name: _located(cls, name) for name, cls in base.keyword_validators.items()}
    return type(base.__name__, (base,), {"keyword_validators": keywords})


def validate(doc: Document) -> list[Diagnostic]:
    """Structural problems, as diagnostics. Broken references are fatal: raised, not returned."""
    broken = broken_refs(doc)
    if broken:
        raise SpecError(*broken)
    # The findings depend only on the document and the validator: cache them by both.
    key = f"{version('openapi-spec-validator')}\0{FINDINGS_FORMAT}\0{json.dumps(doc.data, sort_keys=True, default=str)}"
    found = json.loads(cached("validate", key, lambda: json.dumps(_findings(doc))))
    return [Diagnostic(doc.path, where, message + _patched_by(doc, where)) for where, message in found]


def _patched_by(doc: Document, where: str) -> str:
    """A note when an overlay action changed the node a finding is about: the spec file may not say it."""
    for ptr, action in doc.patched.items():
        if where == ptr or where.startswith(ptr + "/"):
            return f" ({action} patched this node)"
    return ""


def _short(value: Any) -> str:
    text = repr(value)
    if len(text) <= SHORT:
        return text
    return text[: SHORT - 2] + "…" + (text[-1] if text[0] in "{[(" else "")


def _message(error: Any) -> str:
    """The validator's reason, with the offending value (which may be a whole schema) shortened."""
    message: str = getattr(error, "message", None) or str(error)
    full = repr(getattr(error, "instance", None))
    if len(full) > SHORT and full in message:
        message = message.replace(full, _short(error.instance), 1)
    # How OpenAPI's meta-schema says "unknown key": `additionalProperties: false` beside `^x-` patterns.
    return _UNKNOWN_KEY.sub(lambda m: f"{m[1]} {'is not a key' if m[2] == 'does' else 'are not keys'} allowed here (besides x- extensions)", message)


def _findings(doc: Document) -> list[tuple[str, str]]:
    out = []
    for error in _validator(doc.data["openapi"])(doc.data).iter_errors():
        where = getattr(error, "pointer", None)
        if where is None:
            where = pointer(*error.absolute_path)
        message = _message(error)
        # An anyOf/oneOf failure: follow the alternative that got deepest into the document.
        deepest = error
        while deepest.context:
            deepest = max(deepest.context, key=lambda e: (len(e.absolute_path), e.validator != "required"))
        if deepest is not error:
            deeper = list(deepest.absolute_path)[len(error.absolute_path):]
            message = _message(deepest) if deeper else f"{message}: {_message(deepest)}"
            where += pointer(*deeper)
        if (where, message) not in out:  # an anyOf/oneOf can lead to a finding also reported on its own
            out.append((where, message))
        if len(out) >= MAX_REPORTED:
            break
    return out
