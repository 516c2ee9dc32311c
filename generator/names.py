"""Stage: give every declaration, field, parameter and enum member a Python name.

One rule for all: ASCII identifiers, keywords and reserved names get a trailing
underscore, collisions get a numeric suffix in a stable order. Names pinned by
the spec or the overlay (`x-py-name`) are never changed.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import replace

from . import ir
from .build import pascal
from .errors import SpecError

# Names the generated modules use themselves; a declaration may not take them.
RESERVED_TYPES = frozenset(
    {"Any", "Literal", "Union", "Optional", "BaseModel", "OpenEnum", "OpenIntEnum", "NotGiven", "NOT_GIVEN",
     "dataclass", "field", "annotations", "reader", "Mapping", "TypeAlias", "ClassVar",
     # Names the client module imports from the runtime.
     "APIResponse", "AsyncAPIClient", "SyncAPIClient", "Options", "Headers", "Query", "Body", "Timeout",
     "SecurityScheme", "FieldEncoding", "DEFAULT_MAX_RESPONSE_BYTES",
     # Errors the package exports.
     "APIError", "APIConnectionError", "APITimeoutError", "APIResponseValidationError", "APIStatusError",
     "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError",
     "UnprocessableEntityError", "RateLimitError", "InternalServerError", "RequestValidationError", "ValidationError",
     "APIUsageError"}
) | frozenset(keyword.kwlist)
# Builtins that annotations name: a field, parameter or method called `str` would shadow them.
TYPE_NAMES = frozenset({"str", "int", "float", "bool", "list", "dict"})
# Attributes every model has; a field may not shadow them.
RESERVED_FIELDS = frozenset({"from_dict", "from_json", "to_dict", "to_json", "extra_fields", "self", "cls"}) | TYPE_NAMES
# Keyword arguments every method has, and the helpers a method body calls.
RESERVED_PARAMS = frozenset(
    {"self", "extra_headers", "extra_query", "extra_body", "timeout", "json_body", "path_param", "query_param",
     "header_param", "header_params", "cookie_param", "httpx"}
) | TYPE_NAMES | {f"read_{k}" for k in ("str", "int", "float", "bool", "any", "list", "map", "nullable", "enum", "tagged", "union", "none")}
# Attributes of the client (runtime `SyncAPIClient`): a top-level resource may not shadow them.
RESERVED_CLIENT = frozenset(
    {"request", "request_raw", "close", "base_url", "timeout", "with_options", "with_raw_response", "copy", "api_key",
     "max_retries", "max_response_bytes"}
) | TYPE_NAMES
# Attributes every resource has besides its sub-resources and methods.
RESERVED_RESOURCE = TYPE_NAMES | {"with_raw_response"}


def check_class_name(name: str) -> str:
    """Why `name` cannot be a pinned class name ('' if it can): it is printed as is."""
    if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        return "is not an ASCII Python identifier"
    if not name[0].isupper():
        return "must start with an upper-case letter"
    if name in RESERVED_TYPES:
        return "is a name the generated code uses itself"
    return ""


def snake(text: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_").lower()
    return s


def identifier(text: str, reserved: frozenset[str] = frozenset(), prefix: str = "field") -> str:
    """A safe lower-case Python identifier for any wire name."""
    name = snake(text) or prefix
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    while keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved or name.startswith("__"):
        name += "_"
    return name


def class_name(text: str) -> str:
    name = pascal(text) or "Schema"
    if name[0].isdigit():
        name = "Schema" + name
    return name


def member_name(value: object) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", snake(str(value))).strip("_").upper() or "EMPTY"
    if name[0].isdigit():
        name = "V_" + name
    return name


def _unique(names: list[str]) -> list[str]:
    """Suffix repeats with _2, _3, … in order of appearance."""
    taken: set[str] = set()
    out = []
    for base in names:
        final, n = base, 2
        while final in taken:
            final, n = f"{base}_{n}", n + 1
        taken.add(final)
        out.append(final)
    return out


def name(api: ir.Api, path: str) -> ir.Api:
    pinned = [d for d in api.decls if d.pinned]
    loose = [d for d in api.decls if not d.pinned]
    by_pin: dict[str, str] = {}
    clients = {api.client_class, api.async_client_class}
    for d in pinned:
        problem = check_class_name(d.py_name) or ("is the client's class name" if d.py_name in clients else "")
        if problem:
            raise SpecError.at(path, d.key[1:], f"x-py-name {d.py_name!r} {problem}")
        if d.py_name in by_pin:
            raise SpecError.at(path, d.key[1:], f"x-py-name {d.py_name!r} is also pinned at {by_pin[d.py_name]}")
        by_pin[d.py_name] = d.key[1:]
    operations = _unique_methods([_name_operation(op) for op in api.operations])
    # Unpinned names: sanitised, then made unique against pinned and reserved names, in key order.
    taken = set(by_pin) | RESERVED_TYPES | resource_classes(operations) | clients
    final: dict[str, str] = {}
    for d in sorted(loose, key=lambda d: d.key):
        base = class_name(d.py_name)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}{n}", n + 1
        taken.add(candidate)
        final[d.key] = candidate
    decls = tuple(_name_decl(d, final.get(d.key, d.py_name)) for d in api.decls)
    hooks = _unique([identifier(w.name, RESERVED_PARAMS, prefix="webhook") for w in api.webhooks])
    webhooks = tuple(replace(w, py_name=n) for w, n in zip(api.webhooks, hooks))
    return replace(api, decls=decls, operations=operations, webhooks=webhooks)


def _name_decl(d: ir.Decl, py_name: str) -> ir.Decl:
    if isinstance(d, ir.Model):
        names = _unique([identifier(f.wire_name, RESERVED_FIELDS) for f in d.fields])
        fields = tuple(replace(f, py_name=n) for f, n in zip(d.fields, names))
        return replace(d, py_name=py_name, fields=fields)
    if isinstance(d, ir.Enum):
        names = _unique([member_name(m.value) for m in d.members])
        return replace(d, py_name=py_name, members=tuple(replace(m, py_name=n) for m, n in zip(d.members, names)))
    return replace(d, py_name=py_name)


def _name_operation(op: ir.Operation) -> ir.Operation:
    names = _unique([identifier(p.wire_name, RESERVED_PARAMS, prefix="param") for p in op.params])
    resource = tuple(identifier(r, RESERVED_CLIENT if i == 0 else RESERVED_RESOURCE, prefix="api") for i, r in enumerate(op.resource))
    return replace(
        op,
        resource=resource,
        method_name=identifier(op.method_name, RESERVED_RESOURCE, prefix="call"),
        params=tuple(replace(p, py_name=n) for p, n in zip(op.params, names)),
    )


def _unique_methods(operations: list[ir.Operation]) -> tuple[ir.Operation, ...]:
    """A method may not share its name with a sub-resource or another method of its resource,
    nor its module-level function (`_chat_completions_update`) with another operation's."""
    taken: dict[tuple[str, ...], set[str]] = {}
    functions: set[str] = set()
    for op in operations:
        for i in range(len(op.resource)):
            taken.setdefault(op.resource[:i], set()).add(op.resource[i])
    out = []
    for op in operations:
        names = taken.setdefault(op.resource, set())
        final, n = op.method_name, 2
        while final in names or "_".join((*op.resource, final)) in functions:
            final, n = f"{op.method_name}_{n}", n + 1
        names.add(final)
        functions.add("_".join((*op.resource, final)))
        out.append(replace(op, method_name=final))
    return tuple(out)


def resource_class(path: tuple[str, ...]) -> str:
    return class_name("_".join(path)) + "Resource"


def resource_classes(operations: tuple[ir.Operation, ...]) -> set[str]:
    """Class names of the resource tree (`chat.completions` → `ChatCompletionsResource`), sync and async, plain and raw."""
    out: set[str] = set()
    for op in operations:
        for i in range(1, len(op.resource) + 1):
            base = resource_class(op.resource[:i])
            out |= {base, "Async" + base, base + "WithRawResponse", "Async" + base + "WithRawResponse"}
    return out
