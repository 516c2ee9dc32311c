"""The generator's configuration file: public names and where things are.

The file is checked against `SCHEMA` (every key, its type; an unknown key is an error with a
did-you-mean), and every problem is collected, not only the first: `Config.problems` carries
them into the run, which reports them together with the spec's and the overlay's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import Config as BuildConfig
from .errors import Diagnostic, SpecError, did_you_mean, pointer
from .load import LIMITS, Limits, load_data
from .names import check_class_name


@dataclass(frozen=True)
class Config:
    path: str
    build: BuildConfig
    spec: Path
    overlay: Path | None
    output: Path
    operations: list[str] | None = None
    # JSON pointer of a schema → the Python class name it gets.
    names: dict[str, str] = field(default_factory=dict)
    # operationId → dotted client method, e.g. `chat.completions.update`.
    methods: dict[str, str] = field(default_factory=dict)
    limits: Limits = LIMITS
    version: str | None = None  # the package's version; default: the spec's info.version
    # What is wrong with the config file; the run reports these with everything else it finds.
    problems: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Key:
    """What one config key holds: a string, a positive integer, a list of strings, a mapping of
    strings to strings, or (with `keys`) a mapping with a fixed set of keys."""

    kind: type
    keys: dict[str, Key] | None = None


SCHEMA: dict[str, Key] = {
    "package": Key(str),  # the Python package (required)
    "client_class": Key(str),  # default Client
    "async_client_class": Key(str),  # default AsyncClient
    "env": Key(dict, {"api_key": Key(str), "base_url": Key(str)}),  # variables the client reads
    "spec": Key(str),  # paths are relative to the config file; default openapi.yaml
    "overlay": Key(str),  # default none
    "output": Key(str),  # default generated
    "operations": Key(list),  # operationIds; default every operation
    "methods": Key(dict),  # operationId → dotted client method
    "names": Key(dict),  # JSON pointer of a schema → class name
    "limits": Key(dict, {name: Key(int) for name in Limits.__dataclass_fields__}),
    "version": Key(str),  # the package's version; default the spec's info.version
}

# Hard keywords, fixed here so that what is accepted never depends on the Python running the generator.
KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except finally for from "
    "global if import in is lambda nonlocal not or pass raise return try while with yield".split()
)
# Top-level modules the generated package imports (and `sys`, `builtins`, which cannot be shadowed):
# a package of the same name would shadow them and break itself.
IMPORTED_MODULES = frozenset(
    {"__future__", "asyncio", "builtins", "dataclasses", "email", "enum", "functools", "gc", "httpx", "importlib", "json",
     "logging", "os", "random", "sys", "time", "typing", "urllib", "base64", "re", "threading", "weakref", "contextvars", "zlib"}
)


def _kind(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    kinds = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a mapping"}
    return next((text for kind, text in kinds.items() if isinstance(value, kind)), type(value).__name__)


def _expected(key: Key) -> str:
    if key.keys is not None:
        return f"a mapping with the keys {', '.join(key.keys)}"
    return {str: "a string", int: "a positive integer", list: "a list of strings", dict: "a mapping of strings to strings"}[key.kind]


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        return type(value) is int and value > 0
    return isinstance(value, kind) and not isinstance(value, bool)


def check(data: dict[str, Any], schema: dict[str, Key], file: str, where: str = "") -> tuple[dict[str, Any], list[Diagnostic]]:
    """The entries of `data` that fit `schema`, and a diagnostic for each one that does not."""
    kept: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for name, value in data.items():
        at = where + pointer(name)
        key = schema.get(name)
        if key is None:
            hint = did_you_mean(name, schema) or f" (known keys: {', '.join(schema)})"
            problems.append(Diagnostic(file, at, f"unknown key{hint}"))
        elif not _fits(value, key.kind):
            problems.append(Diagnostic(file, at, f"must be {_expected(key)}, got {_kind(value)}"))
        elif key.keys is not None:
            kept[name], found = check(value, key.keys, file, at)
            problems.extend(found)
        elif key.kind in (list, dict):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            bad = [Diagnostic(file, at + pointer(k), f"must be a string, got {_kind(v)}") for k, v in items if not isinstance(v, str)]
            problems.extend(bad)
            if not bad:
                kept[name] = value
        else:
            kept[name] = value
    return kept, problems


def load_config(path: str | Path) -> Config:
    """The config file as a Config; its problems are in `problems` (raised only if it cannot be read at all)."""
    p = Path(path)
    name = str(path)
    data = load_data(p)
    if not isinstance(data, dict):
        raise SpecError.at(name, "", f"must be a mapping of keys ({', '.join(SCHEMA)}), got {_kind(data)}")
    # `env:` also names the variables of security schemes, by scheme name (the spec's keys); a key
    # close to one of its own (`apikey`) is taken for a typo of it, not for a scheme.
    raw_env = data.get("env")
    own = SCHEMA["env"].keys or {}
    schemes: dict[str, Any] = {}
    if isinstance(raw_env, dict):
        schemes = {k: v for k, v in raw_env.items() if k not in own and not did_you_mean(str(k), own)}
        data = {**data, "env": {k: v for k, v in raw_env.items() if k not in schemes}}
    kept, problems = check(data, SCHEMA, name)
    scheme_env, found = _scheme_env(schemes, name)
    problems.extend(found)
    package = kept.get("package")
    if "package" not in data:
        problems.append(Diagnostic(name, "/package", "missing: the config must name the Python package"))
    elif package is not None and package_problem(package):
        problems.append(Diagnostic(name, "/package", f"{package!r} {package_problem(package)}"))
    classes = {key: kept.get(key, default) for key, default in (("client_class", "Client"), ("async_client_class", "AsyncClient"))}
    for key, value in classes.items():
        problem = check_class_name(value)
        if problem:
            problems.append(Diagnostic(name, pointer(key), f"{value!r} {problem}"))
    env = kept.get("env", {})
    base = p.parent
    overlay = kept.get("overlay")
    return Config(
        path=name,
        build=BuildConfig(
            package=package or "client",
            client_class=classes["client_class"],
            async_client_class=classes["async_client_class"],
            api_key_env=env.get("api_key", "API_KEY"),
            base_url_env=env.get("base_url", "BASE_URL"),
            scheme_env=scheme_env,
        ),
        spec=base / kept.get("spec", "openapi.yaml"),
        overlay=base / overlay if overlay else None,
        output=base / kept.get("output", "generated"),
        operations=kept.get("operations"),
        names=kept.get("names", {}),
        methods=kept.get("methods", {}),
        limits=Limits(**kept.get("limits", {})),
        version=kept.get("version"),
        problems=tuple(problems),
    )


def package_problem(name: str) -> str:
    """Why `name` cannot be the generated package's name ('' if it can)."""
    if not name:
        return "is empty"
    if not name.isascii():
        return "is not ASCII (a package name must be the same identifier everywhere)"
    if not name.isidentifier():
        return "is not a Python identifier (letters, digits and underscores, not starting with a digit)"
    if name in KEYWORDS:
        return "is a Python keyword"
    if name.startswith("__") and name.endswith("__"):
        return "is a dunder name, which Python reserves"
    if name in IMPORTED_MODULES:
        return f"would shadow the module {name!r}, which the generated code imports"
    return ""


def _scheme_env(env: dict[str, Any], path: str) -> tuple[dict[str, tuple[str, ...]], list[Diagnostic]]:
    """`env:` entries other than api_key and base_url: security scheme name → its variable(s)."""
    out: dict[str, tuple[str, ...]] = {}
    problems = []
    for key, value in env.items():
        if isinstance(value, str) and value:
            out[str(key)] = (value,)
        elif isinstance(value, dict) and set(value) == {"username", "password"} and all(isinstance(v, str) and v for v in value.values()):
            out[str(key)] = (value["username"], value["password"])
        else:
            message = "must name an environment variable, or {username: ..., password: ...} for a basic scheme"
            problems.append(Diagnostic(path, pointer("env", str(key)), message))
    return out, problems
