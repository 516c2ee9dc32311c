"""Stage: IR → {relative path: source text}. Helpers here decide; templates only print.

Every string that comes from the spec reaches the output through `literal()` or
`docstring()`: nothing else puts spec text into code.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import ir
from .names import resource_classes

# Everything a docstring must not contain raw: controls, line separators, lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_READERS = {"str": "read_str", "int": "read_int", "float": "read_float", "bool": "read_bool", "file": "read_str", "bytes": "read_bytes"}
_ANNOTATIONS = {"file": "FileInput"}


def literal(value: Any) -> str:
    """A Python literal for a JSON scalar (the one way spec values enter code)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if value is None or isinstance(value, (str, int, float, bool)):
        return repr(value)
    raise TypeError(f"not a JSON scalar: {value!r}")


def docstring(text: str, indent: int = 0) -> str:
    """A triple-quoted docstring that says `text` and nothing more (the one way spec prose enters code)."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n")).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    width = max(40, 88 - indent)
    lines: list[str] = []
    for line in text.strip().split("\n"):
        lead = len(line) - len(line.lstrip())
        wrapped = textwrap.wrap(line.strip(), width - lead, break_long_words=False, break_on_hyphens=False)
        lines.extend(" " * lead + w for w in wrapped or [""])
    pad = " " * indent
    if len(lines) == 1:
        body = lines[0]
        return f'"""{body} """' if body.endswith('"') else f'"""{body}"""'
    return '"""' + "\n".join(pad + line if i and line else line for i, line in enumerate(lines)) + "\n" + pad + '"""'


@dataclass
class Context:
    api: ir.Api
    decls: dict[str, ir.Decl] = field(init=False)

    def __post_init__(self) -> None:
        self.decls = {d.key: d for d in self.api.decls}

    def annotation(self, t: ir.Type) -> str:
        if isinstance(t, ir.Primitive):
            return _ANNOTATIONS.get(t.kind, t.kind)
        if isinstance(t, ir.AnyType):
            return "Any"
        if isinstance(t, ir.Const):
            return f"Literal[{literal(t.value)}]"
        if isinstance(t, ir.Ref):
            return self.decls[t.key].py_name
        if isinstance(t, ir.ListOf):
            return f"list[{self.annotation(t.item)}]"
        if isinstance(t, ir.MapOf):
            return f"dict[str, {self.annotation(t.value)}]"
        if isinstance(t, ir.Nullable):
            inner = self.annotation(t.inner)
            return inner if inner == "Any" or isinstance(t.inner, ir.Nullable) else f"{inner} | None"
        return " | ".join(dict.fromkeys(self.annotation(v) for v in t.variants))

    def field_annotation(self, f: ir.Field) -> str:
        """Optional fields read as None when absent."""
        return self.annotation(f.type if f.required else ir.Nullable(f.type))

    def reader(self, t: ir.Type) -> str:
        """The runtime expression that reads (and type-checks) a JSON value of type t."""
        if isinstance(t, ir.Primitive):
            return _READERS[t.kind]
        if isinstance(t, ir.Const):
            return _READERS[type(t.value).__name__]
        if isinstance(t, ir.AnyType):
            return "read_any"
        if isinstance(t, ir.Ref):
            decl = self.decls[t.key]
            if isinstance(decl, ir.Model):
                return f"{decl.py_name}.from_dict"
            if isinstance(decl, ir.Enum):
                return f"read_enum({decl.py_name})"
            return self.reader(decl.type)
        if isinstance(t, ir.ListOf):
            return f"read_list({self.reader(t.item)})"
        if isinstance(t, ir.MapOf):
            return f"read_map({self.reader(t.value)})"
        if isinstance(t, ir.Nullable):
            return f"read_nullable({self.reader(t.inner)})"
        models = [self.decls[v.key].py_name for v in t.variants if isinstance(v, ir.Ref) and self._is_model(v)]
        if t.discriminator is not None and len(models) == len(t.variants):
            mapping = ", ".join(f"{literal(tag)}: {self.decls[key].py_name}" for tag, key in t.discriminator.mapping)
            return f"read_tagged({literal(t.discriminator.property)}, {{{mapping}}})"
        others = [self.reader(v) for v in t.variants if not self._is_model(v)]
        return f"read_union({_tuple(models)}, {_tuple(others)})"

    def client_imports(self) -> tuple[list[str], list[str], list[str]]:
        """(model names, model runtime names, typing names) that the client module uses."""
        names: set[str] = set()
        code = []
        for op in self.api.operations:
            types = [p.type for p in op.params] + ([op.response] if op.response else [])
            for t in types:
                code.append(self.annotation(t))
            if op.response:
                code.append(self.reader(op.response))
                code.append(self.response_reader(op)[1] or "")
        text = " ".join(code)
        names = {d.py_name for d in self.api.decls if re.search(rf"\b{d.py_name}\b", text)}
        typing = sorted(set(re.findall(r"\b(?:Any|Callable|Literal)\b", text)))
        return sorted(names), runtime_names(text), typing

    def model_imports(self) -> list[str]:
        """The runtime names the models module uses."""
        code = ["BaseModel bind"]
        for d in self.api.decls:
            if isinstance(d, ir.Model):
                code += [self.field_annotation(f) + " " + self.reader(f.type) for f in d.fields]
            elif isinstance(d, ir.Alias):
                code.append(self.annotation(d.type))
            else:
                code.append("OpenEnum" if d.base == "str" else "OpenIntEnum")
        return runtime_names(" ".join(code))

    def checker(self, t: ir.Type, seen: frozenset[str] = frozenset()) -> str | None:
        """A runtime expression building the check of a request value's spec limits, or None if it has none."""
        if isinstance(t, ir.Primitive):
            c = t.constraints
            if t.kind == "str":
                return _call("check_str", [], min_length=c.min_length, max_length=c.max_length)
            if t.kind in ("int", "float"):
                return _call("check_number", [], minimum=c.minimum, maximum=c.maximum)
            return None
        if isinstance(t, ir.Nullable):
            return self.checker(t.inner, seen)
        if isinstance(t, ir.Ref):
            decl = self.decls[t.key]
            if isinstance(decl, ir.Alias) and t.key not in seen:
                return self.checker(decl.type, seen | {t.key})
            return None
        if isinstance(t, ir.ListOf):
            c = t.constraints
            item = self.checker(t.item, seen)
            return _call("check_list", [item], min_items=c.min_items, max_items=c.max_items, force=item is not None)
        if isinstance(t, ir.MapOf):
            c = t.constraints
            value = self.checker(t.value, seen)
            return _call(
                "check_map",
                [value],
                min_properties=c.min_properties,
                max_properties=c.max_properties,
                key_max_length=c.key_max_length,
                force=value is not None,
            )
        return None

    def operation_checks(self, op: ir.Operation) -> list[dict[str, str]]:
        """One module-level check per limited parameter: its name, the expression that builds it, the argument."""
        out = []
        for p in op.params:
            expr = self.checker(p.type)
            if expr is not None:
                out.append({"name": f"_check{_operation_function(op)}_{p.py_name}", "expr": expr, "arg": p.py_name})
        return out

    def check_imports(self) -> list[str]:
        text = " ".join(c["expr"] for op in self.api.operations for c in self.operation_checks(op))
        return sorted(set(re.findall(r"\bcheck_\w+", text)))

    def response_reader(self, op: ir.Operation) -> tuple[str, str | None]:
        """(what the method passes to read the response, a typed module-level reader if one is needed).

        Readers of unions and containers are typed `Any -> Any`; a typed variable lets
        mypy see what the method returns.
        """
        if op.response is None:
            return "read_none", None
        expr = self.reader(op.response)
        decl = self.decls.get(op.response.key) if isinstance(op.response, ir.Ref) else None
        if isinstance(op.response, ir.Primitive) or isinstance(decl, ir.Model):
            return expr, None
        name = "_read" + _operation_function(op)
        return name, f"{name}: Callable[[Any], {self.annotation(op.response)}] = {expr}"

    def _is_model(self, t: ir.Type) -> bool:
        return isinstance(t, ir.Ref) and isinstance(self.decls[t.key], ir.Model)

    def alias_order(self) -> list[ir.Alias]:
        """Aliases after the ones they use, since they are evaluated at import."""
        done: dict[str, ir.Alias] = {}
        seen: set[str] = set()

        def visit(t: ir.Type) -> None:
            if isinstance(t, ir.Ref):
                d = self.decls[t.key]
                if isinstance(d, ir.Alias) and d.key not in seen:
                    seen.add(d.key)
                    visit(d.type)
                    done[d.key] = d
            for child in _children(t):
                visit(child)

        for d in sorted(self.api.decls, key=lambda d: d.py_name):
            if isinstance(d, ir.Alias):
                visit(ir.Ref(d.key))
        return list(done.values())


