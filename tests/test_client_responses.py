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
            OpenAI(api_key="sk-test-0123456789", http_client=httpx.Client(transport=transport)).chat.completions.update("c", metadata=None)
        else:
            client = AsyncOpenAI(api_key="sk-test-0123456789", http_client=httpx.AsyncClient(transport=transport))
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
    """The reading rule, through both readers: from_dict (copies, leaves `data` alone) and
    from_json (reads what it decoded in place) must agree, on results and on error paths."""
    raw = json.dumps(data)
    try:
        result = ChatCompletion.from_dict(data)
    except ValidationError as e:
        assert e.json_path.startswith("$")
        with pytest.raises(ValidationError) as again:
            ChatCompletion.from_json(raw)
        assert again.value.json_path == e.json_path
        return
    assert json.dumps(data) == raw  # from_dict changed nothing it was given
    assert ChatCompletion.from_json(raw).to_dict() == data
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


def test_unions_and_maps_read_the_same_from_json(golden_packages: Any) -> None:
    pets = _import(golden_packages("unions"))
    docs = _import(golden_packages("shapes"))
    samples = [
        (pets.EventRecord, {"id": "e", "event": {"kind": "walk", "minutes": 3}, "subject": {"species": "cat"}, "tag": 7,
                            "formula": {"op": "add", "terms": [{"op": "num", "value": 1}, {"op": "mul", "terms": []}]}}),
        (pets.EventRecord, {"id": "e", "event": {"kind": "other", "grams": 2}, "tag": "t", "extra": [1]}),
        (docs.Document, {"id": "d", "created": 1, "sections": [{"heading": "h", "level": 2}], "labels": {"a": "b"},
                         "index": {"w": [{"line": 1, "column": 2}]}, "attributes": {"x": [{}]}, "root": {"children": [{"name": "n"}]}}),
    ]
    for model, data in samples:
        raw = json.dumps(data)
        assert model.from_json(raw).to_dict() == model.from_dict(data).to_dict() == data
        assert json.dumps(data) == raw
    bad = {"id": "d", "created": 1, "sections": [], "index": {"w": [{"line": 1}, {"line": "2"}]}}
    with pytest.raises(Exception) as copying:
        docs.Document.from_dict(bad)
    with pytest.raises(Exception) as owning:
        docs.Document.from_json(json.dumps(bad))
    assert copying.value.json_path == owning.value.json_path == "$.index.w[1].line"


def _import(package: Any) -> Any:
    import importlib
    import sys

    sys.path.insert(0, str(package.parent))
    try:
        return importlib.import_module(package.name)
    finally:
        sys.path.remove(str(package.parent))


# Undeclared fields read as attributes, next to `extra_fields`

# `_keys` and `_request_id` are also names the model keeps its own state under.
WITH_EXTRAS = {**SEED, "seed": 42, "service_notes": {"a": [1]}, "_private": 1, "__deepcopy__": "no", "_keys": None, "_request_id": [1]}


def test_undeclared_fields_read_as_attributes() -> None:
    import copy
    import pickle

    completion = ChatCompletion.from_dict(WITH_EXTRAS)
    assert completion.seed == 42 and completion.service_notes == {"a": [1]}
    assert completion.extra_fields["seed"] == 42
    assert hasattr(completion, "seed") and not hasattr(completion, "nope")
    assert not hasattr(completion, "_private") and completion.extra_fields["_private"] == 1
    assert completion.extra_fields["_keys"] is None and completion.to_dict() == WITH_EXTRAS
    with pytest.raises(AttributeError, match="'ChatCompletion' object has no attribute 'nope'"):
        completion.nope  # noqa: B018
    for other in (copy.copy(completion), copy.deepcopy(completion), pickle.loads(pickle.dumps(completion))):
        assert other == completion and other.seed == 42 and other.to_dict() == WITH_EXTRAS
    declared = {k: v for k, v in SEED.items() if k in ChatCompletion.__dataclass_fields__}
    assert "seed" in SEED and "seed" not in declared
    plain = ChatCompletion.from_dict(declared)  # nothing undeclared: the fast path
    assert not hasattr(plain, "seed") and plain.id == SEED["id"]
    assert copy.deepcopy(plain).to_dict() == declared


# Writing deep free-form values back


def _docs(golden_packages: Any) -> Any:
    return _import(golden_packages("shapes"))


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for i in range(depth):
        value = {"k": value} if i % 2 else [value]
    return value


def test_a_deep_free_form_value_writes_back_or_fails_typed(golden_packages: Any) -> None:
    import importlib

    docs = _docs(golden_packages)
    data = {"id": "d", "created": 1, "sections": [], "raw": nested(600), "attributes": {"x": nested(600)}}
    document = docs.Document.from_dict(data)
    assert document.to_dict() == data
    assert json.loads(document.to_json()) == data
    error = importlib.import_module(docs.__name__ + "._models").ValidationError
    document.raw = nested(5000)
    with pytest.raises(error, match=r"^\$: value nested too deeply to write as JSON"):
        document.to_dict()
    with pytest.raises(error, match="nested too deeply to write as JSON"):
        document.to_json()
    loop: list[Any] = []
    loop.append(loop)
    document.raw = loop
    with pytest.raises(error, match="or it contains itself"):
        document.to_json()


# Parsing leaves the interpreter alone


def test_parsing_never_touches_the_garbage_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "enable", lambda: calls.append("enable"))
    raw = json.dumps(SEED).encode()
    ChatCompletion.from_dict(SEED)
    ChatCompletion.from_json(raw)
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=raw))
    client = OpenAI(api_key="sk-test-0123456789", http_client=httpx.Client(transport=transport))
    client.chat.completions.update("c", metadata=None)
    client.chat.completions.with_raw_response.update("c", metadata=None).parse()
    assert calls == []


def test_an_application_that_turned_the_collector_off_keeps_it_off() -> None:
    import gc
    import threading

    raw = json.dumps(SEED).encode()
    gc.disable()
    try:
        workers = [threading.Thread(target=lambda: [ChatCompletion.from_json(raw) for _ in range(200)]) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_raw_json_of_a_body_that_is_not_json_is_typed(mode: str) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=b"<html>"))
    if mode == "sync":
        raw = OpenAI(api_key="sk-test-0123456789", http_client=httpx.Client(transport=transport)).chat.completions.with_raw_response.update("c", metadata=None)
    else:
        client = AsyncOpenAI(api_key="sk-test-0123456789", http_client=httpx.AsyncClient(transport=transport))
        raw = asyncio.run(client.chat.completions.with_raw_response.update("c", metadata=None))  # type: ignore[arg-type]
    with pytest.raises(APIResponseValidationError, match=r"^\$: response body is not valid JSON"):
        raw.json()
    with pytest.raises(APIResponseValidationError):
        raw.parse()


def test_undeclared_fields_are_any_to_a_type_checker(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    from .conftest import GENERATED

    snippet = tmp_path / "use.py"
    snippet.write_text(
        "from openai_chat import ChatCompletion\n"
        "c = ChatCompletion.from_json('{}')\n"
        "reveal_type(c.seed)\n"
        "reveal_type(c.id)\n"
        "n: int = c.id\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
    )
    lines = result.stdout.splitlines()
    assert any('Revealed type is "Any"' in line and ":3:" in line for line in lines), result.stdout
    assert any('Revealed type is "str"' in line and ":4:" in line for line in lines), result.stdout
    assert any(":5: error: Incompatible types in assignment" in line for line in lines), result.stdout  # declared fields stay checked
