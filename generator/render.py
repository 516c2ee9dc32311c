"""Stage: IR → {relative path: source text}. Helpers here decide; templates only print.

Every string that comes from the spec reaches the output through `literal()` or
`docstring()`: nothing else puts spec text into code.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from . import ir
from .layout import SHARED, Layout, layout, module_file, resource_module
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
    """Prints types and readers, and records every name the printed code uses (its imports).

    A name is recorded with the module it comes from, relative to the package's root
    (`._models`, `.types.chat.chat_completion`, or `typing`), and whether the module being
    rendered needs it when it is loaded (its readers, an alias's value, a base class) or only
    in annotations, which are not evaluated: the package's own modules that it needs only
    there are imported for type checkers alone, so loading a module loads no more than it uses.
    """

    api: ir.Api
    decls: dict[str, ir.Decl] = field(init=False)
    here: str = ""  # the module being rendered, dotted from the package's root
    package: bool = False  # it is a package's `__init__`
    used: dict[str, set[str]] = field(init=False)
    annotated: dict[str, set[str]] = field(init=False)  # names used in annotations only

    def __post_init__(self) -> None:
        self.decls = {d.key: d for d in self.api.decls}
        self.used = {}
        self.annotated = {}

    @cached_property
    def layout(self) -> Layout:
        return layout(self.api)

    def use(self, module: str, name: str, runtime: bool = True) -> str:
        """`name`, imported from `module` by the file being rendered."""
        kept = self.used if runtime or not _generated(module) else self.annotated
        kept.setdefault(module, set()).add(name)
        return name

    def _name(self, decl: ir.Decl, runtime: bool) -> str:
        return self.use("." + self.layout.module_of[decl.key], decl.py_name, runtime)

    def relative(self, module: str) -> str:
        """A module of the package (`.types.chat.choice`) as the module being rendered imports it (`.choice`)."""
        target = module[1:].split(".")
        here = self.here.split(".") if self.here else []
        package = here if self.package else here[:-1]
        common = 0
        while common < min(len(package), len(target)) and package[common] == target[common]:
            common += 1
        return "." * (len(package) - common + 1) + ".".join(target[common:])

    def import_from(self, module: str, name: str) -> str:
        """An import statement for a function's body (what is imported on first use)."""
        return f"from {self.relative(module)} import {name}"

    def import_lines(self, modules: tuple[str, ...] = ()) -> str:
        """Import statements: the standard library, `import` of whole modules, the package's own modules,
        and those needed for annotations only, under `if TYPE_CHECKING:`."""
        used = {m: set(names) for m, names in self.used.items() if m != "." + self.here}
        checking = {m: names - used.get(m, set()) for m, names in self.annotated.items() if m != "." + self.here}
        checking = {m: names for m, names in checking.items() if names}
        if checking:
            used.setdefault("typing", set()).add("TYPE_CHECKING")
        order = sorted(used, key=lambda m: (m not in _STDLIB, m))
        groups = [
            "\n".join(f"from {m} import {_names(used[m])}" for m in order if m in _STDLIB),
            "\n".join(f"import {m}" for m in modules),
            "\n".join(f"from {self.relative(m)} import {_names(used[m])}" for m in order if m not in _STDLIB),
        ]
        if checking:
            groups.append("if TYPE_CHECKING:\n" + "\n".join(f"    from {self.relative(m)} import {_names(checking[m])}" for m in sorted(checking)))
        return "\n\n".join(g for g in groups if g)

    def annotation(self, t: ir.Type, request: bool = False, runtime: bool = False) -> str:
        """The type as Python spells it; `request=True` for what a caller passes (looser, as the official SDK takes it):
        sequences and mappings, dicts for models, an enum's literal values beside the enum. `runtime=True` where the
        expression is evaluated (an alias's value), not only an annotation."""
        if isinstance(t, ir.Primitive):
            return self.use("._models", "FileInput") if t.kind == "file" else t.kind
        if isinstance(t, ir.AnyType):
            return self.use("typing", "Any")
        if isinstance(t, ir.Const):
            return f"{self.use('typing', 'Literal')}[{literal(t.value)}]"
        if isinstance(t, ir.Ref):
            decl = self.decls[t.key]
            name = self._name(decl, runtime)
            if request and isinstance(decl, ir.Enum):
                return f"{name} | {self.use('typing', 'Literal')}[{', '.join(literal(m.value) for m in decl.members)}]"
            if request and (isinstance(decl, ir.Model) or (isinstance(decl, ir.Alias) and self._has_models(decl.type))):
                return f"{name} | {self.use('typing', 'Mapping')}[str, {self.use('typing', 'Any')}]"
            return name
        if isinstance(t, ir.ListOf):
            item = self.annotation(t.item, request, runtime)
            if request and not isinstance(t.item, ir.Primitive):
                return f"{self.use('typing', 'Sequence')}[{item}]"  # covariant: a list of dicts is accepted
            return f"list[{item}]"
        if isinstance(t, ir.MapOf):
            container = self.use("typing", "Mapping") if request else "dict"
            return f"{container}[str, {self.annotation(t.value, request, runtime)}]"
        if isinstance(t, ir.Nullable):
            inner = self.annotation(t.inner, request, runtime)
            return inner if inner == "Any" or isinstance(t.inner, ir.Nullable) else f"{inner} | None"
        if all(isinstance(v, ir.Const) for v in t.variants):
            values = dict.fromkeys(literal(v.value) for v in t.variants if isinstance(v, ir.Const))
            return f"{self.use('typing', 'Literal')}[{', '.join(values)}]"
        return " | ".join(dict.fromkeys(self.annotation(v, request, runtime) for v in t.variants))

    def _has_models(self, t: ir.Type) -> bool:
        return isinstance(t, ir.OneOf) and any(self._is_model(v) for v in t.variants)

    def param_annotation(self, p: ir.Param) -> str:
        return self.annotation(p.type, request=True)

    def field_annotation(self, f: ir.Field) -> str:
        """Optional fields read as None when absent."""
        return self.annotation(f.type if f.required else ir.Nullable(f.type))

    def reader(self, t: ir.Type) -> str:
        """The runtime expression that reads (and type-checks) a JSON value of type t."""
        if isinstance(t, ir.Primitive):
            return self.use("._models", _READERS[t.kind])
        if isinstance(t, ir.Const):
            return self.use("._models", _READERS[type(t.value).__name__])
        if isinstance(t, ir.AnyType):
            return self.use("._models", "read_any")
        if isinstance(t, ir.Ref):
            decl = self.decls[t.key]
            if isinstance(decl, ir.Model):
                return f"{self._name(decl, True)}.from_dict"
            if isinstance(decl, ir.Enum):
                return f"{self.use('._models', 'read_enum')}({self._name(decl, True)})"
            return self.reader(decl.type)  # an alias is read as what it stands for
        if isinstance(t, ir.ListOf):
            return f"{self.use('._models', 'read_list')}({self.reader(t.item)})"
        if isinstance(t, ir.MapOf):
            return f"{self.use('._models', 'read_map')}({self.reader(t.value)})"
        if isinstance(t, ir.Nullable):
            return f"{self.use('._models', 'read_nullable')}({self.reader(t.inner)})"
        models = [self._name(self.decls[v.key], True) for v in t.variants if isinstance(v, ir.Ref) and self._is_model(v)]
        if t.discriminator is not None and len(models) == len(t.variants):
            mapping = ", ".join(f"{literal(tag)}: {self._name(self.decls[key], True)}" for tag, key in t.discriminator.mapping)
            return f"{self.use('._models', 'read_tagged')}({literal(t.discriminator.property)}, {{{mapping}}})"
        others = [self.reader(v) for v in t.variants if not self._is_model(v)]
        return f"{self.use('._models', 'read_union')}({_tuple(models)}, {_tuple(others)})"

    def checker(self, t: ir.Type, seen: frozenset[str] = frozenset()) -> str | None:
        """A runtime expression building the check of a request value's spec limits, or None if it has none."""
        if isinstance(t, ir.Primitive):
            c = t.constraints
            if t.kind == "str":
                return self._call("check_str", [], min_length=c.min_length, max_length=c.max_length)
            if t.kind in ("int", "float"):
                return self._call("check_number", [], minimum=c.minimum, maximum=c.maximum)
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
            return self._call("check_list", [item], min_items=c.min_items, max_items=c.max_items, force=item is not None)
        if isinstance(t, ir.MapOf):
            c = t.constraints
            value = self.checker(t.value, seen)
            return self._call(
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

    def _call(self, function: str, args: list[str | None], force: bool = False, **limits: float | None) -> str | None:
        """`function(args..., limit=value...)` with only the limits that are set; None when there are none (unless forced)."""
        given = {k: v for k, v in limits.items() if v is not None}
        if not given and not force:
            return None
        parts = ["None" if a is None else a for a in args] + [f"{k}={literal(v)}" for k, v in given.items()]
        return f"{self.use('._checks', function)}({', '.join(parts)})"

    def response_reader(self, op: ir.Operation) -> tuple[str, dict[str, Any] | None]:
        """(what a method passes to read the response, the module-level function that makes that reader if one is needed).

        The function imports the types it reads when first called, so that importing a resource
        imports none of them; its return type lets mypy see what the method returns.
        """
        if op.response is None:
            return self.use("._base_client", "read_none"), None
        if isinstance(op.response, ir.Primitive):
            return self.reader(op.response), None
        outer, self.used = self.used, {}
        expr = self.reader(op.response)
        inner, self.used = self.used, outer
        imports = []
        for module, names in sorted(inner.items()):
            if _generated(module):
                imports.append(f"from {self.relative(module)} import {_names(names)}")
            else:
                self.used.setdefault(module, set()).update(names)
        name = "_read" + _operation_function(op)
        returns = f"{self.use('typing', 'Callable')}[[{self.use('typing', 'Any')}], {self.annotation(op.response)}]"
        return f"{name}()", {"name": name, "returns": returns, "imports": imports, "expr": expr}

    # -- what an operation sends ---------------------------------------------------

    def _param_call(self, p: ir.Param) -> str:
        """The runtime call that serialises one path, query, header or cookie parameter; only what differs
        from the location's defaults is spelled out."""
        module, helper, default = _PARAM_HELPERS[p.location]
        style = p.style or default
        args = [p.py_name] if p.location in ("path", "header") else [literal(p.wire_name), p.py_name]
        if style.media_type:
            args.append(f"media={literal(style.media_type)}")
        else:
            if style.style != default.style:
                args.append(f"style={literal(style.style)}")
            if style.explode != default.explode:
                args.append(f"explode={style.explode}")
            if style.allow_reserved:
                args.append("allow_reserved=True")
            if style.style == "matrix":
                args.append(f"name={literal(p.wire_name)}")
        return f"{self.use(module, helper)}({', '.join(args)})"

    def path_expr(self, op: ir.Operation) -> str:
        """The URL path as a concatenation of literals and encoded parameters (never an f-string of spec text)."""
        params = {p.wire_name: p for p in _path_params(op)}
        parts = []
        for i, piece in enumerate(re.split(r"\{([^}]*)\}", op.path)):
            if i % 2:
                parts.append(self._param_call(params[piece]))  # build.py checked every {name} has a parameter
            elif piece:
                parts.append(literal(piece))
        return " + ".join(parts) or '""'

    def _pairs_expr(self, op: ir.Operation, location: str) -> str:
        """A query's or cookie header's name=value pairs: one helper call, or the calls' pairs in one list."""
        calls = [self._param_call(p) for p in op.params if p.location == location]
        if len(calls) < 2:
            return calls[0] if calls else "None"
        return "[" + ", ".join(f"*{c}" for c in calls) + "]"

    def body_expr(self, op: ir.Operation) -> str:
        """The body's fields; an optional body the caller gave nothing of is not sent at all."""
        fields = [p for p in op.params if p.location == "body"]
        if op.body is None or not op.body.flattened or not (fields or op.body.required):
            return "None"
        given = ", ".join(f"{literal(p.wire_name)}: {p.py_name}" for p in fields)
        expr = f"{self.use('._base_client', 'json_body')}({{{given}}})"  # drops what the caller did not give
        return expr if op.body.required else f"{expr} or None"

    def query_expr(self, op: ir.Operation) -> str:
        return self._pairs_expr(op, "query")

    def headers_expr(self, op: ir.Operation) -> str:
        """The call's headers: header parameters the caller gave, under `extra_headers`."""
        params = [p for p in op.params if p.location == "header"]
        if not params:
            return "extra_headers"
        given = ", ".join(f"{literal(p.wire_name)}: {self._param_call(p)}" for p in params)
        return f"{self.use('._base_client', 'header_params')}({{{given}}}, extra_headers)"

    def _form_encoding_expr(self, op: ir.Operation) -> str | None:
        """The body fields whose `encoding` says how to write them in a form."""
        items = []
        for p in op.params:
            if p.location == "body" and p.style is not None:
                s = p.style
                if s.style:
                    args = [f"style={literal(s.style)}", f"explode={s.explode}"] + (["allow_reserved=True"] if s.allow_reserved else [])
                else:
                    args = [f"content_type={literal(s.media_type)}"]
                items.append(f"{literal(p.wire_name)}: {self.use('._serialize', 'FieldEncoding')}({', '.join(args)})")
        return "{" + ", ".join(items) + "}" if items else None

    def options_keywords(self, op: ir.Operation) -> list[str]:
        """The rest of an operation's Options: the whole body, its media type and form encoding, the media
        types it accepts, cookies, and its security requirement when not the API's default."""
        out = []
        content = next((p for p in op.params if p.location == "content"), None)
        if content is not None:
            out.append(f"content={content.py_name}")
        if op.body is not None:
            default = literal(op.body.media_types[0])
            choice = next((p for p in op.params if p.location == "media"), None)
            if choice is not None:
                out.append(f"media={choice.py_name} or {default}")
            elif op.body.media_types[0] != "application/json":  # the runtime's default
                out.append(f"media={default}")
        if op.accept and op.accept != ("application/json",):
            out.append(f"accept={literal(', '.join(op.accept))}")
        cookies = self._pairs_expr(op, "cookie")
        if cookies != "None":
            out.append(f"cookies={cookies}")
        if op.security != self.api.security:
            out.append(f"security={_security_literal(op.security)}")
        encoding = self._form_encoding_expr(op)
        if encoding:
            out.append(f"form_encoding={encoding}")
        return out

    def _is_model(self, t: ir.Type) -> bool:
        return isinstance(t, ir.Ref) and isinstance(self.decls[t.key], ir.Model)


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _operation_function(op: ir.Operation) -> str:
    """The module-level function that turns one operation's arguments into request options."""
    return "_" + "_".join((*op.resource, op.method_name))


def _field_doc(f: ir.Field | ir.Param, default: Any = None, has_default: bool = False, deprecated: bool = False) -> str:
    text = f.description
    if deprecated:
        text = "Deprecated. " + text
    if has_default:
        text += f"\n\nThe server's default: `{literal(default) if not isinstance(default, (list, dict)) else '...'}`."
    return text.strip()


def _path_params(op: ir.Operation) -> list[ir.Param]:
    return [p for p in op.params if p.location == "path"]


def _positional_params(op: ir.Operation) -> list[ir.Param]:
    """Path parameters, then the whole body when it is one argument, as the official SDK orders them."""
    return _path_params(op) + [p for p in op.params if p.location == "content"]


def _keyword_params(op: ir.Operation) -> list[ir.Param]:
    rest = [p for p in op.params if p.location not in ("path", "content")]
    return [p for p in rest if p.required] + [p for p in rest if not p.required]


def _call_args(op: ir.Operation) -> str:
    names = [p.py_name for p in _positional_params(op) + _keyword_params(op)]
    return ", ".join(names + ["extra_headers", "extra_query", "extra_body", "timeout"])


# Each location's helper (its module, its name), and the style it writes without being told.
_PARAM_HELPERS = {
    "path": ("._serialize", "path_param", ir.Style("simple", False)),
    "query": ("._base_client", "query_param", ir.Style("form", True)),
    "header": ("._base_client", "header_param", ir.Style("simple", False)),
    "cookie": ("._base_client", "cookie_param", ir.Style("form", True)),
}


def _security_literal(security: ir.Security) -> str:
    return _tuple([_tuple([literal(k) for k in alternative]) if alternative else "()" for alternative in security]) if security else "()"


def _credentials_required(api: ir.Api) -> bool:
    """Every operation needs credentials (none is optional): a client without any is refused when built."""
    return bool(api.operations) and all(op.security and all(op.security) for op in api.operations)


def _client_doc(api: ir.Api) -> str:
    base = f"the base URL from ${api.base_url_env}" + (f" (else {api.base_url})" if api.base_url else "")
    required = "" if api.base_url else " The spec names no absolute server URL: one of the two must give it."
    schemes = api.security_schemes
    if len(schemes) == 1 and schemes[0].args == ("api_key",):
        return f"Client for {api.title}. Reads the API key from ${schemes[0].env[0]} and {base} when not given.{required}"
    given = [f"`{a}` from ${e}" for s in schemes for a, e in zip(s.args, s.env)]
    return f"Client for {api.title}. Reads {', '.join(given + [base])} when not given.{required}"


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


def _raw_doc(op: ir.Operation) -> str:
    """A raw-response method's docstring: the arguments are documented once, on the method it mirrors."""
    return f"`{op.method_name}()`, returning the raw response: its status, headers and `parse()`."


def _webhook_doc(hook: ir.Webhook) -> str:
    text = "\n\n".join(t for t in (hook.summary, hook.description) if t) or f"The `{hook.name}` webhook."
    return text + "\n\nReads the body of this webhook request (its JSON text, or the decoded object)."


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
                    paths[sub]["children"].append(
                        {"path": child, "attr": op.resource[i], "class": resource_class[child], "module": "." + resource_module(child)}
                    )
        paths[op.resource]["operations"].append(op)
    return [paths[k] for k in sorted(paths)]


def templates_dir() -> Path:
    """`templates/` beside the source tree, or inside the installed package."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


_STDLIB = ("dataclasses", "functools", "typing")
_KINDS = {ir.Model: "model", ir.Enum: "enum", ir.Alias: "type"}


def _generated(module: str) -> bool:
    """A module the package generates (types, resources), as opposed to its static runtime (`._models`) or the standard library."""
    return module.startswith(".") and not module.startswith("._")


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n)))  # CONSTANTS, Classes, functions


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
        ctx = self.ctx
        self.env.globals.update(
            ann=ctx.annotation,
            param_ann=ctx.param_annotation,
            field_ann=ctx.field_annotation,
            reader=ctx.reader,
            literal=literal,
            docstring=docstring,
            field_doc=_field_doc,
            model_doc=_model_doc,
            webhook_doc=_webhook_doc,
            positional_params=_positional_params,
            keyword_params=_keyword_params,
            path_expr=ctx.path_expr,
            body_expr=ctx.body_expr,
            query_expr=ctx.query_expr,
            headers_expr=ctx.headers_expr,
            options_keywords=ctx.options_keywords,
            scheme_class=lambda: ctx.use("._auth", "SecurityScheme"),
            security_literal=_security_literal,
            literal_tuple=lambda items: _tuple([literal(i) for i in items]),
            credentials_required=_credentials_required(api),
            client_doc=_client_doc(api),
            operation_doc=_operation_doc,
            raw_doc=_raw_doc,
            operation_function=_operation_function,
            operation_checks=ctx.operation_checks,
            response_reader=ctx.response_reader,
            call_args=_call_args,
            enum_base=lambda e: ctx.use("._models", "OpenEnum" if e.base == "str" else "OpenIntEnum"),
            base_model=lambda: ctx.use("._models", "BaseModel"),
            bind=lambda: ctx.use("._models", "bind"),
            type_alias=lambda: ctx.use("typing", "TypeAlias"),
            annotated=lambda module, name: ctx.use(module, name, runtime=False),
            import_from=ctx.import_from,
            api=api,
            header=self.header,
        )
        self.root = root

    def module(
        self, template: str, here: str, doc: str, static: dict[str, set[str]], modules: tuple[str, ...] = (), package: bool = False, **values: Any
    ) -> str:
        """The module `here` (dotted, from the package's root): the template's code, under the imports of
        exactly the names that code uses."""
        ctx = self.ctx
        ctx.here, ctx.package = here, package
        ctx.used = {m: set(names) for m, names in static.items()}
        ctx.annotated = {}
        body = self.env.get_template(template).render(**values)
        return f"{self.header}\n{docstring(doc)}\n\nfrom __future__ import annotations\n\n{ctx.import_lines(modules)}\n{body}"

    def files(self) -> dict[str, str]:
        api, title = self.api, self.api.title
        tree = _resource_tree(api)
        top: list[dict[str, Any]] = next((r["children"] for r in tree if not r["path"]), [])  # the client's own resources
        out = {
            "__init__.py": self.env.get_template("__init__.py.jinja").render(),
            "_client.py": self.module(
                "_client.py.jinja",
                "_client",
                f"The {api.client_class} and {api.async_client_class} clients; each resource is imported on first use.",
                {
                    "typing": {"Mapping"},
                    "._base_client": {"DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_MAX_RETRIES", "NOT_GIVEN", "AsyncAPIClient", "NotGiven", "SyncAPIClient", "Timeout"},
                    **({"functools": {"cached_property"}} if top else {}),
                },
                ("httpx",),
                top=top,
            ),
            "py.typed": "",
            "resources/__init__.py": f"{self.header}\n{docstring(f'The resources of {title}, one module each, imported on first use.')}\n",
        }
        for res in [r for r in tree if r["path"]]:
            out[module_file(resource_module(res["path"]), package=bool(res["children"]))] = self._resource(res)
        out.update(self._types())
        if api.webhooks:
            out["webhooks.py"] = self.module(
                "webhooks.py.jinja",
                "webhooks",
                f"The requests {title} sends to your server: read their bodies into models.",
                {"typing": {"Any", "Callable", "Mapping"}, "._models": {"read_webhook"}},
                webhooks=api.webhooks,
                event=ir.Ref("#/webhooks"),
            )
        return out

    def _resource(self, res: dict[str, Any]) -> str:
        client = {"SyncAPIClient", "AsyncAPIClient"}
        calls = {"NOT_GIVEN", "APIResponse", "Body", "Headers", "NotGiven", "Options", "Query", "Timeout"} if res["operations"] else set()
        return self.module(
            "resource.py.jinja",
            resource_module(res["path"]),
            f"The `{'.'.join(res['path'])}` resource of {self.api.title}: its classes (sync and async, with and without "
            "raw responses) and its operations.",
            {"._base_client": client | calls, **({"functools": {"cached_property"}} if res["children"] else {})},
            package=bool(res["children"]),
            res=res,
        )

    def _types(self) -> dict[str, str]:
        """The types' modules, each group's `__init__` and the `types` package's."""
        layout, title = self.ctx.layout, self.api.title
        out = {
            "types/__init__.py": self.env.get_template("types_init.py.jinja").render(
                doc=f"The types of {title}, each importable from here and imported on first use. They are grouped by the "
                "top-level resource whose methods use them; `shared` holds those used by several, or by none.",
                table=dict(sorted((name, group) for group, names in layout.groups.items() for name in names)),
            )
        }
        for group, modules in layout.groups.items():
            users = "several resources, or by none" if group == SHARED else f"the `{group}` resources"
            out[f"types/{group}/__init__.py"] = self.env.get_template("types_init.py.jinja").render(
                doc=f"The types of {title} used by {users}, each importable from here and imported on first use.", table=modules
            )
        for m in layout.modules:
            # One declaration, or models that refer to each other (see layout.py).
            names = ", ".join(d.py_name for d in m.decls)
            kind = _KINDS[type(m.decls[0])]
            doc = f"The {names} {kind} of {title}." if len(m.decls) == 1 else f"The {names} {kind}s of {title}, which refer to each other."
            models = [d for d in m.decls if isinstance(d, ir.Model)]
            out[module_file(m.name)] = self.module(
                "types.py.jinja",
                m.name,
                doc,
                {"dataclasses": {"dataclass"}} if models else {},
                decls=m.decls,
                enums=[d for d in m.decls if isinstance(d, ir.Enum)],
                models=models,
                aliases=[d for d in m.decls if isinstance(d, ir.Alias)],
            )
            # Loading this module loads those its readers use: they must come earlier (no import cycle).
            later = [u for u in self.ctx.used if u.startswith(".types.") and u != "." + m.name and layout.order[u[1:]] >= m.order]
            assert not later, (m.name, later)
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


# -- spec text in the package's other files: pyproject.toml, README.md, api.md ------------------


def toml_string(text: str) -> str:
    """A one-line TOML string saying `text` (the way spec text enters pyproject.toml)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown_text(text: str) -> str:
    """`text` on one line, shown as itself in Markdown (the way spec text enters README.md and api.md)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return html.escape(re.sub(r"([\\`*_\[\]()#|!~])", r"\\\1", text))


def markdown_code(text: str) -> str:
    """A Markdown code span showing `text` as it is, on one line (a fence longer than any backtick run in it)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_attribute(text: str) -> str:
    return html.escape(" ".join(_CONTROL.sub(" ", text).split()), quote=True)
