"""The public surface of a generated package, as JSON data derived from the named IR.

The surface is what a caller of the SDK can name and rely on: the clients, resources and
methods with their arguments, the models with their fields, the enums with their members,
the aliases; for each its type as annotated, its request checks and its documentation.
`diff` compares two surfaces, and every package carries its own as `api.json`, so that the
tree on disk is compared with a new spec without reading generated code.

Attributes of the IR that give no Python name or type (wire names, HTTP method and path,
parameter locations, and whatever the IR gains later) are kept under `wire`, generically.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from . import ir
from .layout import children, uses
from .render import Context, _keyword_params, _path_params

SURFACE_FILE = "api.json"
SURFACE_FORMAT = 1

# The attributes each IR class contributes under their own keys; all others go under "wire".
_OWN: dict[type, set[str]] = {
    ir.Api: {"package", "client_class", "async_client_class", "title", "version", "decls", "operations"},
    ir.Operation: {"resource", "method_name", "params", "response", "summary", "description", "deprecated"},
    ir.Param: {"py_name", "type", "required", "description"},
    ir.Field: {"py_name", "type", "required", "description", "deprecated", "default", "has_default"},
}
# The request checks the runtime applies to each kind of value (as `render.Context.checker` builds them).
_LIMITS = {
    "str": ("min_length", "max_length"),
    "int": ("minimum", "maximum"),
    "float": ("minimum", "maximum"),
    "list": ("min_items", "max_items"),
    "map": ("min_properties", "max_properties", "key_max_length"),
}


def surface(api: ir.Api) -> dict[str, Any]:
    ctx = Context(api)
    used = uses(api)
    resources = {".".join(op.resource[:i]) for op in api.operations for i in range(1, len(op.resource) + 1)}
    return {
        "format": SURFACE_FORMAT,
        "package": api.package,
        "version": api.version,
        "title": api.title,
        "clients": {"sync": api.client_class, "async": api.async_client_class},
        "client": _wire(api),
        "resources": sorted(resources),
        "methods": {".".join((*op.resource, op.method_name)): _method(ctx, op) for op in api.operations},
        "types": {d.py_name: _decl(ctx, d, *used.get(d.key, (set(), set()))) for d in sorted(api.decls, key=lambda d: d.py_name)},
    }


def dump_surface(public: dict[str, Any]) -> str:
    return json.dumps(public, indent=2) + "\n"


def load_surface(path: Path) -> dict[str, Any] | None:
    """The surface a package on disk carries; None if it has none (or not one this version reads)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == SURFACE_FORMAT else None


def _method(ctx: Context, op: ir.Operation) -> dict[str, Any]:
    positional = _path_params(op)
    return {
        **(_typed(ctx, op.response, "returns") if op.response is not None else {"returns": "None"}),
        "args": [_arg(ctx, p, p in positional) for p in positional + _keyword_params(op)],
        "summary": op.summary,
        "description": op.description,
        "deprecated": op.deprecated,
        "wire": _wire(op),
    }


def _arg(ctx: Context, p: ir.Param, positional: bool) -> dict[str, Any]:
    return {
        "name": p.py_name,
        **_typed(ctx, p.type),
        "required": p.required,
        "positional": positional,
        "checks": _checks(ctx, p.type),
        "format": _format(p.type),
        "description": p.description,
        "wire": _wire(p),
    }


def _decl(ctx: Context, d: ir.Decl, roles: set[str], places: set[str]) -> dict[str, Any]:
    # roles: "request" when callers pass it, "response" when they read it; places: resources using it.
    common = {"description": d.description, "module": ctx.layout.module_of[d.key], "roles": sorted(roles), "resources": sorted(places)}
    if isinstance(d, ir.Model):
        fields = {f.py_name: _field(ctx, f) for f in d.fields}
        return {"kind": "model", **common, "deprecated": d.deprecated, "fields": fields}
    if isinstance(d, ir.Enum):
        return {"kind": "enum", **common, "base": d.base, "members": {m.py_name: m.value for m in d.members}}
    return {"kind": "alias", **common, **_typed(ctx, d.type), "format": _format(d.type)}


def _field(ctx: Context, f: ir.Field) -> dict[str, Any]:
    out = {
        **_typed(ctx, f.type if f.required else ir.Nullable(f.type)),  # an optional field reads as None when absent
        "required": f.required,
        "format": _format(f.type),
        "description": f.description,
        "deprecated": f.deprecated,
        "wire": _wire(f),
    }
    if f.has_default:
        out["default"] = _plain(f.default)
    return out


def _typed(ctx: Context, t: ir.Type, key: str = "type") -> dict[str, Any]:
    """The annotation, and when it is a union its alternatives (what a change of type is judged by)."""
    alternatives = _alternatives(ctx, t)
    return {key: ctx.annotation(t), **({"alternatives": alternatives} if len(alternatives) > 1 else {})}


def _alternatives(ctx: Context, t: ir.Type) -> list[str]:
    """`A | B | None` → [A, B, None], from the IR (as `Context.annotation` prints the union)."""
    if isinstance(t, ir.Nullable):
        inner = _alternatives(ctx, t.inner)
        return inner if inner == ["Any"] else list(dict.fromkeys([*inner, "None"]))
    if isinstance(t, ir.OneOf):
        return list(dict.fromkeys(a for v in t.variants for a in _alternatives(ctx, v)))
    return [ctx.annotation(t)]


def _wire(node: Any) -> dict[str, Any]:
    own = next(names for kind, names in _OWN.items() if isinstance(node, kind))
    return {f.name: _plain(getattr(node, f.name)) for f in dataclasses.fields(node) if f.name not in own}


def _plain(value: Any) -> Any:
    """JSON data for any IR attribute value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _format(t: ir.Type) -> str | None:
    """The spec's `format` of a scalar (`unixtime`, `uri`...): documentation the annotation does not carry."""
    while isinstance(t, ir.Nullable):
        t = t.inner
    return t.format if isinstance(t, ir.Primitive) and t.kind not in ("file", "bytes") else None


def _checks(ctx: Context, t: ir.Type, prefix: str = "", seen: frozenset[str] = frozenset()) -> dict[str, float]:
    """The limits checked on a request value before it is sent, flat: `max_properties`, `values.max_length`..."""
    if isinstance(t, ir.Nullable):
        return _checks(ctx, t.inner, prefix, seen)
    if isinstance(t, ir.Ref):
        decl = ctx.decls[t.key]
        return _checks(ctx, decl.type, prefix, seen | {t.key}) if isinstance(decl, ir.Alias) and t.key not in seen else {}
    if isinstance(t, ir.Primitive):
        return _limits(t.constraints, t.kind, prefix)
    if isinstance(t, ir.ListOf):
        return {**_limits(t.constraints, "list", prefix), **_checks(ctx, t.item, prefix + "items.", seen)}
    if isinstance(t, ir.MapOf):
        return {**_limits(t.constraints, "map", prefix), **_checks(ctx, t.value, prefix + "values.", seen)}
    return {}


def _limits(c: ir.Constraints, kind: str, prefix: str) -> dict[str, float]:
    return {prefix + k: getattr(c, k) for k in _LIMITS.get(kind, ()) if getattr(c, k) is not None}
