"""The generated clients' surface, sync and async: construction, requests, checks, errors, raw responses, secrets.

The wire is an httpx.MockTransport here; retries and faults are in test_client_faults.py,
a real mock server in test_client_prism.py.
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import json
import logging
from typing import Any, Callable

import httpx
import pytest

import openai_chat
from openai_chat import (
    APIConnectionError,
    APIError,
    APIResponse,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncOpenAI,
    AuthenticationError,
    BadRequestError,
    ChatCompletion,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAI,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
)

from .conftest import DATA

KEY = "sk-test-secret-0123456789"
RESPONSE = (DATA / "seed_004_response.json").read_bytes()
MODES = ["sync", "async"]
Handler = Callable[[httpx.Request], httpx.Response]


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=RESPONSE, headers={"x-request-id": "req_abc"})


def make(mode: str, handler: Handler = ok, **kwargs: Any) -> Any:
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("base_url", "https://api.example.test/v1")
    transport = httpx.MockTransport(handler)
    if mode == "sync":
        return OpenAI(http_client=httpx.Client(transport=transport), **kwargs)
    return AsyncOpenAI(http_client=httpx.AsyncClient(transport=transport), **kwargs)


def call(client: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a (sync or async) client method and return its result."""
    result = method(*args, **kwargs)
    if inspect.isawaitable(result):

        async def wait() -> Any:
            return await result

        return asyncio.run(wait())
    return result


def recording(seen: list[httpx.Request], reply: Handler = ok) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return reply(request)

    return handler


