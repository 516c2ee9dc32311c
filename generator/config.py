"""The generator's configuration file: public names and where things are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .build import Config as BuildConfig
from .errors import SpecError, pointer


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


def _get(data: dict[str, Any], key: str, kind: type, path: str, default: Any = None) -> Any:
    value = data.get(key, default)
    if value is not default and not isinstance(value, kind):
        raise SpecError.at(path, pointer(key), f"must be a {kind.__name__}")
    return value


def load_config(path: str | Path) -> Config:
    p = Path(path)
    name = str(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise SpecError.at(name, "", f"cannot read config: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise SpecError.at(name, "", f"config is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise SpecError.at(name, "", "config must be a mapping")
    package = _get(data, "package", str, name)
    if not package or not package.isidentifier():
        raise SpecError.at(name, "/package", "package must be a Python identifier")
    env = _get(data, "env", dict, name, {})
    base = p.parent
    overlay = _get(data, "overlay", str, name)
    return Config(
        path=name,
        build=BuildConfig(
            package=package,
            client_class=_get(data, "client_class", str, name, "Client"),
            async_client_class=_get(data, "async_client_class", str, name, "AsyncClient"),
            api_key_env=str(env.get("api_key", "API_KEY")),
            base_url_env=str(env.get("base_url", "BASE_URL")),
        ),
        spec=base / _get(data, "spec", str, name, "openapi.yaml"),
        overlay=base / overlay if overlay else None,
        output=base / _get(data, "output", str, name, "generated"),
        operations=_get(data, "operations", list, name),
        names={str(k): str(v) for k, v in _get(data, "names", dict, name, {}).items()},
        methods={str(k): str(v) for k, v in _get(data, "methods", dict, name, {}).items()},
    )
