"""Retries, backoff, deadlines, limits and typed errors, against a scripted HTTP server on 127.0.0.1,
sync and async.

The client runs on the server's virtual clock (tests/faults.py): waits are recorded, never slept,
and a slow server moves the clock instead of making anyone wait. Only the slow-drip tests at the
end use real time, where a bounded call and an unbounded one differ by seconds.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
import tracemalloc
from collections import Counter
from typing import Any, Iterator

import pytest

from openai_chat import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    APIUsageError,
    AsyncOpenAI,
    AuthenticationError,
    BadRequestError,
    ChatCompletion,
    InternalServerError,
    NotFoundError,
    OpenAI,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from openai_chat._exceptions import status_error_class

from .faults import DROP, SUCCESS_BODY, Drip, FaultServer, Reply, VirtualClock, gzip_bomb, gzipped

KEY = "sk-test-secret-0123456789"
MODES = ["sync", "async"]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    s = FaultServer()
    yield s
    s.close()


def on_clock(client: Any, clock: VirtualClock, mode: str) -> Any:
    client._clock = clock
    client._sleep = clock.sleep if mode == "sync" else clock.async_sleep
    return client


def update(mode: str, server: FaultServer, call: dict[str, Any] | None = None, **client: Any) -> Any:
    """One `chat.completions.update` call through the sync or the async client, on the server's clock."""
    call = {"metadata": {"k": "v"}, **(call or {})}
    clock = server.clock
    if mode == "sync":
        with OpenAI(api_key=KEY, base_url=server.url, **client) as c:
            return on_clock(c, clock, mode).chat.completions.update("chatcmpl-1", **call)

    async def run() -> Any:
        async with AsyncOpenAI(api_key=KEY, base_url=server.url, **client) as c:
            return await on_clock(c, clock, mode).chat.completions.update("chatcmpl-1", **call)

    return asyncio.run(run())


def backoff(i: int) -> tuple[float, float]:
    """The range of the i-th backoff wait (0-based): 0.5 s doubling, capped at 8 s, less up to 25%."""
    top = min(0.5 * 2**i, 8.0)
    return 0.75 * top, top


# Retries and waits


@pytest.mark.parametrize("mode", MODES)
def test_429_honours_retry_after_seconds(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(429, {"retry-after": "3"}), Reply(429, {"retry-after": "1.5"}), Reply()])
    result = update(mode, server)
    assert isinstance(result, ChatCompletion)
    assert len(server.seen) == 3
    assert clock.sleeps == [3.0, 1.5]


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_ms_wins_over_retry_after(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(429, {"retry-after-ms": "250", "retry-after": "9"}), Reply()])
    update(mode, server)
    assert clock.sleeps == [0.25]


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_http_date(server: FaultServer, mode: str) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    clock = server.load([Reply(503, {"retry-after": when}), Reply()])
    update(mode, server)
    assert len(clock.sleeps) == 1 and 27 <= clock.sleeps[0] <= 30.5


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", ["120", "0", "-1", "soon", "nan"])
def test_retry_after_out_of_range_falls_back_to_backoff(server: FaultServer, mode: str, value: str) -> None:
    clock = server.load([Reply(429, {"retry-after": value}), Reply()])
    update(mode, server)
    low, high = backoff(0)
    assert len(clock.sleeps) == 1 and low <= clock.sleeps[0] <= high


@pytest.mark.parametrize("mode", MODES)
def test_503s_exhaust_retries_with_exponential_backoff(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(503, body=b'{"error": {"message": "overloaded"}}')] * 3)
    with pytest.raises(InternalServerError) as info:
        update(mode, server)
    assert info.value.status_code == 503
    assert "overloaded" in str(info.value)
    assert len(server.seen) == 3  # max_retries (2) + 1
    assert len(clock.sleeps) == 2
    for i, wait in enumerate(clock.sleeps):
        low, high = backoff(i)
        assert low <= wait <= high