def runtime_names(code: str) -> list[str]:
    """Names from the model runtime (`_models.py`) that a piece of generated code mentions."""
    return sorted(set(re.findall(r"\b(?:read_\w+|FileInput|BaseModel|bind|OpenEnum|OpenIntEnum)\b", code)))


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _call(function: str, args: list[str | None], force: bool = False, **limits: float | None) -> str | None:
    """`function(args..., limit=value...)` with only the limits that are set; None when there are none (unless forced)."""
    given = {k: v for k, v in limits.items() if v is not None}
    if not given and not force:
        return None
    parts = ["None" if a is None else a for a in args] + [f"{k}={literal(v)}" for k, v in given.items()]
    return f"{function}({', '.join(parts)})"


def _operation_function(op: ir.Operation) -> str:
    """The module-level function that turns one operation's arguments into request options."""
    return "_" + "_".join((*op.resource, op.method_name))


def _call_args(op: ir.Operation) -> str:
    names = [p.py_name for p in _path_params(op)] + [p.py_name for p in _keyword_params(op)]
    return ", ".join(names + ["extra_headers", "extra_query", "extra_body", "timeout"])


def _children(t: ir.Type) -> tuple[ir.Type, ...]:
    if isinstance(t, ir.ListOf):
        return (t.item,)
    if isinstance(t, ir.MapOf):
        return (t.value,)
    if isinstance(t, ir.Nullable):
        return (t.inner,)
    if isinstance(t, ir.OneOf):
        return t.variants
    return ()


