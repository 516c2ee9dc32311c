"""Malformed 2xx responses end in APIResponseValidationError (naming the JSON path, carrying the raw
response), never a bare KeyError/TypeError/AttributeError; random JSON fed to the model reader."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openai_chat import APIResponseValidationError, AsyncOpenAI, ChatCompletion, OpenAI
from openai_chat._models import ValidationError

from .conftest import DATA

SEED = json.loads((DATA / "seed_004_response.json").read_bytes())

MALFORMED = [
    (b"not json", "$"),
    (b"\xff\xfe\x00", "$"),
    (b"", "$"),
    (b"[]", "$"),
    (b'"text"', "$"),
    (b'{"choices": {}}', "$.choices"),
    (b'{"choices": [{"message": 5}]}', "$.choices[0].message"),
    (b'{"choices": [[]]}', "$.choices[0]"),
    (b'{"id": 5}', "$.id"),
    (b'{"created": 1e999}', "$.created"),
    (b'{"created": 1' + b"0" * 5000 + b"}", "$"),
    (b'{"usage": {"prompt_tokens": "12"}}', "$.usage.prompt_tokens"),
    (b'{"metadata": {"a": 1}}', "$.metadata.a"),
    (b'{"metadata": {"not an identifier": []}}', "$.metadata['not an identifier']"),
    (b"[" * 100_000 + b"]" * 100_000, "$"),
    (b'{"x":' * 50_000 + b"1" + b"}" * 50_000, "$"),
]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("body, path", MALFORMED, ids=[repr(b[:24]) for b, _ in MALFORMED])
def test_malformed_responses_raise_a_typed_error(mode: str, body: bytes, path: str) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"x-request-id": "req_bad"})

    transport = httpx.MockTransport(reply)
    with pytest.raises(APIResponseValidationError) as info:
        if mode == "sync":
            OpenAI(api_key="k", http_client=httpx.Client(transport=transport)).chat.completions.update("c", metadata=None)
        else:
            client = AsyncOpenAI(api_key="k", http_client=httpx.AsyncClient(transport=transport))
            asyncio.run(client.chat.completions.update("c", metadata=None))  # type: ignore[arg-type]
    e = info.value
    assert e.path == path
    assert str(e).startswith(path)
    assert e.response.content == body and e.status_code == 200 and e.request_id == "req_bad"
    assert e.__cause__ is None and e.__suppress_context__


# Random JSON: the reading rule. Missing or null fields parse, unknown fields are kept, only a value
# of the wrong JSON type is an error (a ValidationError naming its path), and what is read writes
# back unchanged.

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


def check_contract(data: Any) -> None:
    try:
        result = ChatCompletion.from_dict(data)
    except ValidationError as e:
        assert e.json_path.startswith("$")
        return
    assert result.to_dict() == data
    known = {f for f in ChatCompletion.__dataclass_fields__}
    assert set(result.extra_fields) == {k for k in data if k not in known}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json(data: Any) -> None:
    check_contract(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_response(draw: st.DataObject) -> None:
    data = json.loads(json.dumps(SEED))
    for _ in range(draw.draw(st.integers(1, 4))):
        candidates = [p for p in paths(data) if p]
        if not candidates:
            break
        where = draw.draw(st.sampled_from(candidates))
        parent: Any = data
        for key in where[:-1]:
            parent = parent[key]
        action = draw.draw(st.sampled_from(["delete", "null", "replace", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[where[-1]]
        elif action == "null" and isinstance(parent, dict):
            parent[where[-1]] = None
        elif action == "add" and isinstance(parent, dict):
            parent["x_unknown_" + draw.draw(st.text(max_size=4))] = draw.draw(json_values)
        else:
            parent[where[-1]] = draw.draw(json_values)
    check_contract(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_deleting_or_nulling_fields_never_fails(draw: st.DataObject) -> None:
    data = json.loads(json.dumps(SEED))
    # Objects that are models (maps such as `metadata` hold typed values, where null is a wrong type).
    objects = [p for p in paths(data) if isinstance(_at(data, p), dict) and not (p and p[-1] in MAPS)]
    for _ in range(draw.draw(st.integers(1, 6))):
        where = draw.draw(st.sampled_from(objects))
        target = _at(data, where)
        if isinstance(target, dict) and target:
            key = draw.draw(st.sampled_from(sorted(target)))
            if draw.draw(st.booleans()):
                del target[key]
            else:
                target[key] = None
    result = ChatCompletion.from_dict(data)
    assert result.to_dict() == data


MAPS = {"metadata", "categories", "category_scores", "category_applied_input_types"}


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data
