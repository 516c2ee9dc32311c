"""Stage: apply SDK-specific patches (OpenAPI Overlay 1.0) and the config's names to the document.

Patches live apart from the upstream slice, so the slice can be replaced wholesale.
An action that matches nothing is an error: the upstream spec moved and the patch is stale.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonpath_ng import parse as parse_jsonpath  # type: ignore[import-untyped]

from .config import Config
from .errors import SpecError, pointer
from .load import LIMITS, Document, Limits, load_data
from .names import check_method_pins
from .slice import HTTP_METHODS


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key].extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def apply_overlay(doc: Document, overlay_path: str, limits: Limits = LIMITS) -> Document:
    overlay = load_overlay(overlay_path, limits)
    data = copy.deepcopy(doc.data)
    for i, action in enumerate(overlay.get("actions") or []):
        where = pointer("actions", i)
        target = action.get("target") if isinstance(action, dict) else None
        if not isinstance(target, str):
            raise SpecError.at(overlay_path, where, "action needs a 'target' JSONPath")
        try:
            matches = parse_jsonpath(target).find(data)
        except Exception as e:  # jsonpath-ng raises plain Exceptions as well as JsonPathParserError
            raise SpecError.at(overlay_path, where + "/target", f"bad JSONPath {target!r}: {e}") from None
        if not matches:
            raise SpecError.at(overlay_path, where + "/target", f"{target!r} matches nothing in {doc.path}")
        for match in matches:
            if action.get("remove") is True:
                parent = match.context.value if match.context else None
                if isinstance(parent, dict):
                    parent.pop(str(match.path), None)
                elif isinstance(parent, list):
                    parent.remove(match.value)
            elif isinstance(action.get("update"), dict) and isinstance(match.value, dict):
                _merge(match.value, action["update"])
            else:
                raise SpecError.at(overlay_path, where, "action needs 'remove: true' or an object 'update' for an object target")
    return Document(doc.path, data)


def load_overlay(path: str, limits: Limits = LIMITS) -> dict[str, Any]:
    data = load_data(path, limits)
    if not isinstance(data, dict) or not str(data.get("overlay", "")).startswith("1."):
        raise SpecError.at(path, "", "not an OpenAPI Overlay 1.x document (no 'overlay: 1.0.0')")
    return data


def apply_names(doc: Document, config: Config) -> Document:
    """Pin the config's public names (`x-py-name`, `x-py-method`) into the document."""
    data = copy.deepcopy(doc.data)
    wrapped = Document(doc.path, data)
    for ptr, name in sorted(config.names.items()):
        node = wrapped.resolve("#" + ptr, ptr)
        if not isinstance(node, dict):
            raise SpecError.at(config.path, pointer("names", ptr), f"{ptr} is not a schema")
        node["x-py-name"] = name
    found = set()
    pins: list[tuple[str, str, str]] = []  # (dotted method, file, pointer) of every pin that is generated
    for path, item in (data.get("paths") or {}).items():
        for method, op in (item.items() if isinstance(item, dict) else []):
            if method not in HTTP_METHODS or not isinstance(op, dict):
                continue
            op_id = op.get("operationId")
            if op_id in config.methods:
                op["x-py-method"] = config.methods[op_id]
                found.add(op_id)
                pins.append((config.methods[op_id], config.path, pointer("methods", op_id)))
            elif isinstance(op.get("x-py-method"), str) and (config.operations is None or op_id in config.operations):
                pins.append((op["x-py-method"], doc.path, pointer("paths", path, method, "x-py-method")))
    for missing in sorted(set(config.methods) - found):
        raise SpecError.at(config.path, pointer("methods", missing), f"no operation {missing!r} in {doc.path}")
    problems = check_method_pins(pins)
    if problems:
        raise SpecError(*problems)
    return wrapped

