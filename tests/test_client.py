"""The generated clients' surface, sync and async: construction, requests, checks, errors, raw responses, secrets.

The wire is an httpx.MockTransport here; retries and faults are in test_client_faults.py,
a real mock server in test_client_prism.py.
"""

from __future__ import annotations

import asyncio
import collections
import copy
import inspect
import json
import logging
import pickle
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
    APIUsageError,
    AsyncOpenAI,
    AuthenticationError,
    BadRequestError,
    ChatCompletion,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAI,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
)

from openai_chat._base_client import TIMEOUT_PROBLEM

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


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
@pytest.mark.parametrize(
    "base_url, message",
    [
        ("https://user:hunter2@api.example.test/v1", "base_url must not contain a user name or password"),
        ("https://api.example.test/v1#frag", "base_url must not contain a fragment"),
        ("ftp://api.example.test/v1", "base_url must be an absolute http:// or https:// URL"),
        ("/v1", "base_url must be an absolute http:// or https:// URL"),
        ("http://[::1/v1", "base_url is not a valid URL"),
        ("http://xn--/v1", "base_url is not a valid URL"),
        ("http://127.0.0.1:99999/v1", "base_url is not a valid URL"),
    ],
)
def test_unusable_base_urls_are_refused_at_construction(cls: type, base_url: str, message: str) -> None:
    with pytest.raises(APIUsageError) as info:
        cls(api_key=KEY, base_url=base_url)
    assert str(info.value).startswith(message)
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None


@pytest.mark.parametrize("mode", MODES)
def test_a_base_url_query_is_kept_and_paths_go_before_it(mode: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen), base_url="https://api.example.test/v1/?api-version=2025-01&x=1")
    assert client.base_url == "https://api.example.test/v1?api-version=2025-01&x=1"
    call(client, client.chat.completions.update, "c", metadata=None, extra_query={"x": "2"})
    url = seen[0].url
    assert (url.scheme, url.host, url.path) == ("https", "api.example.test", "/v1/chat/completions/c")
    assert url.params.multi_items() == [("api-version", "2025-01"), ("x", "2")]
    copy_ = client.with_options(max_retries=0)
    assert copy_.base_url == client.base_url


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
@pytest.mark.parametrize("key", ["sk-é-0123456789", "sk-0123456789\n", "sk-01234\x0056789"])
def test_an_api_key_that_cannot_be_sent_is_refused_without_showing_it(cls: type, key: str) -> None:
    with pytest.raises(APIUsageError) as info:
        cls(api_key=key)
    e = info.value
    assert str(e) == "api_key must be printable ASCII: it is sent in a header or the URL"
    assert key not in repr(e) and key[:8] not in repr(e)
    assert e.__cause__ is None and e.__context__ is None


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
@pytest.mark.parametrize(
    "headers, reason",
    [({"X-A": "é"}, "must be ASCII"), ({"X-A": "a\r\nX-B: b"}, "line breaks"), ({"X-A": 5}, "must be strings")],
)
def test_unusable_default_headers_are_refused_at_construction(cls: type, headers: dict[str, Any], reason: str) -> None:
    with pytest.raises(APIUsageError, match=f"default_headers: header 'X-A': .*{reason}"):
        cls(api_key=KEY, default_headers=headers)


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
def test_limits_must_be_sane(cls: type) -> None:
    with pytest.raises(APIUsageError, match="max_retries"):
        cls(api_key=KEY, max_retries=-1)
    with pytest.raises(APIUsageError, match="max_response_bytes"):
        cls(api_key=KEY, max_response_bytes=0)
    assert cls(api_key=KEY).max_response_bytes == 100_000_000
    assert cls(api_key=KEY, max_response_bytes=5).with_options(max_retries=1).max_response_bytes == 5


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
@pytest.mark.parametrize("now", [0.0, 1670.6066409477583, 4194293.0006525316])  # where now + 600 - now < 600
def test_the_timeouts_sent_are_the_ones_configured_whatever_the_clock(mode: str, now: float) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen), timeout=httpx.Timeout(600.0, connect=5.0))
    client._clock = lambda: now
    call(client, client.chat.completions.update, "c", metadata=None)
    assert seen[0].extensions["timeout"] == {"connect": 5.0, "read": 600.0, "write": 600.0, "pool": 600.0}


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


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize(
    "kwargs, reason",
    [
        ({"extra_headers": {"X-A": "é"}}, "header 'X-A': names and values must be ASCII"),
        ({"extra_headers": {"X-A": "a\nb"}}, "header 'X-A': line breaks and NUL are not allowed"),
        ({"extra_headers": {"X-A": None}}, "header 'X-A': names and values must be strings"),
        ({"extra_body": {"x": object()}}, "TypeError: Object of type object is not JSON serializable"),
        ({"extra_body": {"x": float("nan")}}, "ValueError: Out of range float values are not JSON compliant"),
        ({"extra_headers": ["X-A", "1"]}, "headers must map names to values"),
        ({"timeout": "10"}, TIMEOUT_PROBLEM),
        ({"timeout": -1.0}, TIMEOUT_PROBLEM),
        ({"timeout": float("inf")}, TIMEOUT_PROBLEM),
        ({"timeout": httpx.Timeout(5.0, read=float("nan"))}, TIMEOUT_PROBLEM),
    ],
)
def test_a_request_that_cannot_be_built_is_a_usage_error(mode: str, raw: bool, kwargs: dict[str, Any], reason: str) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    resource = client.chat.completions.with_raw_response if raw else client.chat.completions
    with pytest.raises(APIUsageError) as info:
        call(client, resource.update, "c", metadata=None, **kwargs)
    assert str(info.value) == f"The request cannot be built: {reason}"
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert seen == []


