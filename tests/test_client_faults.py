"""Retries, backoff and typed errors, against a scripted HTTP server on 127.0.0.1, sync and async.

The client's sleep is replaced by a recorder: waits are checked, never slept.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import time
from collections import Counter
from typing import Any, Iterator

import pytest

from openai_chat import (
    APIConnectionError,
    APIError,
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
    UnprocessableEntityError,
)

from openai_chat._exceptions import status_error_class

from .faults import DROP, HANG, FaultServer, Reply

KEY = "sk-test-secret-0123456789"
MODES = ["sync", "async"]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    s = FaultServer()
    yield s
    s.close()


def update(mode: str, url: str, sleeps: list[float], call: dict[str, Any] | None = None, **client: Any) -> Any:
    """One `chat.completions.update` call through the sync or the async client, sleeps recorded."""
    call = {"metadata": {"k": "v"}, **(call or {})}
    if mode == "sync":
        with OpenAI(api_key=KEY, base_url=url, **client) as c:
            c._sleep = sleeps.append  # type: ignore[method-assign]
            return c.chat.completions.update("chatcmpl-1", **call)

    async def run() -> Any:
        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        async with AsyncOpenAI(api_key=KEY, base_url=url, **client) as c:
            c._sleep = sleep  # type: ignore[method-assign]
            return await c.chat.completions.update("chatcmpl-1", **call)

    return asyncio.run(run())


def backoff(i: int) -> tuple[float, float]:
    """The range of the i-th backoff wait (0-based): 0.5 s doubling, capped at 8 s, less up to 25%."""
    top = min(0.5 * 2**i, 8.0)
    return 0.75 * top, top


@pytest.mark.parametrize("mode", MODES)
def test_429_honours_retry_after_seconds(server: FaultServer, mode: str) -> None:
    server.load([Reply(429, {"retry-after": "3"}), Reply(429, {"retry-after": "1.5"}), Reply()])
    sleeps: list[float] = []
    result = update(mode, server.url, sleeps)
    assert isinstance(result, ChatCompletion)
    assert len(server.seen) == 3
    assert sleeps == [3.0, 1.5]


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_ms_wins_over_retry_after(server: FaultServer, mode: str) -> None:
    server.load([Reply(429, {"retry-after-ms": "250", "retry-after": "9"}), Reply()])
    sleeps: list[float] = []
    update(mode, server.url, sleeps)
    assert sleeps == [0.25]


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_http_date(server: FaultServer, mode: str) -> None:
    date = int(time.time()) + 30  # an HTTP date has whole seconds
    server.load([Reply(503, {"retry-after": email.utils.formatdate(date, usegmt=True)}), Reply()])
    sleeps: list[float] = []
    started = time.time()
    update(mode, server.url, sleeps)
    ended = time.time()
    # The wait is the date less the time the client read it, which was between started and ended.
    assert len(sleeps) == 1 and date - ended - 1e-3 <= sleeps[0] <= date - started + 1e-3


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", ["120", "0", "-1", "soon", "nan"])
def test_retry_after_out_of_range_falls_back_to_backoff(server: FaultServer, mode: str, value: str) -> None:
    server.load([Reply(429, {"retry-after": value}), Reply()])
    sleeps: list[float] = []
    update(mode, server.url, sleeps)
    low, high = backoff(0)
    assert len(sleeps) == 1 and low <= sleeps[0] <= high


@pytest.mark.parametrize("mode", MODES)
def test_503s_exhaust_retries_with_exponential_backoff(server: FaultServer, mode: str) -> None:
    server.load([Reply(503, body=b'{"error": {"message": "overloaded"}}')] * 3)
    sleeps: list[float] = []
    with pytest.raises(InternalServerError) as info:
        update(mode, server.url, sleeps)
    assert info.value.status_code == 503
    assert "overloaded" in str(info.value)
    assert len(server.seen) == 3  # max_retries (2) + 1
    assert len(sleeps) == 2
    for i, wait in enumerate(sleeps):
        low, high = backoff(i)
        assert low <= wait <= high


@pytest.mark.parametrize("mode", MODES)
def test_backoff_is_capped_at_8_seconds(server: FaultServer, mode: str) -> None:
    server.load([Reply(500)] * 7)
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        update(mode, server.url, sleeps, max_retries=6)
    assert len(server.seen) == 7
    assert [backoff(i)[0] <= w <= backoff(i)[1] for i, w in enumerate(sleeps)] == [True] * 6
    assert max(sleeps) <= 8.0 and sleeps[-1] >= 6.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_retried_statuses(server: FaultServer, mode: str, status: int) -> None:
    server.load([Reply(status), Reply()])
    sleeps: list[float] = []
    assert isinstance(update(mode, server.url, sleeps), ChatCompletion)
    assert len(server.seen) == 2 and len(sleeps) == 1


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
    server.load([Reply(status, {"x-request-id": "req_42"}, b'{"error": {"message": "no"}}'), Reply()])
    sleeps: list[float] = []
    with pytest.raises(error) as info:
        update(mode, server.url, sleeps)
    assert type(info.value) is error
    assert len(server.seen) == 1 and sleeps == []
    assert info.value.request_id == "req_42"
    assert info.value.body == {"error": {"message": "no"}}


@pytest.mark.parametrize("mode", MODES)
def test_x_should_retry_false_stops_retries(server: FaultServer, mode: str) -> None:
    server.load([Reply(503, {"x-should-retry": "false"}), Reply()])
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        update(mode, server.url, sleeps)
    assert len(server.seen) == 1


@pytest.mark.parametrize("mode", MODES)
def test_final_rate_limit_error_carries_the_response(server: FaultServer, mode: str) -> None:
    body = b'{"error": {"message": "slow down", "type": "rate_limit"}}'
    server.load([Reply(429, {"x-request-id": "req_1", "retry-after": "1"}, body)] * 3)
    sleeps: list[float] = []
    with pytest.raises(RateLimitError) as info:
        update(mode, server.url, sleeps)
    e = info.value
    assert (e.status_code, e.request_id, e.headers["retry-after"]) == (429, "req_1", "1")
    assert e.body == {"error": {"message": "slow down", "type": "rate_limit"}}
    assert sleeps == [1.0, 1.0] and len(server.seen) == 3


@pytest.mark.parametrize("mode", MODES)
def test_dropped_connections_end_in_connection_error(server: FaultServer, mode: str) -> None:
    server.load([DROP, DROP, DROP, Reply()])
    sleeps: list[float] = []
    with pytest.raises(APIConnectionError) as info:
        update(mode, server.url, sleeps)
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, Exception)
    assert len(server.seen) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_dropped_connection_is_retried(server: FaultServer, mode: str) -> None:
    server.load([DROP, Reply()])
    sleeps: list[float] = []
    assert isinstance(update(mode, server.url, sleeps), ChatCompletion)
    assert len(server.seen) == 2


@pytest.mark.parametrize("mode", MODES)
def test_slow_responses_end_in_timeout_error(server: FaultServer, mode: str) -> None:
    server.load([HANG] * 3)
    sleeps: list[float] = []
    with pytest.raises(APITimeoutError):
        update(mode, server.url, sleeps, timeout=0.1)
    assert server.wait_seen(3) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("mode", MODES)
def test_per_call_timeout_overrides_the_client(server: FaultServer, mode: str) -> None:
    server.load([HANG, Reply()])
    sleeps: list[float] = []
    with pytest.raises(APITimeoutError):
        update(mode, server.url, sleeps, call={"timeout": 0.1}, max_retries=0)
    assert server.wait_seen(1) == 1


@pytest.mark.parametrize("mode", MODES)
def test_max_retries_zero_makes_one_attempt(server: FaultServer, mode: str) -> None:
    server.load([Reply(503), Reply()])
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        update(mode, server.url, sleeps, max_retries=0)
    assert len(server.seen) == 1 and sleeps == []


@pytest.mark.parametrize("mode", MODES)
def test_retries_are_logged_without_secrets(server: FaultServer, mode: str, caplog: pytest.LogCaptureFixture) -> None:
    server.load([Reply(429, {"retry-after": "2"}), DROP, Reply()])
    with caplog.at_level(logging.DEBUG):
        update(mode, server.url, [])
    ours = [r for r in caplog.records if r.name == "openai_chat"]
    messages = [r.getMessage() for r in ours]
    assert len(ours) == 3, messages
    assert "POST" in messages[0] and f"{server.url}/chat/completions/chatcmpl-1" in messages[0]
    assert "429" in messages[0] and "attempt 1 of 3" in messages[0] and "retrying in 2.00s" in messages[0]
    assert "RemoteProtocolError" in messages[1] and "attempt 2 of 3" in messages[1]
    assert "200" in messages[2] and "attempt 3" in messages[2]
    assert all(re.search(r" in [0-9]+\.[0-9]{3}s \(attempt", m) for m in messages)  # elapsed seconds
    for record in caplog.records:
        assert KEY not in record.getMessage() and KEY not in repr(record.args)


# The campaign: randomized sequences of statuses, hanging and dropped connections.

CAMPAIGN_SEQUENCES = 500
# A hanging step always ends in a timeout; every other reply comes from 127.0.0.1 at once, so
# the timeout only has to be far above any wait for the scheduler (each hang costs it once).
CAMPAIGN_TIMEOUT = 1.0
SLOW = HANG


def random_step(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.15:
        return Reply()
    if kind < 0.40:
        after = rng.choice([None, None, "0.5", "2", "59", "61", "-3", "soon", "ms"])
        headers = {} if after is None else {"retry-after-ms": "300"} if after == "ms" else {"retry-after": after}
        return Reply(429, headers)
    if kind < 0.60:
        return Reply(rng.choice([500, 502, 503, 504, 529]))
    if kind < 0.68:
        return Reply(rng.choice([408, 409]))
    if kind < 0.78:
        return Reply(rng.choice([400, 401, 403, 404, 418, 422]))
    if kind < 0.80:
        return Reply(503, {"x-should-retry": "false"})
    if kind < 0.97:
        return DROP
    return SLOW


def expected(script: list[Any], max_retries: int) -> tuple[type, int, list[float]]:
    """What the client must do with a script: final outcome type, attempts, and the bound of each wait."""
    bounds: list[float] = []
    for i, step in enumerate([*script, Reply()]):
        if step is DROP:
            outcome, retry, header = APIConnectionError, True, None
        elif step is SLOW:
            outcome, retry, header = APITimeoutError, True, None
        elif step.status < 300:
            return ChatCompletion, i + 1, bounds
        else:
            outcome = status_error_class(step.status)
            retry = (step.status in (408, 409, 429) or step.status >= 500) and "x-should-retry" not in step.headers
            header = step.headers
        if not retry or i >= max_retries:
            return outcome, i + 1, bounds
        after = None
        if header and "retry-after-ms" in header:
            after = float(header["retry-after-ms"]) / 1000
        elif header and header.get("retry-after", "").lstrip("-").replace(".", "").isdigit():
            after = float(header["retry-after"])
        bounds.append(after if after is not None and 0 < after <= 60 else min(0.5 * 2**i, 8.0))
    raise AssertionError("unreachable")


def campaign(mode: str, server: FaultServer, sequences: list[tuple[list[Any], int]]) -> list[tuple[Any, list[float], int]]:
    """Run each (script, max_retries) through one client (copies made with with_options): (outcome, sleeps, attempts)."""
    out: list[tuple[Any, list[float], int]] = []
    if mode == "sync":
        with OpenAI(api_key=KEY, base_url=server.url, timeout=CAMPAIGN_TIMEOUT) as base:
            for script, max_retries in sequences:
                server.load(script)
                sleeps: list[float] = []
                client = base.with_options(max_retries=max_retries)
                client._sleep = sleeps.append  # type: ignore[method-assign]
                try:
                    result: Any = client.chat.completions.update("chatcmpl-1", metadata={"k": "v"})
                except APIError as e:
                    result = e
                out.append((result, sleeps, len(server.seen)))
        return out

    async def run() -> None:
        async with AsyncOpenAI(api_key=KEY, base_url=server.url, timeout=CAMPAIGN_TIMEOUT) as base:
            for script, max_retries in sequences:
                server.load(script)
                sleeps: list[float] = []

                async def sleep(seconds: float) -> None:
                    sleeps.append(seconds)

                client = base.with_options(max_retries=max_retries)
                client._sleep = sleep  # type: ignore[method-assign]
                try:
                    result: Any = await client.chat.completions.update("chatcmpl-1", metadata={"k": "v"})
                except APIError as e:
                    result = e
                out.append((result, sleeps, len(server.seen)))

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
    for n, ((script, max_retries), (result, sleeps, seen)) in enumerate(zip(sequences, results)):
        want, want_attempts, bounds = expected(script, max_retries)
        context = f"sequence {n}: {script}, max_retries={max_retries}"
        assert type(result) is want, context + f" -> {result!r}"
        assert seen == want_attempts <= max_retries + 1, context
        assert len(sleeps) == len(bounds), context
        for wait, bound in zip(sleeps, bounds):
            assert 0 <= wait <= bound + 1e-9, context
        outcomes[want.__name__] += 1
        attempts += seen
        waited += sum(sleeps)
    with capsys.disabled():
        print(
            f"\nfault campaign ({mode}): {len(results)} sequences, {attempts} attempts, "
            f"{waited:.1f}s of waits computed (not slept), {elapsed:.1f}s wall; "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        )