@pytest.mark.parametrize("mode", MODES)
def test_backoff_is_capped_at_8_seconds(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(500)] * 7)
    with pytest.raises(InternalServerError):
        update(mode, server, max_retries=6)
    assert len(server.seen) == 7
    assert [backoff(i)[0] <= w <= backoff(i)[1] for i, w in enumerate(clock.sleeps)] == [True] * 6
    assert max(clock.sleeps) <= 8.0 and clock.sleeps[-1] >= 6.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_retried_statuses(server: FaultServer, mode: str, status: int) -> None:
    clock = server.load([Reply(status), Reply()])
    assert isinstance(update(mode, server), ChatCompletion)
    assert len(server.seen) == 2 and len(clock.sleeps) == 1


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "status, error",
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
    ],
)
def test_other_4xx_are_never_retried(server: FaultServer, mode: str, status: int, error: type) -> None:
    clock = server.load([Reply(status, {"x-request-id": "req_42"}, b'{"error": {"message": "no"}}'), Reply()])
    with pytest.raises(error) as info:
        update(mode, server)
    assert type(info.value) is error
    assert len(server.seen) == 1 and clock.sleeps == []
    assert info.value.request_id == "req_42"
    assert info.value.body == {"error": {"message": "no"}}


@pytest.mark.parametrize("mode", MODES)
def test_x_should_retry_false_stops_retries(server: FaultServer, mode: str) -> None:
    server.load([Reply(503, {"x-should-retry": "false"}), Reply()])
    with pytest.raises(InternalServerError):
        update(mode, server)
    assert len(server.seen) == 1


@pytest.mark.parametrize("mode", MODES)
def test_final_rate_limit_error_carries_the_response(server: FaultServer, mode: str) -> None:
    body = b'{"error": {"message": "slow down", "type": "rate_limit"}}'
    clock = server.load([Reply(429, {"x-request-id": "req_1", "retry-after": "1"}, body)] * 3)
    with pytest.raises(RateLimitError) as info:
        update(mode, server)
    e = info.value
    assert (e.status_code, e.request_id, e.headers["retry-after"]) == (429, "req_1", "1")
    assert e.body == {"error": {"message": "slow down", "type": "rate_limit"}}
    assert clock.sleeps == [1.0, 1.0] and len(server.seen) == 3


@pytest.mark.parametrize("mode", MODES)
def test_dropped_connections_end_in_connection_error(server: FaultServer, mode: str) -> None:
    clock = server.load([DROP, DROP, DROP, Reply()])
    with pytest.raises(APIConnectionError) as info:
        update(mode, server)
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, Exception)
    assert len(server.seen) == 3 and len(clock.sleeps) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_dropped_connection_is_retried(server: FaultServer, mode: str) -> None:
    server.load([DROP, Reply()])
    assert isinstance(update(mode, server), ChatCompletion)
    assert len(server.seen) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_body_cut_short_is_a_connection_error_and_retried(server: FaultServer, mode: str) -> None:
    server.load([Reply(truncate=100), Reply()])
    assert isinstance(update(mode, server), ChatCompletion)
    assert len(server.seen) == 2


@pytest.mark.parametrize("mode", MODES)
def test_max_retries_zero_makes_one_attempt(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(503), Reply()])
    with pytest.raises(InternalServerError):
        update(mode, server, max_retries=0)
    assert len(server.seen) == 1 and clock.sleeps == []


@pytest.mark.parametrize("mode", MODES)
def test_retries_are_logged_without_secrets(server: FaultServer, mode: str, caplog: pytest.LogCaptureFixture) -> None:
    server.load([Reply(429, {"retry-after": "2"}), DROP, Reply()])
    with caplog.at_level(logging.DEBUG):
        update(mode, server)
    ours = [r for r in caplog.records if r.name == "openai_chat"]
    messages = [r.getMessage() for r in ours]
    assert len(ours) == 3, messages
    assert "POST" in messages[0] and f"{server.url}/chat/completions/chatcmpl-1" in messages[0]
    assert "429" in messages[0] and "attempt 1 of 3" in messages[0] and "retrying in 2.00s" in messages[0]
    assert "RemoteProtocolError" in messages[1] and "attempt 2 of 3" in messages[1]
    assert "200" in messages[2] and "attempt 3" in messages[2]
    assert [m.split(" in ")[1][:6] for m in messages] == ["0.000s"] * 3  # the virtual clock did not move
    for record in caplog.records:
        assert KEY not in record.getMessage() and KEY not in repr(record.args)