WEIRD = [None, 0, -1, 1e300, float("nan"), "", "é", "\n", b"x", object(), [object()], {"a": object()}, {1: 2}, (1, 2), True, {"k" * 100: "v"}]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("argument", ["completion_id", "metadata", "extra_headers", "extra_query", "extra_body", "timeout"])
def test_any_argument_of_any_type_ends_typed(mode: str, argument: str) -> None:
    for value in WEIRD:
        args: list[Any] = ["c"]
        kwargs: dict[str, Any] = {"metadata": None}
        if argument == "completion_id":
            args = [value]
        else:
            kwargs[argument] = value
        client = make(mode)
        try:
            call(client, client.chat.completions.update, *args, **kwargs)
        except OpenAIError:
            pass


@pytest.mark.parametrize("cls", [OpenAI, AsyncOpenAI])
@pytest.mark.parametrize("timeout", ["10", -1, float("nan"), float("inf"), object()])
def test_an_unusable_client_timeout_is_refused_at_construction(cls: type, timeout: Any) -> None:
    with pytest.raises(APIUsageError, match="timeout must be a number of seconds"):
        cls(api_key=KEY, timeout=timeout)


@pytest.mark.parametrize("mode", MODES)
def test_whatever_your_http_client_raises_comes_back_typed(mode: str) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise httpx.DecodingError("bad gzip")

    client = make(mode, explode)
    with pytest.raises(APIConnectionError, match="Connection error: DecodingError: bad gzip") as info:
        call(client, client.chat.completions.update, "c", metadata=None)
    assert isinstance(info.value.__cause__, httpx.DecodingError)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.UnsupportedProtocol("no")

    client = make(mode, refuse)
    with pytest.raises(APIUsageError, match="The request cannot be sent: no"):
        call(client, client.chat.completions.update, "c", metadata=None)


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
        (collections.UserDict({"ok": "v"}), None),
    ],
    ids=["OrderedDict", "dict subclass", "str subclass key", "str subclass value", "not a dict"],
)
def test_metadata_limits_hold_for_subclasses(mode: str, metadata: Any, names: str | None) -> None:
    seen: list[httpx.Request] = []
    client = make(mode, recording(seen))
    if names is None:  # not a dict at all: left to the server, and not JSON either
        with pytest.raises(APIUsageError, match="not JSON serializable"):
            call(client, client.chat.completions.update, "c", metadata=metadata)
        return
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
    assert issubclass(APIResponseValidationError, APIError) and issubclass(APIUsageError, APIError)
    for _, cls in ERRORS:
        assert issubclass(cls, APIStatusError)
        assert getattr(openai_chat, cls.__name__) is cls
    assert issubclass(RequestValidationError, ValueError) and issubclass(RequestValidationError, APIUsageError)


