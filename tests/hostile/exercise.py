"""Run in a child process by test_hostile_specs: import each package and use it, offline.

argv: a JSON list of [package, sample] pairs; prints a JSON report per package.
"""

from __future__ import annotations

import functools
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
    for name, attribute in sorted(vars(type(resource)).items()):
        if isinstance(attribute, functools.cached_property):  # a sub-resource, made on first use
            call_all(getattr(resource, name), calls)


def body(request: httpx.Request) -> Any:
    """JSON as data, a form body as its text."""
    if request.headers.get("content-type") == "application/json":
        return json.loads(request.content)
    return request.content.decode() or None


def main() -> None:
    report = {}
    for package, client_class, sample in json.loads(sys.argv[1]):
        pkg = importlib.import_module(package)
        types = importlib.import_module(package + ".types")
        base = importlib.import_module(package + "._models").BaseModel
        for name in types.__all__:
            cls = getattr(pkg, name)
            if isinstance(cls, type) and issubclass(cls, base):
                assert cls.from_dict({}).to_dict() == {}
        thing = getattr(pkg, "Thing", None)
        if sample is not None:
            assert thing.from_dict(sample).to_dict() == sample, (thing.from_dict(sample).to_dict(), sample)
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return httpx.Response(200, json={})

        cls = getattr(pkg, client_class)
        # Credentials by the names the constructor gives them.
        skip = ("base_url", "timeout", "max_retries", "default_headers", "http_client", "max_response_bytes")
        keys = {p: "k" for p in inspect.signature(cls).parameters if p not in skip}
        try:
            default_base_url = cls(**keys).base_url
        except pkg.APIUsageError:  # not a URL the client can use: refused, kept as data
            default_base_url = cls._default_base_url
        http = httpx.Client(transport=httpx.MockTransport(handler))
        client = cls(**keys, base_url="http://test", http_client=http)
        calls: list[str] = []
        call_all(client, calls)
        report[package] = {
            "doc": pkg.__doc__,
            "base_url": default_base_url,
            "calls": calls,
            "requests": [[r.method, r.url.raw_path.decode(), body(r)] for r in requests],
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