# Deadlines: the timeout bounds each attempt, (max_retries + 1) x timeout the whole call.


@pytest.mark.parametrize("mode", MODES)
def test_a_server_slower_than_the_timeout_times_out_and_is_retried(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(advance=12), Reply(advance=12), Reply()])
    assert isinstance(update(mode, server, timeout=10.0), ChatCompletion)
    assert len(server.seen) == 3 and len(clock.sleeps) == 2


@pytest.mark.parametrize("mode", MODES)
def test_slow_responses_end_in_timeout_error(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(advance=700)] * 3)  # slower than the default 600 s
    with pytest.raises(APITimeoutError):
        update(mode, server)
    assert len(server.seen) == 3 and len(clock.sleeps) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_response_within_the_timeout_is_read(server: FaultServer, mode: str) -> None:
    server.load([Reply(advance=9.5), Drip(advance=9.5)])
    assert isinstance(update(mode, server, timeout=10.0), ChatCompletion)
    assert isinstance(update(mode, server, timeout=10.0), ChatCompletion)


@pytest.mark.parametrize("mode", MODES)
def test_per_call_timeout_overrides_the_client(server: FaultServer, mode: str) -> None:
    server.load([Reply(advance=2), Reply()])
    with pytest.raises(APITimeoutError):
        update(mode, server, call={"timeout": 1.0}, max_retries=0)
    assert len(server.seen) == 1


@pytest.mark.parametrize("mode", MODES)
def test_retries_stop_when_the_wait_would_pass_the_call_budget(server: FaultServer, mode: str) -> None:
    # timeout 1 s and 2 retries: the call has 3 s. 2 s of waiting fit once, not twice.
    clock = server.load([Reply(429, {"retry-after": "2"})] * 3)
    with pytest.raises(RateLimitError):
        update(mode, server, timeout=1.0, max_retries=2)
    assert clock.sleeps == [2.0] and len(server.seen) == 2


@pytest.mark.parametrize("mode", MODES)
def test_the_last_attempt_gets_what_is_left_of_the_call(server: FaultServer, mode: str) -> None:
    # 4 s of budget: 0.6 s drip, then a 3 s wait leaves the second attempt 0.4 s, which a 0.5 s server misses.
    clock = server.load([Reply(429, {"retry-after": "3"}, advance=0.6), Reply(advance=0.5), Reply()])
    with pytest.raises(APITimeoutError):
        update(mode, server, timeout=2.0, max_retries=1)
    assert clock.sleeps == [3.0] and len(server.seen) == 2


@pytest.mark.parametrize("mode", MODES)
def test_timeout_none_waits_for_ever(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(advance=10_000)])
    assert isinstance(update(mode, server, timeout=None), ChatCompletion)
    assert clock.now == 10_000


# Redirects: followed for GET only, within the same origin; anything else is an APIStatusError.


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("where", ["same origin", "other origin"])
def test_redirects_of_a_post_are_not_followed(server: FaultServer, mode: str, status: int, where: str) -> None:
    other = FaultServer()
    try:
        target = "/chat/completions/elsewhere" if where == "same origin" else other.url + "/steal"
        server.load([Reply(status, {"location": target}, b""), Reply()])
        with pytest.raises(APIStatusError) as info:
            update(mode, server)
    finally:
        other.close()
    e = info.value
    assert type(e) is APIStatusError and e.status_code == status
    assert str(e).startswith(f"Error code: {status} - redirect to {target} not followed")
    assert len(server.seen) == 1 and other.seen == []


