"""Stage: apply SDK-specific patches (OpenAPI Overlay 1.0) and the config's names to the document.

Patches live apart from the upstream slice, so the slice can be replaced wholesale. A patch
written for one version of the spec must not quietly do nothing in the next: an action that
matches nothing is an error, and so is an update whose constraints do not fit the node it
matches (object constraints on an `anyOf` wrapper, string constraints on a number), since
the checks it was written for would silently be dropped.

Both functions return the patched document and every problem found, so that one run reports
them all.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

from jsonpath_ng import parse as parse_jsonpath  # type: ignore[import-untyped]
from jsonpath_ng.jsonpath import Child, Fields, Index  # type: ignore[import-untyped]

from .config import Config
from .errors import Diagnostic, SpecError, did_you_mean, pointer, split_pointer
from .load import LIMITS, Document, Limits, load_data
from .names import TYPE_NAMES, check_class_name, check_method_pins, identifier
from .slice import HTTP_METHODS

# Keywords that constrain one kind of value: in an update they say which kind of schema it expects.
_CONSTRAINTS = {
    "object": ("maxProperties", "minProperties", "propertyNames", "additionalProperties", "patternProperties", "properties"),
    "string": ("maxLength", "minLength", "pattern"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "array": ("maxItems", "minItems", "uniqueItems", "items", "prefixItems"),
}


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key].extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def _match_pointer(match: Any) -> str:
    """The JSON pointer of a jsonpath-ng match."""
    parts: list[object] = []
    while match is not None and match.context is not None:
        path = match.path
        parts.append(path.fields[0] if isinstance(path, Fields) else path.indices[0] if isinstance(path, Index) else path)
        match = match.context
    return pointer(*reversed(parts))


def _kinds(node: Any) -> set[str] | str:
    """The kinds of value a schema node is read as, or what it is when it is not a schema of some type."""
    if not isinstance(node, dict):
        return "not a schema"
    for key, text in (("$ref", "a $ref"), ("anyOf", "an anyOf"), ("oneOf", "a oneOf"), ("allOf", "an allOf")):
        if key in node:
            return text
    types = node.get("type")
    if isinstance(types, (str, list)):
        found = {"number" if t == "integer" else t for t in ([types] if isinstance(types, str) else types) if isinstance(t, str)}
        return found - {"null"} or "a schema of type null"
    # Without a type, the build reads these shapes as a map or a list.
    if any(key in node for key in ("properties", "additionalProperties", "patternProperties")):
        return {"object"}
    return {"array"} if "items" in node else "a schema with no type"


def _misfits(update: dict[str, Any], node: Any, at: str, where: str, target: str) -> list[tuple[str, str]]:
    """(update pointer, problem) for each part of `update` that `node` (patched, at `where` in the
    spec, matched by `target`) cannot use."""
    kinds = _kinds(node)
    for kind, keywords in _CONSTRAINTS.items():
        used = [k for k in keywords if k in update]
        if used and (isinstance(kinds, str) or kind not in kinds):
            what = kinds if isinstance(kinds, str) else f"a schema of type {' or '.join(sorted(kinds))}"
            return [(at, f"{', '.join(used)} {'applies' if len(used) == 1 else 'apply'} to {kind} schemas, but the target {target}{where}, {what}")]
    out: list[tuple[str, str]] = []
    for key in ("additionalProperties", "items"):
        if isinstance(update.get(key), dict):
            out += _misfits(update[key], node[key], at + pointer(key), where + pointer(key), target)
    properties = update.get("properties")
    for name, sub in properties.items() if isinstance(properties, dict) else ():
        if isinstance(sub, dict):
            out += _misfits(sub, node["properties"][name], at + pointer("properties", name), where + pointer("properties", name), target)
    return out


def _reach(expr: Any, data: Any) -> str:
    """Where the longest leading part of a JSONPath that matches something ends, for a hint."""
    while isinstance(expr, Child):
        expr = expr.left
        found = expr.find(data) if isinstance(expr, Child) else []
        if len(found) == 1:
            return _match_pointer(found[0])
    return ""


def apply_overlay(doc: Document, overlay_path: str, limits: Limits = LIMITS) -> tuple[Document, list[Diagnostic]]:
    """The document with the overlay's actions applied, and a diagnostic for each action that does not apply."""
    try:
        overlay = load_overlay(overlay_path, limits)
    except SpecError as e:
        return doc, list(e.diagnostics)
    data = copy.deepcopy(doc.data)
    patched = dict(doc.patched)
    problems: list[Diagnostic] = []
    actions = overlay.get("actions")
    if not isinstance(actions, list):
        return doc, [Diagnostic(overlay_path, "/actions", "must be a list of actions")]
    for i, action in enumerate(actions):
        where = pointer("actions", i)
        target = action.get("target") if isinstance(action, dict) else None
        if not isinstance(target, str):
            problems.append(Diagnostic(overlay_path, where, "action needs a 'target' JSONPath"))
            continue
        try:
            expr = parse_jsonpath(target)
            matches = expr.find(data)
        except Exception as e:  # jsonpath-ng raises plain Exceptions as well as JsonPathParserError
            problems.append(Diagnostic(overlay_path, where + "/target", f"bad JSONPath {target!r}: {e}"))
            continue
        if not matches:
            reach = _reach(expr, data)
            hint = f" (it reaches as far as #{reach})" if reach else ""
            problems.append(Diagnostic(overlay_path, where + "/target", f"{target!r} matches nothing in {doc.path}{hint}"))
            continue
        update = action.get("update")
        if action.get("remove") is True:
            # Last first, so that removing an item does not shift the ones still to remove.
            for match in sorted(matches, key=lambda m: -m.path.indices[0] if isinstance(m.path, Index) else 0):
                parent = match.context.value if match.context else None
                if isinstance(parent, dict) and isinstance(match.path, Fields):
                    parent.pop(match.path.fields[0], None)
                elif isinstance(parent, list) and isinstance(match.path, Index):
                    del parent[match.path.indices[0]]
        elif isinstance(update, dict) and all(isinstance(m.value, dict) for m in matches):
            for match in matches:
                spec_where = _match_pointer(match)
                merged = copy.deepcopy(match.value)
                _merge(merged, update)
                misfits = _misfits(update, merged, where + "/update", spec_where, f"{target!r} matches {doc.path}#")
                problems.extend(Diagnostic(overlay_path, at, problem) for at, problem in misfits)
                if not misfits:
                    match.value.clear()
                    match.value.update(merged)
                    patched.setdefault(spec_where, f"{overlay_path}#{where}")
        else:
            problems.append(Diagnostic(overlay_path, where, "action needs 'remove: true' or an object 'update' for an object target"))
    return Document(doc.path, data, patched), problems


