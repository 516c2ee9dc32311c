"""Stage 1: read a spec file (YAML or JSON) into plain data, safely."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError, split_pointer

try:  # the C loader is much faster; both refuse tags that build Python objects
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """A loaded spec: its data and the file it came from (for diagnostics)."""

    path: str
    data: dict[str, Any]

    def resolve(self, ref: str, where: str) -> Any:
        """Follow a local `#/...` reference; `where` is the pointer holding the $ref."""
        if not ref.startswith("#"):
            raise SpecError.at(self.path, where, f"only local references are supported, got {ref!r}")
        node: Any = self.data
        for part in split_pointer(ref):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise SpecError.at(self.path, where, f"$ref {ref!r} does not resolve")
        return node


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Load an OpenAPI 3.x document."""
    name = str(path)
    data = load_data(path, max_bytes)
    if not isinstance(data, dict) or not isinstance(data.get("openapi"), str):
        raise SpecError.at(name, "", "not an OpenAPI document (no 'openapi' version string at the top)")
    if not data["openapi"].startswith("3."):
        raise SpecError.at(name, "/openapi", f"unsupported OpenAPI version {data['openapi']!r} (3.0 and 3.1 are)")
    return Document(name, data)


def load_data(path: str | Path, max_bytes: int = MAX_BYTES) -> Any:
    """Parse a YAML or JSON file with a safe loader; errors name the file and line."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise SpecError.at(name, "", f"cannot read file: {e.strerror}") from None
    if size > max_bytes:
        raise SpecError.at(name, "", f"file is {size} bytes, above the limit of {max_bytes}")
    text = p.read_bytes()
    try:
        if p.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - safe loader
    except (yaml.YAMLError, ValueError) as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SpecError.at(name, "", f"not valid YAML/JSON{where}: {problem}") from None
    return data
