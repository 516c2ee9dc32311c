"""Generated output is compared, byte for byte, with committed golden trees."""

from __future__ import annotations

import pytest

from generator.pipeline import generate

from .golden import GOLDEN, REGENERATE, case_config, case_diff, cases


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_tree(case):
    diff = case_diff(case)
    assert not diff, f"{case.name} differs from its golden tree (after a deliberate change run `{REGENERATE}`):\n{diff}"


def test_openapi_30_and_31_nullability_give_the_same_package():
    """`nullable: true` (3.0) and anyOf-null / type arrays (3.1) describe the same models."""
    v30 = generate(case_config(GOLDEN / "nullable_30"))
    v31 = generate(case_config(GOLDEN / "nullable_31"))
    assert v30 == v31
    thing = v30["types/things/thing.py"]
    assert "label: str | None\n" in thing
    assert "owner: Owner | None = None\n" in thing
    assert "scores: dict[str, float | None] | None = None\n" in thing


def test_unsupported_operation_is_skipped_with_a_warning_not_silently(tmp_path):
    import subprocess
    import sys

    config = GOLDEN / "unions" / "config.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--config", str(config), "--out", str(tmp_path), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"warning: {GOLDEN / 'unions' / 'openapi.yaml'}#/components/securitySchemes/mtls/type: "
        "operation skipped: security scheme type 'mutualTLS' is not supported (apiKey, http, oauth2, openIdConnect)"
    ]
    pets = tmp_path / "pets" / "resources" / "pets"
    assert "/tricks" not in (pets / "__init__.py").read_text() and "def _pets_documents_create" in (pets / "documents.py").read_text()
    assert not (pets / "tricks.py").exists()


def test_a_union_that_contains_itself_through_a_model_reads_and_writes(monkeypatch, pets_package):
    pets = _pets(monkeypatch, pets_package)
    Combine, EventRecord, Number = pets.Combine, pets.EventRecord, pets.Number

    data = {
        "id": "e1",
        "event": {"kind": "walk", "minutes": 3},
        "formula": {"op": "add", "terms": [{"op": "num", "value": 1}, {"op": "mul", "terms": [{"op": "num", "value": 2.5}]}]},
    }
    record = EventRecord.from_dict(data)
    assert isinstance(record.formula, Combine)
    assert isinstance(record.formula.terms[0], Number)
    inner = record.formula.terms[1]
    assert isinstance(inner, Combine) and inner.op == "mul"
    assert record.to_dict() == data


@pytest.fixture
def pets_package(golden_packages):
    return golden_packages("unions")


def _pets(monkeypatch, package):
    import importlib
    import sys

    monkeypatch.syspath_prepend(str(package.parent))
    for name in [m for m in sys.modules if m == package.name or m.startswith(package.name + ".")]:
        monkeypatch.delitem(sys.modules, name)
    return importlib.import_module(package.name)


def test_multipart_upload_and_binary_response(monkeypatch, pets_package):
    import httpx

    pets = _pets(monkeypatch, pets_package)
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"%PDF-1.7 ...", headers={"content-type": "application/pdf"})

    client = pets.PetsClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    pdf = client.pets.documents.create("p1", file=("vet.txt", b"all good"), title="Checkup", tags=["a", "b"], urgent=False)
    assert pdf == b"%PDF-1.7 ..."
    (request,) = seen
    assert request.url.path == "/pets/p1/documents"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.content
    assert b'name="file"; filename="vet.txt"' in body and b"all good" in body
    assert b'name="title"\r\n\r\nCheckup' in body
    assert body.count(b'name="tags"') == 2
    assert b'name="urgent"\r\n\r\nfalse' in body


def test_raw_binary_body(monkeypatch, pets_package):
    import httpx

    pets = _pets(monkeypatch, pets_package)
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = pets.PetsClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert client.pets.photo.update("p1", body=b"\x89PNG...") is None
    assert seen[0].method == "PUT" and seen[0].content == b"\x89PNG..."


def test_header_and_query_parameters_are_sent(monkeypatch, golden_packages):
    import httpx

    docs = _pets(monkeypatch, golden_packages("shapes"))  # any golden package imports the same way
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "d1", "created": 1, "sections": []})

    client = docs.DocsClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    document = client.documents.retrieve("d1", expand=["a", "b"], x_request_tag="t-9", extra_headers={"X-Other": "1"})
    assert document.id == "d1"
    (request,) = seen
    assert request.headers["X-Request-Tag"] == "t-9" and request.headers["X-Other"] == "1"
    assert request.url.params.get_list("expand") == ["a", "b"]
    client.documents.retrieve("d2")
    assert "X-Request-Tag" not in seen[1].headers
