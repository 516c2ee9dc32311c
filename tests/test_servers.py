"""The default base URL: the spec's first server with its variables filled in, or none at all."""

from __future__ import annotations

import importlib
import itertools
import sys
from typing import Any, Iterator

import httpx
import pytest

from generator.build import Config, build
from generator.load import load

from .specs import build_package, spec, write_spec

COUNTER = itertools.count()
REGION = {"url": "https://{region}.example.com/{version}", "variables": {"region": {"default": "us", "enum": ["us", "eu"]}, "version": {"default": "v2"}}}


@pytest.mark.parametrize(
    "server, base_url",
    [
        (REGION, "https://us.example.com/v2"),
        ({"url": "https://api.example.com/v1"}, "https://api.example.com/v1"),
        ({"url": "{scheme}://api.example.com", "variables": {"scheme": {"default": "http"}}}, "http://api.example.com"),
        ({"url": "https://{host}/", "variables": {"host": {"default": "a.example", "description": "x"}, "unused": {"default": "b"}}}, "https://a.example/"),
        ({"url": "/v1"}, ""),
        ({"url": "v1"}, ""),
        ({"url": "./v1"}, ""),
        ({"url": "//api.example.com/v1"}, ""),
        ({"url": "{base}", "variables": {"base": {"default": "/v1"}}}, ""),
        ({"url": "https://{region}.example.com"}, ""),  # a variable without a default
        ({"url": "https://{region}.example.com", "variables": {"region": {"enum": ["us"]}}}, ""),
        ({"url": "ftp://files.example.com"}, ""),
        ({"url": "https://[::1/v1"}, ""),  # not a URL
        (None, ""),
    ],
)
def test_the_default_base_url(tmp_path, server, base_url):
    doc = spec({"Thing": {"type": "object"}}, **({"servers": [server]} if server else {}))
    api, _ = build(load(write_spec(tmp_path, doc)), Config(package="pkg"))
    assert api.base_url == base_url


@pytest.fixture
def package(tmp_path) -> Iterator[Any]:
    """Generates and imports a package from a spec with the given server."""
    made: list[str] = []

    def make(server: dict[str, Any]) -> Any:
        name = f"servers{next(COUNTER)}"
        path = write_spec(tmp_path / name, spec({"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}, servers=[server]))
        build_package(path, tmp_path / "out", name)
        made.append(name)
        importlib.invalidate_caches()
        return importlib.import_module(name)

    sys.path.insert(0, str(tmp_path / "out"))
    try:
        yield make
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m.split(".")[0] in made]:
            del sys.modules[name]


def test_the_filled_in_url_is_where_calls_go(package, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    pkg = package(REGION)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"a": "x"})

    with pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client:
        assert client.things.update("t1").a == "x"
    assert [(r.method, str(r.url)) for r in seen] == [("POST", "https://us.example.com/v2/things/t1")]


def test_with_a_relative_server_the_client_requires_a_base_url(package, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    pkg = package({"url": "/v1"})
    assert "The spec names no absolute server URL" in " ".join((pkg.Client.__doc__ or "").split())
    for cls in (pkg.Client, pkg.AsyncClient):
        with pytest.raises(pkg.APIError) as e:
            cls()
        assert str(e.value) == f"No base URL: pass base_url= to {cls.__name__}() or set the BASE_URL environment variable"
    assert pkg.Client(base_url="https://given.example/v1").base_url == "https://given.example/v1"
    monkeypatch.setenv("BASE_URL", "https://env.example/v1")
    assert pkg.Client().base_url == "https://env.example/v1"
