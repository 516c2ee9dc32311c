"""Property: any schema, with any names and any text, generates a package that imports and round-trips."""

from __future__ import annotations

import importlib
import itertools
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .specs import build_package, spec, write_spec
from .test_hostile_specs import NAMES, PAYLOADS

names = st.sampled_from(NAMES) | st.text(max_size=8)
texts = st.sampled_from(PAYLOADS) | st.text(max_size=20)


def described(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just(schema), texts.map(lambda t: {**schema, "description": t}))


leaves = st.one_of(
    st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}]),
    st.lists(texts, min_size=2, max_size=4, unique=True).map(lambda v: {"type": "string", "enum": v}),
    texts.map(lambda t: {"const": t}),
).flatmap(described)


def objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    props = st.dictionaries(names, children, min_size=1, max_size=4)
    return props.flatmap(
        lambda p: st.lists(st.sampled_from(sorted(p)), unique=True).map(
            lambda required: {"type": "object", "properties": p, "required": required}
        )
    ).flatmap(described)


schemas = st.recursive(
    leaves,
    lambda children: st.one_of(
        objects(children),
        children.map(lambda s: {"type": "array", "items": s}),
        children.map(lambda s: {"anyOf": [s, {"type": "null"}]}),
    ),
    max_leaves=8,
)

JSON_SCALAR = {"string": st.text(max_size=10), "integer": st.integers(), "boolean": st.booleans(),
               "number": st.floats(allow_nan=False, allow_infinity=False) | st.integers()}


def instances(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.none() | instances(schema["anyOf"][0])
    if schema["type"] == "array":
        return st.lists(instances(schema["items"]), max_size=3)
    if schema["type"] == "object":
        return st.fixed_dictionaries({}, optional={k: instances(v) for k, v in schema["properties"].items()})
    return JSON_SCALAR[schema["type"]]


counter = itertools.count()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(thing=objects(schemas), data=st.data())
def test_any_schema_generates_code_that_imports_and_round_trips(tmp_path: Path, thing: dict[str, Any], data: st.DataObject) -> None:
    n = next(counter)
    package = f"prop{n}"
    path = write_spec(tmp_path / str(n), spec({"Thing": thing}))
    out = tmp_path / str(n) / "out"
    build_package(path, out, package)
    sys.path.insert(0, str(out))
    try:
        models = importlib.import_module(package)
        x = data.draw(instances(thing))
        assert models.Thing.from_dict(x).to_dict() == x
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]