@pytest.mark.parametrize("mode", MODES)
def test_your_http_client_following_redirects_does_not_change_that(server: FaultServer, mode: str) -> None:
    import httpx

    server.load([Reply(307, {"location": "/chat/completions/again"}, b""), Reply()])
    if mode == "sync":
        with httpx.Client(follow_redirects=True) as http:
            with pytest.raises(APIStatusError):
                OpenAI(api_key=KEY, base_url=server.url, http_client=http).chat.completions.update("c", metadata=None)
    else:

        async def run() -> None:
            async with httpx.AsyncClient(follow_redirects=True) as http:
                with pytest.raises(APIStatusError):
                    await AsyncOpenAI(api_key=KEY, base_url=server.url, http_client=http).chat.completions.update("c", metadata=None)

        asyncio.run(run())
    assert len(server.seen) == 1


DOCUMENT = b'{"id": "d2", "created": 1, "sections": []}'


@pytest.fixture(scope="module")
def docs(golden_packages: Any) -> Any:
    """The `shapes` golden package: it has a GET operation (`documents.get_document`)."""
    import importlib
    import sys

    package = golden_packages("shapes")
    sys.path.insert(0, str(package.parent))
    try:
        return importlib.import_module(package.name)
    finally:
        sys.path.remove(str(package.parent))


# The shapes case has no security scheme: a credential the caller sends itself, to follow.
AUTH = {"Authorization": f"Bearer {KEY}"}


def get_document(docs: Any, mode: str, server: FaultServer) -> Any:
    clock = server.clock
    if mode == "sync":
        with docs.DocsClient(base_url=server.url + "/v1", default_headers=AUTH) as c:
            try:
                return on_clock(c, clock, mode).documents.retrieve("d1")
            except docs.APIError as e:
                return e

    async def run() -> Any:
        async with docs.AsyncDocsClient(base_url=server.url + "/v1", default_headers=AUTH) as c:
            try:
                return await on_clock(c, clock, mode).documents.retrieve("d1")
            except docs.APIError as e:
                return e

    return asyncio.run(run())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_get_follows_redirects_within_its_origin(docs: Any, server: FaultServer, mode: str, status: int) -> None:
    server.load([Reply(status, {"location": "/v1/documents/d2"}, b""), Reply(302, {"location": server.url + "/v1/documents/d3"}, b""), Reply(body=DOCUMENT)])
    document = get_document(docs, mode, server)
    assert isinstance(document, docs.Document) and document.id == "d2"
    assert [(s.method, s.path) for s in server.seen] == [("GET", "/v1/documents/d1"), ("GET", "/v1/documents/d2"), ("GET", "/v1/documents/d3")]
    assert all(s.headers["Authorization"] == f"Bearer {KEY}" for s in server.seen)


@pytest.mark.parametrize("mode", MODES)
def test_a_get_is_never_redirected_to_another_origin(docs: Any, server: FaultServer, mode: str) -> None:
    other = FaultServer()
    try:
        for target in [other.url + "/v1/documents/d1", server.url.replace("http://", "https://") + "/v1/x", "http://localhost:" + server.url.rsplit(":", 1)[1] + "/v1/x"]:
            server.load([Reply(302, {"location": target}, b"")])
            error = get_document(docs, mode, server)
            assert type(error) is docs.APIStatusError and error.status_code == 302, error
            assert str(error).startswith(f"Error code: 302 - redirect to {target} not followed")
            assert len(server.seen) == 1 and other.seen == []
    finally:
        other.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_loop_ends_in_a_status_error(docs: Any, server: FaultServer, mode: str) -> None:
    server.load([Reply(307, {"location": "/v1/documents/d1"}, b"")] * 10)
    error = get_document(docs, mode, server)
    assert type(error) is docs.APIStatusError and error.status_code == 307
    assert len(server.seen) == 6  # the request and 5 redirects followed


# Bounded bodies: max_response_bytes, counted as the body is decompressed.

