"""Stage: give every declaration, field, parameter, enum member, resource and method a Python name.

Names are ASCII identifiers rebuilt from the spec's words. The words a name may not take are
fixed here, never read from the running interpreter, so the output is the same under every
supported Python. Names pinned by the config or the spec (`x-py-name`, `x-py-method`) are never
changed: a pin that cannot be used is an error. Every other name is made unique by the rules
below, in a stable order; a numeric suffix is the last resort.

This module needs nothing outside the standard library (build.py imports its word helpers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from . import ir
from .errors import Diagnostic, SpecError, pointer, split_pointer

# -- the words a generated name may not take ---------------------------------------------

# Hard keywords, the same in Python 3.10 to 3.13. Soft keywords (`match`, `case`, `type`, `_`)
# are ordinary names wherever a generated name can appear, so they stay usable.
KEYWORDS = frozenset(
    {"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
     "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
     "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"}
)
# Builtins that annotations of models and arguments name.
TYPE_NAMES = frozenset({"str", "int", "float", "bool", "list", "dict"})
# Every builtin the generated code names: also `bytes` (a raw response), `float("inf")`, `super()`,
# and the package's `__getattr__`.
BUILTINS = TYPE_NAMES | {"bytes", "super", "getattr", "AttributeError", "Exception"}
# What the templates import or define at module level besides the runtime's names
# (tests/test_names.py renders packages and checks that nothing else is used).
TEMPLATE_NAMES = frozenset(
    {"annotations", "dataclass", "cached_property", "Any", "Callable", "Literal", "Mapping", "Sequence", "TypeAlias",
     "TYPE_CHECKING", "httpx", "_LAZY", "_MODULES", "__getattr__", "__all__"}
)
# Keyword arguments every method and operation function takes.
METHOD_ARGS = frozenset({"self", "extra_headers", "extra_query", "extra_body", "timeout"})


# The runtime's names that generated modules import (and the package exports): no generated name
# may take one. Other runtime names stay inside the runtime's own modules, where no generated name
# reaches them (an argument may be called `expand` or `text`). tests/test_names.py renders packages
# and checks that every name they import is here, and that each is one the runtime defines.
GENERATED_IMPORTS = frozenset(
    {
        # The package's errors (`_exceptions.__all__`), and what `__init__` exports lazily.
        "APIError", "APIConnectionError", "APITimeoutError", "APIResponseValidationError", "APIStatusError",
        "APIUsageError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
        "ConflictError", "UnprocessableEntityError", "RateLimitError", "InternalServerError", "RequestValidationError",
        "APIResponse", "NOT_GIVEN", "NotGiven", "ValidationError",
        # The client module: the client runtime, parameters, credentials and request checks.
        "DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_MAX_RETRIES", "AsyncAPIClient", "SyncAPIClient", "Body", "Headers",
        "Options", "Query", "Timeout", "json_body", "path_param", "query_param", "header_param", "header_params",
        "cookie_param", "read_none", "FieldEncoding", "SecurityScheme",
        "check_list", "check_map", "check_number", "check_str",
        # The models, their readers and the webhooks module.
        "BaseModel", "bind", "OpenEnum", "OpenIntEnum", "FileInput", "read_any", "read_bool", "read_bytes", "read_enum",
        "read_float", "read_int", "read_list", "read_map", "read_nullable", "read_str", "read_tagged", "read_union",
        "read_webhook",
    }
)
# Public attributes of the runtime's `BaseModel`, which every model inherits.
MODEL_ATTRIBUTES = frozenset({"extra_fields", "from_dict", "from_json", "to_dict", "to_json"})
# Public attributes of the runtime's client classes, beside which the top-level resources sit.
CLIENT_ATTRIBUTES = frozenset(
    {"api_key", "base_url", "close", "max_response_bytes", "max_retries", "request", "request_raw", "timeout", "with_options"}
)

# What each kind of generated name may not be.
# A class (model, enum, alias, resource, client) is a module-level name of the package.
MODULE_RESERVED = KEYWORDS | BUILTINS | TEMPLATE_NAMES | GENERATED_IMPORTS
# A parameter shadows, inside its method, every module-level name the method's body calls.
PARAM_RESERVED = KEYWORDS | TYPE_NAMES | TEMPLATE_NAMES | GENERATED_IMPORTS | METHOD_ARGS
# A field is a class attribute of a model: it may not shadow the base class or the annotations' builtins.
FIELD_RESERVED = KEYWORDS | TYPE_NAMES | MODEL_ATTRIBUTES | {"self", "cls"}
# A resource's attributes are its sub-resources and methods. Methods bind names in the class body,
# where later annotations would see them: `list` is allowed (a method named `list` is defined
# last, see `_list_last`), other builtins are not.
RESOURCE_RESERVED = KEYWORDS | (BUILTINS - {"list"}) | {"with_raw_response"}
# Resources are attached to the client and to their parent resource by `@cached_property`, which
# each one's name would hide from the ones after it in the class body.
CLIENT_RESERVED = RESOURCE_RESERVED | CLIENT_ATTRIBUTES | {"cached_property"}
# A resource with sub-resources is a package whose `__init__` holds its classes, and importing a
# sub-resource's module makes the sub-resource's name a global there: it may not be a name that
# module uses (a builtin, or what it imports from the runtime).
SUBRESOURCE_RESERVED = RESOURCE_RESERVED | BUILTINS | GENERATED_IMPORTS | {"cached_property"}


def check_class_name(name: str) -> str:
    """Why `name` cannot be a pinned class name ('' if it can): it is printed as is."""
    if not (name.isascii() and name.isidentifier()) or name in KEYWORDS:
        return "is not an ASCII Python identifier"
    if not name[0].isupper():
        return "must start with an upper-case letter"
    if name in MODULE_RESERVED:
        return "is a name the generated code uses itself"
    return ""


# -- words --------------------------------------------------------------------------------


def pascal(text: str) -> str:
    """`chat.completion` → `ChatCompletion`; keeps existing inner capitals."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", text) if p)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def snake(text: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_").lower()
    return s


def words(text: str) -> list[str]:
    return [w for w in snake(text).split("_") if w]


def identifier(text: str, reserved: frozenset[str] = frozenset(), prefix: str = "field") -> str:
    """A safe lower-case Python identifier for any wire name."""
    name = snake(text) or prefix
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    while name in KEYWORDS or name in reserved:
        name += "_"
    return name


def class_name(text: str) -> str:
    name = pascal(text) or "Schema"
    if name[0].isdigit():
        name = "Schema" + name
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


# -- enum members -------------------------------------------------------------------------

# Symbols spelled as words where they carry meaning (see `member_names`).
_SYMBOLS = {"+": "PLUS", "-": "MINUS", "*": "STAR", "/": "SLASH", ".": "DOT", "=": "EQ", "<": "LT", ">": "GT",
            "!": "NOT", "%": "PERCENT", "&": "AND", "|": "OR", "@": "AT", "#": "HASH", "~": "TILDE", ":": "COLON",
            "^": "CARET", "?": "QUESTION", ",": "COMMA", "$": "DOLLAR"}


def member_names(values: list[str | int]) -> list[str]:
    """UPPER_CASE member names, one per value, unique.

    Symbols separate words (`gpt-4o-mini` → `GPT_4O_MINI`), except: `+` is always PLUS; `-`
    before a digit is MINUS at the start of a value (`-1`), and anywhere in an enum that also has
    `+` before a digit (`Etc/GMT+5`, `Etc/GMT-5` → `ETC_GMT_PLUS_5`, `ETC_GMT_MINUS_5`); and values
    whose names would otherwise be the same, or empty, spell every symbol (`<=` → `LT_EQ`).
    """
    text = [str(v) for v in values]
    signed = any(re.search(r"\+\d", t) for t in text)
    plain = [_member(t, signed, spell=False) for t in text]
    counts: dict[str, int] = {}
    for p in plain:
        counts[p] = counts.get(p, 0) + 1
    names = [_member(t, signed, spell=True) if counts[p] > 1 or not p else p for t, p in zip(text, plain)]
    out = []
    for n in names:
        n = n or "EMPTY"
        out.append("V_" + n if n[0].isdigit() else n)
    return _unique(out)


def _member(text: str, signed: bool, spell: bool) -> str:
    def symbol(m: re.Match[str]) -> str:
        s, at = m.group(), m.start()
        sign = s == "-" and text[at + 1 : at + 2].isdigit() and (at == 0 or signed)
        if s == "+" or sign or (spell and s in _SYMBOLS):
            return f" {_SYMBOLS[s]} "
        return " "

    spaced = re.sub(r"[^0-9A-Za-z_ ]", symbol, text)
    return "_".join(w.upper() for w in words(spaced))


# -- class names --------------------------------------------------------------------------

MAX_CLASS_NAME = 60
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def _inline_parts(hint: str, key: str, root: str) -> tuple[list[str], str] | None:
    """(the words between the root and the schema's own part, its own part) of an inline class name.

    An inline schema is named after its parents' properties: `CreateModerationResponse` +
    `Result` + `CategoryAppliedInputTypes` + `ViolenceGraphic` + `Item`, where the root is the
    component (or operation) it sits in and its own part starts at its last property.
    """
    rest = hint[len(root) :]
    parts = split_pointer(key)
    for prop in reversed([p for i, p in enumerate(parts) if i and parts[i - 1] == "properties"]):
        for piece in dict.fromkeys((pascal(prop), singular(pascal(prop)))):
            start = rest.rfind(piece) if piece else -1
            if start > 0:
                return _WORD.findall(rest[:start]), rest[start:]
            if start == 0:
                return None
    return None


# -- the stage ----------------------------------------------------------------------------


def name(api: ir.Api, path: str) -> ir.Api:
    pinned = [d for d in api.decls if d.pinned]
    by_pin: dict[str, str] = {}
    # The clients, and the root of the package's errors (named after the client, as `OpenAIError`).
    clients = {api.client_class, api.async_client_class, api.client_class + "Error"}
    for d in pinned:
        problem = check_class_name(d.py_name) or ("is the name of a client class or of the root error" if d.py_name in clients else "")
        if problem:
            raise SpecError.at(path, d.key[1:], f"x-py-name {d.py_name!r} {problem}")
        if d.py_name in by_pin:
            raise SpecError.at(path, d.key[1:], f"x-py-name {d.py_name!r} is also pinned at {by_pin[d.py_name]}")
        by_pin[d.py_name] = d.key[1:]
    final = _class_names(api, set(by_pin) | MODULE_RESERVED | clients)
    decls = tuple(_name_decl(d, final.get(d.key, d.py_name)) for d in api.decls)
    hooks = _unique([identifier(w.name, PARAM_RESERVED, prefix="webhook") for w in api.webhooks])
    webhooks = tuple(replace(w, py_name=n) for w, n in zip(api.webhooks, hooks))
    return replace(api, decls=decls, operations=_name_operations(api.operations, path), webhooks=webhooks)


def _class_names(api: ir.Api, taken: set[str]) -> dict[str, str]:
    """Unpinned class names, unique, in key order: the names that fit first, then the long ones.

    A name longer than 60 characters drops the words between its root and its own part
    (`CreateModerationResponse…ViolenceGraphicItem` → `CreateModerationResponseViolenceGraphicItem`);
    if another class has that name, the dropped words the two do not share are put back
    (`…SecondaryDeliverySettings` beside `…DeliverySettings`).
    """
    loose = sorted((d for d in api.decls if not d.pinned), key=lambda d: d.key)
    hints = {d.key: class_name(d.py_name) for d in loose}
    final: dict[str, str] = {}
    held: dict[str, str] = {}  # a name given out → the full name it stands for

    def claim(key: str, options: list[str]) -> None:
        candidate = next((o for o in options if o not in taken), "")
        n = 2
        while not candidate:
            candidate = f"{options[-1]}{n}" if f"{options[-1]}{n}" not in taken else ""
            n += 1
        taken.add(candidate)
        held[candidate] = hints[key]
        final[key] = candidate

    for d in loose:
        if len(hints[d.key]) <= MAX_CLASS_NAME:
            claim(d.key, [hints[d.key]])
    roots = _roots(api)
    for d in loose:
        hint = hints[d.key]
        if len(hint) <= MAX_CLASS_NAME:
            continue
        root = next((r for r in roots(d.key) if hint.startswith(r) and len(r) < len(hint)), "")
        parts = (_inline_parts(hint, d.key, root) or ([], hint[len(root) :])) if root else None
        options = []
        if parts:
            (middle, tail), short = parts, root + parts[1]
            other = set(_WORD.findall(held.get(short, "")))
            options = [short, root + "".join(w for w in middle if w not in other) + tail]
            if len(short) > MAX_CLASS_NAME:
                # The root and the own part alone are too long: the root's last words go first.
                words = _WORD.findall(root)
                while len(words) > 1 and len("".join(words) + tail) > MAX_CLASS_NAME:
                    words.pop()
                options.insert(0, "".join(words) + tail)
        claim(d.key, options + [hint])
    return final


def _roots(api: ir.Api) -> Callable[[str], list[str]]:
    """For a declaration key, the names its inline name may start with: enclosing declarations, outermost first,
    then the operation it sits in."""
    hints = {d.key: d.py_name if d.pinned else class_name(d.py_name) for d in api.decls}
    operations = {pointer("paths", op.path, op.http_method): pascal(op.operation_id) for op in api.operations}

    def roots(key: str) -> list[str]:
        parts = key[1:].split("/")
        out = [hints[k] for k in ("#" + "/".join(parts[:i]) for i in range(2, len(parts))) if k in hints]
        if parts[1:3] == ["components", "schemas"] and len(parts) > 3 and f"#/components/schemas/{parts[3]}" not in hints:
            out.insert(0, class_name(parts[3]))  # a component that is no class of its own (a flattened body)
        op = operations.get("/".join(parts[:4]))
        return out + ([op] if op else [])

    return roots


def _name_decl(d: ir.Decl, py_name: str) -> ir.Decl:
    if isinstance(d, ir.Model):
        names = _unique([identifier(f.wire_name, FIELD_RESERVED) for f in d.fields])
        fields = tuple(replace(f, py_name=n) for f, n in zip(d.fields, names))
        return replace(d, py_name=py_name, fields=fields)
    if isinstance(d, ir.Enum):
        names = member_names([m.value for m in d.members])
        return replace(d, py_name=py_name, members=tuple(replace(m, py_name=n) for m, n in zip(d.members, names)))
    return replace(d, py_name=py_name)


# -- parameters ---------------------------------------------------------------------------

# Where a parameter goes decides who keeps a shared name: the path, then the query, the headers,
# the body; the others are prefixed with their place, and the docstring says what they send.
_PLACES = {"path": (0, "path", "the path parameter"), "query": (1, "query", "the query parameter"),
           "header": (2, "header", "the header"), "body": (3, "body", "the body field"),
           "form": (3, "body", "the form field"), "content": (3, "body", "the request body")}


def _place(location: str) -> tuple[int, str, str]:
    return _PLACES.get(location, (3, location, f"the {location} parameter"))


def _name_params(params: tuple[ir.Param, ...]) -> tuple[ir.Param, ...]:
    """A parameter named like a better-placed one gets its place as a prefix (`body_username`
    beside the path's `username`), and a line in the docstring saying what it sends."""
    base = [identifier(p.wire_name, PARAM_RESERVED, prefix="param") for p in params]
    best: dict[str, int] = {}
    for p, n in zip(params, base):
        best[n] = min(best.get(n, 9), _place(p.location)[0])
    out = []
    for p, n in zip(params, base):
        rank, prefix, sent_as = _place(p.location)
        if rank > best[n]:
            n = identifier(f"{prefix}_{n}", PARAM_RESERVED)
            note = f"Sent as {sent_as} `{p.wire_name}`."
            p = replace(p, description=f"{p.description}\n\n{note}" if p.description else note)
        out.append((p, n))
    names = _unique([n for _, n in out])
    return tuple(replace(p, py_name=n) for (p, _), n in zip(out, names))


# -- resources and methods ----------------------------------------------------------------

# Words of an operationId left dangling once the resource's words are taken out.
_CONNECTORS = frozenset({"and", "or", "by", "for", "in", "of", "to", "from", "with", "on", "at"})
_UPDATE_VERBS = frozenset({"update", "modify", "edit", "patch", "set", "replace", "change"})


def path_segments(path: str) -> list[tuple[str, bool]]:
    """(segment, is a parameter) for each segment of a path, without a query (`?beta=true`)
    or a format suffix (`messages.json` → `messages`)."""
    out = []
    for segment in re.split(r"[?#]", path, maxsplit=1)[0].split("/"):
        if "{" in segment:
            out.append((segment, True))
        elif segment:
            out.append((re.sub(r"(?<=[0-9A-Za-z])\.[A-Za-z]+$", "", segment), False))
    return out


def _is_action(segment: str, op_id: str, about: set[str]) -> bool:
    """Whether the last segment of a path is what the operation does rather than what it acts on.

    It is when the operationId is the segment's words plus words about the path before it
    (`/pet/findByStatus`, `findPetsByStatus`; `/batches/{id}/cancel`, `cancelBatch`), or the same
    verb with another object (`/pet/{id}/uploadImage`, `uploadFile`), or, spelled as one word,
    starts with it (`/responses/compact`, `Compactconversation`). It is not when the operationId
    adds a word of its own after it (`/organization/admin_api_keys`, `admin-api-keys-list`).
    """
    seg, op = words(segment), words(op_id)
    if not seg or not op:
        return False
    rest = [w for w in op if w not in seg and w not in _CONNECTORS]
    own = [w for w in rest if singular(w) not in about]
    if set(seg) <= set(op):
        return not own or (seg[0] == op[0] and len(own) < len(rest))
    if seg[0] == op[0]:
        return True
    return len(own) == 1 and own[0].startswith("".join(seg))


def conventional(op: ir.Operation) -> tuple[list[str], str | None]:
    """The resource path (raw segments) and the conventional method name of an unpinned operation,
    or None where the path and HTTP method do not make one obvious."""
    segments = path_segments(op.path)
    statics = [s for s, is_param in segments if not is_param]
    ends_in_item = bool(segments) and segments[-1][1]
    about = {singular(w) for s in [*statics[:-1], *re.split(r"[?#]", op.path, maxsplit=1)[1:]] for w in words(s)}
    if not ends_in_item and len(statics) > 1 and _is_action(statics[-1], op.operation_id, about):
        return statics[:-1], statics[-1]
    if not statics:
        return ["default"], None
    method, last = op.http_method, (words(statics[-1]) or [""])[-1]
    one = ends_in_item or singular(last) == last  # `/things/{id}`, or a singleton like `/organization/spend_limit`
    if method == "post" and _updates(op.operation_id):
        return statics, "update"
    if method == "post":
        return statics, None if ends_in_item else "create"
    if method == "get":
        return statics, "retrieve" if one else "list"
    return statics, {"put": "update", "patch": "update", "delete": "delete"}.get(method) if one else None


def _updates(op_id: str) -> bool:
    """Whether an operationId says it changes something (`modifyThread`, `update-role`, `Updatespendlimit`)."""
    first = (words(op_id) or [""])[0]
    return any(first == verb or (first == snake(op_id) and first.startswith(verb)) for verb in _UPDATE_VERBS)


def _without(op_id: str, segments: tuple[str, ...]) -> str | None:
    """The operationId's words less the segments' (`getVectorStoreFile` less `vector_stores.files` → `get`)."""
    about = {singular(w) for s in segments for w in words(s)}
    kept = [w for w in words(op_id) if singular(w) not in about]
    while kept and kept[0] in _CONNECTORS:
        kept.pop(0)
    while kept and kept[-1] in _CONNECTORS:
        kept.pop()
    return "_".join(kept) or None


@dataclass
class _Plan:
    op: ir.Operation
    resource: tuple[str, ...]
    options: list[str]  # method names, best first
    pinned: bool
    params: tuple[ir.Param, ...]
    level: int = 0

    @property
    def method(self) -> str:
        return self.options[self.level]

    def functions(self, method: str) -> set[str]:
        """The module-level names render.py makes of one operation: `_chat_completions_update` and its
        `_read…` and `_check…_<param>` companions."""
        function = "_" + "_".join((*self.resource, method))
        return {function, "_read" + function} | {f"_check{function}_{p.py_name}" for p in self.params}


def _name_operations(operations: tuple[ir.Operation, ...], path: str) -> tuple[ir.Operation, ...]:
    plans = [_plan(op) for op in operations]
    _check_pins(plans, path)
    children: dict[tuple[str, ...], set[str]] = {}
    for p in plans:
        for i in range(len(p.resource)):
            children.setdefault(p.resource[:i], set()).add(p.resource[i])
    # Operations that would share a method name (on one resource, or flattened into the name of
    # their module-level function: `a_b.get` and `a.b.get`), or take a pinned method's or a
    # sub-resource's name, fall back to their next option: all of them, or where the levels
    # differ the ones at the lowest level (a conventional verb gives way first).
    while True:
        groups: dict[str, list[_Plan]] = {}
        for p in plans:
            groups.setdefault("_".join((*p.resource, p.method)), []).append(p)
        moved = False
        for group in groups.values():
            fixed = any(p.pinned or p.method in children.get(p.resource, set()) for p in group)
            if len(group) == 1 and not fixed:
                continue
            movable = [p for p in group if not p.pinned and p.level + 1 < len(p.options)]
            if not fixed and movable:
                movable = [p for p in movable if p.level == min(q.level for q in group)]
            for p in movable:
                p.level += 1
                moved = True
        if not moved:
            break
    # The last resort (an operationId that is also a sub-resource's name, two operationIds that
    # differ only in punctuation, module-level functions spelled alike): a numeric suffix, in spec order.
    taken = {r: set(c) for r, c in children.items()}
    functions: set[str] = set()
    for p in plans:
        if p.pinned:
            taken.setdefault(p.resource, set()).add(p.method)
            functions |= p.functions(p.method)
    out = []
    for p in plans:
        final, n = p.method, 2
        if not p.pinned:
            names = taken.setdefault(p.resource, set())
            while final in names or p.functions(final) & functions:
                final, n = f"{p.method}_{n}", n + 1
            names.add(final)
            functions |= p.functions(final)
        out.append(replace(p.op, resource=p.resource, method_name=final, params=p.params))
    return _list_last(out)


def _list_last(operations: list[ir.Operation]) -> tuple[ir.Operation, ...]:
    """A method named `list` binds `list` in its class body; defined after the others, it cannot
    shadow the builtin in their annotations (`list[Thing]`)."""
    return tuple([op for op in operations if op.method_name != "list"] + [op for op in operations if op.method_name == "list"])


def _plan(op: ir.Operation) -> _Plan:
    params = _name_params(op.params)
    if op.method_name:  # pinned: `x-py-method` or the config's `methods`
        raw = list(op.resource) or [s for s, is_param in path_segments(op.path) if not is_param] or ["default"]
        return _Plan(op, _resource(raw), [op.method_name], True, params)
    raw, verb = conventional(op)
    resource = _resource(raw)
    # The conventional verb (if any), then the operationId less the words of the resource, less
    # those of its last segment, and whole.
    derived = [_without(op.operation_id, resource) or op.operation_id, _without(op.operation_id, resource[-1:]) or op.operation_id]
    options = ([verb] if verb else []) + derived + [op.operation_id]
    options = [identifier(o, RESOURCE_RESERVED, prefix="call") for o in options]
    return _Plan(op, resource, options, False, params)


def _resource(raw: list[str]) -> tuple[str, ...]:
    return tuple(identifier(r, CLIENT_RESERVED if i == 0 else SUBRESOURCE_RESERVED, prefix="api") for i, r in enumerate(raw))


def _check_pins(plans: list[_Plan], path: str) -> None:
    """Pinned method names are used as they are, or the run fails naming the pin."""

    def at(p: _Plan) -> str:
        return pointer("paths", p.op.path, p.op.http_method, "x-py-method")

    def dotted(p: _Plan) -> str:
        return ".".join((*p.resource, p.method))

    problems = []
    pins: dict[tuple[tuple[str, ...], str], _Plan] = {}
    functions: dict[str, _Plan] = {}
    for p in (p for p in plans if p.pinned):
        problem = method_problem(dotted(p))
        if problem:
            problems.append(Diagnostic(path, at(p), f"x-py-method {dotted(p)!r}: {problem}"))
        other = pins.setdefault((p.resource, p.method), p)
        if other is not p:
            problems.append(Diagnostic(path, at(p), f"x-py-method {dotted(p)!r} is also pinned at {at(other)}"))
            continue
        for function in p.functions(p.method):
            other = functions.setdefault(function, p)
            if other is not p:
                problems.append(Diagnostic(path, at(p), f"x-py-method {dotted(p)!r} cannot be told apart from {dotted(other)!r} pinned at {at(other)}"))
                break
    for p in plans:
        for i in range(1, len(p.resource) + 1):
            pin = pins.get((p.resource[: i - 1], p.resource[i - 1]))
            if pin is not None:
                problems.append(
                    Diagnostic(path, at(pin), f"x-py-method {dotted(pin)!r} is also a resource, of {p.op.http_method.upper()} {p.op.path}")
                )
    if problems:
        raise SpecError(*dict.fromkeys(problems))


def method_problem(dotted: str) -> str:
    """Why a pinned dotted method name cannot be used as it is ('' if it can)."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        reserved = RESOURCE_RESERVED if i == len(parts) - 1 else CLIENT_RESERVED if i == 0 else SUBRESOURCE_RESERVED
        if identifier(part, reserved) != part:
            return f"{part!r} is not a usable Python name"
    return ""


def check_method_pins(pins: list[tuple[str, str, str]]) -> list[Diagnostic]:
    """Problems with pinned method names, given as (dotted name, file, JSON pointer): a name that is
    not usable, or one that another pin also takes (as a method or as a resource)."""
    problems = []
    seen: dict[str, tuple[str, str]] = {}
    for dotted, file, where in pins:
        problem = method_problem(dotted)
        if problem:
            problems.append(Diagnostic(file, where, f"{dotted!r}: {problem}"))
        other = seen.setdefault(dotted, (file, where))
        if other != (file, where):
            problems.append(Diagnostic(file, where, f"method {dotted!r} is also pinned at {other[0]}#{other[1]}"))
    for dotted, file, where in pins:
        parts = dotted.split(".")
        for i in range(1, len(parts)):
            method = seen.get(".".join(parts[:i]))
            if method is not None:
                problems.append(
                    Diagnostic(file, where, f"{'.'.join(parts[:i])!r}, a resource of {dotted!r}, is pinned as a method at {method[0]}#{method[1]}")
                )
    return problems


def resource_classes(api: ir.Api) -> dict[tuple[str, ...], str]:
    """The class of each resource (`chat.completions` → `ChatCompletionsResource`), unique in the module.

    Resource classes give way to the models (whose names are public): `ThingsResource` becomes
    `Things2Resource` beside a schema named `ThingsResource`.
    """
    taken = set(MODULE_RESERVED) | {d.py_name for d in api.decls} | {api.client_class, api.async_client_class}
    paths = sorted({op.resource[:i] for op in api.operations for i in range(1, len(op.resource) + 1)})
    out: dict[tuple[str, ...], str] = {}
    for path in paths:
        base = class_name("_".join(path))
        candidate, n = base + "Resource", 2
        while _resource_variants(candidate) & taken:
            candidate, n = f"{base}{n}Resource", n + 1
        taken |= _resource_variants(candidate)
        out[path] = candidate
    return out


def _resource_variants(cls: str) -> set[str]:
    """The classes the client module makes of one resource: sync and async, plain and raw."""
    return {cls, "Async" + cls, cls + "WithRawResponse", "Async" + cls + "WithRawResponse"}
