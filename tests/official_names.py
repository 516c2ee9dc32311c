"""The official `openai` package's method names, by HTTP method and path (read from its source).

Each resource method of the official SDK calls `self._get("/files/{file_id}", ...)` (or `_post`,
`_delete`, `_get_api_list`...); the attribute path from the client to that method is its name
(`files.retrieve`). Path parameters are written `{}` so that paths compare whatever they are called.

Reading them imports all of `openai` (seconds), so they are kept in `tests/data/openai_method_names.json`
with the version they come from; `python -m tests.official_names` rewrites it after the pin moves.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
import textwrap
from importlib.metadata import version
from pathlib import Path
from typing import Any

_CALLS = {"_get": "get", "_post": "post", "_put": "put", "_patch": "patch", "_delete": "delete", "_get_api_list": None}


def normal(path: str) -> str:
    """`/files/{file_id}?beta=true` → `/files/{}`."""
    return re.sub(r"\{[^}]*\}", "{}", path.split("?")[0])


SAVED = Path(__file__).resolve().parent / "data" / "openai_method_names.json"


def saved_names() -> dict[tuple[str, str], set[str]]:
    """The saved names; they must come from the installed version."""
    data = json.loads(SAVED.read_text(encoding="utf-8"))
    assert data["openai"] == version("openai"), f"{SAVED} is from openai {data['openai']}: run python -m tests.official_names"
    return {tuple(key.split(" ", 1)): set(names) for key, names in data["names"].items()}  # type: ignore[misc]


def official_names() -> dict[tuple[str, str], set[str]]:
    import openai
    from openai._resource import SyncAPIResource

    out: dict[tuple[str, str], set[str]] = {}

    def visit(resource: Any, prefix: tuple[str, ...]) -> None:
        cls = type(resource)
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
        assert isinstance(tree, ast.ClassDef)
        for method in tree.body:
            if not isinstance(method, ast.FunctionDef) or method.name.startswith("_"):
                continue
            for call in ast.walk(method):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _CALLS and call.args):
                    continue
                if not (isinstance(call.func.value, ast.Name) and call.func.value.id == "self"):
                    continue
                first = call.args[0]
                if isinstance(first, ast.Call) and first.args:  # path_template("/files/{file_id}", ...)
                    first = first.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    continue
                verb = _CALLS[call.func.attr] or next(
                    (k.value.value for k in call.keywords if k.arg == "method" and isinstance(k.value, ast.Constant)), "get"
                )
                out.setdefault((verb, normal(first.value)), set()).add(".".join((*prefix, method.name)))
        for attr in dir(cls):
            if attr.startswith(("_", "with_")) or not isinstance(inspect.getattr_static(cls, attr), functools.cached_property):
                continue
            child = getattr(resource, attr)
            if isinstance(child, SyncAPIResource):
                visit(child, (*prefix, attr))

    client = openai.OpenAI(api_key="unused", base_url="http://127.0.0.1:9")
    for attr in dir(type(client)):
        if not attr.startswith("_") and isinstance(inspect.getattr_static(type(client), attr), functools.cached_property):
            child = getattr(client, attr)
            if isinstance(child, SyncAPIResource):
                visit(child, (attr,))
    return out


def main() -> None:
    names = {f"{verb} {path}": sorted(found) for (verb, path), found in sorted(official_names().items())}
    SAVED.write_text(json.dumps({"openai": version("openai"), "names": names}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {SAVED} ({len(names)} operations)")


if __name__ == "__main__":
    main()