LIMIT = 64 * 1024


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b" " * (LIMIT + 1)),
        Reply(headers={"content-encoding": "gzip"}, body=gzipped(b" " * (LIMIT + 1))),
        Reply(body=b"{}", length=LIMIT + 1),
    ],
    ids=["plain", "gzip", "content-length"],
)
def test_a_body_over_the_limit_is_not_read(server: FaultServer, mode: str, reply: Reply) -> None:
    server.load([reply, Reply()])
    with pytest.raises(APIResponseValidationError) as info:
        update(mode, server, max_response_bytes=LIMIT)
    assert str(info.value) == f"$: response body is larger than max_response_bytes ({LIMIT} bytes)"
    assert info.value.response is not None and info.value.response.content == b""
    assert len(server.seen) == 1  # not retried: the same server would send it again


@pytest.mark.parametrize("mode", MODES)
def test_an_error_body_over_the_limit_keeps_the_status(server: FaultServer, mode: str) -> None:
    clock = server.load([Reply(503, body=b"x" * (LIMIT + 1)), Reply()])
    assert isinstance(update(mode, server, max_response_bytes=LIMIT), ChatCompletion)
    assert len(clock.sleeps) == 1
    server.load([Reply(404, body=b"x" * (LIMIT + 1))])
    with pytest.raises(NotFoundError) as info:
        update(mode, server, max_response_bytes=LIMIT)
    assert info.value.body is None
    assert str(info.value) == f"Error code: 404 - response body not read: it is larger than max_response_bytes ({LIMIT} bytes)"


@pytest.mark.parametrize("mode", MODES)
def test_a_gzip_bomb_stops_at_the_limit(server: FaultServer, mode: str) -> None:
    bomb = gzip_bomb(64 << 20)  # 64 MiB of zeros in about 64 KB
    assert len(bomb) < 100_000
    server.load([Reply(headers={"content-encoding": "gzip"}, body=bomb)])
    tracemalloc.start()
    try:
        with pytest.raises(APIResponseValidationError, match="larger than max_response_bytes"):
            update(mode, server, max_response_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak  # the 1 MB limit and a few pieces in flight, never the 64 MiB


@pytest.mark.parametrize("mode", MODES)
def test_the_default_limit_is_100_mb(server: FaultServer, mode: str) -> None:
    server.load([Reply(body=b"{}", length=100_000_001), Reply(body=b'{"id": "x"}', length=100_000_000, truncate=11)])
    with pytest.raises(APIResponseValidationError, match=r"larger than max_response_bytes \(100000000 bytes\)"):
        update(mode, server, max_retries=0)
    # At the limit the body is read (here the server cuts it short: a connection error, not a size error).
    with pytest.raises(APIConnectionError):
        update(mode, server, max_retries=0)


# Bodies that cannot be decoded


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "headers, body, reason",
    [
        ({"content-encoding": "gzip"}, b"this is not gzip", "could not be decoded"),
        ({"content-encoding": "deflate"}, b"nor this deflate", "could not be decoded"),
        ({"content-encoding": "br"}, b"\x0b\x02\x80{}\x03", "has content-encoding 'br', which the client does not accept"),
        ({"content-encoding": "gzip, zstd"}, b"{}", "has content-encoding 'gzip, zstd', which the client does not accept"),
    ],
)
def test_an_undecodable_body_is_a_typed_error(server: FaultServer, mode: str, headers: dict[str, str], body: bytes, reason: str) -> None:
    server.load([Reply(headers=headers, body=body), Reply()])
    with pytest.raises(APIResponseValidationError) as info:
        update(mode, server)
    assert str(info.value).startswith(f"$: response body {reason}")
    assert len(server.seen) == 1
    server.load([Reply(500, headers=headers, body=body), Reply()])
    assert isinstance(update(mode, server), ChatCompletion)  # the status decides: 500 is retried


@pytest.mark.parametrize("mode", MODES)
def test_gzip_and_deflate_bodies_are_read(server: FaultServer, mode: str) -> None:
    import zlib

    server.load([Reply(headers={"content-encoding": "gzip"}, body=gzipped(SUCCESS_BODY)), Reply(headers={"content-encoding": "deflate"}, body=zlib.compress(SUCCESS_BODY))])
    assert update(mode, server).to_dict() == update(mode, server).to_dict()
    assert server.seen[0].headers["Accept-Encoding"] == "gzip, deflate"