def _field_doc(f: ir.Field | ir.Param, default: Any = None, has_default: bool = False, deprecated: bool = False) -> str:
    text = f.description
    if deprecated:
        text = "Deprecated. " + text
    if has_default:
        text += f"\n\nThe server's default: `{literal(default) if not isinstance(default, (list, dict)) else '...'}`."
    return text.strip()


def _path_params(op: ir.Operation) -> list[ir.Param]:
    return [p for p in op.params if p.location == "path"]


def _keyword_params(op: ir.Operation) -> list[ir.Param]:
    rest = [p for p in op.params if p.location != "path"]
    return [p for p in rest if p.required] + [p for p in rest if not p.required]


def _path_expr(op: ir.Operation) -> str:
    """The URL path as a concatenation of literals and encoded parameters (never an f-string of spec text)."""
    names = {p.wire_name: p.py_name for p in _path_params(op)}
    parts = []
    for i, piece in enumerate(re.split(r"\{([^}]*)\}", op.path)):
        if i % 2:
            parts.append(f"path_param({names[piece]})")  # build.py checked every {name} has a parameter
        elif piece:
            parts.append(literal(piece))
    return " + ".join(parts) or '""'


def _params_expr(op: ir.Operation, location: str) -> str:
    params = [p for p in op.params if p.location == location]
    if not params:
        return "None"
    # Form values go through json_body too: it drops omitted arguments and turns models into dicts.
    builder = "query_params" if location == "query" else "json_body"
    return f"{builder}({{{', '.join(f'{literal(p.wire_name)}: {p.py_name}' for p in params)}}})"


def _headers_expr(op: ir.Operation) -> str:
    """The call's headers: header parameters the caller gave, under `extra_headers`."""
    params = [p for p in op.params if p.location == "header"]
    if not params:
        return "extra_headers"
    return f"header_params({{{', '.join(f'{literal(p.wire_name)}: {p.py_name}' for p in params)}}}, extra_headers)"


