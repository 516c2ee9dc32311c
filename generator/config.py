"""The generator's configuration file: public names and where things are."""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import Config as BuildConfig
from .errors import SpecError, pointer
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


def _get(data: dict[str, Any], key: str, kind: type, path: str, default: Any = None) -> Any:
    value = data.get(key, default)
    if value is not default and not isinstance(value, kind):
        raise SpecError.at(path, pointer(key), f"must be a {kind.__name__}")
    return value


def load_config(path: str | Path) -> Config:
    p = Path(path)
    name = str(path)
    data = load_data(p)
    if not isinstance(data, dict):
        raise SpecError.at(name, "", "config must be a mapping")
    package = _get(data, "package", str, name)
    if not package or not is_module_name(package):
        raise SpecError.at(name, "/package", "package must be an ASCII Python identifier, not a keyword")
    classes = {key: _get(data, key, str, name, default) for key, default in (("client_class", "Client"), ("async_client_class", "AsyncClient"))}
    for key, value in classes.items():
        problem = check_class_name(value)
        if problem:
            raise SpecError.at(name, pointer(key), f"{value!r} {problem}")
    limits = _get(data, "limits", dict, name, {})
    for key, value in limits.items():
        if key not in Limits.__dataclass_fields__ or type(value) is not int or value <= 0:
            raise SpecError.at(name, pointer("limits", key), f"unknown limit or not a positive integer (limits: {', '.join(Limits.__dataclass_fields__)})")
    env = _get(data, "env", dict, name, {})
    base = p.parent
    overlay = _get(data, "overlay", str, name)
    return Config(
        path=name,
        build=BuildConfig(
            package=package,
            client_class=classes["client_class"],
            async_client_class=classes["async_client_class"],
            api_key_env=str(env.get("api_key", "API_KEY")),
            base_url_env=str(env.get("base_url", "BASE_URL")),
            scheme_env=_scheme_env(env, name),
        ),
        spec=base / _get(data, "spec", str, name, "openapi.yaml"),
        overlay=base / overlay if overlay else None,
        output=base / _get(data, "output", str, name, "generated"),
        operations=_get(data, "operations", list, name),
        names={str(k): str(v) for k, v in _get(data, "names", dict, name, {}).items()},
        methods={str(k): str(v) for k, v in _get(data, "methods", dict, name, {}).items()},
        limits=Limits(**limits),
    )


def _scheme_env(env: dict[str, Any], path: str) -> dict[str, tuple[str, ...]]:
    """`env:` entries other than api_key and base_url: security scheme name → its variable(s)."""
    out: dict[str, tuple[str, ...]] = {}
    for key, value in env.items():
        if key in ("api_key", "base_url"):
            continue
        if isinstance(value, str) and value:
            out[str(key)] = (value,)
        elif isinstance(value, dict) and set(value) == {"username", "password"} and all(isinstance(v, str) and v for v in value.values()):
            out[str(key)] = (value["username"], value["password"])
        else:
            raise SpecError.at(path, pointer("env", str(key)), "must name an environment variable, or {username: ..., password: ...} for a basic scheme")
    return out


def is_module_name(name: str) -> bool:
    """A package name that is the same identifier everywhere (ASCII: no NFKC surprises)."""
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