def test_the_root_error_is_named_after_the_client() -> None:
    assert (OpenAIError.__name__, OpenAIError.__module__) == ("OpenAIError", "openai_chat")
    assert OpenAIError.__mro__[1:] == (Exception, BaseException, object)
    assert APIError.__mro__[1] is OpenAIError
    exported = [getattr(openai_chat, n) for n in openai_chat.__all__]
    errors = [e for e in exported if isinstance(e, type) and issubclass(e, BaseException)]
    assert len(errors) == 16 and all(issubclass(e, OpenAIError) for e in errors)
    with pytest.raises(OpenAIError):
        OpenAI(api_key="sk-é")


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
@pytest.mark.parametrize("before", range(1960, 2010, 3))
def test_an_echoed_key_is_redacted_before_the_message_is_cut(mode: str, before: int) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": "x" * before + request.headers["authorization"] + " tail"}})

    client = make(mode, echo)
    with pytest.raises(BadRequestError) as info:
        call(client, client.chat.completions.update, "c", metadata=None)
    e = info.value
    for text in (str(e), repr(e), json.dumps(e.body)):
        assert not any(KEY[:n] in text for n in range(6, len(KEY) + 1)), text[-60:]
    assert len(str(e)) <= 2003 and e.body["error"]["message"].endswith("Bearer [REDACTED] tail")


def errors_of_every_kind() -> list[APIError]:
    """One error of each kind, raised by real calls whose responses echo the key."""
    made: list[APIError] = []

    def capture(reply: Handler, **kwargs: Any) -> None:
        client = make("sync", reply, max_retries=0)
        try:
            client.chat.completions.update("c", **{"metadata": None, **kwargs})
        except APIError as e:
            made.append(e)

    echo = {"x-echo": KEY}
    capture(lambda r: httpx.Response(401, json={"error": {"message": f"bad key {KEY}"}}, headers=echo))
    capture(lambda r: httpx.Response(500, text=f"oops {KEY}", headers=echo))
    capture(lambda r: httpx.Response(200, json={"id": 5, KEY: 1}, headers=echo))
    capture(lambda r: (_ for _ in ()).throw(httpx.ConnectError("down", request=r)))
    capture(lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)))
    capture(ok, metadata={"k" * 65: "v"})
    capture(ok, extra_headers={"X": "é"})
    assert [type(e).__name__ for e in made] == [
        "AuthenticationError",
        "InternalServerError",
        "APIResponseValidationError",
        "APIConnectionError",
        "APITimeoutError",
        "RequestValidationError",
        "APIUsageError",
    ]
    return made


def test_errors_pickle_without_the_key() -> None:
    for e in errors_of_every_kind():
        data = pickle.dumps(e)
        assert KEY.encode() not in data, type(e).__name__
        back = pickle.loads(data)
        assert type(back) is type(e) and str(back) == str(e) and back.args == e.args
        assert back.request is None and getattr(back, "response", None) is None
        for name in ("status_code", "body", "request_id", "path", "message"):
            assert getattr(back, name, None) == getattr(e, name, None), name
        assert copy.copy(e).args == e.args


def test_error_messages_and_bodies_never_hold_the_key() -> None:
    for e in errors_of_every_kind():
        assert KEY not in str(e) and KEY not in repr(e)
        assert KEY not in json.dumps(getattr(e, "body", None))
        assert KEY not in str(getattr(e, "path", ""))


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
