"""Run in a child process by test_hostile_specs: import each package and use it, offline.

argv: a JSON list of [package, sample] pairs; prints a JSON report per package.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from typing import Any

import httpx

VALUES = {"str": "v", "int": 1, "float": 1.5, "bool": True}


def argument(annotation: Any) -> Any:
    text = str(annotation).split(" | ")[0]
    return VALUES.get(text)


def call_all(resource: Any, calls: list[str]) -> None:
    for name, fn in sorted(vars(type(resource)).items()):
        if name.startswith("_") or not inspect.isfunction(fn) or not type(resource).__name__.endswith("Resource"):
            continue
        sig = inspect.signature(fn)
        args, kwargs = [], {}
        for p in list(sig.parameters.values())[1:]:
            if p.default is not inspect.Parameter.empty:
                continue
            value = argument(p.annotation)
            if p.kind is p.POSITIONAL_OR_KEYWORD:
                args.append(value)
            else:
                kwargs[p.name] = value
        getattr(resource, name)(*args, **kwargs)
        calls.append(name)
    for name, child in sorted(vars(resource).items()):
        if type(child).__name__.endswith("Resource"):
            call_all(child, calls)


def main() -> None:
    report = {}
    for package, client_class, sample in json.loads(sys.argv[1]):
        pkg = importlib.import_module(package)
        models = importlib.import_module(package + ".models")
        for cls in vars(models).values():
            if isinstance(cls, type) and issubclass(cls, models.BaseModel) and cls is not models.BaseModel:
                assert cls.from_dict({}).to_dict() == {}
        thing = getattr(models, "Thing", None)
        if sample is not None:
            assert thing.from_dict(sample).to_dict() == sample, (thing.from_dict(sample).to_dict(), sample)
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return httpx.Response(200, json={})

        default_base_url = getattr(pkg, client_class)._default_base_url
        http = httpx.Client(transport=httpx.MockTransport(handler))
        client = getattr(pkg, client_class)(api_key="k", base_url="http://test", http_client=http)
        calls: list[str] = []
        call_all(client, calls)
        report[package] = {
            "doc": models.__doc__,
            "base_url": default_base_url,
            "calls": calls,
            "requests": [[r.method, r.url.raw_path.decode(), json.loads(r.content or b"null")] for r in requests],
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