# Construction


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
def test_api_key_from_environment(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client = cls()
    assert client.api_key == "sk-from-env"
    assert client.base_url == "https://api.openai.com/v1"  # the spec's server


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
def test_missing_api_key_fails_at_construction(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(APIError, match="OPENAI_API_KEY"):
        cls()


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
def test_base_url_from_environment_then_argument(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v9/")
    assert cls(api_key="k").base_url == "http://127.0.0.1:9/v9"
    assert cls(api_key="k", base_url="http://127.0.0.1:8").base_url == "http://127.0.0.1:8"


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
def test_defaults(cls: type) -> None:
    client = cls(api_key="k")
    assert client.timeout == httpx.Timeout(600.0, connect=5.0)
    assert client.max_retries == 2


@pytest.mark.parametrize("mode", MODES)
def test_with_options_returns_a_configured_copy(mode: str) -> None:
    client = make(mode, default_headers={"X-A": "1"})
    copy = client.with_options(max_retries=5, timeout=3.0, default_headers={"X-B": "2"})
    assert type(copy) is type(client) and copy is not client
    assert (copy.max_retries, copy.timeout, copy.api_key, copy.base_url) == (5, 3.0, KEY, client.base_url)
    assert (client.max_retries, client.timeout) == (2, httpx.Timeout(600.0, connect=5.0))
    assert copy._http is client._http  # one connection pool
    seen: list[httpx.Request] = []
    copy = make(mode, recording(seen), default_headers={"X-A": "1"}).with_options(default_headers={"X-B": "2"})
    call(copy, copy.chat.completions.update, "c", metadata=None)
    assert (seen[0].headers["x-a"], seen[0].headers["x-b"]) == ("1", "2")


def test_sync_client_is_a_context_manager() -> None:
    with OpenAI(api_key="k") as client:
        http = client._http
    assert http.is_closed
    own = httpx.Client()
    with OpenAI(api_key="k", http_client=own):
        pass
    assert not own.is_closed  # yours stays yours
    own.close()
    client = OpenAI(api_key="k")
    client.close()
    assert client._http.is_closed


def test_async_client_is_a_context_manager() -> None:
    async def run() -> None:
        async with AsyncOpenAI(api_key="k") as client:
            http = client._http
        assert http.is_closed
        own = httpx.AsyncClient()
        async with AsyncOpenAI(api_key="k", http_client=own):
            pass
        assert not own.is_closed
        await own.aclose()
        client = AsyncOpenAI(api_key="k")
        await client.close()
        assert client._http.is_closed

    asyncio.run(run())


@pytest.mark.parametrize("mode", MODES)
def test_your_http_client_is_used_with_its_event_hooks(mode: str) -> None:
    hooked: list[str] = []
    transport = httpx.MockTransport(ok)
    if mode == "sync":
        http: Any = httpx.Client(transport=transport, event_hooks={"request": [lambda r: hooked.append(r.method)]})
        client: Any = OpenAI(api_key="k", http_client=http)
    else:

        async def hook(r: httpx.Request) -> None:
            hooked.append(r.method)

        http = httpx.AsyncClient(transport=transport, event_hooks={"request": [hook]})
        client = AsyncOpenAI(api_key="k", http_client=http)
    call(client, client.chat.completions.update, "c", metadata=None)
    assert hooked == ["POST"]


def test_sync_and_async_update_have_the_same_signature() -> None:
    sync = inspect.signature(OpenAI(api_key="k").chat.completions.update)
    async_ = inspect.signature(AsyncOpenAI(api_key="k").chat.completions.update)
    assert sync == async_
    assert list(sync.parameters) == ["completion_id", "metadata", "extra_headers", "extra_query", "extra_body", "timeout"]
    assert sync.parameters["metadata"].kind is inspect.Parameter.KEYWORD_ONLY
    raw = inspect.signature(OpenAI(api_key="k").chat.completions.with_raw_response.update)
    assert list(raw.parameters) == list(sync.parameters)


# The request


@pytest.mark.parametrize("mode", MODES)
def test_update_sends_the_request(mode: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen), default_headers={"X-Team": "core"})
    result = call(client, client.chat.completions.update, "chatcmpl-1", metadata={"a": "b"})
    assert isinstance(result, ChatCompletion)
    (r,) = seen
    assert (r.method, str(r.url)) == ("POST", "https://api.example.test/v1/chat/completions/chatcmpl-1")
    assert r.headers["authorization"] == f"Bearer {KEY}"
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-team"] == "core"
    assert json.loads(r.content) == {"metadata": {"a": "b"}}
    assert r.extensions["timeout"] == httpx.Timeout(600.0, connect=5.0).as_dict()


@pytest.mark.parametrize("mode", MODES)
def test_extra_headers_query_body_and_timeout(mode: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    call(
        client,
        client.chat.completions.update,
        "c",
        metadata={"a": "b"},
        extra_headers={"X-Extra": "1"},
        extra_query={"q": "2"},
        extra_body={"store": True},
        timeout=7.5,
    )
    (r,) = seen
    assert r.headers["x-extra"] == "1"
    assert r.url.params["q"] == "2"
    assert json.loads(r.content) == {"metadata": {"a": "b"}, "store": True}
    assert r.extensions["timeout"] == httpx.Timeout(7.5).as_dict()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value, encoded", [("a/b", "a%2Fb"), ("x y?#%", "x%20y%3F%23%25"), ("é", "%C3%A9"), ("...", "...")])
def test_path_parameters_are_percent_encoded(mode: str, value: str, encoded: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    call(client, client.chat.completions.update, value, metadata=None)
    assert seen[0].url.raw_path.decode() == "/v1/chat/completions/" + encoded


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", ["", ".", ".."])
def test_unsafe_path_parameters_raise_before_sending(mode: str, value: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    with pytest.raises(ValueError):
        call(client, client.chat.completions.update, value, metadata=None)
    assert seen == []


# Request checks from the spec's limits (spec/overlay.yaml)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "metadata, names",
    [
        ({f"k{i}": "v" for i in range(17)}, "at most 16 keys"),
        ({"ok": "v", "k" * 65: "v"}, "k" * 65),
        ({"ok": "v", "long": "x" * 513}, "metadata['long']"),
    ],
)
def test_metadata_limits_are_checked_before_sending(mode: str, metadata: dict[str, str], names: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    with pytest.raises(RequestValidationError) as info:
        call(client, client.chat.completions.update, "c", metadata=metadata)
    assert names in str(info.value)
    assert isinstance(info.value, ValueError)
    assert seen == []


class Note(str):
    pass


class Meta(collections.OrderedDict):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "metadata, names",
    [
        (collections.OrderedDict((f"k{i}", "v") for i in range(17)), "at most 16 keys"),
        (Meta((f"k{i}", "v") for i in range(17)), "at most 16 keys"),
        ({"ok": "v", Note("k" * 65): "v"}, "k" * 65),
        ({"ok": "v", "long": Note("x" * 513)}, "metadata['long']"),
    ],
    ids=["OrderedDict", "dict subclass", "str subclass key", "str subclass value"],
)
def test_metadata_limits_hold_for_subclasses(mode: str, metadata: Any, names: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    with pytest.raises(RequestValidationError) as info:
        call(client, client.chat.completions.update, "c", metadata=metadata)
    assert names in str(info.value)
    assert seen == []


def test_every_check_treats_subclasses_as_their_base() -> None:
    from openai_chat._checks import check_list, check_number, check_str

    class Big(int):
        pass

    with pytest.raises(RequestValidationError, match="at most 2 items allowed, got 3"):
        check_list(None, max_items=2)((1, 2, 3), "x")
    with pytest.raises(RequestValidationError, match="at most 2 items allowed, got 3"):
        check_list(None, max_items=2)(type("L", (list,), {})([1, 2, 3]), "x")
    with pytest.raises(RequestValidationError, match="must be at most 10, got 11"):
        check_number(maximum=10)(Big(11), "x")
    with pytest.raises(RequestValidationError, match="at most 1 characters allowed"):
        check_str(max_length=1)(Note("ab"), "x")
    check_number(maximum=0)(True, "x")  # a bool is not a number here


@pytest.mark.parametrize("mode", MODES)
def test_metadata_at_the_limits_is_sent(mode: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    metadata = {f"{i:02d}" + "k" * 62: "v" * 512 for i in range(16)}
    call(client, client.chat.completions.update, "c", metadata=metadata)
    assert json.loads(seen[0].content) == {"metadata": metadata}


# Errors


ERRORS = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (418, APIStatusError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
    (529, InternalServerError),
]


def test_error_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, APIError) and issubclass(APIStatusError, APIError)
    assert issubclass(APIResponseValidationError, APIError)
    for _, cls in ERRORS:
        assert issubclass(cls, APIStatusError)
        assert getattr(openai_chat, cls.__name__) is cls
    assert issubclass(RequestValidationError, ValueError)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status, error", ERRORS)
def test_status_errors_are_typed_and_carry_the_response(mode: str, status: int, error: type) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"error": {"message": "nope"}}, headers={"x-request-id": "req_9"})

    client = make(mode, reply, max_retries=0)
    with pytest.raises(APIStatusError) as info:
        call(client, client.chat.completions.update, "c", metadata=None)
    e = info.value
    assert type(e) is error
    assert (e.status_code, e.request_id, e.headers["x-request-id"]) == (status, "req_9", "req_9")
    assert e.body == {"error": {"message": "nope"}}
    assert str(e) == f"Error code: {status} - nope"


@pytest.mark.parametrize("mode", MODES)
def test_a_non_json_error_body_is_kept_as_text(mode: str) -> None:
    client = make(mode, lambda r: httpx.Response(502, text="<html>bad gateway</html>"), max_retries=0)
    with pytest.raises(InternalServerError) as info:
        call(client, client.chat.completions.update, "c", metadata=None)
    assert info.value.body == "<html>bad gateway</html>"
    assert info.value.request_id is None


# Raw responses


@pytest.mark.parametrize("mode", MODES)
def test_with_raw_response(mode: str) -> None:
    client = make(mode)
    raw = call(client, client.chat.completions.with_raw_response.update, "c", metadata=None)
    assert isinstance(raw, APIResponse)
    assert (raw.status_code, raw.headers["x-request-id"], raw.request_id, raw.retries_taken) == (200, "req_abc", "req_abc", 0)
    parsed = raw.parse()
    assert isinstance(parsed, ChatCompletion) and parsed is raw.parse()
    assert parsed._request_id == "req_abc"
    assert json.loads(raw.content) == raw.json()


@pytest.mark.parametrize("mode", MODES)
def test_parsed_model_exposes_the_request_id(mode: str) -> None:
    client = make(mode)
    assert call(client, client.chat.completions.update, "c", metadata=None)._request_id == "req_abc"


# Secrets and logging


@pytest.mark.parametrize("mode", MODES)
def test_the_api_key_stays_secret(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"message": f"Incorrect API key provided: {KEY}"}})

    client = make(mode, echo)
    assert KEY not in repr(client) and KEY not in str(client)
    assert KEY not in repr(client.chat.completions)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(AuthenticationError) as info:
            call(client, client.chat.completions.update, "c", metadata=None)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert "[REDACTED]" in str(info.value)
    assert caplog.records
    for record in caplog.records:
        assert KEY not in record.getMessage()


@pytest.mark.parametrize("mode", MODES)
def test_calls_are_logged_under_the_package_name(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    client = make(mode)
    with caplog.at_level(logging.DEBUG, logger="openai_chat"):
        call(client, client.chat.completions.update, "c", metadata=None)
    (record,) = [r for r in caplog.records if r.name == "openai_chat"]
    message = record.getMessage()
    assert message.startswith("POST https://api.example.test/v1/chat/completions/c -> 200 in ")
    assert message.endswith("(attempt 1)")


@pytest.mark.parametrize("mode", MODES)
def test_nothing_is_formatted_when_logging_is_off(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_chat import _base_client

    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("logged while disabled")

    client = make(mode)
    monkeypatch.setattr(_base_client.BaseClient, "_log_attempt", fail)
    logger = logging.getLogger("openai_chat")
    monkeypatch.setattr(logger, "level", logging.WARNING)
    call(client, client.chat.completions.update, "c", metadata=None)
