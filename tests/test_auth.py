"""Security schemes on the wire: apiKey in a header, the query or a cookie; http bearer and basic; OAuth 2
and OpenID Connect tokens; `security: []`, alternatives and requirements naming two schemes; constructor
arguments and environment variables; and credentials kept out of reprs, logs and error messages.

The multi-scheme package is the `auth` golden case (tests/golden/auth/); single-scheme variants are
generated here and checked with mypy --strict together.
"""

from __future__ import annotations

import base64
import logging
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.errors import SpecError

from .loopback import Recorder, recorder  # noqa: F401  (a fixture)
from .specs import build_package, spec, write_spec
from .test_params import import_package

ENV = ["SHOP_TOKEN", "SHOP_USER", "SHOP_PASSWORD", "SHOP_API_KEY_HEADER", "SHOP_API_KEY_QUERY", "SHOP_SESSION_COOKIE",
       "SHOP_OAUTH", "SHOP_OPEN_ID"]


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch, golden_packages: Any) -> ModuleType:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return import_package(monkeypatch, golden_packages("auth"))


def client(shop: ModuleType, seen: list[httpx.Request], status: int = 200, body: Any = None, **credentials: str) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body if body is not None else {"name": "me"})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return shop.ShopClient(base_url="https://shop.test", http_client=http, max_retries=0, **credentials)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_constructor_arguments_are_named_after_the_schemes(shop: ModuleType) -> None:
    import inspect

    params = list(inspect.signature(shop.ShopClient).parameters)
    assert params[: params.index("base_url")] == [
        "bearer_token", "api_key_header", "session_cookie", "username", "password", "api_key_query", "oauth", "open_id",
    ]


