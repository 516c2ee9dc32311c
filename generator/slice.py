"""`slice`: reduce a large spec to one operation and everything it references."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterator

import yaml

from .errors import SpecError, did_you_mean, pointer, split_pointer
from .load import Document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def find_operation(doc: Document, operation_id: str) -> tuple[str, str]:
    """Return (path, method) of the operation with this operationId."""
    found: list[str] = []
    for path, item in (doc.data.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return path, method
            if isinstance(op, dict) and isinstance(op.get("operationId"), str):
                found.append(op["operationId"])
    raise SpecError.at(doc.path, "/paths", f"no operation with operationId {operation_id!r}{did_you_mean(operation_id, found)}")


def _refs(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Yield (ref, pointer-of-holder) for every $ref below node, including discriminator mappings."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref, where
        mapping = node.get("mapping") if "propertyName" in node else None
        if isinstance(mapping, dict):
            for key, target in mapping.items():
                if isinstance(target, str) and target.startswith("#"):
                    yield target, f"{where}/mapping/{key}"
        for key, value in node.items():
            yield from _refs(value, where + pointer(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}/{i}")


def slice_document(doc: Document, operation_id: str) -> dict[str, Any]:
    path, method = find_operation(doc, operation_id)
    item = doc.data["paths"][path]
    new_item: dict[str, Any] = {method: item[method]}
    if "parameters" in item:
        new_item["parameters"] = item["parameters"]

    seen: set[tuple[str, str]] = set()
    todo = list(_refs(new_item, pointer("paths", path)))
    while todo:
        ref, where = todo.pop()
        parts = split_pointer(ref)
        if not ref.startswith("#/components/") or len(parts) != 3:
            raise SpecError.at(doc.path, where, f"cannot slice reference {ref!r}: only #/components/<kind>/<name>")
        key = (parts[1], parts[2])
        if key in seen:
            continue
        target = doc.resolve(ref, where)
        seen.add(key)
        todo.extend(_refs(target, ref[1:]))

    op = item[method]
    security = op.get("security", doc.data.get("security")) or []
    for requirement in security:
        for name in requirement:
            seen.add(("securitySchemes", name))

    components: dict[str, Any] = {}
    for kind, entries in (doc.data.get("components") or {}).items():
        kept = {name: value for name, value in entries.items() if (kind, name) in seen}
        if kept:
            components[kind] = kept
    missing = sorted(k for k in seen if k[1] not in components.get(k[0], {}))
    if missing:
        kind, name = missing[0]
        raise SpecError.at(doc.path, pointer("components", kind, name), "referenced but not defined")

    out: dict[str, Any] = {"openapi": doc.data["openapi"], "info": doc.data.get("info", {})}
    if "servers" in doc.data:
        out["servers"] = doc.data["servers"]
    if "security" in doc.data and "security" not in op:
        out["security"] = doc.data["security"]
    out["paths"] = {path: new_item}
    if components:
        out["components"] = components
    return out


class _NoAliasDumper(yaml.SafeDumper):
    """Write shared nodes in full: a slice must not depend on YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_slice(doc: Document, operation_id: str) -> str:
    data = slice_document(doc, operation_id)
    digest = hashlib.sha256(Path(doc.path).read_bytes()).hexdigest()
    header = (
        f"# Sliced by `python -m generator slice` from {Path(doc.path).name}\n"
        f"# sha256 {digest}, operation {operation_id}. Replace wholesale; patch in the overlay.\n"
    )
    body: str = yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body