def load_overlay(path: str, limits: Limits = LIMITS) -> dict[str, Any]:
    data = load_data(path, limits)
    if not isinstance(data, dict) or not str(data.get("overlay", "")).startswith("1."):
        raise SpecError.at(path, "", "not an OpenAPI Overlay 1.x document (no 'overlay: 1.0.0')")
    return data


_MISSING = object()


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return _MISSING


def _resolve(node: Any, parts: list[str]) -> Any:
    for part in parts:
        node = _child(node, part)
    return node


def _close_pointer(data: Any, parts: list[str]) -> str:
    """The pointer meant by one that resolves to nothing ('' if none), judged where it stops resolving: a
    nullable wrapper that came or went (`anyOf: [X, null]` in 3.1, `nullable: true` in 3.0), or
    a key spelled slightly differently. Only a pointer that resolves is suggested."""
    node, depth = data, 0
    while depth < len(parts) and _child(node, parts[depth]) is not _MISSING:
        node, depth = _child(node, parts[depth]), depth + 1
    if not isinstance(node, dict):
        return ""
    part, rest = parts[depth], parts[depth + 1 :]
    if part in ("anyOf", "oneOf") and all(p.isdigit() for p in rest):
        return pointer(*parts[:depth])  # the wrapper went: the node itself
    tries = [[key, *rest] for key in difflib.get_close_matches(part, [str(k) for k in node], n=3, cutoff=0.75)]
    for key in ("anyOf", "oneOf"):  # the wrapper came: the same path through one of its variants
        tries += [[key, str(i), part, *rest] for i in range(len(node.get(key) or []))]
    for tail in tries:
        if isinstance(_resolve(node, tail), dict):
            return pointer(*parts[:depth], *tail)
    return ""


def apply_names(doc: Document, config: Config) -> tuple[Document, list[Diagnostic]]:
    """Pin the config's public names (`x-py-name`, `x-py-method`) into the document, and check
    that every operation, pointer and method the config names is in it."""
    data = copy.deepcopy(doc.data)
    problems: list[Diagnostic] = []
    for ptr, name in sorted(config.names.items()):
        if not ptr.startswith("/"):
            problems.append(Diagnostic(config.path, "/names", f"{ptr!r} is not a JSON pointer (they start with /)"))
            continue
        node = _resolve(data, split_pointer(ptr))
        problem = check_class_name(name)
        if node is _MISSING:
            meant = _close_pointer(data, split_pointer(ptr))
            hint = f" (did you mean {meant}?)" if meant else ""
            problems.append(Diagnostic(config.path, "/names", f"pointer {ptr} matches nothing in {doc.path}{hint}"))
        elif not isinstance(node, dict):
            problems.append(Diagnostic(config.path, "/names", f"pointer {ptr} is not a schema in {doc.path}"))
        elif problem:
            problems.append(Diagnostic(config.path, "/names", f"{ptr}: {name!r} {problem}"))
        else:
            node["x-py-name"] = name
    operations: dict[str, dict[str, Any]] = {}
    places: list[tuple[str, dict[str, Any]]] = []  # (pointer, operation), in the spec's order
    for path, item in (data.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict) and isinstance(op.get("operationId"), str):
                operations.setdefault(op["operationId"], op)
                places.append((pointer("paths", path, method, "x-py-method"), op))
    for i, op_id in enumerate(config.operations or []):
        if op_id not in operations:
            problems.append(Diagnostic(config.path, pointer("operations", i), f"no operation with operationId {op_id!r} in {doc.path}{did_you_mean(op_id, operations)}"))
    for op_id, dotted in sorted(config.methods.items()):
        bad = [part for part in dotted.split(".") if identifier(part, TYPE_NAMES) != part]
        if bad:
            problems.append(Diagnostic(config.path, pointer("methods", op_id), f"{dotted!r}: {bad[0]!r} is not a usable Python name"))
        elif op_id not in operations:
            problems.append(Diagnostic(config.path, pointer("methods", op_id), f"no operation with operationId {op_id!r} in {doc.path}{did_you_mean(op_id, operations)}"))
        else:
            operations[op_id]["x-py-method"] = dotted
    # Every pin of an operation that is generated, from the config or the spec, where it is written.
    pins = [
        (op["x-py-method"], *((config.path, pointer("methods", op["operationId"])) if op["operationId"] in config.methods else (doc.path, where)))
        for where, op in places
        if isinstance(op.get("x-py-method"), str) and (config.operations is None or op["operationId"] in config.operations)
    ]
    problems += check_method_pins(pins)
    return Document(doc.path, data, doc.patched), problems
