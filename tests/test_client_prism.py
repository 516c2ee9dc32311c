"""The generated clients against a Prism mock server started from spec/, side by side with the official SDK."""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import openai
import pytest

from openai_chat import APIResponse, AsyncOpenAI, ChatCompletion, OpenAI, UnprocessableEntityError
from openai_chat._models import BaseModel

KEY = "sk-prism-test"


def test_sync_update(prism_url: str) -> None:
    with OpenAI(api_key=KEY, base_url=prism_url) as client:
        result = client.chat.completions.update("chatcmpl-1", metadata={"team": "core"})
    assert isinstance(result, ChatCompletion)
    assert result.object == "chat.completion"
    assert result.choices and result.choices[0].message.role == "assistant"


def test_async_update(prism_url: str) -> None:
    async def run() -> ChatCompletion:
        async with AsyncOpenAI(api_key=KEY, base_url=prism_url) as client:
            return await client.chat.completions.update("chatcmpl-1", metadata=None)

    result = asyncio.run(run())
    assert isinstance(result, ChatCompletion)
    assert result.object == "chat.completion"


def test_raw_response(prism_url: str) -> None:
    with OpenAI(api_key=KEY, base_url=prism_url) as client:
        raw = client.chat.completions.with_raw_response.update("chatcmpl-1", metadata={})
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert isinstance(raw.parse(), ChatCompletion)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_body_that_breaks_the_schema_is_a_422(prism_url: str, mode: str) -> None:
    bad = {"metadata": 42}
    if mode == "sync":
        with OpenAI(api_key=KEY, base_url=prism_url, max_retries=0) as client:
            with pytest.raises(UnprocessableEntityError) as info:
                client.chat.completions.update("chatcmpl-1", metadata=None, extra_body=bad)
    else:

        async def run() -> None:
            async with AsyncOpenAI(api_key=KEY, base_url=prism_url, max_retries=0) as client:
                await client.chat.completions.update("chatcmpl-1", metadata=None, extra_body=bad)

        with pytest.raises(UnprocessableEntityError) as info:
            asyncio.run(run())
    e = info.value
    assert e.status_code == 422
    assert isinstance(e.body, dict) and "validation" in e.body


def compare(ours: Any, theirs: Any, path: str = "$") -> int:
    """Assert the two parsed results agree field by field; return how many leaf values were compared."""
    if isinstance(ours, BaseModel):
        count = 0
        for name in ours.__dataclass_fields__:  # type: ignore[attr-defined]
            count += compare(getattr(ours, name), getattr(theirs, name, None), f"{path}.{name}")
        for name, value in ours.extra_fields.items():
            count += compare(value, getattr(theirs, name, None), f"{path}.{name}")
        return count
    if isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), path
        return sum(compare(a, b, f"{path}[{i}]") for i, (a, b) in enumerate(zip(ours, theirs)))
    if isinstance(ours, dict):
        theirs = theirs if isinstance(theirs, dict) else theirs.model_dump()
        assert set(ours) == set(theirs), path
        return sum(compare(ours[k], theirs[k], f"{path}[{k!r}]") for k in ours)
    if isinstance(ours, enum.Enum):
        ours = ours.value
    # A JSON `number` written as 0 is read as int here and as float there: equal numbers, both valid for `float`.
    numbers = {type(ours), type(theirs)} <= {int, float} and bool not in (type(ours), type(theirs))
    assert ours == theirs and (type(ours) is type(theirs) or numbers), f"{path}: {ours!r} != {theirs!r}"
    return 1


def test_same_call_same_result_as_the_official_sdk(prism_url: str) -> None:
    with OpenAI(api_key=KEY, base_url=prism_url) as ours:
        mine = ours.chat.completions.update("chatcmpl-1", metadata={"team": "core"})
    with openai.OpenAI(api_key=KEY, base_url=prism_url) as official:
        theirs = official.chat.completions.update("chatcmpl-1", metadata={"team": "core"})
    compared = compare(mine, theirs)
    assert compared > 20
    assert mine.to_dict() == theirs.to_dict()
    assert mine._request_id == theirs._request_id


def test_same_async_call_same_result_as_the_official_sdk(prism_url: str) -> None:
    async def run() -> tuple[Any, Any]:
        async with AsyncOpenAI(api_key=KEY, base_url=prism_url) as ours:
            mine = await ours.chat.completions.update("chatcmpl-2", metadata=None)
        async with openai.AsyncOpenAI(api_key=KEY, base_url=prism_url) as official:
            theirs = await official.chat.completions.update("chatcmpl-2", metadata=None)
        return mine, theirs

    mine, theirs = asyncio.run(run())
    assert compare(mine, theirs) > 20
    assert mine.to_dict() == theirs.to_dict()