# The campaign: randomized sequences of statuses, slow servers, drips, dropped and cut connections,
# redirects, oversized, compressed and undecodable bodies, through one client per mode.

CAMPAIGN_SEQUENCES = 1200
CAMPAIGN_TIMEOUT = 10.0
FOREIGN = "http://127.0.0.1:9/elsewhere"


def random_step(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.10:
        return Reply()
    if kind < 0.12:
        return Reply(headers={"content-encoding": "gzip"}, body=gzipped(SUCCESS_BODY))
    if kind < 0.30:
        after = rng.choice([None, None, "0.5", "2", "59", "61", "-3", "soon", "ms"])
        headers = {} if after is None else {"retry-after-ms": "300"} if after == "ms" else {"retry-after": after}
        return Reply(429, headers)
    if kind < 0.42:
        return Reply(rng.choice([500, 502, 503, 504, 529]))
    if kind < 0.47:
        return Reply(rng.choice([408, 409]))
    if kind < 0.53:
        return Reply(rng.choice([400, 401, 403, 404, 418, 422]))
    if kind < 0.55:
        return Reply(503, {"x-should-retry": "false"})
    if kind < 0.61:
        return DROP
    if kind < 0.64:
        return Reply(truncate=rng.randint(0, 200))
    if kind < 0.69:
        return Reply(advance=30)
    if kind < 0.75:
        return Drip(advance=rng.choice([2.0, 30.0]), pieces=rng.randint(2, 12))
    if kind < 0.81:
        return Reply(rng.choice([301, 302, 303, 307, 308]), {"location": rng.choice(["/chat/completions/x", FOREIGN])}, b"")
    if kind < 0.90:
        return rng.choice(
            [
                Reply(body=b" " * (LIMIT + 1)),
                Reply(503, body=b" " * (LIMIT + 1)),
                Reply(body=b"{}", length=10**12),
                Reply(headers={"content-encoding": "gzip"}, body=BOMB),
                Reply(502, headers={"content-encoding": "gzip"}, body=BOMB),
            ]
        )
    return rng.choice(
        [
            Reply(headers={"content-encoding": "gzip"}, body=b"not gzip"),
            Reply(503, headers={"content-encoding": "gzip"}, body=b"not gzip"),
            Reply(headers={"content-encoding": "br"}, body=b"{}"),
        ]
    )


BOMB = gzip_bomb(LIMIT * 64)


def classify(step: Any) -> tuple[type, bool, dict[str, str] | None]:
    """What one answer means on its own: (outcome type, retried?, headers with a requested wait)."""
    if step is DROP or (isinstance(step, Reply) and step.truncate is not None):
        return APIConnectionError, True, None
    status = step.status
    unreadable = isinstance(step, Reply) and (
        len(step.body) > LIMIT
        or (step.length or 0) > LIMIT
        or step.body in (BOMB, b"not gzip")
        or step.headers.get("content-encoding") == "br"
    )
    if status < 300:
        return (APIResponseValidationError, False, None) if unreadable else (ChatCompletion, False, None)
    if status < 400:
        return APIStatusError, False, None
    retry = (status in (408, 409, 429) or status >= 500) and "x-should-retry" not in step.headers
    return status_error_class(status), retry, step.headers


def wait_range(i: int, headers: dict[str, str] | None) -> tuple[float, float]:
    after = None
    if headers and "retry-after-ms" in headers:
        after = float(headers["retry-after-ms"]) / 1000
    elif headers and headers.get("retry-after", "").lstrip("-").replace(".", "").isdigit():
        after = float(headers["retry-after"])
    if after is not None and 0 < after <= 60:
        return after, after
    return backoff(i)


def replay(script: list[Any], max_retries: int, sleeps: list[float]) -> tuple[type, int] | None:
    """Replay a script on the virtual clock with the waits the client recorded: the outcome type and
    attempts the client must have reached, every decision checked on the way (None when an attempt
    had under 2 s left, where a busy machine could make a real-time read time out too)."""
    budget = CAMPAIGN_TIMEOUT * (max_retries + 1)
    now = 0.0
    for i, step in enumerate([*script, Reply()]):
        deadline = min(now + CAMPAIGN_TIMEOUT, budget)
        if deadline - now < 2:
            return None
        now += 0.0 if step is DROP else step.advance
        if now > deadline:
            outcome, retry, headers = APITimeoutError, True, None
        else:
            outcome, retry, headers = classify(step)
        if outcome is ChatCompletion or not retry or i >= max_retries:
            assert len(sleeps) == i, f"{len(sleeps)} waits for {i + 1} attempts"
            return outcome, i + 1
        low, high = wait_range(i, headers)
        if len(sleeps) == i:  # the client gave up: only right if the wait could pass the call's budget
            assert now + high >= budget, f"stopped at {now:.2f} s with a wait of at most {high:.2f} s left in {budget} s"
            return outcome, i + 1
        wait = sleeps[i]
        assert low - 1e-9 <= wait <= high + 1e-9, f"wait {i}: {wait} not in [{low}, {high}]"
        assert now + wait < budget, f"waited past the call's budget: {now:.2f} + {wait:.2f} >= {budget}"
        now += wait
    raise AssertionError("unreachable")


def campaign(mode: str, server: FaultServer, sequences: list[tuple[list[Any], int]]) -> list[tuple[Any, VirtualClock, int, float]]:
    """Each (script, max_retries) through one client (copies made with with_options): (outcome, clock, attempts, wall seconds)."""
    out: list[tuple[Any, VirtualClock, int, float]] = []
    options = {"api_key": KEY, "base_url": server.url, "timeout": CAMPAIGN_TIMEOUT, "max_response_bytes": LIMIT}
    if mode == "sync":
        with OpenAI(**options) as base:
            for script, max_retries in sequences:
                clock = server.load(script)
                client = on_clock(base.with_options(max_retries=max_retries), clock, mode)
                started = time.monotonic()
                try:
                    result: Any = client.chat.completions.update("chatcmpl-1", metadata={"k": "v"})
                except APIError as e:
                    result = e
                out.append((result, clock, len(server.seen), time.monotonic() - started))
        return out

    async def run() -> None:
        async with AsyncOpenAI(**options) as base:
            for script, max_retries in sequences:
                clock = server.load(script)
                client = on_clock(base.with_options(max_retries=max_retries), clock, mode)
                started = time.monotonic()
                try:
                    result: Any = await client.chat.completions.update("chatcmpl-1", metadata={"k": "v"})
                except APIError as e:
                    result = e
                out.append((result, clock, len(server.seen), time.monotonic() - started))

    asyncio.run(run())
    return out


@pytest.mark.parametrize("mode", MODES)
def test_fault_campaign(server: FaultServer, mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(f"campaign-{mode}")
    sequences = [
        ([random_step(rng) for _ in range(rng.randint(1, 5))], rng.randint(0, 3))
        for _ in range(CAMPAIGN_SEQUENCES // len(MODES))
    ]
    started = time.monotonic()
    results = campaign(mode, server, sequences)
    elapsed = time.monotonic() - started
    outcomes: Counter[str] = Counter()
    attempts = 0
    waited = 0.0
    unsure = 0
    for n, ((script, max_retries), (result, clock, seen, wall)) in enumerate(zip(sequences, results)):
        context = f"sequence {n}: {script}, max_retries={max_retries} -> {result!r}, waits {clock.sleeps}"
        assert isinstance(result, (ChatCompletion, APIError)), context  # nothing escapes untyped
        # No real waiting: every wait and every slow server is virtual (a real one would take minutes;
        # the bound is loose so that a loaded machine cannot fail it).
        assert wall < 30.0, context
        assert seen <= max_retries + 1, context
        want = replay(script, max_retries, clock.sleeps)
        if want is None:
            unsure += 1
            continue
        assert (type(result), seen) == want, context
        outcomes[want[0].__name__] += 1
        attempts += seen
        waited += sum(clock.sleeps)
    assert unsure <= len(results) // 50
    with capsys.disabled():
        print(
            f"\nfault campaign ({mode}): {len(results)} sequences, {attempts} attempts, "
            f"{waited:.1f}s of waits passed on the virtual clock, {elapsed:.1f}s wall, {unsure} left unchecked; "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        )


# Slow drip, in real time: a server sending a few bytes at a time cannot stretch an attempt.

DRIP_TIMEOUT = 0.5


def real_update(mode: str, server: FaultServer, **client: Any) -> tuple[Any, float, list[float]]:
    """A call on the real clock (waits recorded, not slept): (outcome, wall seconds, waits)."""
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    started = time.monotonic()
    try:
        if mode == "sync":
            with OpenAI(api_key=KEY, base_url=server.url, **client) as c:
                c._sleep = sleeps.append  # type: ignore[method-assign]
                result: Any = c.chat.completions.update("chatcmpl-1", metadata=None)
        else:

            async def run() -> Any:
                async with AsyncOpenAI(api_key=KEY, base_url=server.url, **client) as c:
                    c._sleep = no_sleep  # type: ignore[method-assign]
                    return await c.chat.completions.update("chatcmpl-1", metadata=None)

            result = asyncio.run(run())
    except APIError as e:
        result = e
    return result, time.monotonic() - started, sleeps


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_slow_drip_cannot_stretch_an_attempt(server: FaultServer, mode: str, where: str) -> None:
    # 600 pieces, 20 ms apart: 12 s unbounded, every single read well within the timeout.
    drip = Drip(pieces=600, pause=0.02, head_first=where == "body")
    server.load([drip] * 3)
    result, wall, sleeps = real_update(mode, server, timeout=DRIP_TIMEOUT, max_retries=2)
    assert isinstance(result, APITimeoutError), result
    assert len(server.seen) <= 3
    # Three attempts of 0.5 s at most (the call's budget is 1.5 s); unbounded this is 36 s. The bound
    # leaves room for a loaded machine and still tells the two apart.
    assert wall < 15.0, wall


@pytest.mark.parametrize("mode", MODES)
def test_a_server_that_never_answers_times_out(server: FaultServer, mode: str) -> None:
    server.load([Reply(delay=60.0)])
    result, wall, _ = real_update(mode, server, timeout=DRIP_TIMEOUT, max_retries=0)
    assert isinstance(result, APITimeoutError) and wall < 15.0, (result, wall)  # unbounded: 60 s


# Misuse: a closed client, an event loop that has ended.


@pytest.mark.parametrize("mode", MODES)
def test_a_closed_client_raises_a_usage_error(server: FaultServer, mode: str) -> None:
    server.load([])
    if mode == "sync":
        client = OpenAI(api_key=KEY, base_url=server.url)
        client.close()
        calls = [client.chat.completions.update, client.chat.completions.with_raw_response.update]
        for method in calls:
            with pytest.raises(APIUsageError, match="OpenAI is closed"):
                method("c", metadata=None)
    else:

        async def run() -> None:
            client = AsyncOpenAI(api_key=KEY, base_url=server.url)
            await client.close()
            for method in [client.chat.completions.update, client.chat.completions.with_raw_response.update]:
                with pytest.raises(APIUsageError, match="AsyncOpenAI is closed"):
                    await method("c", metadata=None)

        asyncio.run(run())
    assert server.seen == []


@pytest.mark.parametrize("raw", [False, True])
def test_an_async_client_used_in_a_second_event_loop_raises_a_usage_error(server: FaultServer, raw: bool) -> None:
    server.load([])
    client = AsyncOpenAI(api_key=KEY, base_url=server.url, max_retries=0)
    resource = client.chat.completions.with_raw_response if raw else client.chat.completions
    asyncio.run(resource.update("c", metadata=None))
    with pytest.raises(APIUsageError) as info:
        asyncio.run(resource.update("c", metadata=None))
    assert "Event loop is closed" in str(info.value) and "one client per loop" in str(info.value)