def _operation_doc(op: ir.Operation) -> str:
    text = "\n\n".join(t for t in (op.summary, op.description) if t) or op.operation_id
    if op.deprecated:
        text = "Deprecated. " + text
    args = [
        textwrap.fill(f"{p.py_name}: {' '.join(p.description.split())}", 80, initial_indent="    ", subsequent_indent="        ", break_long_words=False, break_on_hyphens=False)
        for p in op.params
        if p.description
    ]
    if args:
        text += "\n\nArgs:\n" + "\n".join(args)
    return text


def _model_doc(model: ir.Model) -> str:
    return ("Deprecated. " if model.deprecated else "") + model.description


def _resource_tree(api: ir.Api) -> list[dict[str, Any]]:
    """Resource classes, parents first, each with its sub-resources and operations."""
    paths: dict[tuple[str, ...], dict[str, Any]] = {}
    resource_class = resource_classes(api)
    for op in api.operations:
        for i in range(len(op.resource) + 1):
            sub = op.resource[:i]
            paths.setdefault(sub, {"path": sub, "class": resource_class[sub] if sub else "", "children": [], "operations": []})
            if i < len(op.resource):
                child = op.resource[: i + 1]
                if child not in [c["path"] for c in paths[sub]["children"]]:
                    paths[sub]["children"].append({"path": child, "attr": op.resource[i], "class": resource_class[child]})
        paths[op.resource]["operations"].append(op)
    return [paths[k] for k in sorted(paths)]


def templates_dir() -> Path:
    """`templates/` beside the source tree, or inside the installed package."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


class Renderer:
    def __init__(self, api: ir.Api, source_name: str) -> None:
        self.api = api
        self.ctx = Context(api)
        source_name = " ".join(_CONTROL.sub(" ", source_name).split())  # a file name is spec text too
        self.header = f"# Generated by oasforge from {source_name}. DO NOT EDIT.\n"
        root = templates_dir()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(root),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self.env.globals.update(
            ann=self.ctx.annotation,
            field_ann=self.ctx.field_annotation,
            reader=self.ctx.reader,
            literal=literal,
            docstring=docstring,
            field_doc=_field_doc,
            model_doc=_model_doc,
            path_params=_path_params,
            keyword_params=_keyword_params,
            path_expr=_path_expr,
            body_expr=lambda op: _params_expr(op, "body"),
            content_param=lambda op: next((p.py_name for p in op.params if p.location == "content"), None),
            params_expr=_params_expr,
            headers_expr=_headers_expr,
            operation_doc=_operation_doc,
            operation_function=_operation_function,
            operation_checks=self.ctx.operation_checks,
            response_reader=self.ctx.response_reader,
            call_args=_call_args,
            api=api,
            header=self.header,
        )
        self.root = root

    def files(self) -> dict[str, str]:
        decls = sorted(self.api.decls, key=lambda d: d.py_name)
        model_view = {
            "enums": [d for d in decls if isinstance(d, ir.Enum)],
            "models": [d for d in decls if isinstance(d, ir.Model)],
            "aliases": self.ctx.alias_order(),
        }
        out = {
            "__init__.py": self.env.get_template("__init__.py.jinja").render(
                exports=sorted(d.py_name for d in decls)
            ),
            "models.py": self.env.get_template("models.py.jinja").render(**model_view, imports=self.ctx.model_imports()),
            "_client.py": self.env.get_template("_client.py.jinja").render(
                resources=_resource_tree(self.api),
                imports=self.ctx.client_imports(),
                check_imports=self.ctx.check_imports(),
                uses_headers=any(p.location == "header" for op in self.api.operations for p in op.params),
            ),
            "py.typed": "",
        }
        return out

    def runtime(self) -> dict[str, str]:
        """The static runtime, copied as it is (it is kept black-formatted in templates/runtime/)."""
        return {
            item.name: self.header + item.read_text(encoding="utf-8")
            for item in sorted((self.root / "runtime").iterdir(), key=lambda p: p.name)
            if item.name.endswith(".py")
        }


def render(api: ir.Api, source_name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(the files rendered from templates, the static runtime files)."""
    renderer = Renderer(api, source_name)
    return renderer.files(), renderer.runtime()