def test_an_operation_with_empty_security_sends_no_credentials(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client(shop, seen, bearer_token="tok", api_key_query="q").health.check()
    (r,) = seen
    assert "authorization" not in r.headers and "cookie" not in r.headers and r.url.query == b""


def test_the_default_requirement_sends_a_bearer_token(shop: ModuleType, recorder: Recorder) -> None:
    me = shop.ShopClient(base_url=recorder.url, bearer_token="tok-1").me.retrieve()
    assert me.to_dict() == {"id": "i1"}  # what the recorder answers
    assert recorder.last.request_line == "GET /v1/me HTTP/1.1"
    assert recorder.last.header("Authorization") == "Bearer tok-1"


def test_missing_credentials_fail_at_call_time_before_sending(shop: ModuleType) -> None:
    """Some operations need none, so the client builds; the call that needs them says how to give them."""
    seen: list[httpx.Request] = []
    c = client(shop, seen)
    with pytest.raises(shop.APIError) as info:
        c.me.retrieve()
    assert str(info.value) == "GET /me needs credentials: pass bearer_token= to ShopClient() or set the SHOP_TOKEN environment variable"
    with pytest.raises(shop.APIError) as info:
        c.reports.list_reports()
    assert str(info.value) == (
        "GET /reports needs credentials: pass api_key_header= and session_cookie= to ShopClient() or set the "
        "SHOP_API_KEY_HEADER and SHOP_SESSION_COOKIE environment variables; or pass username= and password= to "
        "ShopClient() or set the SHOP_USER and SHOP_PASSWORD environment variables"
    )
    assert seen == []


def test_a_requirement_naming_two_schemes_sends_both(shop: ModuleType, recorder: Recorder) -> None:
    c = shop.ShopClient(base_url=recorder.url, api_key_header="k-1", session_cookie="s=1", username="u", password="p")
    c.reports.list_reports(lang="en")
    got = recorder.last
    assert got.header("X-API-Key") == "k-1"
    assert got.header("Cookie") == "lang=en; SESSION=s=1"  # the cookie parameter, then the scheme's
    assert got.header("Authorization") is None  # the first alternative was used, not basic


def test_the_first_alternative_the_client_can_satisfy_is_used(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client(shop, seen, api_key_header="k-1", username="aladdin", password="open sesame").reports.list_reports()
    (r,) = seen
    assert r.headers["authorization"] == basic("aladdin", "open sesame") == "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert "x-api-key" not in r.headers and "cookie" not in r.headers


def test_an_api_key_in_the_query_and_optional_credentials(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client(shop, seen, api_key_query="k+1/2").search.query(q="red shoes")
    client(shop, seen).search.query(q="red shoes")  # `{}` among the alternatives: anonymous is fine
    assert [r.url.query for r in seen] == [b"q=red%20shoes&api_key=k%2B1%2F2", b"q=red%20shoes"]


def test_oauth2_and_openid_connect_tokens_are_bearer_tokens(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client(shop, seen, oauth="o-1", open_id="i-1").tokens.list_tokens()
    client(shop, seen, open_id="i-1").tokens.list_tokens()
    assert [r.headers["authorization"] for r in seen] == ["Bearer o-1", "Bearer i-1"]


def test_an_alternative_with_an_unsupported_scheme_is_dropped(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client(shop, seen, api_key_header="k").legacy.retrieve()
    assert seen[0].headers["x-api-key"] == "k"


def test_credentials_come_from_the_environment(shop: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Variables the config names (SHOP_TOKEN, SHOP_USER...), else <PACKAGE>_<ARGUMENT>."""
    monkeypatch.setenv("SHOP_TOKEN", "env-tok")
    monkeypatch.setenv("SHOP_USER", "env-u")
    monkeypatch.setenv("SHOP_PASSWORD", "env-p")
    monkeypatch.setenv("SHOP_API_KEY_QUERY", "env-q")
    seen: list[httpx.Request] = []
    c = client(shop, seen)
    c.me.retrieve()
    c.reports.list_reports()
    c.search.query(q="x")
    assert seen[0].headers["authorization"] == "Bearer env-tok"
    assert seen[1].headers["authorization"] == basic("env-u", "env-p")
    assert seen[2].url.query == b"q=x&api_key=env-q"
    client(shop, seen, bearer_token="given").me.retrieve()
    assert seen[3].headers["authorization"] == "Bearer given"  # an argument wins over the variable


def test_default_and_extra_headers_override_credentials(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    c = client(shop, seen, bearer_token="tok")
    c.me.retrieve(extra_headers={"Authorization": "Bearer other"})
    c.with_options(default_headers={"Authorization": "Bearer default"}).me.retrieve()
    assert [r.headers["authorization"] for r in seen] == ["Bearer other", "Bearer default"]


def test_with_options_copies_and_changes_credentials(shop: ModuleType) -> None:
    seen: list[httpx.Request] = []
    c = client(shop, seen, bearer_token="tok", api_key_query="q")
    c.with_options(bearer_token="new").me.retrieve()
    c.with_options(max_retries=1).search.query(q="x")
    assert seen[0].headers["authorization"] == "Bearer new" and seen[1].url.query == b"q=x&api_key=q"
    with pytest.raises(TypeError, match="unexpected keyword argument 'api_key'"):
        c.with_options(api_key="k")


SECRETS = {"bearer_token": "tok-SECRET-1", "api_key_query": "q SECRET/2", "username": "user-3", "password": "pw-SECRET-4",
           "api_key_header": "hdr-SECRET-5", "session_cookie": "ses-SECRET-6"}


@pytest.mark.parametrize("operation", ["me", "search", "reports"])
def test_credentials_never_appear_in_reprs_logs_or_errors(shop: ModuleType, operation: str, caplog: pytest.LogCaptureFixture) -> None:
    leaks = list(SECRETS.values()) + [
        "q%20SECRET%2F2",  # as it goes in the URL
        base64.b64encode(b"user-3:pw-SECRET-4").decode(),  # as basic sends it
    ]
    seen: list[httpx.Request] = []
    body = {"error": {"message": "bad credentials: " + "; ".join(leaks)}}
    c = client(shop, seen, status=401, body=body, **SECRETS)
    calls = {"me": c.me.retrieve, "search": lambda: c.search.query(q="x"), "reports": c.reports.list_reports}
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(shop.AuthenticationError) as info:
            calls[operation]()
    shown = [str(info.value), repr(info.value), repr(c), str(c), repr(c._credentials)] + [r.getMessage() for r in caplog.records]
    assert caplog.records and "[REDACTED]" in str(info.value)
    for text in shown:
        for secret in leaks:
            assert secret not in text, (secret, text)


def test_a_query_credential_is_redacted_from_logs_and_a_raw_response_repr(shop: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[httpx.Request] = []
    with caplog.at_level(logging.DEBUG):
        raw = client(shop, seen, api_key_query="q-SECRET").search.with_raw_response.query(q="x")
    assert str(raw.url) == "https://shop.test/search?q=x&api_key=q-SECRET"  # sent, as it must be
    assert repr(raw) == "<APIResponse [200] GET https://shop.test/search?q=x&api_key=[REDACTED]>"
    ours, httpx_own = [r for r in caplog.records if r.name == "shop"], [r for r in caplog.records if r.name == "httpx"]
    assert ours[0].getMessage().startswith("GET https://shop.test/search?q=x&api_key=[REDACTED] -> 200 in ")
    assert httpx_own[0].getMessage() == 'HTTP Request: GET https://shop.test/search?q=x&api_key=[REDACTED] "HTTP/1.1 200 OK"'



# Single-scheme clients and clients without security, generated here.


def secured(schemes: dict[str, Any], security: list[dict[str, list[str]]] | None) -> dict[str, Any]:
    doc = spec({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}})
    doc["components"]["securitySchemes"] = schemes
    if security is not None:
        doc["security"] = security
    return doc


VARIANTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # package: (spec, build config)
    "keyq": (secured({"KeyAuth": {"type": "apiKey", "in": "query", "name": "key"}}, [{"KeyAuth": []}]), {"api_key_env": "KEYQ_KEY"}),
    "basic1": (secured({"Basic": {"type": "http", "scheme": "Basic"}}, [{"Basic": []}]), {}),
    "cookie1": (
        secured({"SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sid"}}, [{"SessionAuth": []}]),
        {"scheme_env": {"SessionAuth": ("MY_SESSION",)}},
    ),
    "optional": (secured({"KeyAuth": {"type": "apiKey", "in": "header", "name": "X-Key"}}, [{"KeyAuth": []}, {}]), {}),
    "open": (secured({"Unused": {"type": "http", "scheme": "bearer"}}, None), {}),
}


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("variants")
    for package, (doc, config) in VARIANTS.items():
        build_package(write_spec(out / "specs" / package, doc), out, package, **config)
    return out


def test_single_scheme_and_open_clients_pass_mypy_strict(variants: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *(str(variants / p) for p in VARIANTS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def variant(monkeypatch: pytest.MonkeyPatch, variants: Path, package: str) -> ModuleType:
    return import_package(monkeypatch, variants / package)


def send(module: ModuleType, **credentials: str) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "t"})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    module.Client(base_url="https://t.test", http_client=http, **credentials).things.update("t1")
    (request,) = seen
    return request


def test_one_api_key_scheme_in_the_query(monkeypatch: pytest.MonkeyPatch, variants: Path) -> None:
    keyq = variant(monkeypatch, variants, "keyq")
    assert send(keyq, api_key="k 1").url.query == b"key=k%201"
    monkeypatch.delenv("KEYQ_KEY", raising=False)
    with pytest.raises(keyq.APIError) as info:
        keyq.Client()
    assert str(info.value) == "No API key: pass api_key= to Client() or set the KEYQ_KEY environment variable"
    monkeypatch.setenv("KEYQ_KEY", "from-env")
    assert send(keyq).url.query == b"key=from-env"


def test_one_basic_scheme(monkeypatch: pytest.MonkeyPatch, variants: Path) -> None:
    basic1 = variant(monkeypatch, variants, "basic1")
    assert send(basic1, username="u", password="p").headers["authorization"] == basic("u", "p")
    for name in ("BASIC1_USERNAME", "BASIC1_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(basic1.APIError) as info:
        basic1.Client(username="u")  # half a credential is none
    assert str(info.value) == (
        "No credentials: pass username= and password= to Client() or set the BASIC1_USERNAME and BASIC1_PASSWORD "
        "environment variables"
    )


def test_one_cookie_scheme_with_the_variable_the_config_names(monkeypatch: pytest.MonkeyPatch, variants: Path) -> None:
    cookie1 = variant(monkeypatch, variants, "cookie1")
    monkeypatch.setenv("MY_SESSION", "s-1")
    assert send(cookie1).headers["cookie"] == "sid=s-1"


def test_optional_credentials_build_without_any(monkeypatch: pytest.MonkeyPatch, variants: Path) -> None:
    optional = variant(monkeypatch, variants, "optional")
    monkeypatch.delenv("API_KEY", raising=False)
    assert "x-key" not in send(optional).headers
    assert send(optional, api_key="k").headers["x-key"] == "k"


def test_a_spec_without_security_sends_no_credentials(monkeypatch: pytest.MonkeyPatch, variants: Path) -> None:
    import inspect

    open_ = variant(monkeypatch, variants, "open")
    assert "api_key" not in inspect.signature(open_.Client).parameters
    assert "authorization" not in send(open_).headers
    with pytest.raises(TypeError, match="unexpected keyword argument 'api_key'"):
        open_.Client(api_key="k")


def test_the_openai_slice_still_sends_its_api_key_as_a_bearer_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_chat import NotFoundError, OpenAI

    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(404)))
    with pytest.raises(NotFoundError):
        OpenAI(api_key="sk-1", base_url="https://o.test", http_client=http).chat.completions.update("c", metadata=None)
    assert seen[0].headers["authorization"] == "Bearer sk-1"
    assert [k for k, _ in seen[0].headers.raw][:6] == [b"Host", b"Connection", b"Accept", b"Accept-Encoding", b"User-Agent", b"Authorization"]


# Configuration and specs the build refuses.


@pytest.mark.parametrize(
    "env, pointer, message",
    [
        ("{BasicAuth: 3}", "/env/BasicAuth", "must name an environment variable, or {username: ..., password: ...} for a basic scheme"),
        ("{BasicAuth: {username: U}}", "/env/BasicAuth", "must name an environment variable, or {username: ..., password: ...} for a basic scheme"),
    ],
)
def test_a_malformed_env_entry_is_refused(tmp_path: Path, env: str, pointer: str, message: str) -> None:
    from generator.config import load_config

    (tmp_path / "config.yaml").write_text(f"package: p\nenv: {env}\n")
    # Config problems are collected (reported with everything else the run finds).
    (problem,) = load_config(tmp_path / "config.yaml").problems
    assert (problem.pointer, problem.message) == (pointer, message)


@pytest.mark.parametrize(
    "schemes, security, config, pointer, message",
    [
        ({}, [{"Nope": []}], {}, "/security/0/Nope", "security requirement names 'Nope', which components.securitySchemes does not define"),
        ({"M": {"type": "mutualTLS"}}, [{"M": []}], {}, "/components/securitySchemes/M/type",
         "security scheme type 'mutualTLS' is not supported (apiKey, http, oauth2, openIdConnect)"),
        ({"D": {"type": "http", "scheme": "digest"}}, [{"D": []}], {}, "/components/securitySchemes/D/scheme",
         "http scheme 'digest' is not supported (bearer or basic)"),
        ({"B": {"type": "http", "scheme": "basic"}}, [{"B": []}], {"scheme_env": {"B": ("ONE",)}}, "/components/securitySchemes/B",
         "the config's env: for this basic scheme must be {username: ..., password: ...}"),
        ({"B": {"type": "http", "scheme": "bearer"}}, [{"B": []}], {"scheme_env": {"Typo": ("X",)}}, "/components/securitySchemes",
         "the config's env: names security scheme 'Typo', which the spec does not define"),
    ],
)
def test_unsupported_security_is_refused(tmp_path: Path, schemes: Any, security: Any, config: Any, pointer: str, message: str) -> None:
    from generator.build import Config, build
    from generator.load import load

    doc = load(write_spec(tmp_path, secured(schemes, security)))
    with pytest.raises(SpecError) as info:
        build(doc, Config(package="refused", **config), ["updateThing"])
    (problem,) = info.value.diagnostics
    assert (problem.pointer, problem.message) == (pointer, message)
