"""The package's description of itself: pyproject.toml, README.md and api.md.

They are derived from the IR and from the package's public surface (surface.py), and printed
by templates; spec text reaches them through render's escaping functions.
"""

from __future__ import annotations

import math
from typing import Any

from . import ir
from .format import format_source
from .layout import module_file, resource_module
from .names import class_name, identifier
from .render import Context, Renderer, _keyword_params, _positional_params, html_attribute, literal, markdown_code, markdown_text, toml_string


def package_files(api: ir.Api, public: dict[str, Any], source_name: str) -> dict[str, str]:
    """The package's pyproject.toml, README.md and api.md; `public` is its surface (surface.py)."""
    renderer = Renderer(api, source_name)
    renderer.env.globals.update(toml=toml_string, md=markdown_text, md_code=markdown_code)
    note = "<!-- " + renderer.header[2:].strip().replace("--", "- -") + " -->"
    return {
        "pyproject.toml": renderer.env.get_template("pyproject.toml.jinja").render(distribution=api.package.replace("_", "-")),
        "README.md": renderer.env.get_template("README.md.jinja").render(note=note, example=_first_call(renderer.ctx)),
        "api.md": renderer.env.get_template("api.md.jinja").render(note=note, **_api_md(public)),
    }


def _first_call(ctx: Context) -> str:
    """The README's example: a client, and the first operation called with its required arguments."""
    api = ctx.api
    if not api.operations:  # webhooks only
        return format_source(f"from {api.package}.webhooks import unwrap\n\nevent = unwrap(request_body)\nprint(event)\n")
    op = api.operations[0]
    names = [api.client_class]
    args = [_example(ctx, p.type, p.wire_name, names) for p in _positional_params(op)]
    args += [f"{p.py_name}={_example(ctx, p.type, p.wire_name, names)}" for p in _keyword_params(op) if p.required]
    call = f"client.{'.'.join((*op.resource, op.method_name))}({', '.join(args)})"
    lines = [
        "import os",
        f"from {api.package} import {', '.join(dict.fromkeys(names))}",
        "",
        f"client = {api.client_class}(api_key=os.environ.get({literal(api.api_key_env)}))",
    ]
    if op.response is None:
        lines.append(call)
    else:
        # The variable may not shadow what the example imports (`client`, the classes) or be a keyword.
        taken = frozenset({"client", "os", *names})
        result = identifier(ctx.decls[op.response.key].py_name, taken, "result") if isinstance(op.response, ir.Ref) else "result"
        lines += [f"{result} = {call}", f"print({result})"]
    return format_source("\n".join(lines) + "\n")


def _example(ctx: Context, t: ir.Type, hint: str, names: list[str], depth: int = 0) -> str:
    """A Python expression for a value of type t (strings say what they stand for)."""
    if isinstance(t, ir.Nullable):
        return _example(ctx, t.inner, hint, names, depth)
    if isinstance(t, ir.Const):
        return literal(t.value)
    if isinstance(t, ir.Primitive):
        low = t.constraints.minimum
        return {"str": literal(hint), "int": str(math.ceil(low or 0)), "float": str(float(low or 0)), "bool": "True"}.get(t.kind, 'b"..."')
    if isinstance(t, ir.ListOf):
        return f"[{_example(ctx, t.item, hint, names, depth)}]"
    if isinstance(t, ir.MapOf):
        return f'{{"key": {_example(ctx, t.value, "value", names, depth)}}}'
    if isinstance(t, ir.OneOf):
        return _example(ctx, t.variants[0], hint, names, depth)
    if isinstance(t, ir.Ref) and depth < 4:
        decl = ctx.decls[t.key]
        if isinstance(decl, ir.Alias):
            return _example(ctx, decl.type, hint, names, depth + 1)
        names.append(decl.py_name)
        if isinstance(decl, ir.Enum):
            return f"{decl.py_name}.{decl.members[0].py_name}"
        fields = [f"{f.py_name}={_example(ctx, f.type, f.wire_name, names, depth + 1)}" for f in decl.fields if f.required]
        return f"{decl.py_name}({', '.join(fields)})"
    return "None"


def _api_md(public: dict[str, Any]) -> dict[str, Any]:
    """api.md in the official SDK's layout: shared types, then each resource with its types and methods,
    each method linked to its resource's module and each type it returns to the type's module."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for dotted in ["", *public["resources"]]:
        path = tuple(dotted.split(".")) if dotted else ()
        title = class_name(path[-1]) if path else public["clients"]["sync"]
        groups[path] = {"path": path, "level": max(len(path), 1), "title": title, "types": [], "methods": []}
    shared: list[str] = []
    for name, t in public["types"].items():
        used = [tuple(r.split(".")) if r else () for r in t["resources"]]
        common = tuple(_common_prefix(used))
        (groups[common]["types"] if common else shared).append(name)
    parents = {tuple(r.split("."))[:-1] for r in public["resources"]}
    for dotted, m in public["methods"].items():
        *resource, method = dotted.split(".")
        positional = [a["name"] for a in m["args"] if a["positional"]]
        keywords = [a["name"] for a in m["args"] if not a["positional"]]
        args = ", ".join(positional + (["\\*", *keywords] if keywords else []))
        returns = m["returns"]
        returned = public["types"].get(returns)
        shown = f'<a href="./{module_file(returned["module"])}">{returns}</a>' if returned else markdown_text(returns)
        wire = m["wire"]
        groups[tuple(resource)]["methods"].append(
            {
                "http": html_attribute(f"{wire.get('http_method', '')} {wire.get('path', '')}"),
                "call": ".".join(["client", *resource, ""]),
                "module": module_file(resource_module(tuple(resource)), package=tuple(resource) in parents),
                "name": method,
                "args": args,
                "returns": shown,
            }
        )
    package = public["package"]
    types = public["types"]
    return {
        "shared": _import_blocks(package, types, shared),
        "groups": [{**g, "types": _import_blocks(package, types, g["types"])} for g in groups.values() if g["path"] or g["methods"]],
    }


def _common_prefix(paths: list[tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        out.append(parts[0])
    return out if paths else []


def _import_blocks(package: str, types: dict[str, Any], names: list[str]) -> str:
    """`from package.types.chat import A, B` for each types package the names come from, as black prints it:
    on one line when it fits, else one name a line."""
    by_package: dict[str, list[str]] = {}
    for name in sorted(names):
        by_package.setdefault(types[name]["module"].rpartition(".")[0], []).append(name)
    blocks = []
    for where, listed in sorted(by_package.items()):
        line = f"from {package}.{where} import {', '.join(listed)}"
        blocks.append(line if len(line) <= 88 else f"from {package}.{where} import (\n" + "".join(f"    {n},\n" for n in listed) + ")")
    return "\n".join(blocks)
