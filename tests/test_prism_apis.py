"""Other teams' APIs, whole: every operation of Petstore and of a Stripe-style spec of our own
(tests/cases/shop: form bodies with deepObject fields, API keys, `*/*`, cookies, webhooks) is called
through the generated client against Prism serving the same spec.

Prism checks each request against the spec (parameters, body, media type, credentials) and answers
a misfit with a problem document of its own (422, 401, 415, 406...): none may come back. Arguments
are made from the IR the package was generated from, every optional one included.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator import ir
from generator.config import load_config
from generator.pipeline import named_api

from .conftest import CASES
from .prism import start_prism, stop

SAMPLES = {
    "email": "ada@example.com",
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "uri": "https://example.com/a",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
}


def sample(api: ir.Api, t: ir.Type, depth: int = 0) -> Any:
    """A value of type t that the spec accepts: required fields only, the first of every choice."""
    decls = {d.key: d for d in api.decls}
    if isinstance(t, ir.Nullable):
        return sample(api, t.inner, depth)
    if isinstance(t, ir.Const):
        return t.value
    if isinstance(t, ir.Primitive):
        c = t.constraints
        if t.kind == "str":
            text = SAMPLES.get(t.format or "", "text")
            return text.ljust(c.min_length or 0, "x")[: c.max_length or None]
        if t.kind in ("int", "float"):
            low = c.minimum if c.minimum is not None else 1
            return int(low) if t.kind == "int" else float(low)
        return {"bool": True, "file": b"data", "bytes": b"data"}[t.kind]
    if isinstance(t, ir.ListOf):
        return [sample(api, t.item, depth + 1)] * max(1, t.constraints.min_items or 1)
    if isinstance(t, ir.MapOf):
        return {"key": sample(api, t.value, depth + 1)}
    if isinstance(t, ir.OneOf):
        return sample(api, t.variants[0], depth)
    if isinstance(t, ir.AnyType):
        return "any"
    decl = decls[t.key]
    if isinstance(decl, ir.Enum):
        return decl.members[0].value
    if isinstance(decl, ir.Alias):
        return sample(api, decl.type, depth)
    return {
        f.wire_name: sample(api, f.type, depth + 1)
        for f in decl.fields
        if f.required or isinstance(f.type, ir.Const)
    }


@pytest.fixture(scope="module", params=["petstore", "shop"])
def served(request, tmp_path_factory):
    case = request.param
    proc, url = start_prism(CASES / case / "openapi.yaml", tmp_path_factory.mktemp("prism") / f"{case}.log")
    try:
        yield case, url
    finally:
        stop(proc)


def test_every_operation_is_accepted_by_the_spec_it_was_generated_from(served, import_case):
    case, url = served
    config = load_config(CASES / case / "config.yaml")
    api = named_api(config)
    package = import_case(case, config.build.package)
    credentials = {arg: f"test-{arg}" for s in api.security_schemes for arg in s.args}
    client = getattr(package, api.client_class)(base_url=url, max_retries=0, **credentials)
    refused, called = [], 0
    for op in api.operations:
        target = client
        for part in (*op.resource, op.method_name):
            target = getattr(target, part)
        positional = [p for p in op.params if p.location in ("path", "content")]
        keywords = [p for p in op.params if p not in positional and p.location != "media"]
        try:
            target(*[sample(api, p.type) for p in positional], **{p.py_name: sample(api, p.type) for p in keywords})
        except package.APIStatusError as e:
            # Prism's own verdicts on the request carry its problem type; the spec's answers do not.
            if isinstance(e.body, dict) and "stoplight.io/prism/errors" in str(e.body.get("type")):
                refused.append((op.operation_id, e.status_code, e.body))
        called += 1
    assert called == len(api.operations) and called >= 7
    assert refused == []
